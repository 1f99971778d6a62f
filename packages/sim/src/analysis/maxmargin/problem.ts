/**
 * The max-margin problem and its solutions, solver-independent: the types, the input checks
 * (`toProblem`), norms, the dual bound of a certificate and the reading-off of a solution (`finish`).
 * The solver (solver.ts) and the exact polish (polish.ts) build on it.
 */
export type MaxMarginNorm = "l1" | "l2" | "linf";
export const MAX_MARGIN_NORMS: readonly MaxMarginNorm[] = ["l1", "l2", "linf"];

/** Data for a max-margin problem: rows `x_i` (nested arrays, or n×d row-major) and labels ±1. */
export type MaxMarginData =
  | { x: readonly (readonly number[])[]; y?: ArrayLike<number> }
  | { x: ArrayLike<number>; y: ArrayLike<number>; n: number; d: number };

export interface MaxMarginSolution {
  norm: MaxMarginNorm;
  /** Strictly linearly separable through the origin (the best ℓ∞ margin exceeds `separationTol`). */
  separable: boolean;
  /**
   * The max-margin direction, unit norm in its own norm (‖β‖_p = 1); the minimum-ℓ2-norm element
   * of the optimal set when that set has more than one point. All zeros when not separable.
   */
  beta: number[];
  /** min_i y_i <beta, x_i>, computed from `beta` in float64; 0 when not separable (β = 0 is then optimal). */
  margin: number;
  /** Coordinates j with β_j ≠ 0 (|β_j| > 1e-9 · max|β|). */
  support: number[];
  /** Examples i whose margin is within 1e-7 (relative) of the minimum: the active constraints. */
  active: number[];
  /**
   * An upper bound on the optimal margin from a dual certificate λ ≥ 0, Σλ = 1:
   * `‖Σ_i λ_i y_i x_i‖_q` with q the dual norm (ℓ1 ↔ ℓ∞, ℓ2 ↔ ℓ2). `gap = dualBound − margin ≥ 0`
   * bounds the suboptimality of `margin` (up to rounding).
   */
  dualBound: number;
  gap: number;
  /** The certificate λ (λ_i ≥ 0, Σλ = 1; zeros on inactive examples), one per example. */
  dual: number[];
  /**
   * Whether the optimal direction is known to be unique: always for ℓ2 (strictly convex); for ℓ1
   * and ℓ∞ when the LP optimum is dual nondegenerate. When false, `beta` is the minimum-ℓ2-norm
   * optimal solution (a tie-break; other solvers may return another optimal point).
   */
  unique: boolean;
  /** Whether the exact re-solve on the active set succeeded (false: HiGHS's own solution, ~1e-7). */
  polished: boolean;
  /** The threshold on the best ℓ∞ margin below which the data counts as not separable (data units). */
  separationTol: number;
  /** HiGHS + polish time, milliseconds. */
  ms: number;
}

/** Relative tolerance: a data set whose best ℓ∞ margin is ≤ this × max_i ‖x_i‖₁ is "not separable". */
export const SEPARATION_TOL = 1e-9;

/** Thrown for malformed input (wrong shapes, labels other than ±1, non-finite numbers). */
export class MaxMarginInputError extends Error {
  constructor(
    readonly field: string,
    readonly expected: string,
  ) {
    super(`${field}: ${expected}`);
    this.name = "MaxMarginInputError";
  }
}

export interface Problem {
  n: number;
  d: number;
  /** Original rows y_i x_i (n×d). */
  yx: Float64Array;
  /** Scaled rows m_i = y_i x_i / scale, with scale = max |x_ij| (1 if all zero). */
  m: Float64Array;
  scale: number;
}

