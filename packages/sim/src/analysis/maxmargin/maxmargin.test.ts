/**
 * Max-margin reference solutions: closed forms, a hand-solved 2-D set, random sets checked
 * by optimality conditions (recomputed here from the returned β and certificate λ, not trusted),
 * an independent brute-force search in 2-D, and non-separable / degenerate inputs.
 */
import { describe, expect, it } from "vitest";
import { gaussianSparse } from "../../data/generators.js";
import { Rng } from "../../data/rng.js";
import { MaxMarginInputError, type MaxMarginNorm, type MaxMarginSolution } from "./problem.js";
import { loadSolver, maxMargin, maxMarginAll } from "./solver.js";

const norm = (v: readonly number[], p: MaxMarginNorm) =>
  p === "l1" ? v.reduce((s, a) => s + Math.abs(a), 0) : p === "linf" ? Math.max(...v.map(Math.abs)) : Math.hypot(...v);
const dual: Record<MaxMarginNorm, MaxMarginNorm> = { l1: "linf", l2: "l2", linf: "l1" };
const maxDiff = (a: readonly number[], b: readonly number[]) => Math.max(...a.map((v, j) => Math.abs(v - b[j]!)));
const marginOf = (x: number[][], y: number[], beta: readonly number[]) => Math.min(...x.map((r, i) => y[i]! * r.reduce((s, v, j) => s + v * beta[j]!, 0)));

