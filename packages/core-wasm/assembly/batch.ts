// samlab batched kernel: R independent discrete runs that share one data set (x, y), one algorithm,
// one loss and one (η, ρ), but start from different parameters — e.g. the ℓ∞-SAM phase diagram, a
// grid of per-coordinate initial scales. Compiled as its own module (dist/batch.wasm; see
// scripts/build.mjs), so a batch instance carries no single-run state.
//
// Vectorized across runs: an f64x2 lane is one run, so each pass advances two runs with exactly the
// operations of the single-run engine (the formulas of math/: loss.ts, layers.ts, perturb.ts,
// update.ts) in the same order (row blocks of order.ts included), and e^x is evaluated by
// simd-exp.ts, bit-identical to Math.exp. Every run of a batch is therefore bit-identical to the
// same run in the single-run engine with a constant step size. This file is data layout and loop
// order only. TS mirror: packages/sim/src/engine/reference.ts (ReferenceRun, one run at a time).
//
// Boundary (typed for JS by src/batch.ts, from the compiler's bindings): `batch_setup` once; JS writes x, y and every run's w0
// (run-major, each L×d layer-major) through Float64Array views; `batch_prepare`; `batch_configure`;
// then `batch_run(steps)` once per chunk. Runs that hit a non-finite value are frozen at their last
// finite parameters and their failing step is written to the `nonfinite` array (−1 otherwise).

import { ROW_BLOCK } from "./order";
import { ALGO_GD, ALGO_SAM_L2, ALGO_SAM_LINF, LOSS_SQUARED } from "./generated/codes";
import { lossPrimeV } from "./math/loss";
import { layerGradV, productV } from "./math/layers";
import { ascendV, l2CoefV, linfEpsV } from "./math/perturb";
import { descendV, finiteAccV } from "./math/update";

let n: i32 = 0;
let d: i32 = 0;
let L: i32 = 0;
let LD: i32 = 0;
let R: i32 = 0;
let invN: f64 = 1;
let algo: i32 = 0;
let lossKind: i32 = 0;
let lr: f64 = 0;
let rho: f64 = 0;
let stepsDone: f64 = 0;

let xPtr: usize = 0; // n·d
let yPtr: usize = 0; // n
let yxPtr: usize = 0; // n·d, y_i x_i (x_i for the squared loss, whose margin is the residual <β, x_i> − y_i)
let yxPlain = false;
let prepared = false;
let wPtr: usize = 0; // R·L·d, run-major: run r at r·L·d
let nfPtr: usize = 0; // R, the step at which run r became non-finite, or −1
// per-pair scratch, v128 entries (lane 0 = run 2p, lane 1 = run 2p+1)
let W: usize = 0; // L·d
let Wn: usize = 0; // L·d
let Wp: usize = 0; // L·d
let G: usize = 0; // L·d
let Gp: usize = 0; // L·d
let B: usize = 0; // d
let Gb: usize = 0; // d
let Gq: usize = 0; // d, the sum over one row block (order.ts)

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
// @ts-ignore: decorator
@inline function vl(p: usize, i: i32): v128 { return v128.load(p + (<usize>i << 4)); }
// @ts-ignore: decorator
@inline function vs(p: usize, i: i32, v: v128): void { v128.store(p + (<usize>i << 4), v); }
// @ts-ignore: decorator
@inline function sp(v: f64): v128 { return f64x2.splat(v); }

function alloc(bytes: i32): usize {
  const b: usize = <usize>(bytes > 0 ? bytes : <i32>16);
  const p = heap.alloc(b + 16);
  const a = (p + 15) & ~(<usize>15);
  memory.fill(a, 0, b);
  return a;
}

