/**
 * The squared loss L(w) = (1/n) Σ ½(<β, x_i> − y_i)² checked against hand-solved arithmetic, not
 * against the other engine: an orthogonal design's closed-form GD trajectory, one hand-computed L = 2
 * step, finite differences of the loss against the gradient, and the spec's refusals.
 */
import { describe, expect, it } from "vitest";
import { parseSpec, simulate, SpecError } from "../index.js";
import { DiagonalNet } from "./reference.js";

describe("squared loss, closed forms", () => {
  // X = c·I_d (n = d), L = 1, GD: β_{k+1} = β_k − (η c/n)(c β_k − y) ⇒ β_k = y/c + (1 − η c²/n)^k (β_0 − y/c)
  it.each(["wasm", "reference"] as const)("an orthogonal design follows its hand-solved GD trajectory (%s)", async (engine) => {
    const d = 4;
    const c = 1.5;
    const y = [0.8, -2.25, 3.1, 0.05];
    const beta0 = [0.1, -0.3, 0.2, 0.7];
    const eta = 0.9;
    const steps = 60;
    const x = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? c : 0)));
    const r = await simulate({ version: 1, data: { x, y }, depth: 1, init: { values: [beta0] }, loss: "squared", algo: "gd", lr: eta, steps, record: { every: 1, points: steps + 2 }, engine });
    expect(r.status.state).toBe("finished");
    const q = 1 - (eta * c * c) / d;
    for (let k = 0; k < r.trajectory.step.length; k++) {
      const step = r.trajectory.step[k]!;
      for (let j = 0; j < d; j++) {
        const want = y[j]! / c + q ** step * (beta0[j]! - y[j]! / c);
        expect(Math.abs(r.trajectory.beta[k]![j]! - want), `step ${step} β_${j}`).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(want)));
      }
    }
    // the minimum-norm interpolator y/c is reached (loss → 0)
    expect(r.final.loss).toBeLessThan(1e-20);
  });

  // L = 2: β = u ⊙ v, r_i = <β, x_i> − y_i, g = (1/n) Σ r_i x_i, u ← u − η g ⊙ v, v ← v − η g ⊙ u
  it.each([
    ["one example (the register kernel)", [[1, 2]], [0.5]],
    ["three examples (the row-pair kernel)", [[1, 2], [-0.5, 0.25], [2, -1]], [0.5, -1.75, 0.3]],
  ] as const)("one L = 2 GD step equals the hand-computed step: %s", async (_name, x, y) => {
    const u = [0.3, 0.12];
    const v = [-0.2, 0.45];
    const eta = 0.1;
    const n = x.length;
    const beta = [u[0]! * v[0]!, u[1]! * v[1]!];
    const g = [0, 0];
    for (let i = 0; i < n; i++) {
      const res = beta[0]! * x[i]![0]! + beta[1]! * x[i]![1]! - y[i]!;
      g[0] += (res * x[i]![0]!) / n;
      g[1] += (res * x[i]![1]!) / n;
    }
    const u1 = u.map((a, j) => a - eta * g[j]! * v[j]!);
    const v1 = v.map((b, j) => b - eta * g[j]! * u[j]!);
    for (const engine of ["wasm", "reference"] as const) {
      const r = await simulate({ version: 1, data: { x: x.map((row) => [...row]), y: [...y] }, depth: 2, init: { values: [u, v] }, loss: "squared", algo: "gd", lr: eta, steps: 1, engine });
      const w = r.final.w;
      for (let j = 0; j < 2; j++) {
        expect(Math.abs(w[0]![j]! - u1[j]!)).toBeLessThanOrEqual(1e-15);
        expect(Math.abs(w[1]![j]! - v1[j]!)).toBeLessThanOrEqual(1e-15);
      }
      // the recorded starting loss is (1/n) Σ ½ r_i²
      let l0 = 0;
      for (let i = 0; i < n; i++) l0 += 0.5 * (beta[0]! * x[i]![0]! + beta[1]! * x[i]![1]! - y[i]!) ** 2;
      expect(Math.abs(r.trajectory.loss[0]! - l0 / n)).toBeLessThanOrEqual(1e-15);
    }
  });

  it.each([1, 2, 3, 4])("the gradient matches central differences of the loss (L = %i)", (depth) => {
    const n = 5;
    const d = 3;
    let s = 12345;
    const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
    const x = Float64Array.from({ length: n * d }, u);
    const y = Float64Array.from({ length: n }, () => 3 * u());
    const net = new DiagonalNet(x, y, n, d, depth, "squared");
    const w = Float64Array.from({ length: depth * d }, () => 0.5 + 0.5 * u());
    const G = new Float64Array(depth * d);
    net.gradient(w, G);
    const loss = (ww: Float64Array) => {
      net.gradient(ww, new Float64Array(depth * d));
      return net.lossFromMargins();
    };
    const h = 1e-6;
    for (let k = 0; k < depth * d; k++) {
      const p = Float64Array.from(w);
      const m = Float64Array.from(w);
      p[k]! += h;
      m[k]! -= h;
      const fd = (loss(p) - loss(m)) / (2 * h);
      expect(Math.abs(fd - G[k]!)).toBeLessThanOrEqual(1e-8 * Math.max(1, Math.abs(G[k]!)));
    }
  });
});

