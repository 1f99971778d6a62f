// Sharpness at recorded points (docs/MODEL.md, "Curvature and balance"): λ_max and λ_min of the
// Hessian of the training loss by Lanczos on exact Hessian-vector products (math/curvature.ts), with
// full reorthogonalization (two classical Gram–Schmidt passes against every earlier vector: the
// Krylov spaces needed here are tens of vectors long), and tr H in closed form. Nothing here runs per
// step; buffers are allocated once, when a run asks for sharpness (`sharpnessAlloc`).
//
// Stopping rule: after iteration k the Ritz values θ of the tridiagonal T_k come with residuals
// r = ‖Hx − θx‖₂ = β_k |s_k| (tridiag.ts gives the last components s_k). Some eigenvalue of H lies
// within r of θ (for any symmetric H), and within r²/gap when the gap to the rest of the spectrum is
// known; the run stops when min(r, r²/gap) ≤ tol·‖T_k‖ for both extremes, with gap taken from the
// Ritz values (a heuristic for the stop only — the reported residual is the rigorous r), or when the
// Krylov space is exhausted (β_k ≈ 0, or k = L·d), or after maxIter products.
// TS mirror: packages/sim/src/engine/curvature.ts.

import { lossPrime, lossSecond } from "./math/loss";
import { hessianTrace, hessianVectorInto, layerProductsInto } from "./math/curvature";
import { tridiagEigen } from "./tridiag";
import { allocF64 as alloc, ld as ldf, st as stf } from "./model";

/** Relative tolerance of the stopping rule (on ‖T_k‖, the largest |Ritz value|). */
export const LANCZOS_TOL: f64 = 1e-10;
/** At most this many Hessian-vector products per point (fewer when L·d is smaller or memory is short). */
export const LANCZOS_MAX_ITER: i32 = 300;
/** The Lanczos basis is capped at this many f64 (64 MiB). */
const BASIS_CAP: i32 = 1 << 23;

let ready = false;
let sn: i32 = 0;
let sd: i32 = 0;
let sL: i32 = 0;
let sLD: i32 = 0;
let maxIter: i32 = 0;
let basis: usize = 0; // (maxIter + 1) × LD
let work: usize = 0; // LD
let prods: usize = 0; // LD, P_lj = Π_{k≠l} w_kj
let cBuf: usize = 0; // n, ℓ''(u_i)/n
let gBuf: usize = 0; // d, ∂L/∂β
let qBuf: usize = 0; // d
let aBuf: usize = 0; // n
let tBuf: usize = 0; // 2L
let alphas: usize = 0; // maxIter
let betas: usize = 0; // maxIter
let diagT: usize = 0; // maxIter
let offT: usize = 0; // maxIter
let zRow: usize = 0; // maxIter
/** The last result: λ_max, its residual, λ_min, its residual, tr H, Hessian-vector products used. */
let out: usize = 0;

export function sharpnessReady(): bool {
  return ready;
}

/** Allocates the buffers for an n×d problem at depth L. Called once per run that records sharpness. */
export function sharpnessAlloc(n: i32, d: i32, L: i32): void {
  sn = n;
  sd = d;
  sL = L;
  sLD = L * d;
  let m = sLD < LANCZOS_MAX_ITER ? sLD : LANCZOS_MAX_ITER;
  const fit = BASIS_CAP / sLD - 1;
  if (m > fit) m = fit;
  if (m < 1) m = 1;
  maxIter = m;
  basis = alloc((m + 1) * sLD);
  work = alloc(sLD);
  prods = alloc(sLD);
  cBuf = alloc(n);
  gBuf = alloc(d);
  qBuf = alloc(d);
  aBuf = alloc(n);
  tBuf = alloc(2 * L);
  alphas = alloc(m);
  betas = alloc(m);
  diagT = alloc(m);
  offT = alloc(m);
  zRow = alloc(m);
  out = alloc(6);
  ready = true;
}

export function sharpnessOut(): usize {
  return out;
}

/** min(r, r²/gap): the eigenvalue error bound of a Ritz pair with residual r (r alone while the gap is unknown: one Ritz value). */
// @ts-ignore: decorator
@inline function errorBound(r: f64, gap: f64): f64 {
  return gap > 0 && gap < Infinity ? Math.min(r, (r * r) / gap) : r;
}

/** The deterministic start vector: xorshift32 values in [−½, ½), normalized. */
function startVector(V: usize): void {
  let x: u32 = 0x9e3779b9;
  let s: f64 = 0;
  for (let k = 0; k < sLD; k++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    const v = <f64>x / 4294967296.0 - 0.5;
    stf(V, k, v);
    s += v * v;
  }
  const inv = 1.0 / Math.sqrt(s);
  for (let k = 0; k < sLD; k++) stf(V, k, ldf(V, k) * inv);
}

