/**
 * KKT residual of the ℓ_{2/L} limit problem and its NNLS solver. Every reference here is computed
 * independently of kkt.ts: closed forms, a hand-solved 2×2 system, a brute-force SVM and a
 * brute-force NNLS over every subset (normal equations by Gaussian elimination), KKT points built
 * by hand from the stationarity equation.
 */
import { describe, expect, it } from "vitest";
import { kktResidual, nnls, type KktData } from "./kkt.js";

/** Deterministic uniform [0, 1) (mulberry32), so the tests need nothing from the package. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const normal = (u: () => number) => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, j) => s + v * b[j]!, 0);
const data = (rows: number[][], y: number[]): KktData => ({ x: rows.flat(), y, n: rows.length, d: rows[0]!.length });

/** Solves G z = h by Gaussian elimination with partial pivoting; null when a pivot is below 1e-12·scale. */
function solveDense(G: number[][], h: number[]): number[] | null {
  const n = h.length;
  const a = G.map((r, i) => [...r, h[i]!]);
  const scale = Math.max(1e-300, ...G.flat().map(Math.abs));
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    if (Math.abs(a[p]![c]!) < 1e-12 * scale) return null;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k <= n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = a[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= a[r]![k]! * z[k]!;
    z[r] = s / a[r]![r]!;
  }
  return z;
}

/** The hard-margin SVM (no bias) by enumerating active sets: β = Σ_A a_i y_i x_i with y_i<β, x_i> = 1 on A, a ≥ 0, all margins ≥ 1; the smallest ‖β‖. */
function bruteSvm(rows: number[][], y: number[]): number[] {
  const n = rows.length;
  let best: number[] | null = null;
  for (let mask = 1; mask < 1 << n; mask++) {
    const A = [...Array(n).keys()].filter((i) => mask & (1 << i));
    const G = A.map((i) => A.map((k) => y[i]! * y[k]! * dot(rows[i]!, rows[k]!)));
    const a = solveDense(G, A.map(() => 1));
    if (!a || a.some((v) => v < -1e-12)) continue;
    const beta = rows[0]!.map((_, j) => A.reduce((s, i, c) => s + a[c]! * y[i]! * rows[i]![j]!, 0));
    if (rows.some((r, i) => y[i]! * dot(r, beta) < 1 - 1e-9)) continue;
    if (!best || dot(beta, beta) < dot(best, best)) best = beta;
  }
  if (!best) throw new Error("bruteSvm: no feasible active set");
  return best;
}

/** Relative residual when exactly one example is active: the distance of v from the ray through m, over ‖v‖. */
function oneActiveResidual(v: number[], m: number[]): number {
  const c = dot(v, m) / Math.sqrt(dot(v, v) * dot(m, m));
  return c > 0 ? Math.sqrt(Math.max(0, 1 - c * c)) : 1;
}

