// samlab core, the model: state shared by the discrete engine (index.ts) and the flows (flow.ts),
// and the plain (one example at a time) data pass of docs/MODEL.md, "Gradient" — margins and
// ∂L/∂β — plus record rows. The formulas themselves live in math/ (loss.ts, layers.ts, perturb.ts,
// update.ts); this file binds them to the run's state and buffers.
//
// Two gradients live here. `gradient` is the plain one of the discrete engine; its operation order
// is mirrored exactly by packages/sim/src/engine/reference.ts and must not change (parity tests).
// `gradientScaled` is the log-domain one used by the flows and the loss-normalized schedule: it
// returns κ and fills G = e^{κ}·∇_w L, so nothing underflows when the margins reach thousands
// (docs/MODEL.md, "Log domain"). Its mirror is packages/sim/src/engine/logdomain.ts. Both sum g = Σ_i r_i y_i x_i
// in the row blocks of order.ts.

import { ROW_BLOCK } from "./order";
import {
  REC_STEP, REC_T, REC_LOSS, REC_L1, REC_L2, REC_WNORM, REC_MIN_MARGIN, REC_GRAD_NORM, REC_PERT_NORM, REC_DOMINANT,
  REC_G_NORM, REC_LOG_LOSS, REC_LOG_GRAD_NORM, REC_FIXED, ALGO_GD, ALGO_ASAM, LOSS_SQUARED,
} from "./generated/codes";
import { writeCurvatureColumns } from "./record-curvature";
import { lossPrime, lossPrimeScaled, lossValue, lossValueScaled, scaleExponentOf } from "./math/loss";
import { betaInto, layerGradsInto } from "./math/layers";
import { perturbAsamInto, perturbInto, sumSq } from "./math/perturb";
export { sumSq };

// ---- state (one run per instance; set by `setup` in index.ts) ----
export let n: i32 = 0;
export let d: i32 = 0;
export let L: i32 = 0;
export let LD: i32 = 0;
export let invN: f64 = 0;

export let algo: i32 = 0;
/** m-SAM's group size (docs/MODEL.md, "Relatives"); 0 or ≥ n is ordinary SAM (the fast path). */
export let groupM: i32 = 0;
export function setGroupM(m: i32): void {
  groupM = m;
}
/** ASAM's ξ (sam.xi): T = |w| + ξ. */
export let xi: f64 = 0.01;
export function setXi(v: f64): void {
  xi = v;
}
export let lossKind: i32 = 0;
export let rho: f64 = 0;

export let xPtr: usize = 0; // n*d, row-major: x_i = x[i*d .. i*d+d)
export let yPtr: usize = 0; // n
export let yxPtr: usize = 0; // n*d, y_i * x_i (exact: y is ±1); x_i itself for the squared loss
/** Whether yxPtr holds x_i (squared loss: the margin is replaced by the residual <β, x_i> − y_i). */
export let yxPlain: bool = false;
export let wCur: usize = 0; // L*d, layer-major: w_l = w[l*d .. l*d+d)
export let wNxt: usize = 0; // L*d, double buffer for the update (so a non-finite step leaves wCur intact)
export let wPert: usize = 0; // L*d, w + eps
export let gradPtr: usize = 0; // L*d, ∇_w L at w
export let gradPertPtr: usize = 0; // L*d, ∇_w L at w + eps
export let gradScaledPtr: usize = 0; // L*d, e^κ ∇_w L (records)
export let betaPtr: usize = 0; // d
export let gPtr: usize = 0; // d, ∂L/∂beta (scaled by e^κ after gradientScaled)
export let gPartPtr: usize = 0; // d, the sum over one row block (order.ts)
export let zPtr: usize = 0; // n, margins
export let rPtr: usize = 0; // n, ℓ'(z_i)/n
let identityPtr: usize = 0; // n i32: 0, 1, …, n − 1 (allocated on first use)

export let schedPtr: usize = 0; // maxRecords f64 steps (discrete) or times (flows), strictly increasing
export let schedLen: i32 = 0;
export let recPtr: usize = 0; // maxRecords * stride
export let recStride: i32 = 0;
export let recBeta: i32 = 0;
export let recIdx: i32 = 0;
export let maxRecords: i32 = 0;

