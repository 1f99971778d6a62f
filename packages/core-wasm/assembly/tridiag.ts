// Eigenvalues of a symmetric tridiagonal matrix by the implicit QL method (Wilkinson shifts), with the
// rotations applied to one row of the eigenvector matrix only: started from e_{k−1}ᵀ, that row ends
// up holding the last component of every eigenvector, which is all Lanczos needs for its residuals
// (‖Hx − θx‖ = β_k |s_{k−1}|). O(k²) per call instead of O(k³) with full vectors.
// TS mirror: packages/sim/src/engine/curvature.ts `tridiagEigen`.

// @ts-ignore: decorator
@inline function ldf(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function stf(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/**
 * In place: D (k diagonal entries) becomes the eigenvalues (unsorted), E (k entries, E[i] couples i
 * and i+1, E[k−1] = 0) is destroyed, Z (k entries, a row of the eigenvector matrix) is rotated along.
 * Returns false when an eigenvalue did not converge in 60 sweeps (not seen in practice).
 */
export function tridiagEigen(D: usize, E: usize, Z: usize, k: i32): bool {
  for (let l = 0; l < k; l++) {
    let iter = 0;
    while (true) {
      let m = l;
      for (; m < k - 1; m++) {
        const dd = Math.abs(ldf(D, m)) + Math.abs(ldf(D, m + 1));
        if (Math.abs(ldf(E, m)) <= 2.220446049250313e-16 * dd) break;
      }
      if (m == l) break;
      if (iter++ == 60) return false;
      let g = (ldf(D, l + 1) - ldf(D, l)) / (2.0 * ldf(E, l));
      let r = Math.sqrt(g * g + 1.0);
      g = ldf(D, m) - ldf(D, l) + ldf(E, l) / (g + (g >= 0 ? r : -r));
      let s: f64 = 1;
      let c: f64 = 1;
      let p: f64 = 0;
      let early = false;
      for (let i = m - 1; i >= l; i--) {
        const f = s * ldf(E, i);
        const b = c * ldf(E, i);
        r = Math.sqrt(f * f + g * g);
        stf(E, i + 1, r);
        if (r == 0) {
          stf(D, i + 1, ldf(D, i + 1) - p);
          stf(E, m, 0);
          early = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = ldf(D, i + 1) - p;
        r = (ldf(D, i) - g) * s + 2.0 * c * b;
        p = s * r;
        stf(D, i + 1, g + p);
        g = c * r - b;
        const zf = ldf(Z, i + 1);
        const zi = ldf(Z, i);
        stf(Z, i + 1, s * zi + c * zf);
        stf(Z, i, c * zi - s * zf);
      }
      if (early) continue;
      stf(D, l, ldf(D, l) - p);
      stf(E, l, g);
      stf(E, m, 0);
    }
  }
  return true;
}