describe("depth 1 (q = 2): the ℓ2 max-margin classifier is a KKT point", () => {
  it("one example: β = y·x/‖x‖² has residual ≤ 1e-10 and λ = 2/‖x‖²", () => {
    const u = rng(1);
    for (let trial = 0; trial < 10; trial++) {
      const d = 1 + (trial % 5);
      const x = Array.from({ length: d }, () => normal(u) * (trial + 1));
      const y = trial % 2 ? 1 : -1;
      const beta = x.map((v) => (y * v) / dot(x, x));
      const r = kktResidual(beta, data([x], [y]), 1);
      expect(r.residual).toBeLessThanOrEqual(1e-10);
      expect(r.active).toEqual([0]);
      expect(r.multipliers[0]!).toBeCloseTo(2 / dot(x, x), 12);
      expect(r.support).toEqual([...Array(d).keys()]);
    }
  });

  it("two active examples (2×2 system solved by hand) plus an inactive one: residual ≤ 1e-10, λ = 2a", () => {
    const x1 = [2, 1, 0];
    const x2 = [0.5, 2, 1];
    // G a = 1 with G_ik = <x_i, x_k> (y = +1): G = [[5, 3], [3, 5.25]], det = 17.25.
    const a = [(5.25 - 3) / 17.25, (5 - 3) / 17.25];
    expect(Math.min(...a)).toBeGreaterThan(0);
    const beta = x1.map((v, j) => a[0]! * v + a[1]! * x2[j]!);
    expect(dot(beta, x1)).toBeCloseTo(1, 14);
    expect(dot(beta, x2)).toBeCloseTo(1, 14);
    const x3 = beta.map((b) => (3 * b) / dot(beta, beta)); // margin 3: inactive
    const r = kktResidual(beta, data([x1, x2, x3], [1, 1, 1]), 1);
    expect(r.residual).toBeLessThanOrEqual(1e-10);
    expect(r.active).toEqual([0, 1]);
    expect(r.multipliers[0]!).toBeCloseTo(2 * a[0]!, 12);
    expect(r.multipliers[1]!).toBeCloseTo(2 * a[1]!, 12);
    expect(r.margins[2]!).toBeCloseTo(3, 12);
  });

  it("random separable sets: the brute-force SVM has residual ≤ 1e-10, and moving it off the SVM raises the residual", () => {
    const u = rng(2);
    for (let trial = 0; trial < 12; trial++) {
      const d = 2 + (trial % 3);
      const n = 3 + (trial % 4);
      const planted = Array.from({ length: d }, () => normal(u));
      const rows: number[][] = [];
      const y: number[] = [];
      while (rows.length < n) {
        const x = Array.from({ length: d }, () => normal(u));
        const s = dot(x, planted);
        if (Math.abs(s) < 0.3) continue;
        rows.push(x);
        y.push(Math.sign(s));
      }
      const svm = bruteSvm(rows, y);
      expect(kktResidual(svm, data(rows, y), 1).residual).toBeLessThanOrEqual(1e-10);
      const off = svm.map((b, j) => b + (j === 0 ? 0.3 : 0) * Math.hypot(...svm));
      expect(kktResidual(off, data(rows, y), 1).residual).toBeGreaterThan(1e-3);
    }
  });

  it("checks every coordinate at q = 2: a coordinate no example uses must be 0", () => {
    const rows = [[1, 2, 0]];
    expect(kktResidual([0.2, 0.4, 0], data(rows, [1]), 1).residual).toBeLessThanOrEqual(1e-15);
    // β₃ ≠ 0 cannot be matched by Σλ y x_i3 = 0: v = 2β̂ = (0.4, 0.8, 0.4), residual = 0.4/‖v‖.
    const r = kktResidual([0.2, 0.4, 0.2], data(rows, [1]), 1);
    expect(r.residual).toBeCloseTo(0.4 / Math.hypot(0.4, 0.8, 0.4), 14);
    // x = (1, 2, 1): β = (0.2, 0.4, 0) has margin 1 but the SVM is x/6; the zero coordinate still counts.
    const r3 = kktResidual([0.2, 0.4, 0], data([[1, 2, 1]], [1]), 1);
    expect(r3.support).toEqual([0, 1, 2]);
    expect(Math.abs(r3.residual - oneActiveResidual([0.4, 0.8, 0], [1, 2, 1]))).toBeLessThan(1e-14);
    expect(r3.residual).toBeGreaterThan(0.4);
  });
});

describe("depth 2 (q = 1), one example x = (1, 3)", () => {
  const one = data([[1, 3]], [1]);
  it("β = e₂/3 (the ℓ1 max margin) has residual 0 and λ = 1/3", () => {
    const r = kktResidual([0, 1 / 3], one, 2);
    expect(r.residual).toBe(0);
    expect(r.support).toEqual([1]);
    expect(r.multipliers[0]!).toBeCloseTo(1 / 3, 15);
  });
  it("β = x/10 is not ℓ1-KKT: v = (1, 1), best λ = 4/10, residual = ‖(−0.6, 0.2)‖/√2 = √0.2", () => {
    const r = kktResidual([0.1, 0.3], one, 2);
    expect(r.multipliers[0]!).toBeCloseTo(0.4, 14);
    expect(Math.abs(r.residual - Math.sqrt(0.2))).toBeLessThan(1e-14);
  });
});