export function toProblem(data: MaxMarginData): Problem {
  let n: number;
  let d: number;
  let x: Float64Array;
  if ("n" in data) {
    ({ n, d } = data);
    if (!Number.isInteger(n) || n < 1) throw new MaxMarginInputError("n", "expected at least one example");
    if (!Number.isInteger(d) || d < 1) throw new MaxMarginInputError("d", "expected at least one coordinate");
    if (data.x.length !== n * d) throw new MaxMarginInputError("x", `expected n·d = ${n * d} numbers, got ${data.x.length}`);
    x = Float64Array.from(data.x);
  } else {
    const rows = data.x;
    n = rows.length;
    if (n < 1) throw new MaxMarginInputError("x", "expected at least one example");
    d = rows[0]!.length;
    if (d < 1) throw new MaxMarginInputError("x[0]", "expected at least one coordinate");
    x = new Float64Array(n * d);
    rows.forEach((r, i) => {
      if (!Array.isArray(r) && !ArrayBuffer.isView(r)) throw new MaxMarginInputError(`x[${i}]`, "expected an array of numbers");
      if (r.length !== d) throw new MaxMarginInputError(`x[${i}]`, `expected ${d} numbers like x[0], got ${r.length}`);
      x.set(r, i * d);
    });
  }
  for (let k = 0; k < x.length; k++) {
    if (typeof x[k] !== "number" || !Number.isFinite(x[k]!)) throw new MaxMarginInputError(`x[${Math.floor(k / d)}][${k % d}]`, "expected a finite number");
  }
  const yIn = data.y ?? new Array<number>(n).fill(1);
  if (yIn.length !== n) throw new MaxMarginInputError("y", `expected ${n} labels (one per example), got ${yIn.length}`);
  const yx = new Float64Array(n * d);
  let scale = 0;
  for (let i = 0; i < n; i++) {
    const yi = yIn[i];
    if (yi !== 1 && yi !== -1) throw new MaxMarginInputError(`y[${i}]`, `expected a label −1 or +1, got ${String(yi)}`);
    for (let j = 0; j < d; j++) {
      yx[i * d + j] = yi * x[i * d + j]!;
      scale = Math.max(scale, Math.abs(x[i * d + j]!));
    }
  }
  if (scale === 0) scale = 1;
  const m = yx.map((v) => v / scale);
  return { n, d, yx, m, scale };
}

export interface QP {
  rows: number;
  cols: number;
  /** rows × cols, row-major. */
  C: Float64Array;
  b: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  start: number[];
}

export function minMargin(m: Float64Array, n: number, d: number, beta: readonly number[]): number {
  let t = Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += m[i * d + j]! * beta[j]!;
    t = Math.min(t, s);
  }
  return t;
}

export function l1norm(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += Math.abs(x);
  return s;
}

export function normOf(v: ArrayLike<number>, norm: MaxMarginNorm): number {
  let s = 0;
  for (let j = 0; j < v.length; j++) {
    const a = Math.abs(v[j]!);
    if (norm === "l1") s += a;
    else if (norm === "linf") s = Math.max(s, a);
    else s += a * a;
  }
  return norm === "l2" ? Math.sqrt(s) : s;
}

const DUAL: Record<MaxMarginNorm, MaxMarginNorm> = { l1: "linf", l2: "l2", linf: "l1" };

/**
 * Weak duality: for λ ≥ 0 with Σλ = 1, max_{‖β‖_p ≤ 1} min_i m_i·β ≤ ‖Σ_i λ_i m_i‖_q.
 * Any λ gives a valid bound (it is normalized here); Infinity if λ = 0.
 */
export function dualNormBound(m: Float64Array, n: number, d: number, lam: readonly number[], norm: MaxMarginNorm): number {
  if (!lam.some((l) => l > 0)) return Infinity;
  const g = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const li = lam[i]!;
    if (li) for (let j = 0; j < d; j++) g[j] += li * m[i * d + j]!;
  }
  return normOf(g, DUAL[norm]);
}

/** max(λ, 0) scaled to sum 1 (all zeros if nothing is positive). */
export function simplex(lam: readonly number[]): number[] {
  let sum = 0;
  for (const l of lam) sum += Math.max(0, l);
  return lam.map((l) => (sum > 0 ? Math.max(0, l) / sum : 0));
}

/** Normalizes β to unit norm in its own norm and reads off margin, support and active set. */
export function finish(p: Problem, norm: MaxMarginNorm, raw: readonly number[], polished: boolean, lam: readonly number[], separationTol: number, unique: boolean): MaxMarginSolution {
  const { n, d, yx } = p;
  const nb = normOf(raw, norm);
  const beta = raw.map((v) => (nb > 0 ? v / nb : 0));
  if (norm === "linf") {
    // Snap coordinates that are at the bound up to rounding, so ‖β‖∞ = 1 is exact.
    for (let j = 0; j < d; j++) if (Math.abs(Math.abs(beta[j]!) - 1) < 1e-14) beta[j] = Math.sign(beta[j]!);
  }
  const z = new Array<number>(n);
  let margin = Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += yx[i * d + j]! * beta[j]!;
    z[i] = s;
    margin = Math.min(margin, s);
  }
  let bmax = 0;
  for (const v of beta) bmax = Math.max(bmax, Math.abs(v));
  const support = beta.flatMap((v, j) => (Math.abs(v) > 1e-9 * bmax ? [j] : []));
  const active = z.flatMap((s, i) => (s - margin <= 1e-7 * Math.max(Math.abs(margin), 1e-300) ? [i] : []));
  const dual = simplex(lam.length === n ? lam : new Array<number>(n).fill(0));
  const dualBound = dualNormBound(yx, n, d, dual, norm);
  return { norm, separable: true, beta, margin, support, active, dualBound, gap: dualBound - margin, dual, unique, polished, separationTol, ms: 0 };
}
