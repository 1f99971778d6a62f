/**
 * Regression references (docs/DIAGNOSTICS.md, "Regression"): the minimum-ℓ2-norm interpolator
 * β = Xᵀ(XXᵀ)⁻¹y (Cholesky of the n×n Gram matrix), the support of a vector, and how far β is from a
 * reference. The minimum-ℓ1 interpolator is an LP (maxmargin/solver.ts `minL1Interpolator`).
 */

/** min ‖β‖₂ s.t. Xβ = y, or undefined when XXᵀ is not positive definite (n > d, or dependent rows). */
export function minL2Interpolator(x: ArrayLike<number>, y: ArrayLike<number>, n: number, d: number): number[] | undefined {
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k <= i; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += x[i * d + j]! * x[k * d + j]!;
      G[i * n + k] = s;
    }
  // Cholesky G = C Cᵀ (lower), refusing pivots below 1e-12 of the largest diagonal (rank deficiency)
  let diag = 0;
  for (let i = 0; i < n; i++) diag = Math.max(diag, G[i * n + i]!);
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k <= i; k++) {
      let s = G[i * n + k]!;
      for (let m = 0; m < k; m++) s -= C[i * n + m]! * C[k * n + m]!;
      if (i === k) {
        if (!(s > 1e-12 * diag)) return undefined;
        C[i * n + i] = Math.sqrt(s);
      } else C[i * n + k] = s / C[k * n + k]!;
    }
  // solve C u = y, Cᵀ a = u, then β = Xᵀ a
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = y[i]!;
    for (let m = 0; m < i; m++) s -= C[i * n + m]! * u[m]!;
    u[i] = s / C[i * n + i]!;
  }
  const a = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = u[i]!;
    for (let m = i + 1; m < n; m++) s -= C[m * n + i]! * a[m]!;
    a[i] = s / C[i * n + i]!;
  }
  const beta = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) beta[j] += x[i * d + j]! * a[i]!;
  return beta;
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