describe("depth ≥ 3 (q < 1): KKT points built by hand", () => {
  it("L = 3, x = (a, b): both vertices e₁/a, e₂/b are KKT points (one-coordinate support)", () => {
    for (const [a, b] of [[1, 2], [3, 1], [0.5, 0.7]] as const) {
      const one = data([[a, b]], [1]);
      expect(kktResidual([1 / a, 0], one, 3).residual).toBeLessThanOrEqual(1e-10);
      expect(kktResidual([0, 1 / b], one, 3).residual).toBeLessThanOrEqual(1e-10);
    }
  });

  it("L = 3…6, one example: the interior stationary point q|β_j|^{q−1} sign β_j = λ x_j has residual ≤ 1e-10; the midpoint does not", () => {
    const u = rng(3);
    for (let L = 3; L <= 6; L++) {
      const q = 2 / L;
      for (let trial = 0; trial < 4; trial++) {
        const d = 2 + trial;
        const x = Array.from({ length: d }, () => (u() < 0.3 ? -1 : 1) * (0.3 + 2 * u()));
        // λ = 1: |β_j| = (|x_j| / q)^{1/(q−1)}, sign β_j = sign x_j; kktResidual rescales to unit margin.
        const beta = x.map((v) => Math.sign(v) * Math.pow(Math.abs(v) / q, 1 / (q - 1)));
        const one = data([x], [1]);
        // |β_j| ∝ |x_j|^{−1/(1−q)} spans up to ~500× here: keep every coordinate in S.
        const r = kktResidual(beta, one, L, { supportTol: 1e-6 });
        expect(r.residual).toBeLessThanOrEqual(1e-10);
        expect(r.support.length).toBe(d);
        // Any other direction with full support: the residual has a closed form when one example is active.
        const other = x.map((v) => Math.sign(v) / d);
        const vOther = other.map((b) => q * Math.pow(Math.abs(b), q - 1) * Math.sign(b));
        const ro = kktResidual(other, one, L).residual;
        expect(Math.abs(ro - oneActiveResidual(vOther, x))).toBeLessThan(1e-12);
        if (x.some((v) => Math.abs(Math.abs(v) - Math.abs(x[0]!)) > 0.1)) expect(ro).toBeGreaterThan(1e-3);
      }
    }
  });

  it("L = 1…5, two active examples and an inactive one: a constructed KKT point has residual ≤ 1e-10 and its λ is recovered", () => {
    const u = rng(4);
    for (let L = 1; L <= 5; L++) {
      const q = 2 / L;
      // β̂ with a zero coordinate (for L = 1 full support: a zero coordinate would need Σλ y x = 0 there).
      const bHat = L === 1 ? [0.8, -0.5, 0.3, 0.2] : [0.8, -0.5, 0.3, 0];
      const S = [0, 1, 2, 3].filter((j) => bHat[j] !== 0);
      const v = bHat.map((b) => (b === 0 ? 0 : q * Math.pow(Math.abs(b), q - 1) * Math.sign(b)));
      const N = dot(bHat, v); // = q Σ|β̂_j|^q
      // x₁ random, scaled to margin 1 (y₁ = +1); λ₁ ∈ (0, N); then x₂ (y₂ = −1) solves λ₁ x₁ + λ₂ y₂ x₂ = v on S,
      // and λ₂ = N − λ₁ makes its margin 1 as well: y₂<β̂, x₂> = (N − λ₁)/λ₂.
      let x1 = Array.from({ length: 4 }, () => normal(u));
      if (dot(x1, bHat) < 0) x1 = x1.map((t) => -t);
      x1 = x1.map((t) => t / dot(x1, bHat));
      const l1 = 0.35 * N;
      const l2 = N - l1;
      const x2 = [0, 1, 2, 3].map((j) => (S.includes(j) ? -(v[j]! - l1 * x1[j]!) / l2 : normal(u)));
      const x3 = bHat.map((b) => (2.5 * b) / dot(bHat, bHat)); // margin 2.5: inactive
      const set = data([x1, x2, x3], [1, -1, 1]);
      const beta = bHat.map((b) => 4.2 * b);
      const r = kktResidual(beta, set, L);
      expect(r.minMargin).toBeCloseTo(4.2, 12);
      expect(r.support).toEqual(S);
      expect(r.active).toEqual([0, 1]);
      expect(r.residual).toBeLessThanOrEqual(1e-10);
      // λ is unique when the two columns are independent on S (true for these draws).
      expect(r.multipliers[0]!).toBeCloseTo(l1, 9);
      expect(r.multipliers[1]!).toBeCloseTo(l2, 9);
      // Moving one support coordinate by 5 % breaks stationarity.
      const moved = beta.map((b, j) => (j === 2 ? 1.05 * b : b));
      expect(kktResidual(moved, set, L).residual).toBeGreaterThan(1e-3);
    }
  });

  it("coordinates below supportTol·max|β̂| are left out; above it they count (and, at q < 1, dominate)", () => {
    const one = data([[1, 2]], [1]);
    expect(kktResidual([1, 5e-3], one, 3).support).toEqual([0]);
    expect(kktResidual([1, 5e-3], one, 3).residual).toBeLessThanOrEqual(1e-10);
    const r = kktResidual([1, 2e-3], one, 3, { supportTol: 1e-3 });
    expect(r.support).toEqual([0, 1]);
    // Both coordinates in S, one example: the closed form with v ∝ (1, (2e-3)^{−1/3}) ≈ (1, 7.9) against x = (1, 2) gives ≈ 0.33.
    expect(Math.abs(r.residual - oneActiveResidual([1, Math.pow(2e-3, -1 / 3)], [1, 2]))).toBeLessThan(1e-12);
    expect(r.residual).toBeGreaterThan(0.3);
    expect(kktResidual([1, 2e-2], one, 3).support).toEqual([0, 1]);
  });
});

