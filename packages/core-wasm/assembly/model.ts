// samlab core, the model: state shared by the discrete engine (index.ts) and the flows (flow.ts),
// and the math of MODEL.md — β, margins, ∂L/∂β, ∇_w L, the SAM perturbations, record rows.
//
// Two gradients live here. `gradient` is the plain one of the discrete engine; its operation order
// is mirrored exactly by packages/sim/src/engine/reference.ts and must not change (parity tests).
// `gradientScaled` is the log-domain one used by the flows and the loss-normalized schedule: it
// returns κ and fills G = e^{κ}·∇_w L, so nothing underflows when the margins reach thousands
// (docs/FLOWS.md). Its mirror is packages/sim/src/engine/logdomain.ts. Both sum g = Σ_i r_i y_i x_i
// in the row blocks of order.ts.

import { ROW_BLOCK } from "./order";

// ---- algorithm and loss codes (mirrored in packages/core-wasm/src/index.ts) ----
export const ALGO_GD: i32 = 0;
export const ALGO_SAM_L2: i32 = 1;
export const ALGO_SAM_LINF: i32 = 2;
export const ALGO_USAM: i32 = 3;
export const LOSS_LOGISTIC: i32 = 0;
// const LOSS_EXPONENTIAL: i32 = 1;

// ---- record row layout (mirrored in packages/core-wasm/src/index.ts, REC) ----
export const REC_STEP: i32 = 0;
export const REC_T: i32 = 1;
export const REC_LOSS: i32 = 2;
export const REC_L1: i32 = 3;
export const REC_L2: i32 = 4;
export const REC_WNORM: i32 = 5;
export const REC_MIN_MARGIN: i32 = 6;
export const REC_GRAD_NORM: i32 = 7;
export const REC_PERT_NORM: i32 = 8;
export const REC_DOMINANT: i32 = 9;
export const REC_G_NORM: i32 = 10;
/** log L(w), computed in the log domain: finite where `loss` underflows to 0. */
export const REC_LOG_LOSS: i32 = 11;
/** log ‖∇_w L(w)‖₂, computed in the log domain (−Infinity only when the gradient is exactly 0). */
export const REC_LOG_GRAD_NORM: i32 = 12;
export const REC_FIXED: i32 = 13;

// ---- state (one run per instance; set by `setup` in index.ts) ----
export let n: i32 = 0;
export let d: i32 = 0;
export let L: i32 = 0;
export let LD: i32 = 0;
export let invN: f64 = 0;

export let algo: i32 = 0;
export let lossKind: i32 = 0;
export let rho: f64 = 0;

export let xPtr: usize = 0; // n*d, row-major: x_i = x[i*d .. i*d+d)
export let yPtr: usize = 0; // n
export let yxPtr: usize = 0; // n*d, y_i * x_i (exact: y is ±1)
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
}

// ---- the math (discrete path: operation order mirrored by reference.ts) ----

// @ts-ignore: decorator
@inline export function lossPrime(z: f64): f64 {
  if (lossKind == LOSS_LOGISTIC) return -1.0 / (1.0 + Math.exp(z));
  return -Math.exp(-z);
}

// @ts-ignore: decorator
@inline export function lossValue(z: f64): f64 {
  if (lossKind == LOSS_LOGISTIC) {
    return z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
  }
  return Math.exp(-z);
}

/** beta = w_1 ⊙ … ⊙ w_L (left-to-right products) into betaPtr. */
export function computeBeta(W: usize): void {
  for (let j = 0; j < d; j++) {
    let p = ld(W, j);
    for (let l = 1; l < L; l++) p *= ld(W, l * d + j);
    st(betaPtr, j, p);
  }
}

/** Margins z_i = <beta, y_i x_i> (j ascending). Requires computeBeta. */
export function computeMargins(): void {
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let s: f64 = 0;
    for (let j = 0; j < d; j++) s += ld(betaPtr, j) * ld(yxPtr, row + j);
    st(zPtr, i, s);
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
      const r = lossPrime(ld(zPtr, i)) * invN;
      st(rPtr, i, r);
      const row = i * d;
      for (let j = 0; j < d; j++) st(acc, j, ld(acc, j) + r * ld(yxPtr, row + j));
    }
    addBlock(i0);
  }
}

/** ∂L/∂w_l = g ⊙ (P_l · S_l), P_l = Π_{k<l} w_k left to right, S_l = Π_{k>l} w_k right to left. No division. */
export function layerGrads(W: usize, G: usize): void {
  if (L == 1) {
    for (let j = 0; j < d; j++) st(G, j, ld(gPtr, j));
    return;
  }
  for (let j = 0; j < d; j++) {
    // prefix products into G
    let p: f64 = 1;
    for (let l = 0; l < L; l++) {
      st(G, l * d + j, p);
      p *= ld(W, l * d + j);
    }
    let s: f64 = 1;
    const gj = ld(gPtr, j);
    for (let l = L - 1; l >= 0; l--) {
      st(G, l * d + j, gj * (ld(G, l * d + j) * s));
      s *= ld(W, l * d + j);
    }
  }
}