/** Checks what any correct answer must satisfy, from the data and the answer only. Returns the relative duality gap. */
function checkOptimality(x: number[][], y: number[], s: MaxMarginSolution, p: MaxMarginNorm, tol = 1e-9): number {
  expect(s.separable).toBe(true);
  expect(Math.abs(norm(s.beta, p) - 1)).toBeLessThan(1e-12);
  const m = marginOf(x, y, s.beta);
  expect(Math.abs(s.margin - m)).toBeLessThanOrEqual(1e-12 * Math.abs(m));
  // Weak duality: for λ ≥ 0, Σλ = 1, every β with ‖β‖_p ≤ 1 has margin ≤ ‖Σ λ_i y_i x_i‖_q.
  expect(Math.min(...s.dual)).toBeGreaterThanOrEqual(0);
  expect(Math.abs(s.dual.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
  const g = x[0]!.map((_, j) => x.reduce((acc, r, i) => acc + s.dual[i]! * y[i]! * r[j]!, 0));
  const upper = norm(g, dual[p]);
  const gap = (upper - m) / upper;
  expect(gap).toBeGreaterThan(-1e-12);
  expect(gap).toBeLessThan(tol);
  return gap;
}

describe("closed forms (MODEL.md, one example)", () => {
  it("ℓ2 → y·x/‖x‖₂, ℓ1 → sign(y x_j*)·e_j* at j* = argmax|x_j|, ℓ∞ → sign(y x)", async () => {
    const rng = new Rng(7, 0);
    for (let trial = 0; trial < 12; trial++) {
      const d = 1 + (trial % 6);
      const x = Array.from({ length: d }, () => rng.normal() * (trial + 1));
      const y = trial % 2 ? 1 : -1;
      const r = await maxMarginAll({ x: [x], y: [y] });
      const yx = x.map((v) => y * v);
      // ℓ2: Cauchy–Schwarz, <β, yx> ≤ ‖yx‖₂ with equality at yx/‖yx‖₂.
      const n2 = Math.hypot(...yx);
      expect(maxDiff(r.l2.beta, yx.map((v) => v / n2))).toBeLessThan(1e-12);
      expect(r.l2.margin).toBeCloseTo(n2, 12);
      // ℓ1: Hölder, <β, yx> ≤ ‖β‖₁‖yx‖∞, equality at the largest |x_j| (Gaussian draws: no ties).
      let js = 0;
      for (let j = 1; j < d; j++) if (Math.abs(x[j]!) > Math.abs(x[js]!)) js = j;
      const e = new Array<number>(d).fill(0);
      e[js] = Math.sign(yx[js]!);
      expect(maxDiff(r.l1.beta, e)).toBeLessThan(1e-12);
      expect(r.l1.margin).toBeCloseTo(Math.abs(x[js]!), 12);
      expect(r.l1.support).toEqual([js]);
      // ℓ∞: <β, yx> ≤ ‖β‖∞‖yx‖₁, equality at sign(yx).
      expect(maxDiff(r.linf.beta, yx.map(Math.sign))).toBeLessThan(1e-12);
      expect(r.linf.margin).toBeCloseTo(norm(x, "l1"), 12);
    }
  });
});

describe("a 2-D set whose ℓ1, ℓ2 and ℓ∞ directions all differ", () => {
  // x1 = (4, 1), x2 = (1, 2) with y = +1, and x3 = (−2, −2) with y = −1 (so y3·x3 = (2, 2)).
  const x = [
    [4, 1],
    [1, 2],
    [-2, -2],
  ];
  const y = [1, 1, -1];
  it("ℓ∞: β = (1, 1), margin 3", async () => {
    // |β_j| ≤ 1 ⇒ β1 + 2β2 ≤ 3 with equality only at (1, 1); there 4β1 + β2 = 5 and 2β1 + 2β2 = 4 exceed 3.
    const s = await maxMargin({ x, y }, "linf");
    expect(maxDiff(s.beta, [1, 1])).toBeLessThan(1e-12);
    expect(Math.abs(s.margin - 3)).toBeLessThan(1e-12);
    expect(s.active).toEqual([1]);
  });
  it("ℓ1: β = (1/4, 3/4), margin 7/4", async () => {
    // Both coordinates of every y_i x_i are ≥ 0, so β ≥ 0 and β1 + β2 = 1: margins 1 + 3β1, 2 − β1, 2.
    // max_β1 min(1 + 3β1, 2 − β1) is where they cross: β1 = 1/4, margin 7/4.
    const s = await maxMargin({ x, y }, "l1");
    expect(maxDiff(s.beta, [0.25, 0.75])).toBeLessThan(1e-12);
    expect(Math.abs(s.margin - 1.75)).toBeLessThan(1e-12);
    expect(s.active).toEqual([0, 1]);
    expect(s.support).toEqual([0, 1]);
  });
  it("ℓ2: β = (1, 2)/√5, margin √5 (only x2 active)", async () => {
    // min ‖β‖² s.t. margins ≥ 1 with only x2 active gives β = x2/‖x2‖² = (1, 2)/5; x1 then has
    // margin 6/5 ≥ 1 and x3 has 6/5 ≥ 1, so KKT holds with μ2 = 1/5 > 0. Unit: (1, 2)/√5, margin 5/√5.
    const s = await maxMargin({ x, y }, "l2");
    expect(maxDiff(s.beta, [1 / Math.sqrt(5), 2 / Math.sqrt(5)])).toBeLessThan(1e-12);
    expect(Math.abs(s.margin - Math.sqrt(5))).toBeLessThan(1e-12);
    expect(s.active).toEqual([1]);
  });
  it("ℓ2 with two active constraints: x = (2, 0), (1, 2) → β ∝ (2, 1), margin 4/√5", async () => {
    // Both active: 2β1 = 1, β1 + 2β2 = 1 ⇒ β = (1/2, 1/4); β = μ1(2,0) + μ2(1,2) ⇒ μ2 = 1/8, μ1 = 3/16 > 0.
    // ‖β‖ = √5/4, margin of the unit vector = 1/‖β‖ = 4/√5.
    const s = await maxMargin({ x: [[2, 0], [1, 2]], y: [1, 1] }, "l2");
    expect(maxDiff(s.beta, [2 / Math.sqrt(5), 1 / Math.sqrt(5)])).toBeLessThan(1e-12);
    expect(Math.abs(s.margin - 4 / Math.sqrt(5))).toBeLessThan(1e-12);
    // The certificate is μ normalized: (3/16, 1/8)/(5/16) = (3/5, 2/5).
    expect(maxDiff(s.dual, [0.6, 0.4])).toBeLessThan(1e-12);
  });
});

describe("random separable sets: optimality conditions", () => {
  const sizes: [number, number][] = [
    [20, 2],
    [40, 5],
    [8, 40],
    [60, 20],
    [25, 120],
  ];
  for (const [n, d] of sizes)
    it(`n = ${n}, d = ${d}: unit norm, exact margin, duality gap < 1e-10 (3 seeds, 3 norms)`, async () => {
      const solver = await loadSolver();
      let worst = 0;
      for (const seed of [1, 2, 3]) {
        const ds = gaussianSparse(n, d, Math.min(3, d), 0.05, seed);
        const x = Array.from({ length: n }, (_, i) => Array.from(ds.x.subarray(i * d, (i + 1) * d)));
        const y = Array.from(ds.y);
        const r = solver.solveAll({ x, y });
        for (const p of ["l1", "l2", "linf"] as const) {
          expect(r[p].polished).toBe(true);
          worst = Math.max(worst, checkOptimality(x, y, r[p], p));
        }
      }
      expect(worst).toBeLessThan(1e-10);
    });

  it("degenerate LPs (small-integer data) and features on scales 1e-3 … 1e4: optimality conditions", async () => {
    const solver = await loadSolver();
    const rng = new Rng(5, 0);
    let nonUnique = 0;
    for (let trial = 0; trial < 6; trial++) {
      // x ∈ {−2, …, 2}^d labelled by a planted integer separator: many ties and degenerate vertices.
      const d = 2 + (trial % 4) * 2;
      const w = Array.from({ length: d }, (_, j) => (j === 0 ? 1 : rng.below(5) - 2));
      const x: number[][] = [];
      const y: number[] = [];
      while (x.length < 6 + 5 * trial) {
        const r = Array.from({ length: d }, () => rng.below(5) - 2);
        const m = r.reduce((a, v, j) => a + v * w[j]!, 0);
        if (m === 0) continue;
        x.push(r);
        y.push(Math.sign(m));
      }
      const r = solver.solveAll({ x, y });
      for (const p of ["l1", "l2", "linf"] as const) {
        checkOptimality(x, y, r[p], p);
        if (!r[p].unique) nonUnique++;
      }
    }
    expect(nonUnique).toBeGreaterThan(0); // the tie-break path ran
    for (let trial = 0; trial < 3; trial++) {
      const scales = [1e-3, 1e-1, 1, 10, 1e3, 1e4];
      const w = scales.map(() => rng.normal());
      const x: number[][] = [];
      const y: number[] = [];
      while (x.length < 30) {
        const r = scales.map((sc) => rng.normal() * sc);
        const m = r.reduce((a, v, j) => a + (v * w[j]!) / scales[j]!, 0);
        if (Math.abs(m) < 0.1) continue;
        x.push(r);
        y.push(Math.sign(m));
      }
      const r = solver.solveAll({ x, y });
      // feature scales 1e7 apart: the LP vertex systems have condition numbers ~1e11, gaps ~1e-9
      for (const p of ["l1", "l2", "linf"] as const) checkOptimality(x, y, r[p], p, 1e-8);
    }
  });

  it("ℓ2: agrees with an independent solver (dual coordinate ascent, no HiGHS) to 1e-10", async () => {
    // The SVM dual without bias: max_{α ≥ 0} Σα_i − ½‖Σ α_i y_i x_i‖², solved by exact coordinate
    // maximization (α_i ← max(0, α_i + (1 − y_i<w, x_i>)/‖x_i‖²), w = Σ α_i y_i x_i) until the KKT
    // violation is < 1e-13; then β*_2 = w/‖w‖ and γ*_2 = 1/‖w‖.
    const solver = await loadSolver();
    for (const [n, d, seed] of [
      [30, 4, 21],
      [12, 30, 22],
      [60, 8, 23],
    ] as const) {
      const ds = gaussianSparse(n, d, Math.min(3, d), 0.05, seed);
      const m = Array.from({ length: n }, (_, i) => Array.from(ds.x.subarray(i * d, (i + 1) * d), (v) => v * ds.y[i]!));
      const alpha = new Array<number>(n).fill(0);
      const w = new Array<number>(d).fill(0);
      const sq = m.map((r) => r.reduce((s, v) => s + v * v, 0));
      for (let sweep = 0; sweep < 200000; sweep++) {
        let viol = 0;
        for (let i = 0; i < n; i++) {
          const g = 1 - m[i]!.reduce((s, v, j) => s + v * w[j]!, 0);
          viol = Math.max(viol, alpha[i]! > 0 ? Math.abs(g) : Math.max(0, g));
          const a = Math.max(0, alpha[i]! + g / sq[i]!);
          const da = a - alpha[i]!;
          if (da !== 0) for (let j = 0; j < d; j++) w[j] += da * m[i]![j]!;
          alpha[i] = a;
        }
        if (viol < 1e-13) break;
      }
      const nw = Math.hypot(...w);
      const x = Array.from({ length: n }, (_, i) => Array.from(ds.x.subarray(i * d, (i + 1) * d)));
      const s = solver.solve({ x, y: Array.from(ds.y) }, "l2");
      expect(maxDiff(s.beta, w.map((v) => v / nw))).toBeLessThan(1e-10);
      expect(Math.abs(s.margin - 1 / nw)).toBeLessThan(1e-10 * s.margin);
    }
  });

  it("2-D: agrees with an independent brute-force search over the unit sphere to 1e-8", async () => {
    // max over θ of min_i y_i <u(θ), x_i> with u(θ) = (cos θ, sin θ)/‖(cos θ, sin θ)‖_p: a grid of
    // 4000 angles, then golden-section refinement around the best (the objective is unimodal
    // near the optimum since it is the min of functions of θ that are smooth on each segment).
    const solver = await loadSolver();
    for (const seed of [11, 12, 13, 14]) {
      const ds = gaussianSparse(15, 2, 2, 0.05, seed);
      const x = Array.from({ length: 15 }, (_, i) => [ds.x[2 * i]!, ds.x[2 * i + 1]!]);
      const y = Array.from(ds.y);
      const r = solver.solveAll({ x, y });
      for (const p of ["l1", "l2", "linf"] as const) {
        const u = (t: number) => {
          const v = [Math.cos(t), Math.sin(t)];
          const k = norm(v, p);
          return v.map((a) => a / k);
        };
        const f = (t: number) => marginOf(x, y, u(t));
        const N = 4000;
        let bt = 0;
        for (let k = 1; k < N; k++) if (f((2 * Math.PI * k) / N) > f(bt)) bt = (2 * Math.PI * k) / N;
        let a = bt - (2 * Math.PI) / N;
        let b = bt + (2 * Math.PI) / N;
        const g = (Math.sqrt(5) - 1) / 2;
        for (let it = 0; it < 80; it++) {
          const c = b - g * (b - a);
          const e = a + g * (b - a);
          if (f(c) > f(e)) b = e;
          else a = c;
        }
        const best = u((a + b) / 2);
        expect(Math.abs(r[p].margin - f((a + b) / 2))).toBeLessThan(1e-8 * Math.abs(r[p].margin));
        expect(maxDiff(r[p].beta, best)).toBeLessThan(1e-6);
      }
    }
  });
});

describe("non-separable and degenerate inputs", () => {
  it("reports non-separable data plainly: separable false, β = 0, margin 0", async () => {
    const cases = [
      { x: [[1, 0], [-1, 0]], y: [1, 1] }, // x and −x with the same label
      { x: [[1, 2], [1, 2]], y: [1, -1] }, // one point, both labels
      { x: [[0, 0], [1, 2]], y: [1, 1] }, // a zero row: y<β, 0> = 0 for every β
      { x: [[1, 1], [-1, 1], [1, -1], [-1, -1]], y: [1, -1, -1, 1] }, // XOR
      { x: [[0, 0, 0]], y: [1] }, // all zero
    ];
    for (const data of cases) {
      const r = await maxMarginAll(data);
      for (const p of ["l1", "l2", "linf"] as const) {
        expect(r[p].separable).toBe(false);
        expect(r[p].margin).toBe(0);
        expect(r[p].beta.every((v) => v === 0)).toBe(true);
      }
    }
  });

  it("duplicates, zero columns, ties, d > n and scale", async () => {
    // Duplicating the example changes nothing: same closed forms as x = (1, 2).
    const dup = await maxMarginAll({ x: [[1, 2, 0], [1, 2, 0], [1, 2, 0]], y: [1, 1, 1] });
    expect(maxDiff(dup.l1.beta, [0, 1, 0])).toBeLessThan(1e-12);
    expect(maxDiff(dup.l2.beta, [1 / Math.sqrt(5), 2 / Math.sqrt(5), 0])).toBeLessThan(1e-12);
    // ℓ∞: every β3 ∈ [−1, 1] is optimal (the third coordinate is never used): the min-ℓ2 choice is 0.
    expect(maxDiff(dup.linf.beta, [1, 1, 0])).toBeLessThan(1e-12);
    expect(dup.linf.margin).toBeCloseTo(3, 12);
    // ℓ1 tie |x_1| = |x_2|: every (a, 1 − a), a ∈ [0, 1], is optimal; the min-ℓ2 choice is (1/2, 1/2).
    const tie = await maxMargin({ x: [[1, 1]], y: [1] }, "l1");
    expect(maxDiff(tie.beta, [0.5, 0.5])).toBeLessThan(1e-12);
    expect(tie.margin).toBeCloseTo(1, 12);
    // d > n: two examples in R^6 — checked by optimality conditions.
    const x = [
      [1, -2, 0.5, 3, 0, 1],
      [-1, 0.5, 2, -1, 1, 0],
    ];
    const r = await maxMarginAll({ x, y: [1, -1] });
    for (const p of ["l1", "l2", "linf"] as const) checkOptimality(x, [1, -1], r[p], p);
    // Scaling x by 1e6 scales margins by 1e6 and leaves directions unchanged.
    const big = await maxMarginAll({ x: x.map((row) => row.map((v) => v * 1e6)), y: [1, -1] });
    for (const p of ["l1", "l2", "linf"] as const) {
      expect(maxDiff(big[p].beta, r[p].beta)).toBeLessThan(1e-10);
      expect(Math.abs(big[p].margin / 1e6 - r[p].margin)).toBeLessThan(1e-10 * r[p].margin);
    }
  });

  it("flat n×d input equals nested input; y defaults to +1", async () => {
    const a = await maxMargin({ x: [1, 2, 3, -1], y: [1, 1], n: 2, d: 2 }, "l2");
    const b = await maxMargin({ x: [[1, 2], [3, -1]] }, "l2");
    expect(a.beta).toEqual(b.beta);
  });

  it("bad input: one-line errors naming the field", async () => {
    await expect(maxMargin({ x: [[1, 2]], y: [0] }, "l2")).rejects.toThrow(/^y\[0\]: expected a label −1 or \+1/);
    await expect(maxMargin({ x: [[1, 2], [1]], y: [1, 1] }, "l2")).rejects.toThrow(/^x\[1\]: expected 2 numbers/);
    await expect(maxMargin({ x: [] }, "l2")).rejects.toThrow(/^x: expected at least one example/);
    await expect(maxMargin({ x: [[1, Number.NaN]] }, "l2")).rejects.toThrow(/^x\[0\]\[1\]: expected a finite number/);
    await expect(maxMargin({ x: [[1]], y: [1, 1] }, "l2")).rejects.toThrow(MaxMarginInputError);
    await expect(maxMargin({ x: [[1]] }, "l3" as MaxMarginNorm)).rejects.toThrow(/^norm: expected/);
  });
});
