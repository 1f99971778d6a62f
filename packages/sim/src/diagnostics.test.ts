/**
 * Diagnostics: the limit classifier on constructed final states (each class and the
 * borderline cases), the amplification order reading, and the diagnostics of real runs.
 */
import { describe, expect, it, vi } from "vitest";
import { amplificationOrder, classifyFinal, cosine } from "./diagnostics.js";
import { MaxMarginSolver } from "./maxmargin.js";
import { simulate } from "./simulate.js";
import { parseSpec, SpecError } from "./spec.js";

const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((a) => a / n);
};

describe("classifyFinal: constructed final states", () => {
  // Depth 2 throughout; ‖w‖₂^L is passed directly as wNorm² via wNorm = sqrt(scale).
  const refs = { l1: [0, 0, 1], l2: unit([1, 2, 3]) };

  it("zero: ‖β‖₂/‖w‖₂^L below the tolerance wins over everything", () => {
    // β = 1e-4·e3 with ‖w‖₂ = 1: ratio 1e-4 < 1e-3, although the direction is the ℓ1 one.
    const c = classifyFinal([0, 0, 1e-4], 1, 2, refs);
    expect(c.class).toBe("zero");
    expect(c.distances.zeroRatio).toBeCloseTo(1e-4, 15);
    expect(c.matches).toEqual(["zero", "l1-max-margin", "basis(2)"]);
  });

  it("zero borderline: ratio just above the tolerance is not zero", () => {
    expect(classifyFinal([0, 0, 1.0001e-3], 1, 2, refs).class).toBe("l1-max-margin");
    expect(classifyFinal([0, 0, 0.9999e-3], 1, 2, refs).class).toBe("zero");
    expect(classifyFinal([0, 0, 0], 1, 2, refs).class).toBe("zero");
  });

  it("l1-max-margin and l2-max-margin, and the nearer one when both match", () => {
    expect(classifyFinal([0.001, 0, 5], 3, 2, refs).class).toBe("l1-max-margin");
    expect(classifyFinal([1.01, 2, 3], 3, 2, refs).class).toBe("l2-max-margin");
    // Two references 0.04 apart, β between them nearer the ℓ2 one.
    const close = { l1: unit([1, 0.04, 0]), l2: unit([1, 0, 0]) };
    const c = classifyFinal([1, 0.01, 0], 1, 2, close, 0.05);
    expect(c.class).toBe("l2-max-margin");
    expect(c.matches.slice(0, 2)).toEqual(["l2-max-margin", "l1-max-margin"]);
  });

  it("basis(j) for a minor coordinate, with its sign", () => {
    const c = classifyFinal([-2, 0.01, 0.02], 2, 2, refs);
    expect(c.class).toBe("basis(0)");
    expect(c.coord).toBe(0);
    expect(c.sign).toBe(-1);
  });

  it("other, and the tolerance borderline (distance ≤ tolerance matches)", () => {
    expect(classifyFinal([1, 1, 0], 1, 2, refs).class).toBe("other");
    // u = (cos θ, sin θ, 0): distance to e1 is 2 sin(θ/2). Pick θ so that it is 0.05 ± 1e-9.
    const at = (dist: number) => {
      const th = 2 * Math.asin(dist / 2);
      return [Math.cos(th), Math.sin(th), 0];
    };
    const inside = classifyFinal(at(0.05 - 1e-9), 1, 2, refs);
    expect(inside.class).toBe("basis(0)");
    expect(inside.distances.basis).toBeLessThanOrEqual(0.05);
    const outside = classifyFinal(at(0.05 + 1e-9), 1, 2, refs);
    expect(outside.class).toBe("other");
    expect(outside.distances.basis).toBeGreaterThan(0.05);
  });

  it("without references only zero / basis / other are possible", () => {
    expect(classifyFinal([0, 0, 1], 1, 2, {}).class).toBe("basis(2)");
    expect(classifyFinal([0, 0, 1], 1, 2, {}).distances.l1).toBeUndefined();
  });
});

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
    expect(dg.limit.class).toBe("l2-max-margin");
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
    expect(dg.limit.class).toBe("l1-max-margin");
    expect(dg.limit.matches).toContain("basis(2)");
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
