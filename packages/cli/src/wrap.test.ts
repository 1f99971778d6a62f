import { describe, expect, it } from "vitest";
import { checkTable } from "./commands/reproduce.js";
import { wrap } from "./wrap.js";

const words = (lines: string[]) => lines.join(" ").split(/\s+/).filter((w) => w !== "" && w !== "→");

describe("wrap", () => {
  it("keeps every line within the width, every word in order, and the prefixes", () => {
    const text = "1024 of 1024 cells (100%) match the prediction e₂ if α₂ > ρ, e₁ if α₁ > ρ ≥ α₂, 0 otherwise";
    for (const width of [20, 40, 80]) {
      const lines = wrap(text, width, "  → ", "    ");
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(width);
      expect(lines[0]!.startsWith("  → ")).toBe(true);
      for (const l of lines.slice(1)) expect(l.startsWith("    ")).toBe(true);
      expect(words(lines)).toEqual(text.split(" "));
    }
    expect(wrap(text, 200)).toEqual([text]);
  });

  it("cuts a word longer than a line over several lines, losing nothing", () => {
    const long = "x".repeat(45);
    const lines = wrap(`a ${long} b`, 20, "  ");
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(20);
    expect(lines.join("").replace(/\s/g, "")).toBe(`a${long}b`);
  });
});

describe("the reproduce table on a terminal", () => {
  it("fits 80 columns and shows every check's name and measurement in full", () => {
    const checks = [
      { name: "sam-linf, L = 1, 12 examples: → the l2 max-margin direction", measured: "angle to l2: 0.147° at τ = 1000 (to l1: 39.7°); constant η at t = 1.00e+4: 8.16°", criterion: "angle ≤ 1°", pass: true },
      { name: "short", measured: "cells: e₁ 256, e₂ 512, 0 256, stalled 0, not converged 0 of 1024", criterion: "", pass: false },
    ];
    const text = checkTable([{ id: "depth1-l2-margin", title: "", claim: "", pass: false, runs: 2, ms: 1, checks, figures: [], notes: [] } as never], 80);
    const lines = text.split("\n");
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);
    const flat = text.replace(/\s+/g, " ");
    for (const c of checks) {
      expect(flat).toContain(c.name);
      expect(flat).toContain(c.measured);
    }
    expect(text).toMatch(/^ {2}pass {2}sam-linf/m);
    expect(text).toMatch(/^ {2}FAIL {2}short$/m);
  });
});