/** Set by gradientScaled: (1/n) Σ_i −ℓ'(z_i)·e^κ, the rescaled flow's normalizer (scaled like G). */
export let meanAbsLossPrimeScaled: f64 = 0;

// @ts-ignore: decorator
@inline export function ld(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline export function st(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

export function allocF64(count: i32): usize {
  const c: i32 = count > 0 ? count : 1;
  const bytes: usize = (<usize>c) << 3;
  const p = heap.alloc(bytes + 16);
  const aligned = (p + 15) & ~(<usize>15);
  memory.fill(aligned, 0, bytes);
  return aligned;
}

/** Allocates the model's buffers. Called once per instance (from `setup`). */
export function allocModel(nEx: i32, dim: i32, depth: i32, records: i32, recordBeta: i32): void {
  n = nEx;
  d = dim;
  L = depth;
  LD = depth * dim;
  invN = 1.0 / <f64>nEx;
  xPtr = allocF64(n * d);
  yPtr = allocF64(n);
  yxPtr = allocF64(n * d);
  wCur = allocF64(LD);
  wNxt = allocF64(LD);
  wPert = allocF64(LD);
  gradPtr = allocF64(LD);
  gradPertPtr = allocF64(LD);
  gradScaledPtr = allocF64(LD);
  betaPtr = allocF64(d);
  gPtr = allocF64(d);
  gPartPtr = allocF64(d);
  zPtr = allocF64(n);
  rPtr = allocF64(n);
  maxRecords = records;
  schedPtr = allocF64(records);
  recBeta = recordBeta;
  recStride = REC_FIXED + (recordBeta != 0 ? d : 0);
  recPtr = allocF64(records * recStride);
  schedLen = 0;
  recIdx = 0;
  identityPtr = 0;
  groupM = 0;
  xi = 0.01;
}

// ---- the math (discrete path: operation order mirrored by reference.ts) ----

/** beta = w_1 ⊙ … ⊙ w_L (left-to-right products) into betaPtr. */
export function computeBeta(W: usize): void {
  betaInto(W, betaPtr, d, L);
}

/**
 * Margins z_i = <beta, y_i x_i> (j ascending), or for the squared loss the residuals
 * z_i = <beta, x_i> − y_i. Requires computeBeta.
 */
export function computeMargins(): void {
  const sq = lossKind == LOSS_SQUARED;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let s: f64 = 0;
    for (let j = 0; j < d; j++) s += ld(betaPtr, j) * ld(yxPtr, row + j);
    if (sq) s -= ld(yPtr, i);
    st(zPtr, i, s);
  }
}

/** Fills yxPtr from x and y: y_i x_i, or x_i for the squared loss (y enters through the residual). */
export function buildYx(): void {
  const plain = lossKind == LOSS_SQUARED;
  yxPlain = plain;
  for (let i = 0; i < n; i++) {
    const yi = ld(yPtr, i);
    const row = i * d;
    for (let j = 0; j < d; j++) st(yxPtr, row + j, plain ? ld(xPtr, row + j) : yi * ld(xPtr, row + j));
  }
}

/** The row block starting at example i0 sums into gPtr (the first block) or gPartPtr (order.ts). */
// @ts-ignore: decorator
@inline function blockSum(i0: i32): usize {
  const acc = i0 == 0 ? gPtr : gPartPtr;
  for (let j = 0; j < d; j++) st(acc, j, 0);
  return acc;
}

/** g += the block sum in gPartPtr (after every block but the first). */
// @ts-ignore: decorator
@inline function addBlock(i0: i32): void {
  if (i0 != 0) for (let j = 0; j < d; j++) st(gPtr, j, ld(gPtr, j) + ld(gPartPtr, j));
}

/** g = ∂L/∂beta = Σ_i (ℓ'(z_i)/n) y_i x_i (row blocks of order.ts, i ascending in each). Requires computeMargins. */
export function computeG(): void {
  for (let i0 = 0; i0 < n; i0 += ROW_BLOCK) {
    const acc = blockSum(i0);
    const i1 = min(i0 + ROW_BLOCK, n);
    for (let i = i0; i < i1; i++) {
      const r = lossPrime(lossKind, ld(zPtr, i)) * invN;
      st(rPtr, i, r);
      const row = i * d;
      for (let j = 0; j < d; j++) st(acc, j, ld(acc, j) + r * ld(yxPtr, row + j));
    }
    addBlock(i0);
  }
}

/** ∂L/∂w_l = g ⊙ (P_l · S_l) (math/layers.ts) into G. */
export function layerGrads(W: usize, G: usize): void {
  layerGradsInto(W, gPtr, G, d, L);
}

/** Full gradient ∇_w L at W into G. */
export function gradient(W: usize, G: usize): void {
  computeBeta(W);
  computeMargins();
  computeG();
  layerGrads(W, G);
}

/**
 * g = ∂L_G/∂β = Σ_{i∈G} (ℓ'(z_i)/|G|) y_i x_i over the rows R[i0], …, R[i1−1] (R: i32 row indices;
 * the identity, or an epoch's permutation), at the β in B, margins over j ascending, g summed in the
 * order of R (no row blocks: this path runs on one thread). Mirrored by reference.ts `rowsGradient`.
 */
function rowsG(B: usize, R: usize, i0: i32, i1: i32): void {
  const inv: f64 = 1.0 / <f64>(i1 - i0);
  for (let q = i0; q < i1; q++) {
    const i = load<i32>(R + (<usize>q << 2));
    addRowInto(gPtr, i, lossPrime(lossKind, rowMargin(B, i)) * inv, q == i0);
  }
}

/**
 * The plain step's margin of row i at the β in B: `dot4` of β and y_i x_i (minus y_i for the squared
 * loss). Mirrored by reference.ts `DiagonalNet.rowMargin`.
 */
// @ts-ignore: decorator
@inline export function rowMargin(B: usize, i: i32): f64 {
  const s = dot4(B, yxPtr + (<usize>(i * d) << 3), d);
  return lossKind == LOSS_SQUARED ? s - ld(yPtr, i) : s;
}

/**
 * g += r·y_i x_i, or g = 0 + r·y_i x_i for the first row of a sum (`first`: no zeroing pass; 0 + v
 * is what a zeroed g gives). Elementwise, two at a time: the same bits as one at a time.
 */
// @ts-ignore: decorator
@inline export function addRowInto(g: usize, i: i32, r: f64, first: bool): void {
  const dd = d;
  const X = yxPtr + (<usize>(i * dd) << 3);
  const rv = f64x2.splat(r);
  const dEven = dd & ~1;
  let j = 0;
  if (first) {
    const zero = f64x2.splat(0);
    for (; j < dEven; j += 2) {
      const o = <usize>j << 3;
      v128.store(g + o, f64x2.add(zero, f64x2.mul(rv, v128.load(X + o))));
    }
    if (j < dd) st(g, j, 0 + r * ld(X, j));
    return;
  }
  for (; j < dEven; j += 2) {
    const o = <usize>j << 3;
    v128.store(g + o, f64x2.add(v128.load(g + o), f64x2.mul(rv, v128.load(X + o))));
  }
  if (j < dd) st(g, j, ld(g, j) + r * ld(X, j));
}

/**
 * Σ_j a_j b_j over `count` entries in four interleaved partial sums (docs/MODEL.md, "Summation
 * order"): s_k = Σ_{j ≡ k mod 4, j < count & ~3} a_j b_j (j ascending, each from 0), then
 * ((s_0 + s_1) + (s_2 + s_3)), then the last count mod 4 terms in order. Four chains instead of one:
 * the plain step's dot products are latency-bound otherwise. Mirrored by reference.ts `dot4`.
 */
export function dot4(A: usize, B: usize, count: i32): f64 {
  let a01 = f64x2.splat(0);
  let a23 = f64x2.splat(0);
  const c4 = count & ~3;
  let j = 0;
  for (; j < c4; j += 4) {
    const o = <usize>j << 3;
    a01 = f64x2.add(a01, f64x2.mul(v128.load(A + o), v128.load(B + o)));
    a23 = f64x2.add(a23, f64x2.mul(v128.load(A + o + 16), v128.load(B + o + 16)));
  }
  let s = (f64x2.extract_lane(a01, 0) + f64x2.extract_lane(a01, 1)) + (f64x2.extract_lane(a23, 0) + f64x2.extract_lane(a23, 1));
  for (; j < count; j++) s += ld(A, j) * ld(B, j);
  return s;
}

/** dot4 of (a_j·a_j) and b_j: the same sums as `dot4` on the squares, without storing them. */
export function dot4Sq(A: usize, B: usize, count: i32): f64 {
  let a01 = f64x2.splat(0);
  let a23 = f64x2.splat(0);
  const c4 = count & ~3;
  let j = 0;
  for (; j < c4; j += 4) {
    const o = <usize>j << 3;
    const x = v128.load(A + o);
    const y = v128.load(A + o + 16);
    a01 = f64x2.add(a01, f64x2.mul(f64x2.mul(x, x), v128.load(B + o)));
    a23 = f64x2.add(a23, f64x2.mul(f64x2.mul(y, y), v128.load(B + o + 16)));
  }
  let s = (f64x2.extract_lane(a01, 0) + f64x2.extract_lane(a01, 1)) + (f64x2.extract_lane(a23, 0) + f64x2.extract_lane(a23, 1));
  for (; j < count; j++) {
    const a = ld(A, j);
    s += (a * a) * ld(B, j);
  }
  return s;
}

/**
 * ∇_w L_G at W into G for the group of rows R[i0 … i1), L_G = (1/|G|) Σ_{i∈G} ℓ_i (m-SAM groups,
 * mini-batches). Leaves β and g.
 */
export function rowsGradient(W: usize, G: usize, R: usize, i0: i32, i1: i32): void {
  computeBeta(W);
  rowsG(betaPtr, R, i0, i1);
  layerGrads(W, G);
}

/** Whether the discrete step takes the m-SAM path (groups smaller than the batch, a SAM rule). */
export function groupsActive(): bool {
  return groupM > 0 && groupM < n && algo != ALGO_GD;
}

/**
 * m-SAM's perturbation-norm record: the root mean square of ‖ε_G‖₂ over the groups at W (G, P
 * scratch). Overwrites β, z and g.
 */
export function groupPertRms(W: usize, G: usize, P: usize): f64 {
  let s: f64 = 0;
  let count: i32 = 0;
  for (let i0 = 0; i0 < n; i0 += groupM) {
    rowsGradient(W, G, rowsIdentity(), i0, min(i0 + groupM, n));
    const e = perturb(W, G, P);
    s += e * e;
    count++;
  }
  return Math.sqrt(s / <f64>count);
}

/** out = w + ε(grad) (math/perturb.ts; ASAM with ξ = `xi`); returns ‖ε‖₂. */
export function perturb(W: usize, G: usize, out: usize): f64 {
  if (algo == ALGO_ASAM) return perturbAsamInto(rho, xi, W, G, out, LD);
  return perturbInto(algo, rho, W, G, out, LD, 0);
}

/** The rows 0 … n − 1 in order, as an R for `rowsGradient`. */
export function rowsIdentity(): usize {
  if (identityPtr == 0) {
    identityPtr = allocF64((n + 1) >> 1);
    for (let i = 0; i < n; i++) store<i32>(identityPtr + (<usize>i << 2), i);
  }
  return identityPtr;
}

// ---- the log domain (flows, loss-normalized steps, the log columns of records; math/loss.ts) ----

/** The scale exponent κ of the margins currently in zPtr. */
export function scaleExponent(): f64 {
  let c: f64 = Infinity;
  for (let i = 0; i < n; i++) {
    const z = ld(zPtr, i);
    if (z < c) c = z;
  }
  return scaleExponentOf(lossKind, c);
}

/**
 * ∇_w L at W into G scaled by e^κ; returns κ. Also leaves β, z, the scaled g and
 * meanAbsLossPrimeScaled = (1/n) Σ −e^κ ℓ'(z_i). Called once per ODE stage.
 */
export function gradientScaled(W: usize, G: usize): f64 {
  computeBeta(W);
  computeMargins();
  const kappa = scaleExponent();
  let s: f64 = 0;
  for (let i0 = 0; i0 < n; i0 += ROW_BLOCK) {
    const acc = blockSum(i0);
    const i1 = min(i0 + ROW_BLOCK, n);
    for (let i = i0; i < i1; i++) {
      const lp = lossPrimeScaled(lossKind, ld(zPtr, i), kappa);
      s -= lp;
      const r = lp * invN;
      st(rPtr, i, r);
      const row = i * d;
      for (let j = 0; j < d; j++) st(acc, j, ld(acc, j) + r * ld(yxPtr, row + j));
    }
    addBlock(i0);
  }
  meanAbsLossPrimeScaled = s * invN;
  layerGrads(W, G);
  return kappa;
}

/** (1/n) Σ e^κ ℓ(z_i) for the margins in zPtr; log L = log(this) − κ. */
export function lossScaled(kappa: f64): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) s += lossValueScaled(lossKind, ld(zPtr, i), kappa);
  return s * invN;
}

