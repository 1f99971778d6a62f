/**
 * The regression limit kinds on hand-made inputs: data, β and reference points small enough to
 * compute by hand, so the oracles are the arithmetic in the comments, not the solvers.
 */
import { describe, expect, it } from "vitest";
import { leastSquares, minL2Interpolator } from "./interpolators.js";
import { classifyLimit, limitLabel, LIMIT_DEFAULTS } from "./limit.js";

// X = [[1, 0, 1], [0, 1, 1]], y = [1, 1]: ℓ(0) = ½.
// min-ℓ2 interpolator Xᵀ(XXᵀ)⁻¹y: XXᵀ = [[2, 1], [1, 2]], (XXᵀ)⁻¹y = [⅓, ⅓] → β = [⅓, ⅓, ⅔] (‖β‖₁ = 4/3).
// min-ℓ1 interpolator: β = [0, 0, 1] (‖β‖₁ = 1; any interpolator has β₁ + β₃ = β₂ + β₃ = 1, so ‖β‖₁ ≥ 1).
const wide = { x: [1, 0, 1, 0, 1, 1], y: [1, 1], n: 2, d: 3 };
const L1 = [0, 0, 1];
const L2 = [1 / 3, 1 / 3, 2 / 3];
const interp = { l1: L1, l2: L2 };
const input = (beta: number[], betaMid = beta, beta0 = [0.01, 0.01, 0.01]) => ({ beta0, betaMid, beta, data: wide, depth: 2, lossKind: "squared" as const });

// X = [[1], [1], [1]], y = [1, 2, 3]: no β fits; the least-squares minimizer is the mean, β = 2, with
// loss ½·(1 + 0 + 1)/3 = ⅓; ℓ(0) = ½·14/3 = 7/3.
const tall = { x: [1, 1, 1], y: [1, 2, 3], n: 3, d: 1 };
const tallInput = (beta: number[], betaMid = beta) => ({ beta0: [0.01], betaMid, beta, data: tall, depth: 2, lossKind: "squared" as const });

describe("regression references", () => {
  it("the minimum-ℓ2 interpolator and the least-squares minimizer match the hand-computed points", () => {
    const l2 = minL2Interpolator(wide.x, wide.y, 2, 3)!;
    L2.forEach((v, j) => expect(l2[j]).toBeCloseTo(v, 12));
    expect(leastSquares(wide.x, wide.y, 2, 3)).toBeUndefined(); // XᵀX is 3×3 of rank 2: no unique minimizer
    expect(leastSquares(tall.x, tall.y, 3, 1)![0]).toBeCloseTo(2, 12);
    expect(minL2Interpolator(tall.x, tall.y, 3, 1)).toBeUndefined(); // XXᵀ = all-ones 3×3, singular
  });
});

