/**
 * The one limit classifier on constructed states: each rule, its thresholds at their borders, the
 * order of the rules, the references, overflowing β, and the names people read. Real runs (the
 * acceptance cases and the batch/single agreement) are in run/limit.test.ts.
 */
import { describe, expect, it } from "vitest";
import { basisOf, classifyLimit, LIMIT_DEFAULTS, limitLabel, lossAtZero, type LimitInput } from "./limit.js";

const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((a) => a / n);
};

/** One example x = (1, 2, 3), y = +1 (dataScale √14). */
const data = { x: [1, 2, 3], y: [1], n: 1, d: 3 };
const input = (beta: number[], betaMid: number[] = beta, beta0: number[] = [1e-3, 1e-3, 1e-3]): LimitInput => ({ beta0, betaMid, beta, data, depth: 2, lossKind: "logistic" });
const scale = Math.sqrt(14);

describe("classifyLimit: rules on constructed states", () => {
  it("zero: loss at ℓ(0), predictions negligible and not grown beyond the start or the look-back point", () => {
    // prediction 6e-5 at the end, 6e-3 at the start: a collapse
    const c = classifyLimit(input([1e-5, 1e-5, 1e-5], [1e-5, 1e-5, 1e-5]));
    expect(c.kind).toBe("zero");
    expect(c.evidence.prediction).toBeCloseTo(6e-5, 15);
    expect(c.evidence.prediction0).toBeCloseTo(6e-3, 15);
    expect(c.evidence.dataScale).toBeCloseTo(scale, 15);
    expect(c.evidence.lossAtZero).toBe(Math.LN2);
    expect(classifyLimit(input([0, 0, 0], [0, 0, 0], [0, 0, 0])).kind).toBe("zero"); // β = 0 throughout
    expect(classifyLimit(input([0, 0, 0], [0, 0, 0], [0, 0, 0])).evidence.movement).toBe(0);
    expect(classifyLimit(input([0, 0, 0], [1e-6, 0, 0])).evidence.movement).toBe(Infinity);
  });

  it("zero does not rest on a small β alone: a predictor still growing from a small start is not zero", () => {
    // same tiny end state, but it grew from 1e-9 at the start and 1e-6 at the look-back point
    const growing = classifyLimit(input([1e-5, 1e-5, 1e-5], [1e-7, 1e-7, 1e-7], [1e-9, 1e-9, 1e-9]));
    expect(growing.kind).not.toBe("zero");
    // a constant state (no growth beyond 1 + 1e-9 of the look-back point) is zero
    expect(classifyLimit(input([1e-5, 1e-5, 1e-5], [1e-5, 1e-5, 1e-5], [1e-9, 1e-9, 1e-9])).kind).toBe("zero");
  });

  it("zero's thresholds: prediction ≤ zeroPrediction·dataScale, |L − ℓ(0)| ≤ zeroLoss·ℓ(0)", () => {
    // a shrinking state with prediction just above / below 1e-2·√14 (β along x/14: prediction = c)
    const at = (p: number) => classifyLimit(input([p / 14, (2 * p) / 14, (3 * p) / 14], [1, 2, 3], [1, 2, 3]), {}, { zeroLoss: 0.5 });
    expect(at(0.99e-2 * scale).kind).toBe("zero");
    expect(at(1.01e-2 * scale).kind).not.toBe("zero");
    // the loss test on its own: prediction 0.01 moves the loss by ≈ 0.005 = 0.72 % of ln 2; zeroLoss 5e-3 rejects it
    const p = 0.01;
    const b = [p / 14, (2 * p) / 14, (3 * p) / 14];
    expect(classifyLimit(input(b, [1, 2, 3], [1, 2, 3])).kind).toBe("zero");
    expect(classifyLimit(input(b, [1, 2, 3], [1, 2, 3]), {}, { zeroLoss: 5e-3 }).kind).not.toBe("zero");
  });

  it("stalled: β ≠ 0, loss ≥ stallLoss·ℓ(0) and no longer falling (L_mid − L_T ≤ flatLoss·L_T)", () => {
    // grew from 1e-6 to a fixed point with prediction 3e-3: the loss stays ≈ ln 2 − 1.5e-3
    const c = classifyLimit(input([5e-4, 5e-4, 5e-4], [4.9e-4, 4.9e-4, 4.9e-4], [1e-6, 1e-6, 1e-6]));
    expect(c.kind).toBe("stalled");
    // still falling by more than 1 % over the second half: not stalled
    const falling = classifyLimit(input([0.5, 0, 0], [0.3, 0, 0], [1e-6, 0, 0]));
    expect(falling.evidence.lossMid - falling.evidence.loss).toBeGreaterThan(0.01 * falling.evidence.loss);
    expect(falling.kind).not.toBe("stalled");
    // loss below stallLoss·ℓ(0): not stalled, whatever the trend
    const fitted = classifyLimit(input([0, 0, 2], [0, 0, 2], [1e-6, 1e-6, 1e-6]));
    expect(fitted.evidence.loss).toBeLessThan(0.1 * Math.LN2);
    expect(fitted.kind).toBe("basis");
  });

  it("max-margin and basis: within tolerance of a reference (nearest wins), coord set when the direction is ±e_j", () => {
    const refs = { l1: [0, 0, 1], l2: unit([1, 2, 3]), linf: [1, 1, 1] };
    const fit = (b: number[]) => classifyLimit(input(b, b, [1e-6, 1e-6, 1e-6]), refs);
    expect(fit([0.01, 0, 10])).toMatchObject({ kind: "l1-max-margin", coord: 2, sign: 1 });
    expect(fit([1.01, 2, 3])).toMatchObject({ kind: "l2-max-margin" });
    expect(fit([1.01, 2, 3]).coord).toBeUndefined();
    expect(fit([3, 3, 3.05])).toMatchObject({ kind: "linf-max-margin" });
    expect(fit([3, 3, 3.05]).distances.linf).toBeLessThan(0.05);
    // e₁ is no reference here: basis, 0-based coord 0, with its sign
    const negative = { ...input([-10, 0.01, 0], [-10, 0, 0], [1e-6, 1e-6, 1e-6]), data: { ...data, y: [-1] } };
    expect(classifyLimit(negative, refs)).toMatchObject({ kind: "basis", coord: 0, sign: -1 });
    // the tolerance is inclusive and is the spec's limitTolerance
    const u = unit([0.06, 0, 1]);
    const d = Math.hypot(u[0]!, u[2]! - 1);
    expect(classifyLimit(input([0.06, 0, 1], [0.06, 0, 1], [1e-6, 1e-6, 1e-6]), {}, { tolerance: d }).kind).toBe("basis");
    expect(classifyLimit(input([0.06, 0, 1], [0.06, 0, 1], [1e-6, 1e-6, 1e-6]), {}, { tolerance: d * 0.999 }).kind).toBe("not-converged");
  });

  it("not-converged: the nearest candidate with its distance at the look-back point and at the end", () => {
    const refs = { l1: [0.1, 0, 1], l2: unit([1, 2, 3]) };
    const c = classifyLimit(input([0.3, 0, 1], [0.6, 0, 1], [1e-6, 1e-6, 1e-6]), refs);
    expect(c.kind).toBe("not-converged");
    expect(c.nearest!.kind).toBe("l1-max-margin");
    expect(c.nearest!.distance).toBeCloseTo(c.distances.l1!, 15);
    expect(c.nearest!.distanceMid).toBeGreaterThan(c.nearest!.distance); // moving towards it
    const b = classifyLimit(input([0.3, 0, 1], [0.6, 0, 1], [1e-6, 1e-6, 1e-6]));
    expect(b.nearest).toMatchObject({ kind: "basis", coord: 2 });
    expect(limitLabel(b)).toBe("not converged (nearest e₃)");
  });

  it("the exponential loss: ℓ(0) = 1", () => {
    expect(lossAtZero("exponential")).toBe(1);
    const c = classifyLimit({ ...input([1e-5, 0, 0], [1e-5, 0, 0]), lossKind: "exponential" });
    expect(c.kind).toBe("zero");
    expect(c.evidence.lossAtZero).toBe(1);
    expect(c.evidence.loss).toBeCloseTo(1 - 1e-5, 9); // e^{−1e-5}
  });

  it("a β whose ℓ2 norm overflows keeps its direction (finite-time blow-up at depth ≥ 3)", () => {
    const b = classifyLimit({ ...input([1e290, 1e300, 0], [1e200, 1e210, 0]), depth: 3 });
    expect(b).toMatchObject({ kind: "basis", coord: 1 });
    const o = classifyLimit({ ...input([1e-30, 1e300, 1e299], [1, 1, 1]), depth: 3 });
    expect(o.kind).toBe("not-converged"); // u = (0, 0.995, 0.0995): 0.1 from e₂
  });

  it("thresholds: defaults, and options override only what they set", () => {
    const c = classifyLimit(input([1, 0, 0]), {}, { tolerance: 0.1 });
    expect(c.tolerances).toEqual({ ...LIMIT_DEFAULTS, tolerance: 0.1 });
    expect(classifyLimit(input([1, 0, 0]), {}, { tolerance: undefined }).tolerances).toEqual(LIMIT_DEFAULTS);
  });

  it("names: 1-based for people, 0-based in fields", () => {
    const refs = { l1: [0, 1, 0] };
    const l1 = classifyLimit(input([0, 5, 0], [0, 5, 0], [1e-6, 1e-6, 1e-6]), refs);
    expect(l1).toMatchObject({ kind: "l1-max-margin", coord: 1 });
    expect(limitLabel(l1)).toBe("ℓ1 max-margin (= e₂)");
    expect(basisOf(l1)).toBe(1);
    const neg = classifyLimit({ ...input([0, 0, -5], [0, 0, -5], [1e-6, 1e-6, 1e-6]), data: { ...data, y: [-1] } });
    expect(limitLabel(neg)).toBe("basis −e₃");
    expect(basisOf(classifyLimit(input([1e-5, 0, 0])))).toBeUndefined(); // zero
  });
});