/**
 * out = W + ε from the scaled gradient Gs = e^κ ∇L: ℓ2 and ℓ∞ are scale-free; USAM's ε = ρ e^{−κ} Gs.
 * Returns ‖ε‖₂. (ℓ∞ flows pass their frozen sign pattern through Gs; see flow.ts.)
 */
export function perturbScaled(W: usize, Gs: usize, kappa: f64, out: usize): f64 {
  return perturbInto(algo, rho, W, Gs, out, LD, kappa);
}

/**
 * Writes one record row for the parameters W at (stepV, tV), using G and P as scratch (G ends up
 * holding the plain ∇_w L at W). Called at scheduled points only, never per step.
 */
export function writeRecord(W: usize, G: usize, P: usize, stepV: f64, tV: f64): void {
  const row = recPtr + (<usize>(recIdx * recStride) << 3);
  // log-domain columns first (they overwrite g, z; the plain gradient below restores them)
  const kappa = gradientScaled(W, gradScaledPtr);
  const logLoss = Math.log(lossScaled(kappa)) - kappa;
  const logGradNorm = 0.5 * Math.log(sumSq(gradScaledPtr, LD)) - kappa;
  gradient(W, G);
  let loss: f64 = 0;
  let minZ: f64 = Infinity;
  for (let i = 0; i < n; i++) {
    const z = ld(zPtr, i);
    loss += lossValue(lossKind, z);
    if (z < minZ) minZ = z;
  }
  loss *= invN;
  let l1: f64 = 0;
  let l2: f64 = 0;
  let dom: i32 = 0;
  let domAbs: f64 = -1;
  for (let j = 0; j < d; j++) {
    const b = ld(betaPtr, j);
    const a = Math.abs(b);
    l1 += a;
    l2 += b * b;
    if (a > domAbs) { domAbs = a; dom = j; }
  }
  const gradNorm = Math.sqrt(sumSq(G, LD));
  let pert: f64 = 0;
  if (algo != ALGO_GD) pert = perturb(W, G, P);
  st(row, REC_STEP, stepV);
  st(row, REC_T, tV);
  st(row, REC_LOSS, loss);
  st(row, REC_L1, l1);
  st(row, REC_L2, Math.sqrt(l2));
  st(row, REC_WNORM, Math.sqrt(sumSq(W, LD)));
  // a regression run has no margins (its z are residuals)
  st(row, REC_MIN_MARGIN, lossKind == LOSS_SQUARED ? NaN : minZ);
  st(row, REC_GRAD_NORM, gradNorm);
  st(row, REC_PERT_NORM, pert);
  st(row, REC_DOMINANT, <f64>dom);
  st(row, REC_G_NORM, Math.sqrt(sumSq(gPtr, d)));
  st(row, REC_LOG_LOSS, logLoss);
  st(row, REC_LOG_GRAD_NORM, logGradNorm);
  if (recBeta != 0) {
    for (let j = 0; j < d; j++) st(row, REC_FIXED + j, ld(betaPtr, j));
  }
  // m-SAM: the RMS of the groups' ‖ε_G‖₂ (last: it overwrites β, z, g; G still holds ∇L at W)
  if (groupsActive()) st(row, REC_PERT_NORM, groupPertRms(W, gradPertPtr, P));
  // balance, curvature and the edges of stability (new columns, computed last so none of the above changes)
  computeBeta(W);
  computeMargins();
  writeCurvatureColumns(row, W, yxPtr, zPtr, n, d, L, lossKind, algo, rho, gradNorm, Math.exp(logLoss));
  recIdx++;
}