/**
 * λ_max, λ_min (with residuals) and tr H at W into the result buffer, for margins (or residuals) z of
 * the rows `rows` (model.ts yxPtr) under loss `kind`. Requires sharpnessAlloc.
 */
export function sharpnessAt(W: usize, rows: usize, z: usize, kind: i32): void {
  const n = sn;
  const d = sd;
  const L = sL;
  const LD = sLD;
  const invN = 1.0 / <f64>n;
  layerProductsInto(W, prods, d, L);
  for (let j = 0; j < d; j++) stf(gBuf, j, 0);
  for (let i = 0; i < n; i++) {
    const u = ldf(z, i);
    stf(cBuf, i, lossSecond(kind, u) * invN);
    const r = lossPrime(kind, u) * invN;
    const row = rows + (<usize>(i * d) << 3);
    for (let j = 0; j < d; j++) stf(gBuf, j, ldf(gBuf, j) + r * ldf(row, j));
  }
  stf(out, 4, hessianTrace(rows, cBuf, prods, n, d, L));

  startVector(basis);
  let betaPrev: f64 = 0;
  let lmax: f64 = 0;
  let lmin: f64 = 0;
  let rmax: f64 = 0;
  let rmin: f64 = 0;
  let k = 0;
  while (true) {
    const qk = basis + (<usize>(k * LD) << 3);
    hessianVectorInto(W, qk, work, rows, cBuf, gBuf, prods, qBuf, aBuf, tBuf, n, d, L);
    let alpha: f64 = 0;
    for (let t = 0; t < LD; t++) alpha += ldf(qk, t) * ldf(work, t);
    const qPrev = k > 0 ? qk - (<usize>LD << 3) : qk;
    for (let t = 0; t < LD; t++) stf(work, t, ldf(work, t) - alpha * ldf(qk, t) - betaPrev * ldf(qPrev, t));
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i <= k; i++) {
        const qi = basis + (<usize>(i * LD) << 3);
        let c: f64 = 0;
        for (let t = 0; t < LD; t++) c += ldf(qi, t) * ldf(work, t);
        for (let t = 0; t < LD; t++) stf(work, t, ldf(work, t) - c * ldf(qi, t));
      }
    }
    let bb: f64 = 0;
    for (let t = 0; t < LD; t++) bb += ldf(work, t) * ldf(work, t);
    const beta = Math.sqrt(bb);
    stf(alphas, k, alpha);
    stf(betas, k, beta);
    const size = k + 1;
    for (let i = 0; i < size; i++) {
      stf(diagT, i, ldf(alphas, i));
      stf(offT, i, i < k ? ldf(betas, i) : 0);
      stf(zRow, i, i == k ? 1 : 0);
    }
    tridiagEigen(diagT, offT, zRow, size);
    let iMax = 0;
    let iMin = 0;
    for (let i = 1; i < size; i++) {
      if (ldf(diagT, i) > ldf(diagT, iMax)) iMax = i;
      if (ldf(diagT, i) < ldf(diagT, iMin)) iMin = i;
    }
    lmax = ldf(diagT, iMax);
    lmin = ldf(diagT, iMin);
    rmax = beta * Math.abs(ldf(zRow, iMax));
    rmin = beta * Math.abs(ldf(zRow, iMin));
    // the gaps to the next Ritz values (infinite with one Ritz value)
    let nextMax: f64 = -Infinity;
    let nextMin: f64 = Infinity;
    for (let i = 0; i < size; i++) {
      const th = ldf(diagT, i);
      if (i != iMax && th > nextMax) nextMax = th;
      if (i != iMin && th < nextMin) nextMin = th;
    }
    const scale = Math.max(Math.abs(lmax), Math.abs(lmin));
    const tol = LANCZOS_TOL * scale;
    const okMax = errorBound(rmax, lmax - nextMax) <= tol;
    const okMin = errorBound(rmin, nextMin - lmin) <= tol;
    k++;
    if ((okMax && okMin) || beta <= 1e-14 * scale || k >= LD || k >= maxIter) break;
    const qn = basis + (<usize>(k * LD) << 3);
    const inv = 1.0 / beta;
    for (let t = 0; t < LD; t++) stf(qn, t, ldf(work, t) * inv);
    betaPrev = beta;
  }
  stf(out, 0, lmax);
  stf(out, 1, rmax);
  stf(out, 2, lmin);
  stf(out, 3, rmin);
  stf(out, 5, <f64>k);
}