/** Allocates a batch of `runs` runs on n examples of dimension d, depth `depth`. Called once per instance. */
export function batch_setup(nEx: i32, dim: i32, depth: i32, runs: i32): void {
  n = nEx;
  d = dim;
  L = depth;
  LD = depth * dim;
  R = runs;
  prepared = false;
  invN = 1.0 / <f64>nEx;
  xPtr = alloc(n * d * 8);
  yPtr = alloc(n * 8);
  yxPtr = alloc(n * d * 8);
  wPtr = alloc(R * LD * 8);
  nfPtr = alloc(R * 8);
  for (let r = 0; r < R; r++) st(nfPtr, r, -1);
  W = alloc(LD * 16);
  Wn = alloc(LD * 16);
  Wp = alloc(LD * 16);
  G = alloc(LD * 16);
  Gp = alloc(LD * 16);
  B = alloc(d * 16);
  Gb = alloc(d * 16);
  Gq = alloc(d * 16);
  stepsDone = 0;
}

export function batch_ptr_x(): usize { return xPtr; }
export function batch_ptr_y(): usize { return yPtr; }
/** Every run's parameters, run-major (run r's L×d block at r·L·d). Stable for the instance's life. */
export function batch_ptr_w(): usize { return wPtr; }
export function batch_ptr_nonfinite(): usize { return nfPtr; }
export function batch_steps(): f64 { return stepsDone; }

/** y_i x_i (x_i for the squared loss) from the x and y that JS wrote. Called once after they are written. */
export function batch_prepare(): void {
  const plain = lossKind == LOSS_SQUARED;
  yxPlain = plain;
  prepared = true;
  for (let i = 0; i < n; i++) {
    const yi = ld(yPtr, i);
    for (let j = 0; j < d; j++) st(yxPtr, i * d + j, plain ? ld(xPtr, i * d + j) : yi * ld(xPtr, i * d + j));
  }
}

/** Algorithm, loss, η and ρ (codes.json); may be called between chunks. */
export function batch_configure(algorithm: i32, loss: i32, stepSize: f64, radius: f64): void {
  algo = algorithm;
  lossKind = loss;
  lr = stepSize;
  rho = radius;
  if (prepared && (loss == LOSS_SQUARED) != yxPlain) batch_prepare();
}

// ---- the math, two runs per v128, in model.ts's operation order ----

/** ∇_w L at Wv into Gv for one pair (general n, d, L): β, then per example z_i, r_i and g += r_i y_i x_i. */
function gradientV(Wv: usize, Gv: usize): void {
  const stride = <usize>d << 4; // bytes between layers
  for (let j = 0; j < d; j++) vs(B, j, productV(Wv + (<usize>j << 4), stride, L));
  const iv = sp(invN);
  for (let i0 = 0; i0 < n; i0 += ROW_BLOCK) {
    // row blocks (order.ts): the first sums into Gb, each later one into Gq, then Gb += Gq
    const acc = i0 == 0 ? Gb : Gq;
    for (let j = 0; j < d; j++) vs(acc, j, sp(0));
    const i1 = min(i0 + ROW_BLOCK, n);
    for (let i = i0; i < i1; i++) {
      const row = yxPtr + (<usize>(i * d) << 3);
      let s = sp(0);
      for (let j = 0; j < d; j++) s = f64x2.add(s, f64x2.mul(vl(B, j), v128.load64_splat(row + (<usize>j << 3))));
      if (lossKind == LOSS_SQUARED) s = f64x2.sub(s, v128.load64_splat(yPtr + (<usize>i << 3)));
      const r = f64x2.mul(lossPrimeV(lossKind, s), iv);
      for (let j = 0; j < d; j++) vs(acc, j, f64x2.add(vl(acc, j), f64x2.mul(r, v128.load64_splat(row + (<usize>j << 3)))));
    }
    if (i0 != 0) for (let j = 0; j < d; j++) vs(Gb, j, f64x2.add(vl(Gb, j), vl(Gq, j)));
  }
  if (L == 1) {
    for (let j = 0; j < d; j++) vs(Gv, j, vl(Gb, j));
    return;
  }
  for (let j = 0; j < d; j++) layerGradV(Wv + (<usize>j << 4), Gv + (<usize>j << 4), stride, L, vl(Gb, j));
}