describe("active set by raw margin gap (marginGap), slack, loss-weight residual", () => {
  // L = 3 KKT point with two active examples (the construction above, fixed numbers), then example 2
  // scaled by 1.3: its normalised margin becomes 1.3, so it is active only when the gap admits it.
  const L = 3;
  const q = 2 / L;
  const bHat = [0.8, -0.5, 0.3];
  const v = bHat.map((b) => q * Math.pow(Math.abs(b), q - 1) * Math.sign(b));
  const N = dot(bHat, v);
  const x1raw = [1, -0.4, 0.7];
  const x1 = x1raw.map((t) => t / dot(x1raw, bHat));
  const l1 = 0.35 * N;
  const l2 = N - l1;
  const x2 = v.map((vj, j) => (-(vj - l1 * x1[j]!) / l2) * 1.3);
  const set = data([x1, x2], [1, -1]);

  it("without the gap only the minimum-margin example is active and stationarity fails", () => {
    const r = kktResidual(bHat, set, L);
    expect(r.margins[1]!).toBeCloseTo(1.3, 12);
    expect(r.active).toEqual([0]);
    expect(r.residual).toBeGreaterThan(0.1);
    expect(r.slack).toBe(0);
  });

  it("a raw gap ≥ 0.3·scale admits example 2: residual ≤ 1e-10, λ₂ = l₂/1.3, slack = 0.3 λ₂ / N; a smaller gap does not", () => {
    for (const c of [1, 10]) {
      const beta = bHat.map((b) => c * b);
      const r = kktResidual(beta, set, L, { marginGap: 0.3 * c * (1 + 1e-9) });
      expect(r.activeThreshold).toBeCloseTo(1.3, 8);
      expect(r.active).toEqual([0, 1]);
      expect(r.residual).toBeLessThanOrEqual(1e-10);
      expect(r.multipliers[1]!).toBeCloseTo(l2 / 1.3, 9);
      expect(Math.abs(r.slack - (0.3 * (l2 / 1.3)) / N)).toBeLessThan(1e-9);
      expect(kktResidual(beta, set, L, { marginGap: 0.29 * c }).active).toEqual([0]);
    }
  });

  it("lossWeightResidual uses λ_i ∝ e^{−(z_i − γ)} from the raw margins: matches a direct computation, and tends to the one-active residual as the scale grows", () => {
    for (const c of [0.5, 2, 40]) {
      const beta = bHat.map((b) => c * b);
      const z = [dot(beta, x1), -dot(beta, x2)];
      const gamma = Math.min(...z);
      const w = z.map((zi) => Math.exp(-(zi - gamma)));
      const g = [0, 1, 2].map((j) => w[0]! * x1[j]! - w[1]! * x2[j]!);
      const expected = oneActiveResidual(v, g); // one "column" g with a free positive scale
      expect(Math.abs(kktResidual(beta, set, L).lossWeightResidual - expected)).toBeLessThan(1e-12);
    }
    const far = kktResidual(bHat.map((b) => 200 * b), set, L);
    expect(Math.abs(far.lossWeightResidual - far.residual)).toBeLessThan(1e-12);
  });

  it("one example: lossWeightResidual equals the residual", () => {
    const one = data([[1, 2]], [1]);
    for (const beta of [[0.1, 0.3], [1, 2e-3], [0.2, 0.2]]) {
      const r = kktResidual(beta, one, 3);
      expect(Math.abs(r.lossWeightResidual - r.residual)).toBeLessThan(1e-14);
    }
  });
});

