import { parseSpec } from "@samlab/sim";
import { describe, expect, it } from "vitest";
import { PRESETS } from "./presets.js";
import { cellSpec, classify, phaseGrid } from "./phase.js";
import { acceptSpecText, cliCommand, loadFromQuery, queryFor, WEB_LIMITS } from "./spec-state.js";

const base = { version: 1, data: { x: [[1, 2]] } };

describe("URL state", () => {
  it("reads ?spec= (URL-encoded JSON) and writes a query that reads back to the same spec", () => {
    const spec = parseSpec({ ...base, name: "a & b ? c=d #e", steps: 1234, init: { alpha: [0.1, 0.2] } });
    const q = queryFor(spec);
    expect(q.startsWith("?spec=")).toBe(true);
    const back = loadFromQuery(q);
    expect(back.source).toBe("spec");
    expect(back.spec).toEqual(spec);
    expect(back.messages).toEqual([]);
    expect(queryFor(back.spec)).toBe(q);
  });

  it("also reads a ?spec= whose JSON has a literal '+' (percent-encoding without form encoding)", () => {
    const l = loadFromQuery(`?spec=${encodeURIComponent('{"version":1,"data":{"x":[[1,2]]},"steps":1e+3,"rho":0.05}')}`.replace("%2B", "+"));
    expect(l.error).toBeUndefined();
    expect(l.spec.steps).toBe(1000);
  });

  it("reads ?preset=<id> for every preset, and every preset is a valid spec", () => {
    for (const p of PRESETS) {
      const l = loadFromQuery(`?preset=${p.id}`);
      expect(l.presetId).toBe(p.id);
      expect(l.spec).toEqual(parseSpec(p.spec));
    }
    expect(loadFromQuery("?preset=nope").error?.field).toBe("preset");
  });

  it("falls back to the default preset with a message naming the field when the spec is bad", () => {
    const bad = loadFromQuery(`?spec=${encodeURIComponent(JSON.stringify({ ...base, depth: "<b>" }))}`);
    expect(bad.error?.field).toBe("depth");
    expect(bad.messages[0]).toMatch(/^Link not loaded: depth: /);
    expect(bad.source).toBe("default");
    expect(loadFromQuery("?spec=%7B").error?.field).toBe("spec");
    expect(loadFromQuery(`?spec=${"1".repeat(WEB_LIMITS.maxSpecChars + 1)}`).error?.message).toMatch(/at most 100000 characters/);
  });
});

describe("web caps", () => {
  it("clamps steps, depth, generated n and d and record.points, with one message each", () => {
    const s = acceptSpecText(JSON.stringify({ version: 1, data: { generator: "gaussian-sparse", n: 20000, d: 2000 }, depth: 64, steps: 1e12, record: { points: 100000 } }));
    expect(s.spec.steps).toBeLessThanOrEqual(WEB_LIMITS.maxSteps);
    expect(s.spec.depth).toBe(WEB_LIMITS.maxDepth);
    expect(s.spec.data).toMatchObject({ n: 200, d: 200 });
    expect(s.spec.record.points).toBe(WEB_LIMITS.maxPoints);
    expect(s.messages.map((m) => m.split(":")[0])).toEqual(["data.d", "data.n", "depth", "steps", "record.points"]);
  });

  it("rejects inline data beyond the caps, data files and named data sets, naming the field", () => {
    const big = { version: 1, data: { x: Array.from({ length: 2001 }, () => [1]) } };
    expect(() => acceptSpecText(JSON.stringify(big))).toThrow(/data\.x: expected at most 2000 examples/);
    expect(() => acceptSpecText(JSON.stringify({ version: 1, data: { file: "x.csv" } }))).toThrow(/data\.file/);
  });

  it("keeps specs within the caps unchanged", () => {
    const spec = parseSpec({ ...base, steps: 1e6, depth: 3 });
    expect(acceptSpecText(JSON.stringify(spec))).toEqual({ spec, messages: [] });
  });
});

describe("samlab run command", () => {
  it("quotes the spec for a POSIX shell (single quotes in names survive)", () => {
    const spec = parseSpec({ ...base, name: "it's" });
    const cmd = cliCommand(spec);
    expect(cmd).toBe(`echo '${JSON.stringify(spec).replace(/'/g, `'\\''`)}' | samlab run --spec - --json`);
  });
});

describe("phase diagram", () => {
  it("spans ρ/10 … 10ρ on a log grid and makes ℓ∞-SAM cell specs with per-coordinate α", () => {
    const g = phaseGrid(0.01, 1, 12);
    expect(g.edges).toHaveLength(13);
    expect(g.edges[0]).toBeCloseTo(0.01, 12);
    expect(g.edges[12]).toBeCloseTo(1, 12);
    const spec = parseSpec({ ...base, algo: "gd", steps: 1e6 });
    const c = cellSpec(spec, g, 2, 9);
    expect(c.algo).toBe("sam-linf");
    expect(c.init).toEqual({ alpha: [g.centres[2], g.centres[9]] });
    expect(c.steps).toBe(50_000);
    expect(() => parseSpec(c)).not.toThrow();
  });

  it("classifies a cell as β → 0 when ‖β‖₂/‖w‖₂^L is far below L^(−L/2)", () => {
    const cell = { index: 0, dominant: 1, shares: [0.1, 0.9], l1: 1, ok: true };
    expect(classify({ ...cell, ratio: 0.5 }, 2)).toBe(1);
    expect(classify({ ...cell, ratio: 0.01 }, 2)).toBe("zero");
    expect(classify({ ...cell, ok: false, ratio: 0.5 }, 2)).toBe("diverged");
  });
});