/** out = w + ε(∇L) for one pair. */
function perturbV(Wv: usize, Gv: usize, out: usize): void {
  if (algo == ALGO_SAM_L2) {
    let ss = sp(0);
    for (let k = 0; k < LD; k++) {
      const g = vl(Gv, k);
      ss = f64x2.add(ss, f64x2.mul(g, g));
    }
    const norm = f64x2.sqrt(ss);
    const zero = f64x2.eq(norm, sp(0)); // ε = 0 where the gradient is exactly 0
    const scale = l2CoefV(sp(rho), norm);
    for (let k = 0; k < LD; k++) {
      const w = vl(Wv, k);
      vs(out, k, v128.bitselect(w, ascendV(w, scale, vl(Gv, k)), zero));
    }
  } else if (algo == ALGO_SAM_LINF) {
    const pr = sp(rho);
    const nr = sp(-rho);
    for (let k = 0; k < LD; k++) vs(out, k, f64x2.add(vl(Wv, k), linfEpsV(vl(Gv, k), pr, nr)));
  } else {
    const pr = sp(rho);
    for (let k = 0; k < LD; k++) vs(out, k, ascendV(vl(Wv, k), pr, vl(Gv, k)));
  }
}

/**
 * Advances one pair by `steps` steps (general kernel). `alive` has all bits set in the lanes that are
 * still finite; returns it updated. A lane that fails keeps its last finite W.
 */
function pairRunGeneral(steps: i32, alive0: v128, p: i32): v128 {
  let alive = alive0;
  let cur = W;
  let nxt = Wn;
  const lrv = sp(lr);
  for (let s = 0; s < steps; s++) {
    gradientV(cur, G);
    let upd = G;
    if (algo != ALGO_GD) {
      perturbV(cur, G, Wp);
      gradientV(Wp, Gp);
      upd = Gp;
    }
    let acc = sp(0);
    for (let k = 0; k < LD; k++) {
      const w = vl(cur, k);
      const v = descendV(w, lrv, vl(upd, k));
      acc = finiteAccV(acc, v);
      vs(nxt, k, v);
    }
    const ok = f64x2.eq(acc, acc);
    if (!v128.all_true<i64>(v128.and(ok, alive))) {
      alive = markFailed(alive, ok, p, s);
      for (let k = 0; k < LD; k++) vs(nxt, k, v128.bitselect(vl(nxt, k), vl(cur, k), alive));
    }
    const t = cur;
    cur = nxt;
    nxt = t;
  }
  if (cur != W) memory.copy(W, cur, <usize>LD << 4);
  return alive;
}

/** Records the failing step of lanes that were alive and are not ok; returns the new alive mask. */
function markFailed(alive: v128, ok: v128, p: i32, s: i32): v128 {
  const dead = v128.andnot(alive, ok);
  if (i64x2.extract_lane(dead, 0) != 0) st(nfPtr, 2 * p, stepsDone + <f64>s + 1);
  if (i64x2.extract_lane(dead, 1) != 0 && 2 * p + 1 < R) st(nfPtr, 2 * p + 1, stepsDone + <f64>s + 1);
  return v128.and(alive, ok);
}

/**
 * The paper's canonical case, n = 1, d = 2, L = 2: one step of the pair whose state (w_1,0, w_1,1,
 * w_2,0, w_2,1, alive mask; five v128) is at `S`. Same operations as gradientV/perturbV with the exact
 * identities 1·a = a (layer products) and a·1 = a (1/n with n = 1), so it is bit-identical to the
 * general kernel. One step is a long dependency chain (two e^x, a square root, three divisions), so
 * `groupRunTiny` interleaves several pairs per step to keep the core's pipelines full.
 */