describe("regression limit kinds", () => {
  it("l1-interpolator and l2-interpolator: the loss at 0 and β on that reference; the distances are relative to the reference", () => {
    const a = classifyLimit(input(L1), interp);
    expect(a.kind).toBe("l1-interpolator");
    expect(a.evidence.loss).toBe(0);
    expect(a.distances.l1).toBe(0);
    expect(a.distances.l2).toBeCloseTo(Math.sqrt(1 / 9 + 1 / 9 + 1 / 9) / Math.sqrt(6 / 9), 12); // ‖[⅓, ⅓, −⅓]‖ / ‖L2‖
    expect(a.distances.basis).toBeUndefined();
    expect(a.coord).toBeUndefined();
    expect(limitLabel(a)).toBe("min-ℓ1 interpolator");
    const b = classifyLimit(input(L2.map((v) => v * (1 + 1e-9))), interp);
    expect(b.kind).toBe("l2-interpolator");
    expect(limitLabel(b)).toBe("min-ℓ2 interpolator");
  });

  it("interpolating: fits the data but is near neither minimum-norm interpolator; nearest and its distances are reported", () => {
    // β = [½, ½, ½] fits (Xβ = [1, 1]); ‖β − L2‖/‖L2‖ = ‖[⅙, ⅙, −⅙]‖/‖L2‖ ≈ 0.354, ‖β − L1‖/‖L1‖ = ‖[½, ½, −½]‖ ≈ 0.866
    const c = classifyLimit(input([0.5, 0.5, 0.5], [0.6, 0.6, 0.4]), interp);
    expect(c.kind).toBe("interpolating");
    expect(c.nearest!.kind).toBe("l2-interpolator");
    expect(c.nearest!.distance).toBeCloseTo(Math.sqrt(3 / 36) / Math.sqrt(6 / 9), 12);
    expect(c.nearest!.distanceMid).toBeCloseTo(Math.sqrt(2 * (0.6 - 1 / 3) ** 2 + (0.4 - 2 / 3) ** 2) / Math.sqrt(6 / 9), 12);
    expect(limitLabel(c)).toBe("interpolating (nearest min-ℓ2 interpolator)");
    // with a tolerance that admits both, the nearest wins
    expect(classifyLimit(input([0.5, 0.5, 0.5]), interp, { tolerance: 1 }).kind).toBe("l2-interpolator");
    // no references (e.g. skipped by size): still interpolating, without a nearest
    const bare = classifyLimit(input([0.5, 0.5, 0.5]), {});
    expect(bare.kind).toBe("interpolating");
    expect(bare.nearest).toBeUndefined();
  });

  it("fitLoss decides whether the run fits: β = [0, 0, 0.9] has loss 0.01·ℓ(0)", () => {
    // residuals −0.1, −0.1: loss ½·0.01 = 0.005 = 0.01·ℓ(0); 10 % from L1
    const near = input([0, 0, 0.9], [0, 0, 0.5]);
    const c = classifyLimit(near, interp);
    expect(c.evidence.loss / c.evidence.lossAtZero).toBeCloseTo(0.01, 12);
    expect(c.kind).toBe("not-converged");
    expect(c.nearest).toEqual({ kind: "l1-interpolator", distance: expect.closeTo(0.1, 12), distanceMid: expect.closeTo(0.5, 12) });
    expect(limitLabel(c)).toBe("not converged (nearest min-ℓ1 interpolator)");
    expect(classifyLimit(near, interp, { fitLoss: 0.02 }).kind).toBe("interpolating");
    expect(classifyLimit(near, interp, { fitLoss: 0.02, tolerance: 0.11 }).kind).toBe("l1-interpolator");
    expect(LIMIT_DEFAULTS.fitLoss).toBeLessThan(0.01);
  });

  it("least-squares: no β fits and β is the least-squares minimizer, with the loss at its positive minimum", () => {
    const c = classifyLimit(tallInput([2.01], [2.02]), { leastSquares: [2] });
    expect(c.kind).toBe("least-squares");
    expect(c.distances.leastSquares).toBeCloseTo(0.005, 12);
    expect(c.evidence.loss).toBeCloseTo(1 / 3 + 0.5 * 0.01 ** 2, 12);
    expect(c.evidence.lossAtZero).toBeCloseTo(7 / 3, 12);
    expect(limitLabel(c)).toBe("least-squares minimum");
  });

  it("stalled: a flat loss far from the least-squares minimum (β = ½, loss ≈ 0.63·ℓ(0), not moving)", () => {
    // residuals −½, −3/2, −5/2: loss ½·(¼ + 9/4 + 25/4)/3 = 35/24
    const c = classifyLimit(tallInput([0.5], [0.5]), { leastSquares: [2] });
    expect(c.evidence.loss).toBeCloseTo(35 / 24, 12);
    expect(c.kind).toBe("stalled");
    expect(c.distances.leastSquares).toBeCloseTo(0.75, 12);
  });

  it("not-converged: the loss still falls, far from every reference; the nearest at the look-back point and the end", () => {
    const c = classifyLimit(tallInput([1.5], [1]), { leastSquares: [2] });
    expect(c.kind).toBe("not-converged");
    expect(c.nearest).toEqual({ kind: "least-squares", distance: 0.25, distanceMid: 0.5 });
    expect(limitLabel(c)).toBe("not converged (nearest least-squares minimum)");
    // never a basis vector as the nearest candidate of a regression
    expect(classifyLimit(tallInput([1.5], [1]), {}).nearest).toBeUndefined();
  });

  it("zero: a predictor that stays at 0 is zero before any regression rule", () => {
    const c = classifyLimit(input([0, 0, 0], [0, 0, 0], [0, 0, 0]), interp);
    expect(c.kind).toBe("zero");
    expect(classifyLimit(input([1e-6, 0, 0], [2e-6, 0, 0], [1e-2, 0, 0]), interp).kind).toBe("zero");
  });
});
