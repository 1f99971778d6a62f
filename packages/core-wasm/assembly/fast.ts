// samlab core, the discrete step's fast kernels. `fastStep` computes exactly what model.ts's
// `gradient` + `perturb` and index.ts's update loop compute — the same f64 operations in the same
// order, so results are bit-identical (and the reference engine, reference.ts, needs no change) —
// but organised for speed:
//   - n = 1, d = 2, L = 2 (the paper's canonical case): everything in registers, no memory traffic;
//   - otherwise: one pass over the data per gradient (rows.ts: margin z_i, then r_i, then
//     g += r_i y_i x_i, row by row within the row blocks of order.ts), rows in blocks of 8 held as row pairs
//     (lane 0 = row i, lane 1 = row i+1) so each margin is a sequential f64x2 dot product of two rows
//     at once and the g update uses full f64x2 vectors over j; e^x of two margins at once
//     (simd-exp.ts, bit-identical to Math.exp); elementwise loops over j in f64x2.
// The formulas are math/'s (loss.ts, layers.ts, perturb.ts, update.ts); this file only lays out the
// data and orders the loops. Called once per step from index.ts `doStep` (constant and 1/√k schedules).
// TS mirror: packages/sim/src/engine/reference.ts (ReferenceRun.doStep, DiagonalNet.gradient).

import { ALGO_GD, ALGO_SAM_L2, ALGO_SAM_LINF, LOSS_SQUARED } from "./generated/codes";
import {
  n, d, L, LD, invN, algo, lossKind, rho, yPtr, yxPtr, wCur, wNxt, wPert, gradPtr, gradPertPtr, betaPtr, gPtr,
  gPartPtr, ld, st, allocF64, gradient, perturb,
} from "./model";
import { lossPrime } from "./math/loss";
import { betaInto, layerGradsInto } from "./math/layers";
import { ascend, l2Coef, linfEps } from "./math/perturb";
import { descend, descendInto } from "./math/update";
import { ROW_BLOCK } from "./order";
import { addInto, gradRows } from "./rows";
import { gradGThreaded, mtCtrl } from "./threads";

// y_i x_i in row pairs: pair p, column j at ((p·d + j)·2 + lane)·8; an odd last row is paired with zeros.
let pairPtr: usize = 0;
let pairFor: usize = 0; // the yxPtr the pairs were built from
let pairN: i32 = 0;
let pairD: i32 = 0;

// @ts-ignore: decorator
@inline function sp(v: f64): v128 { return f64x2.splat(v); }

/** Whether the row pairs are stored as f32 (`set_x_f32`). */
let xF32 = false;
let pairF32 = false; // the precision the current pairs were built with

/**
 * Stores the row pairs as f32 (on != 0) or f64. Only for x that JS already rounded to f32 (spec
 * `precision.x = "f32"`), where the f32 copy is exact. Call before `prepare`.
 */
export function set_x_f32(on: i32): void {
  xF32 = on != 0;
}

/** Builds the row-pair copy of y_i x_i. Called from index.ts `prepare` (once per run). */
export function fastPrepare(): void {
  const np = (n + 1) >> 1;
  if (pairPtr == 0 || pairN != n || pairD != d || pairF32 != xF32) pairPtr = allocF64(np * 2 * d);
  pairFor = yxPtr;
  pairN = n;
  pairD = d;
  pairF32 = xF32;
  for (let p = 0; p < np; p++) {
    const i0 = 2 * p;
    for (let j = 0; j < d; j++) {
      const a = ld(yxPtr, i0 * d + j);
      const b = i0 + 1 < n ? ld(yxPtr, (i0 + 1) * d + j) : 0.0;
      if (xF32) {
        store<f32>(pairPtr + (<usize>(p * d + j) << 3), <f32>a);
        store<f32>(pairPtr + (<usize>(p * d + j) << 3) + 4, <f32>b);
      } else {
        v128.store(pairPtr + (<usize>(p * d + j) << 4), f64x2.replace_lane(sp(a), 1, b));
      }
    }
  }
}

/**
 * g = ∂L/∂β at β (in betaPtr) into gPtr, one row block (order.ts) at a time: the first block sums
 * into g, each later one into gPartPtr and is then added to g.
 */
function gradG<T>(): void {
  const np = n >> 1;
  const odd = (n & 1) != 0;
  const half = ROW_BLOCK >> 1; // pairs per block
  const nb = (n + ROW_BLOCK - 1) / ROW_BLOCK;
  const loss = lossKind;
  for (let b = 0; b < nb; b++) {
    const last = b == nb - 1;
    const out = b == 0 ? gPtr : gPartPtr;
    gradRows<T>(pairPtr, betaPtr, yPtr, out, d, b * half, last ? np : (b + 1) * half, last && odd, loss, invN);
    if (b != 0) addInto(gPtr, gPartPtr, d);
  }
}


/** ∇_w L at W into G (model.ts `gradient`, same bits): β, the data pass on the row pairs, the layer products. */
function gradientFast(W: usize, G: usize): void {
  betaInto(W, betaPtr, d, L);
  if (ASC_FEATURE_THREADS) {
    // the threaded build (mt.ts): both threads share the data pass when turned on
    if (mtCtrl != 0) gradGThreaded(pairPtr, betaPtr, yPtr, gPtr, n, d, lossKind, invN, xF32);
    else if (xF32) gradG<f32>();
    else gradG<f64>();
  } else {
    if (xF32) gradG<f32>();
    else gradG<f64>();
  }
  layerGradsInto(W, gPtr, G, d, L);
}