// @ts-ignore: decorator
@inline function tinyStepAt(S: usize, p: i32, s: i32, x0: v128, x1: v128, y0: v128): void {
  const sq = lossKind == LOSS_SQUARED; // the residual z − y (model.ts computeMargins)
  const zero = sp(0);
  const lrv = sp(lr);
  const rv = sp(rho);
  const nrv = sp(-rho);
  let alive = v128.load(S, 64);
  const a0 = v128.load(S); // w_1, coordinate 0
  const a1 = v128.load(S, 16);
  const b0 = v128.load(S, 32); // w_2
  const b1 = v128.load(S, 48);
  // gradient at w: g_j = 0 + r x_j; ∂/∂w_1j = g_j w_2j, ∂/∂w_2j = g_j w_1j
  let z = f64x2.add(f64x2.add(zero, f64x2.mul(f64x2.mul(a0, b0), x0)), f64x2.mul(f64x2.mul(a1, b1), x1));
  if (sq) z = f64x2.sub(z, y0);
  let r = lossPrimeV(lossKind, z);
  let g0 = f64x2.add(zero, f64x2.mul(r, x0));
  let g1 = f64x2.add(zero, f64x2.mul(r, x1));
  let ga0 = f64x2.mul(g0, b0);
  let ga1 = f64x2.mul(g1, b1);
  let gb0 = f64x2.mul(g0, a0);
  let gb1 = f64x2.mul(g1, a1);
  if (algo != ALGO_GD) {
    let pa0: v128, pa1: v128, pb0: v128, pb1: v128;
    if (algo == ALGO_SAM_L2) {
      const ss = f64x2.add(f64x2.add(f64x2.add(f64x2.add(zero, f64x2.mul(ga0, ga0)), f64x2.mul(ga1, ga1)), f64x2.mul(gb0, gb0)), f64x2.mul(gb1, gb1));
      const norm = f64x2.sqrt(ss);
      const nz = f64x2.eq(norm, zero);
      const sc = l2CoefV(rv, norm);
      pa0 = v128.bitselect(a0, ascendV(a0, sc, ga0), nz);
      pa1 = v128.bitselect(a1, ascendV(a1, sc, ga1), nz);
      pb0 = v128.bitselect(b0, ascendV(b0, sc, gb0), nz);
      pb1 = v128.bitselect(b1, ascendV(b1, sc, gb1), nz);
    } else if (algo == ALGO_SAM_LINF) {
      pa0 = f64x2.add(a0, linfEpsV(ga0, rv, nrv));
      pa1 = f64x2.add(a1, linfEpsV(ga1, rv, nrv));
      pb0 = f64x2.add(b0, linfEpsV(gb0, rv, nrv));
      pb1 = f64x2.add(b1, linfEpsV(gb1, rv, nrv));
    } else {
      pa0 = ascendV(a0, rv, ga0);
      pa1 = ascendV(a1, rv, ga1);
      pb0 = ascendV(b0, rv, gb0);
      pb1 = ascendV(b1, rv, gb1);
    }
    z = f64x2.add(f64x2.add(zero, f64x2.mul(f64x2.mul(pa0, pb0), x0)), f64x2.mul(f64x2.mul(pa1, pb1), x1));
    if (sq) z = f64x2.sub(z, y0);
    r = lossPrimeV(lossKind, z);
    g0 = f64x2.add(zero, f64x2.mul(r, x0));
    g1 = f64x2.add(zero, f64x2.mul(r, x1));
    ga0 = f64x2.mul(g0, pb0);
    ga1 = f64x2.mul(g1, pb1);
    gb0 = f64x2.mul(g0, pa0);
    gb1 = f64x2.mul(g1, pa1);
  }
  const na0 = descendV(a0, lrv, ga0);
  const na1 = descendV(a1, lrv, ga1);
  const nb0 = descendV(b0, lrv, gb0);
  const nb1 = descendV(b1, lrv, gb1);
  // finite iff v·0 == 0 for all four (NaN otherwise; math/update.ts's check, summed here as a tree)
  const acc = f64x2.add(f64x2.add(f64x2.mul(na0, zero), f64x2.mul(na1, zero)), f64x2.add(f64x2.mul(nb0, zero), f64x2.mul(nb1, zero)));
  const ok = f64x2.eq(acc, acc);
  if (v128.all_true<i64>(v128.and(ok, alive))) {
    v128.store(S, na0);
    v128.store(S, na1, 16);
    v128.store(S, nb0, 32);
    v128.store(S, nb1, 48);
  } else {
    alive = markFailed(alive, ok, p, s);
    v128.store(S, v128.bitselect(na0, a0, alive));
    v128.store(S, v128.bitselect(na1, a1, alive), 16);
    v128.store(S, v128.bitselect(nb0, b0, alive), 32);
    v128.store(S, v128.bitselect(nb1, b1, alive), 48);
    v128.store(S, alive, 64);
  }
}

