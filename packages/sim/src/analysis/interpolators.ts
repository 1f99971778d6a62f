/**
 * Regression references (docs/DIAGNOSTICS.md, "Regression"): the minimum-ℓ2-norm interpolator
 * β = Xᵀ(XXᵀ)⁻¹y (Cholesky of the n×n Gram matrix), the least-squares minimizer (XᵀX)⁻¹Xᵀy for data
 * no β interpolates, the support of a vector, and how far β is from a reference. The minimum-ℓ1
 * interpolator is an LP (maxmargin/solver.ts `minL1Interpolator`).
 */

/**
 * Solves G a = b for a symmetric positive definite m×m G given by its lower triangle (row-major), by
 * Cholesky G = C Cᵀ; undefined when a pivot falls below 1e-12 of the largest diagonal (G singular or
 * nearly so).
 */
function choleskySolve(G: Float64Array, b: ArrayLike<number>, m: number): Float64Array | undefined {
  let diag = 0;
  for (let i = 0; i < m; i++) diag = Math.max(diag, G[i * m + i]!);
  const C = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let k = 0; k <= i; k++) {
      let s = G[i * m + k]!;
      for (let q = 0; q < k; q++) s -= C[i * m + q]! * C[k * m + q]!;
      if (i === k) {
        if (!(s > 1e-12 * diag)) return undefined;
        C[i * m + i] = Math.sqrt(s);
      } else C[i * m + k] = s / C[k * m + k]!;
    }
  // solve C u = b, Cᵀ a = u
  const u = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i]!;
    for (let q = 0; q < i; q++) s -= C[i * m + q]! * u[q]!;
    u[i] = s / C[i * m + i]!;
  }
  const a = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = u[i]!;
    for (let q = i + 1; q < m; q++) s -= C[q * m + i]! * a[q]!;
    a[i] = s / C[i * m + i]!;
  }
  return a;
}

/** min ‖β‖₂ s.t. Xβ = y, or undefined when XXᵀ is not positive definite (n > d, or dependent rows). */
export function minL2Interpolator(x: ArrayLike<number>, y: ArrayLike<number>, n: number, d: number): number[] | undefined {
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k <= i; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += x[i * d + j]! * x[k * d + j]!;
      G[i * n + k] = s;
    }
  const a = choleskySolve(G, y, n);
  if (!a) return undefined;
  // β = Xᵀ a
  const beta = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) beta[j] += x[i * d + j]! * a[i]!;
  return beta;
}

/**
 * The least-squares minimizer argmin ‖Xβ − y‖₂ = (XᵀX)⁻¹Xᵀy (Cholesky of the d×d matrix XᵀX), or
 * undefined when XᵀX is not positive definite (d > n, or dependent columns: the minimizer is not
 * unique). The minimum of a regression whose targets no β fits exactly (n > d, noisy y).
 */
export function leastSquares(x: ArrayLike<number>, y: ArrayLike<number>, n: number, d: number): number[] | undefined {
  const G = new Float64Array(d * d);
  const b = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    for (let k = 0; k <= j; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i * d + j]! * x[i * d + k]!;
      G[j * d + k] = s;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * d + j]! * y[i]!;
    b[j] = s;
  }
  const beta = choleskySolve(G, b, d);
  return beta ? Array.from(beta) : undefined;
}

/** Relative size below which a coordinate is outside the support. */
export const SUPPORT_TOL = 1e-2;

/** {j : |β_j| ≥ SUPPORT_TOL · max_k |β_k|} (empty for β = 0). */
export function supportOf(beta: ArrayLike<number>, tol = SUPPORT_TOL): number[] {
  let m = 0;
  for (let j = 0; j < beta.length; j++) m = Math.max(m, Math.abs(beta[j]!));
  const out: number[] = [];
  if (m > 0) for (let j = 0; j < beta.length; j++) if (Math.abs(beta[j]!) >= tol * m) out.push(j);
  return out;
}

/** ‖a − b‖₂. */
export function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j]! - b[j]!) ** 2;
  return Math.sqrt(s);
}
