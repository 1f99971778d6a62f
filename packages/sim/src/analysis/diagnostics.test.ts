/**
 * Diagnostics: the amplification order reading and the diagnostics of real runs (the limit
 * classifier's own cases are in limit.test.ts).
 */
import { describe, expect, it, vi } from "vitest";
import { amplificationOrder } from "./amplification.js";
import { cosine } from "./diagnostics.js";
import { MaxMarginSolver } from "./maxmargin/solver.js";
import { simulate } from "../run/stream.js";
import { SpecError } from "../spec/errors.js";
import { parseSpec } from "../spec/schema.js";

const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((a) => a / n);
};

describe("amplificationOrder", () => {
  const ch = (coord: number, magnitude: number, step: number) => ({ coord, magnitude, step, t: step * 0.1 });
  it("minor first: the first entry (set by the initialization) is ignored, the rest non-decreasing", () => {
    const a = amplificationOrder([ch(2, 3, 0), ch(0, 1, 10), ch(1, 2, 100), ch(2, 3, 1000)], [1, 2, 3]);
    expect(a.minorFirst).toBe(true);
    expect(a.majorLast).toBe(true);
    expect(a.switches).toBe(3);
  });
  it("not minor first: a decrease, or fewer than two entries after the first", () => {
    expect(amplificationOrder([ch(0, 1, 0), ch(2, 3, 10), ch(1, 2, 100)], [1, 2, 3]).minorFirst).toBe(false);
    expect(amplificationOrder([ch(0, 1, 0), ch(2, 3, 10)], [1, 2, 3]).minorFirst).toBe(false);
    expect(amplificationOrder([], [1, 2, 3]).majorLast).toBe(false);
  });
  it("a first entry decided after the first recorded point is a takeover of training, not of the initialization", () => {
    const a = amplificationOrder([ch(1, 2, 36), ch(2, 3, 150)], [1, 2, 3], 0);
    expect(a.minorFirst).toBe(true); // both entries count
    expect(a.switches).toBe(1);
    expect(amplificationOrder([ch(1, 2, 0), ch(2, 3, 150)], [1, 2, 3], 0).minorFirst).toBe(false); // the first is the init's
    expect(amplificationOrder([], [1, 2], 0, "tied").none).toBe("tied");
  });
  it("ties in magnitude count as non-decreasing", () => {
    expect(amplificationOrder([ch(0, 1, 0), ch(1, 2, 1), ch(2, 2, 2)], [1, 2, 2]).minorFirst).toBe(true);
  });
});