describe("non-KKT directions, invariance, non-separating input", () => {
  it("random directions on random data: residual ≥ 0.1, equal to the closed form when one example is active", () => {
    const u = rng(5);
    let checkedClosedForm = 0;
    for (let trial = 0; trial < 20; trial++) {
      const d = 3 + (trial % 3);
      const n = 4 + (trial % 5);
      const beta = Array.from({ length: d }, () => normal(u));
      const rows = Array.from({ length: n }, () => Array.from({ length: d }, () => normal(u)));
      const y = rows.map((r) => (dot(r, beta) >= 0 ? 1 : -1)); // labelled by β: it separates
      for (const L of [1, 2, 3, 4]) {
        const r = kktResidual(beta, data(rows, y), L);
        expect(r.residual).toBeGreaterThanOrEqual(0.1);
        if (r.active.length === 1) {
          const q = 2 / L;
          const i = r.active[0]!;
          const S = r.support;
          const v = S.map((j) => q * Math.pow(Math.abs(r.betaHat[j]!), q - 1) * Math.sign(r.betaHat[j]!));
          expect(Math.abs(r.residual - oneActiveResidual(v, S.map((j) => y[i]! * rows[i]![j]!)))).toBeLessThan(1e-12);
          checkedClosedForm++;
        }
      }
    }
    expect(checkedClosedForm).toBeGreaterThan(20);
  });

  it("is invariant to β's positive scale (without marginGap): residual(cβ) = residual(β) to 1e-13", () => {
    const u = rng(6);
    const rows = Array.from({ length: 6 }, () => Array.from({ length: 4 }, () => normal(u)));
    const beta = [1.3, -0.2, 0.05, 0.7];
    const y = rows.map((r) => (dot(r, beta) >= 0 ? 1 : -1));
    for (const L of [1, 2, 3, 5]) {
      const base = kktResidual(beta, data(rows, y), L);
      for (const c of [1e-9, 0.37, 11, 3e7]) {
        const r = kktResidual(beta.map((b) => c * b), data(rows, y), L);
        expect(Math.abs(r.residual - base.residual)).toBeLessThanOrEqual(1e-13);
        expect(r.active).toEqual(base.active);
        expect(r.support).toEqual(base.support);
      }
    }
  });

  it("a β that does not separate (or is 0) gives residual Infinity and reason not-separating, with no NaN", () => {
    const set = data([[1, 0], [0, 1]], [1, 1]);
    for (const beta of [[1, -1], [0, 0], [1, 0]]) {
      const r = kktResidual(beta, set, 3);
      expect(r.residual).toBe(Infinity);
      expect(r.reason).toBe("not-separating");
      expect([r.scale, ...r.betaHat, ...r.margins].every(Number.isFinite)).toBe(true);
    }
    expect(kktResidual([1, 1], set, 3).reason).toBeUndefined();
    expect(kktResidual([1, -1], set, 3).lossWeightResidual).toBe(Infinity);
  });

  it("rejects shapes that disagree and a non-integer depth", () => {
    expect(() => kktResidual([1, 2, 3], data([[1, 2]], [1]), 2)).toThrow(RangeError);
    expect(() => kktResidual([1, 2], data([[1, 2]], [1]), 1.5)).toThrow(RangeError);
    expect(() => kktResidual([1, 2], data([[1, 2]], [1]), 2, { marginGap: -1 })).toThrow(RangeError);
  });
});

/**
 * Unconstrained least squares by modified Gram–Schmidt on the augmented matrix [A | b] (Björck's
 * stable variant: b is orthogonalised column by column too); null when a column is dependent
 * (its remainder below 1e-10 of its norm). Independent of kkt.ts's Householder QR.
 */
function mgsLeastSquares(cols: number[][], b: number[]): number[] | null {
  const p = cols.length;
  const q = cols.map((c) => [...c]);
  const R = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const rhs = [...b];
  const qtb = new Array<number>(p).fill(0);
  for (let i = 0; i < p; i++) {
    const nrm = Math.sqrt(dot(q[i]!, q[i]!));
    if (nrm < 1e-10 * Math.sqrt(dot(cols[i]!, cols[i]!))) return null;
    R[i]![i] = nrm;
    q[i] = q[i]!.map((t) => t / nrm);
    for (let j = i + 1; j < p; j++) {
      const rij = dot(q[i]!, q[j]!);
      R[i]![j] = rij;
      q[j] = q[j]!.map((t, r) => t - rij * q[i]![r]!);
    }
    qtb[i] = dot(q[i]!, rhs);
    for (let r = 0; r < rhs.length; r++) rhs[r]! -= qtb[i]! * q[i]![r]!;
  }
  const z = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = qtb[i]!;
    for (let j = i + 1; j < p; j++) s -= R[i]![j]! * z[j]!;
    z[i] = s / R[i]![i]!;
  }
  return z;
}

