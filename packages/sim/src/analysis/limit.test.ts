/**
 * The one limit classifier on constructed final states: each class, the borderline cases, the
 * "never grew" reading of the loss, overflowing β, and the same point given as a batch's weights.
 */
import { describe, expect, it } from "vitest";
import { basisOf, classifyLimit, lossAtZero, type LimitClassification } from "./limit.js";

const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((a) => a / n);
};

/** A final state with a fitted loss (0), so only the direction and ‖β‖₂/‖w‖₂^L decide. */
const cf = (beta: number[], wNorm: number, depth: number, refs: { l1?: number[]; l2?: number[] } = {}, tolerance?: number): LimitClassification =>
  classifyLimit({ beta, wNorm, depth, loss: 0, lossKind: "logistic" }, refs, { tolerance });

/** The state of L·d weights (layer-major), as the batch runner has it. */
function fromW(w: number[], depth: number, d: number, loss = 0): LimitClassification {
  const beta = Array.from({ length: d }, (_, j) => {
    let p = w[j]!;
    for (let l = 1; l < depth; l++) p *= w[l * d + j]!;
    return p;
  });
  return classifyLimit({ beta, wNorm: Math.hypot(...w), depth, loss, lossKind: "logistic" });
}

describe("classifyLimit: constructed final states", () => {
  // Depth 2 throughout; ‖w‖₂^L is passed directly as wNorm² via wNorm = sqrt(scale).
  const refs = { l1: [0, 0, 1], l2: unit([1, 2, 3]) };

  it("zero: ‖β‖₂/‖w‖₂^L below the tolerance wins over everything", () => {
    // β = 1e-4·e3 with ‖w‖₂ = 1: ratio 1e-4 < 1e-3, although the direction is the ℓ1 one.
    const c = cf([0, 0, 1e-4], 1, 2, refs);
    expect(c.class).toBe("zero");
    expect(c.distances.zeroRatio).toBeCloseTo(1e-4, 15);
    expect(c.matches).toEqual(["zero", "l1-max-margin", "basis(2)"]);
  });

  it("zero borderline: ratio just above the tolerance is not zero", () => {
    expect(cf([0, 0, 1.0001e-3], 1, 2, refs).class).toBe("l1-max-margin");
    expect(cf([0, 0, 0.9999e-3], 1, 2, refs).class).toBe("zero");
    expect(cf([0, 0, 0], 1, 2, refs).class).toBe("zero");
  });

  it("l1-max-margin and l2-max-margin, and the nearer one when both match", () => {
    expect(cf([0.001, 0, 5], 3, 2, refs).class).toBe("l1-max-margin");
    expect(cf([1.01, 2, 3], 3, 2, refs).class).toBe("l2-max-margin");
    // Two references 0.04 apart, β between them nearer the ℓ2 one.
    const close = { l1: unit([1, 0.04, 0]), l2: unit([1, 0, 0]) };
    const c = cf([1, 0.01, 0], 1, 2, close, 0.05);
    expect(c.class).toBe("l2-max-margin");
    expect(c.matches.slice(0, 2)).toEqual(["l2-max-margin", "l1-max-margin"]);
  });

  it("basis(j) for a minor coordinate, with its sign", () => {
    const c = cf([-2, 0.01, 0.02], 2, 2, refs);
    expect(c.class).toBe("basis(0)");
    expect(c.coord).toBe(0);
    expect(c.sign).toBe(-1);
  });

  it("other, and the tolerance borderline (distance ≤ tolerance matches)", () => {
    expect(cf([1, 1, 0], 1, 2, refs).class).toBe("other");
    // u = (cos θ, sin θ, 0): distance to e1 is 2 sin(θ/2). Pick θ so that it is 0.05 ± 1e-9.
    const at = (dist: number) => {
      const th = 2 * Math.asin(dist / 2);
      return [Math.cos(th), Math.sin(th), 0];
    };
    const inside = cf(at(0.05 - 1e-9), 1, 2, refs);
    expect(inside.class).toBe("basis(0)");
    expect(inside.distances.basis).toBeLessThanOrEqual(0.05);
    const outside = cf(at(0.05 + 1e-9), 1, 2, refs);
    expect(outside.class).toBe("other");
    expect(outside.distances.basis).toBeGreaterThan(0.05);
  });

  it("without references only zero / basis / other are possible", () => {
    expect(cf([0, 0, 1], 1, 2, {}).class).toBe("basis(2)");
    expect(cf([0, 0, 1], 1, 2, {}).distances.l1).toBeUndefined();
  });
});

describe("classifyLimit: the loss, overflow, weights", () => {
  it("zero when the loss is still above half of ℓ(0) (β never grew), whatever the direction", () => {
    const at = (loss: number) => classifyLimit({ beta: [0, 1e-3], wNorm: 0.05, depth: 2, loss, lossKind: "logistic" });
    expect(at(0.51 * Math.LN2).class).toBe("zero");
    expect(at(0.51 * Math.LN2).distances.lossRatio).toBeCloseTo(0.51, 12);
    expect(at(0.49 * Math.LN2).class).toBe("basis(1)");
    expect(lossAtZero("logistic")).toBe(Math.LN2);
    expect(lossAtZero("exponential")).toBe(1);
    expect(classifyLimit({ beta: [0, 1], wNorm: 2, depth: 2, loss: 0.6, lossKind: "exponential" }).class).toBe("zero");
    expect(classifyLimit({ beta: [0, 1], wNorm: 2, depth: 2, loss: 0.4, lossKind: "exponential" }).class).toBe("basis(1)");
  });

  it("a β whose ℓ2 norm overflows keeps its direction (finite-time blow-up at depth ≥ 3)", () => {
    const c = classifyLimit({ beta: [1e-30, 1e300, 1e299], wNorm: 1e101, depth: 3, loss: 0, lossKind: "logistic" });
    expect(c.class).toBe("other"); // u = (0, 0.995, 0.0995): 0.1 from e₂
    const b = classifyLimit({ beta: [1e290, 1e300], wNorm: 2e100, depth: 3, loss: 0, lossKind: "logistic" });
    expect(b.class).toBe("basis(1)");
    expect(b.distances.zeroRatio).toBeGreaterThan(1e-3);
    expect(b.distances.zeroRatio).toBeLessThan(Infinity);
  });

  it("classifies weights as the batch runner does: zero, a signed basis vector, other", () => {
    // L = 2, d = 2: w = (w_1; w_2)
    expect(fromW([10, 10, 1e-5, 1e-5], 2, 2).kind).toBe("zero");
    expect(fromW([0.001, 5, 0.001, 5], 2, 2)).toMatchObject({ kind: "basis", coord: 1, sign: 1 });
    expect(fromW([-5, 0.001, 5, 0.001], 2, 2)).toMatchObject({ kind: "basis", coord: 0, sign: -1 });
    expect(fromW([1, 1, 1, 1], 2, 2)).toMatchObject({ kind: "other" });
  });

  it("basisOf reads the basis vector a class names or matches", () => {
    expect(basisOf(cf([0, 0, 1], 1, 2))).toBe(2);
    expect(basisOf(cf([0, 0, 1], 1, 2, { l1: [0, 0, 1] }))).toBe(2); // class l1-max-margin, matches basis(2)
    expect(basisOf(cf([1, 1, 0], 1, 2))).toBeUndefined();
    expect(basisOf(cf([0, 0, 1e-4], 1, 2))).toBeUndefined(); // zero
  });
});