/** Pairs advanced together by the tiny kernel (independent chains for the out-of-order core). */
const GROUP = 4;
let slots: usize = 0; // GROUP × 5 v128

/** Advances pairs [p0, p0 + count) by `steps` steps; their states are in `slots`. */
function groupRunTiny(steps: i32, p0: i32, count: i32): void {
  const x0 = sp(ld(yxPtr, 0));
  const x1 = sp(ld(yxPtr, 1));
  const y0 = sp(ld(yPtr, 0));
  for (let s = 0; s < steps; s++) {
    for (let q = 0; q < count; q++) tinyStepAt(slots + <usize>(q * 80), p0 + q, s, x0, x1, y0);
  }
}

/**
 * Advances every run by `steps` steps (pairs of runs one after another). Called once per chunk.
 * Returns how many runs are non-finite so far.
 */
export function batch_run(steps: i32): i32 {
  const pairs = (R + 1) >> 1;
  if (n == 1 && d == 2 && L == 2) {
    if (slots == 0) slots = alloc(GROUP * 80);
    for (let p0 = 0; p0 < pairs; p0 += GROUP) {
      const count = min(GROUP, pairs - p0);
      for (let q = 0; q < count; q++) {
        const r0 = 2 * (p0 + q);
        const r1 = r0 + 1 < R ? r0 + 1 : r0; // an odd last run is duplicated into lane 1 (discarded)
        const S = slots + <usize>(q * 80);
        const w0 = wPtr + (<usize>(r0 * 4) << 3);
        const w1 = wPtr + (<usize>(r1 * 4) << 3);
        for (let k = 0; k < 4; k++) v128.store(S + (<usize>k << 4), f64x2.replace_lane(sp(ld(w0, k)), 1, ld(w1, k)));
        const live0: i64 = ld(nfPtr, r0) < 0 ? -1 : 0;
        const live1: i64 = ld(nfPtr, r1) < 0 ? -1 : 0;
        v128.store(S, i64x2.replace_lane(i64x2.splat(live0), 1, live1), 64);
      }
      groupRunTiny(steps, p0, count);
      for (let q = 0; q < count; q++) {
        const r0 = 2 * (p0 + q);
        const r1 = r0 + 1 < R ? r0 + 1 : r0;
        const S = slots + <usize>(q * 80);
        for (let k = 0; k < 4; k++) {
          const v = v128.load(S + (<usize>k << 4));
          st(wPtr + (<usize>(r0 * 4) << 3), k, f64x2.extract_lane(v, 0));
          if (r1 != r0) st(wPtr + (<usize>(r1 * 4) << 3), k, f64x2.extract_lane(v, 1));
        }
      }
    }
    stepsDone += <f64>steps;
    return countBad();
  }
  for (let p = 0; p < pairs; p++) {
    const r0 = 2 * p;
    const r1 = r0 + 1 < R ? r0 + 1 : r0; // an odd last run is duplicated into lane 1 (discarded)
    const w0 = wPtr + (<usize>(r0 * LD) << 3);
    const w1 = wPtr + (<usize>(r1 * LD) << 3);
    for (let k = 0; k < LD; k++) vs(W, k, f64x2.replace_lane(sp(ld(w0, k)), 1, ld(w1, k)));
    const live0: i64 = ld(nfPtr, r0) < 0 ? -1 : 0;
    const live1: i64 = ld(nfPtr, r1) < 0 ? -1 : 0;
    if (live0 == 0 && live1 == 0) continue;
    const alive = i64x2.replace_lane(i64x2.splat(live0), 1, live1);
    pairRunGeneral(steps, alive, p);
    for (let k = 0; k < LD; k++) {
      const v = vl(W, k);
      st(w0, k, f64x2.extract_lane(v, 0));
      if (r1 != r0) st(w1, k, f64x2.extract_lane(v, 1));
    }
  }
  stepsDone += <f64>steps;
  return countBad();
}

function countBad(): i32 {
  let bad = 0;
  for (let r = 0; r < R; r++) if (ld(nfPtr, r) >= 0) bad++;
  return bad;
}