describe("nnls (Lawson–Hanson) against brute force over every passive set", () => {
  /** min over subsets P of the unconstrained LS on A_P (modified Gram–Schmidt), keeping feasible (≥ 0) solutions. */
  function bruteNnls(cols: number[][], b: number[]): number {
    let best = Math.sqrt(dot(b, b));
    const k = cols.length;
    for (let mask = 1; mask < 1 << k; mask++) {
      const P = [...Array(k).keys()].filter((c) => mask & (1 << c));
      const z = mgsLeastSquares(P.map((c) => cols[c]!), b);
      if (!z) continue;
      if (z.some((t) => t < 0)) continue;
      const r = b.map((bv, row) => bv - P.reduce((s, c, p) => s + z[p]! * cols[c]![row]!, 0));
      best = Math.min(best, Math.sqrt(dot(r, r)));
    }
    return best;
  }

  it("random problems (tall, wide, duplicated and dependent columns): same residual to 1e-10, λ ≥ 0, KKT of NNLS hold", () => {
    const u = rng(7);
    let positive = 0;
    for (let trial = 0; trial < 300; trial++) {
      // Up to 8 × 10: large enough that entering columns push others negative (the inner loop runs).
      const m = 1 + (trial % 8);
      const k = 1 + ((trial * 7) % 10);
      const cols = Array.from({ length: k }, () => Array.from({ length: m }, () => normal(u)));
      if (trial % 5 === 0 && k >= 2) cols[k - 1] = cols[0]!.map((t) => 2 * t); // parallel columns
      if (trial % 7 === 0 && k >= 3) cols[k - 1] = cols[0]!.map((t, r) => t - cols[1]![r]!); // dependent triple
      const b = Array.from({ length: m }, () => normal(u));
      const res = nnls(cols.flat(), m, k, b);
      expect(Math.abs(res.residualNorm - bruteNnls(cols, b))).toBeLessThanOrEqual(1e-10);
      expect(Math.min(...res.x)).toBeGreaterThanOrEqual(0);
      const r = b.map((bv, row) => bv - cols.reduce((s, c, i) => s + res.x[i]! * c[row]!, 0));
      expect(Math.abs(Math.sqrt(dot(r, r)) - res.residualNorm)).toBeLessThanOrEqual(1e-12); // summation order only
      cols.forEach((c, i) => {
        const w = dot(c, r); // dual: ≤ 0 everywhere, = 0 where λ > 0
        expect(w).toBeLessThanOrEqual(1e-10);
        if (res.x[i]! > 0) expect(Math.abs(w)).toBeLessThanOrEqual(1e-10);
      });
      if (res.x.some((t) => t > 0)) positive++;
    }
    expect(positive).toBeGreaterThan(100); // not a suite of trivial all-zero answers
  });

  it("solves a consistent system exactly and returns 0 when every column points away from b", () => {
    const ex = nnls([1, 0, 0, 1], 2, 2, [3, 4]);
    expect(Array.from(ex.x)).toEqual([3, 4]);
    expect(ex.residualNorm).toBe(0);
    const away = nnls([-1, 0, 0, -1], 2, 2, [3, 4]);
    expect(Array.from(away.x)).toEqual([0, 0]);
    expect(away.residualNorm).toBe(5);
  });

  it("a few hundred rows and columns: optimal (dual ≤ 0) within 2 s", () => {
    const u = rng(8);
    const m = 300;
    const k = 200;
    const A = Array.from({ length: m * k }, () => normal(u));
    const b = Array.from({ length: m }, () => normal(u));
    const t0 = performance.now();
    const res = nnls(A, m, k, b);
    const ms = performance.now() - t0;
    expect(Math.min(...res.x)).toBeGreaterThanOrEqual(0);
    const r = b.map((bv, row) => bv - res.x.reduce((s, xc, c) => s + xc * A[c * m + row]!, 0));
    for (let c = 0; c < k; c++) {
      let w = 0;
      for (let row = 0; row < m; row++) w += A[c * m + row]! * r[row]!;
      expect(w).toBeLessThanOrEqual(1e-9);
    }
    expect(ms).toBeLessThan(2000);
  });
});