describe("diagnostics in simulate()", () => {
  it("L = 1, GD, one example: direction → the ℓ2 max-margin x/‖x‖ (claim 1), class l2-max-margin", async () => {
    const r = await simulate({ version: 1, data: { x: [[1, 2, 3]], y: [1] }, depth: 1, algo: "gd", lr: 0.1, steps: 2000, init: { alpha: 0 }, engine: "reference" });
    const dg = r.diagnostics!;
    expect(dg.references).toBe("computed");
    expect(dg.separable).toBe(true);
    // From β(0) = 0 every GD step adds a multiple of x, so β ∥ x exactly.
    expect(dg.finalCosine!.l2).toBeCloseTo(1, 12);
    expect(dg.limit.kind).toBe("l2-max-margin");
    expect(dg.limit.coord).toBeUndefined();
    expect(dg.marginGap!.l2).toBeLessThan(1e-12);
    // ℓ1 reference of one example: e_3 (largest |x_j|); cos(x, e3) = 3/√14.
    expect(dg.finalCosine!.l1).toBeCloseTo(3 / Math.sqrt(14), 12);
    expect(dg.cosine!.l2!.length).toBe(r.trajectory.step.length);
    expect(cosine(r.final.beta, dg.maxMargin!.l2!.beta)).toBeCloseTo(dg.finalCosine!.l2!, 15);
  });

  it("L = 2, GD, one example: the largest coordinate takes over (class l1-max-margin = basis of the major coordinate)", async () => {
    const r = await simulate({ version: 1, data: { generator: "single", d: 3, scale: 1 }, depth: 2, algo: "gd", lr: 0.05, steps: 20000, init: { alpha: 0.01 }, engine: "reference" });
    const dg = r.diagnostics!;
    expect(dg.maxMargin!.l1!.beta).toEqual([0, 0, 1]);
    expect(dg.limit.kind).toBe("l1-max-margin");
    expect(dg.limit.coord).toBe(2); // the reference is e₃ (0-based coord 2)
    expect(dg.limit.sign).toBe(1);
    expect(dg.amplification.majorLast).toBe(true);
  });

  it("diagnostics spec field: defaults, maxMargin false, too large, bad values", async () => {
    expect(parseSpec({ version: 1, data: { x: [[1]] } }).diagnostics).toBeUndefined();
    const off = await simulate({ version: 1, data: { x: [[1, 2]] }, steps: 10, diagnostics: { maxMargin: false }, engine: "reference" });
    expect(off.diagnostics!.references).toBe("skipped");
    expect(off.diagnostics!.limit.distances.l1).toBeUndefined();
    const big = await simulate({ version: 1, data: { x: [[1, 2]] }, steps: 10, diagnostics: { maxCells: 1 }, engine: "reference" });
    expect(big.diagnostics!.message).toMatch(/n·d = 2 > diagnostics.maxCells = 1/);
    expect(() => parseSpec({ version: 1, data: { x: [[1]] }, diagnostics: { maxMargin: "yes" } })).toThrow(SpecError);
    expect(() => parseSpec({ version: 1, data: { x: [[1]] }, diagnostics: { maxMargin: "yes" } })).toThrow(/^diagnostics\.maxMargin: expected true, false or "auto"/);
    expect(() => parseSpec({ version: 1, data: { x: [[1]] }, diagnostics: { limitTolerance: 0 } })).toThrow(/^diagnostics\.limitTolerance:/);
    for (const k of ["zeroLoss", "zeroPrediction", "stallLoss", "flatLoss"]) {
      expect(() => parseSpec({ version: 1, data: { x: [[1]] }, diagnostics: { [k]: 1 } })).toThrow(new RegExp(`^diagnostics\\.${k}: expected a number in \\(0, 1\\)`));
      expect(() => parseSpec({ version: 1, data: { x: [[1]] }, diagnostics: { [k]: 0 } })).toThrow(new RegExp(`^diagnostics\\.${k}:`));
      expect(parseSpec({ version: 1, data: { x: [[1]] }, diagnostics: { [k]: 0.2 } }).diagnostics).toEqual({ [k]: 0.2 });
    }
    expect(() => parseSpec({ version: 1, data: { x: [[1]] }, diagnostics: { zeroTolerance: 1e-3 } })).toThrow(/^diagnostics\.zeroTolerance: unknown field/);
    expect(() => parseSpec({ version: 1, data: { x: [[1]] }, diagnostics: { tolerance: 1 } })).toThrow(/^diagnostics\.tolerance: unknown field/);
  });

  it("non-separable data: references say so, no cosines", async () => {
    const r = await simulate({ version: 1, data: { x: [[1, 0], [-1, 0]], y: [1, 1] }, steps: 10, engine: "reference" });
    expect(r.diagnostics!.separable).toBe(false);
    expect(r.diagnostics!.cosine).toBeUndefined();
    expect(r.diagnostics!.message).toMatch(/not linearly separable/);
  });
});

describe("reference cache", () => {
  it("a second run on the same data reuses the references without solving again (same numbers, separate arrays)", async () => {
    // the solver's calls are the observable: a cache that misses would solve the same data twice
    const solves = vi.spyOn(MaxMarginSolver.prototype, "solveAll");
    try {
      const spec = { version: 1 as const, data: { x: [[1, 2.25], [2, -1]], y: [1, 1] }, steps: 50, engine: "reference" as const };
      const a = await simulate(spec);
      expect(solves).toHaveBeenCalledTimes(1);
      const b = await simulate({ ...spec, lr: 0.02 });
      expect(solves).toHaveBeenCalledTimes(1);
      expect(b.diagnostics!.references).toBe("computed");
      expect(b.diagnostics!.maxMargin).toEqual(a.diagnostics!.maxMargin);
      expect(b.diagnostics!.maxMargin!.l1!.beta).not.toBe(a.diagnostics!.maxMargin!.l1!.beta);
      // other data (one entry differs): solved anew
      const c = await simulate({ ...spec, data: { x: [[1, 2.25], [2, -1.5]], y: [1, 1] } });
      expect(solves).toHaveBeenCalledTimes(2);
      expect(c.diagnostics!.maxMargin!.l2!.beta).not.toEqual(a.diagnostics!.maxMargin!.l2!.beta);
    } finally {
      solves.mockRestore();
    }
  });
});