/**
 * ∇_w L at W into G over all n examples with the fast data pass (the bits of model.ts `gradient`; two
 * threads when turned on): the general plain step's full-batch gradient (plain.ts).
 */
export function fullGradient(W: usize, G: usize): void {
  if (!fastOn) {
    gradient(W, G);
    return;
  }
  if (pairFor != yxPtr || pairN != n || pairD != d || pairF32 != xF32) fastPrepare();
  gradientFast(W, G);
}

/** n = 1, d = 2, L = 2 in registers (gradient, perturbation, update); same bits as the general path. */
function tinyStep(lrk: f64): bool {
  const W = wCur;
  const a0 = ld(W, 0), a1 = ld(W, 1), b0 = ld(W, 2), b1 = ld(W, 3);
  const x0 = ld(yxPtr, 0), x1 = ld(yxPtr, 1);
  const loss = lossKind;
  const sq = loss == LOSS_SQUARED;
  const y0 = ld(yPtr, 0); // the squared loss's residual z − y (model.ts computeMargins)
  // z = (0 + β_0 x_0) + β_1 x_1; the leading 0 + only changes the sign of a zero z, which ℓ' ignores
  let z = (a0 * b0) * x0 + (a1 * b1) * x1;
  if (sq) z -= y0;
  let r = lossPrime(loss, z); // · 1/n = · 1, exact
  let g0 = 0 + r * x0;
  let g1 = 0 + r * x1;
  let ga0 = g0 * b0, ga1 = g1 * b1, gb0 = g0 * a0, gb1 = g1 * a1;
  const al = algo;
  if (al != ALGO_GD) {
    const rh = rho;
    let pa0: f64, pa1: f64, pb0: f64, pb1: f64;
    if (al == ALGO_SAM_L2) {
      const norm = Math.sqrt(ga0 * ga0 + ga1 * ga1 + gb0 * gb0 + gb1 * gb1);
      if (norm == 0) {
        pa0 = a0; pa1 = a1; pb0 = b0; pb1 = b1;
      } else {
        const sc = l2Coef(rh, norm);
        pa0 = ascend(a0, sc, ga0); pa1 = ascend(a1, sc, ga1); pb0 = ascend(b0, sc, gb0); pb1 = ascend(b1, sc, gb1);
      }
    } else if (al == ALGO_SAM_LINF) {
      pa0 = a0 + linfEps(ga0, rh);
      pa1 = a1 + linfEps(ga1, rh);
      pb0 = b0 + linfEps(gb0, rh);
      pb1 = b1 + linfEps(gb1, rh);
    } else {
      pa0 = ascend(a0, rh, ga0); pa1 = ascend(a1, rh, ga1); pb0 = ascend(b0, rh, gb0); pb1 = ascend(b1, rh, gb1);
    }
    z = (pa0 * pb0) * x0 + (pa1 * pb1) * x1;
    if (sq) z -= y0;
    r = lossPrime(loss, z);
    g0 = 0 + r * x0;
    g1 = 0 + r * x1;
    ga0 = g0 * pb0; ga1 = g1 * pb1; gb0 = g0 * pa0; gb1 = g1 * pa1;
  }
  const n0 = descend(a0, lrk, ga0), n1 = descend(a1, lrk, ga1), n2 = descend(b0, lrk, gb0), n3 = descend(b1, lrk, gb1);
  // finite iff v·0 = 0 for every entry (math/update.ts's check, summed here as a tree)
  if ((n0 * 0 + n1 * 0) + (n2 * 0 + n3 * 0) != 0) return false;
  const N = wNxt;
  st(N, 0, n0);
  st(N, 1, n1);
  st(N, 2, n2);
  st(N, 3, n3);
  return true;
}

let fastOn = true;

/** 0: use model.ts's plain `gradient`/`perturb` (the pre-fast-kernel step, for tests); 1: the fast kernels (default). */
export function set_fast_kernels(on: i32): void {
  fastOn = on != 0;
}

/** The plain step: model.ts `gradient` and `perturb`, then the update (the specification of fastStep). */
function plainStep(lrk: f64): bool {
  gradient(wCur, gradPtr);
  let upd = gradPtr;
  if (algo != ALGO_GD) {
    perturb(wCur, gradPtr, wPert);
    gradient(wPert, gradPertPtr);
    upd = gradPertPtr;
  }
  return descendInto(wCur, upd, wNxt, LD, lrk);
}

/**
 * One step from wCur into wNxt with step size lrk. Returns false, leaving wNxt unspecified and wCur
 * untouched, when some new entry is non-finite. Called once per step (the hot loop).
 */
export function fastStep(lrk: f64): bool {
  if (!fastOn) return plainStep(lrk);
  if (n == 1 && d == 2 && L == 2) return tinyStep(lrk);
  if (pairFor != yxPtr || pairN != n || pairD != d || pairF32 != xF32) fastPrepare();
  gradientFast(wCur, gradPtr);
  let upd = gradPtr;
  if (algo != ALGO_GD) {
    perturb(wCur, gradPtr, wPert);
    gradientFast(wPert, gradPertPtr);
    upd = gradPertPtr;
  }
  return descendInto(wCur, upd, wNxt, LD, lrk);
}