/** Full gradient ∇_w L at W into G. */
export function gradient(W: usize, G: usize): void {
  computeBeta(W);
  computeMargins();
  computeG();
  layerGrads(W, G);
}

export function sumSq(p: usize, count: i32): f64 {
  let s: f64 = 0;
  for (let k = 0; k < count; k++) {
    const v = ld(p, k);
    s += v * v;
  }
  return s;
}

/** out = w + eps(grad); returns ‖eps‖₂. */
export function perturb(W: usize, G: usize, out: usize): f64 {
  if (algo == ALGO_SAM_L2) {
    const norm = Math.sqrt(sumSq(G, LD));
    if (norm == 0) {
      for (let k = 0; k < LD; k++) st(out, k, ld(W, k));
      return 0;
    }
    const scale = rho / norm;
    for (let k = 0; k < LD; k++) st(out, k, ld(W, k) + scale * ld(G, k));
    return rho;
  }
  if (algo == ALGO_SAM_LINF) {
    let nz: i32 = 0;
    for (let k = 0; k < LD; k++) {
      const gk = ld(G, k);
      let e: f64 = 0;
      if (gk > 0) { e = rho; nz++; } else if (gk < 0) { e = -rho; nz++; }
      st(out, k, ld(W, k) + e);
    }
    return rho * Math.sqrt(<f64>nz);
  }
  // USAM
  for (let k = 0; k < LD; k++) st(out, k, ld(W, k) + rho * ld(G, k));
  return rho * Math.sqrt(sumSq(G, LD));
}

// ---- the log domain (flows, loss-normalized steps, the log columns of records) ----
//
// With c = min_i z_i, the scale exponent is κ = c for the exponential loss and κ = max(c, 0) for the
// logistic one. Then every e^{κ}·ℓ'(z_i) has magnitude ≤ 1 (it is ≥ e^{−(z_i−c)}/2 for the example
// with the smallest margin, so the scaled gradient never underflows to zero by the loss alone).

/** The scale exponent κ of the margins currently in zPtr. */
export function scaleExponent(): f64 {
  let c: f64 = Infinity;
  for (let i = 0; i < n; i++) {
    const z = ld(zPtr, i);
    if (z < c) c = z;
  }
  if (c != c || c == Infinity) return 0; // NaN margins propagate through G instead
  if (lossKind == LOSS_LOGISTIC && c < 0) return 0;
  return c;
}

/** e^κ·ℓ'(z). Logistic with κ > 0 (so z ≥ κ > 0): −e^{κ−z}/(1+e^{−z}). */
// @ts-ignore: decorator
@inline export function lossPrimeScaled(z: f64, kappa: f64): f64 {
  if (lossKind == LOSS_LOGISTIC) {
    if (kappa == 0) return -1.0 / (1.0 + Math.exp(z));
    return -Math.exp(kappa - z) / (1.0 + Math.exp(-z));
  }
  return -Math.exp(kappa - z);
}

/** e^κ·ℓ(z). Logistic with κ > 0: e^{κ−z}·log1p(u)/u with u = e^{−z} (→ 1 as u → 0). */
// @ts-ignore: decorator
@inline export function lossValueScaled(z: f64, kappa: f64): f64 {
  if (lossKind == LOSS_LOGISTIC) {
    if (kappa == 0) return z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
    const u = Math.exp(-z);
    const h = u == 0 ? 1.0 : Math.log1p(u) / u;
    return Math.exp(kappa - z) * h;
  }
  return Math.exp(kappa - z);
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
      const lp = lossPrimeScaled(ld(zPtr, i), kappa);
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
  for (let i = 0; i < n; i++) s += lossValueScaled(ld(zPtr, i), kappa);
  return s * invN;
}

/**
 * out = W + ε from the scaled gradient Gs = e^κ ∇L: ℓ2 and ℓ∞ are scale-free; USAM's ε = ρ e^{−κ} Gs.
 * Returns ‖ε‖₂. (ℓ∞ flows pass their frozen sign pattern through Gs; see flow.ts.)
 */
export function perturbScaled(W: usize, Gs: usize, kappa: f64, out: usize): f64 {
  if (algo == ALGO_USAM) {
    const scale = rho * Math.exp(-kappa);
    for (let k = 0; k < LD; k++) st(out, k, ld(W, k) + scale * ld(Gs, k));
    return scale * Math.sqrt(sumSq(Gs, LD));
  }
  return perturb(W, Gs, out);
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
    loss += lossValue(z);
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
  st(row, REC_MIN_MARGIN, minZ);
  st(row, REC_GRAD_NORM, gradNorm);
  st(row, REC_PERT_NORM, pert);
  st(row, REC_DOMINANT, <f64>dom);
  st(row, REC_G_NORM, Math.sqrt(sumSq(gPtr, d)));
  st(row, REC_LOG_LOSS, logLoss);
  st(row, REC_LOG_GRAD_NORM, logGradNorm);
  if (recBeta != 0) {
    for (let j = 0; j < d; j++) st(row, REC_FIXED + j, ld(betaPtr, j));
  }
  recIdx++;
}