describe("squared loss in the spec", () => {
  it("takes real targets inline and keeps classification labels ±1 for the other losses", () => {
    const data = { x: [[1, 2], [3, 4]], y: [0.25, -7.5] };
    expect(parseSpec({ version: 1, data, loss: "squared" }).loss).toBe("squared");
    expect(() => parseSpec({ version: 1, data })).toThrow(/^data\.y\[0\]: expected a label −1 or \+1$/);
    expect(() => parseSpec({ version: 1, data: { x: [[1]], y: [Infinity] }, loss: "squared" })).toThrow(SpecError);
  });

  it("refuses the rescaled flow and the rescaled schedule with one line naming the field", () => {
    const data = { x: [[1, 2]], y: [0.5] };
    expect(() => parseSpec({ version: 1, data, loss: "squared", mode: "flow", algo: "sam-l2", flow: "rescaled" })).toThrow(/^flow: expected "gradient" or "sam" with "loss": "squared" /);
    expect(() => parseSpec({ version: 1, data, loss: "squared", lrSchedule: "rescaled" })).toThrow(/^lrSchedule: /);
  });

  it("reports no margins and no max-margin references for a regression", async () => {
    const r = await simulate({ version: 1, data: { x: [[1, 0.5], [0.2, 1], [0.3, -0.4]], y: [0.7, -1.3, 2.5] }, loss: "squared", algo: "sam-l2", steps: 500, lr: 0.05 });
    expect(r.status.state).toBe("finished");
    expect(Number.isNaN(r.final.minMargin)).toBe(true);
    expect(r.trajectory.minMargin.every(Number.isNaN)).toBe(true);
    expect(r.diagnostics?.references).toBe("skipped");
    expect(r.diagnostics?.message).toMatch(/regression/);
    expect(r.diagnostics?.maxMargin).toBeUndefined();
  });
});

describe("squared loss, regression diagnostics", () => {
  it("compares the final β with the minimum-ℓ1 and minimum-ℓ2 interpolators and reports its support", async () => {
    // n = 2 < d = 3: infinitely many interpolators; by hand, the minimum-ℓ2 one of x = (e1 + e2, e3), y = (2, 1) is (1, 1, 1)
    const r = await simulate({ version: 1, data: { x: [[1, 1, 0], [0, 0, 1]], y: [2, 1] }, loss: "squared", depth: 1, init: { alpha: 0 }, lr: 0.5, steps: 2000 });
    const reg = r.diagnostics!.regression!;
    expect(reg.l2!.beta.map((v) => Math.abs(v - 1))).toEqual([expect.closeTo(0, 12), expect.closeTo(0, 12), expect.closeTo(0, 12)]);
    // GD from 0 on L = 1 stays in the row space: it converges to the minimum-ℓ2 interpolator
    expect(reg.l2!.distance).toBeLessThan(1e-9);
    expect(reg.l2!.cosine).toBeCloseTo(1, 12);
    // the minimum-ℓ1 interpolators: |β_1| + |β_2| = 2 on β_1 + β_2 = 2, β_3 = 1 (ℓ1 norm 3)
    const l1 = reg.l1!.beta;
    expect(Math.abs(l1[0]!) + Math.abs(l1[1]!) + Math.abs(l1[2]!)).toBeCloseTo(3, 9);
    expect(l1[2]).toBeCloseTo(1, 9);
    expect(reg.support).toEqual([0, 1, 2]);
  });

  it("says whether a sparse-regression run recovered the support of β*", async () => {
    const r = await simulate({ version: 1, data: { generator: "sparse-regression", n: 10, d: 12, k: 2, seed: 3 }, loss: "squared", depth: 1, init: { alpha: 0 }, lr: 0.1, steps: 100 });
    const reg = r.diagnostics!.regression!;
    expect(reg.supportStar).toHaveLength(2);
    expect(typeof reg.supportRecovered).toBe("boolean");
    // over-parameterized: both interpolators exist
    expect(reg.l1).toBeDefined();
    expect(reg.l2).toBeDefined();
  });
});
