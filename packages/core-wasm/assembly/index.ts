// samlab core: discrete training of an L-layer diagonal linear network, beta = w_1 ⊙ … ⊙ w_L,
// on the loss L(w) = (1/n) Σ_i ℓ(y_i <beta, x_i>) with GD, ℓ2-SAM, ℓ∞-SAM and USAM
// (../../../shared/MODEL.md is the contract; docs/ENGINE.md explains the memory layout).
//
// The boundary is deliberately tiny: JS calls `setup` once per run, writes x, y, w and the record
// schedule through Float64Array views of linear memory, then calls `run(untilStep)` once per chunk
// of (typically 10^4 … 10^6) steps. Nothing crosses the boundary per step. Every f64 operation is
// ordered exactly as in packages/sim/src/engine/reference.ts, so the two engines agree to rounding.

// ---- algorithm and loss codes (mirrored in packages/sim/src/engine/codes.ts) ----
const ALGO_GD: i32 = 0;
const ALGO_SAM_L2: i32 = 1;
const ALGO_SAM_LINF: i32 = 2;
const ALGO_USAM: i32 = 3;
const LOSS_LOGISTIC: i32 = 0;
// const LOSS_EXPONENTIAL: i32 = 1;

// ---- record row layout (mirrored in packages/sim/src/engine/codes.ts) ----
const REC_STEP: i32 = 0;
const REC_T: i32 = 1;
const REC_LOSS: i32 = 2;
const REC_L1: i32 = 3;
const REC_L2: i32 = 4;
const REC_WNORM: i32 = 5;
const REC_MIN_MARGIN: i32 = 6;
const REC_GRAD_NORM: i32 = 7;
const REC_PERT_NORM: i32 = 8;
const REC_DOMINANT: i32 = 9;
const REC_G_NORM: i32 = 10;
const REC_FIXED: i32 = 11;

// ---- state (one run per instance) ----
let n: i32 = 0;
let d: i32 = 0;
let L: i32 = 0;
let LD: i32 = 0;
let invN: f64 = 0;

let algo: i32 = 0;
let lossKind: i32 = 0;
let lr: f64 = 0;
let rho: f64 = 0;

let xPtr: usize = 0; // n*d, row-major: x_i = x[i*d .. i*d+d)
let yPtr: usize = 0; // n
let yxPtr: usize = 0; // n*d, y_i * x_i (exact: y is ±1)
let wCur: usize = 0; // L*d, layer-major: w_l = w[l*d .. l*d+d)
let wNxt: usize = 0; // L*d, double buffer for the update (so a non-finite step leaves wCur intact)
let wPert: usize = 0; // L*d, w + eps
let gradPtr: usize = 0; // L*d, ∇_w L at w
let gradPertPtr: usize = 0; // L*d, ∇_w L at w + eps
let betaPtr: usize = 0; // d
let gPtr: usize = 0; // d, ∂L/∂beta
let zPtr: usize = 0; // n, margins
let rPtr: usize = 0; // n, ℓ'(z_i)/n

let schedPtr: usize = 0; // maxRecords f64 step numbers, strictly increasing
let schedLen: i32 = 0;
let recPtr: usize = 0; // maxRecords * stride
let recStride: i32 = 0;
let recBeta: i32 = 0;
let recIdx: i32 = 0;
let maxRecords: i32 = 0;

let stepCount: f64 = 0;
let stepBase: f64 = 0;
let tBase: f64 = 0;
let nonfiniteAt: f64 = -1;

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

function allocF64(count: i32): usize {
  const c: i32 = count > 0 ? count : 1;
  const bytes: usize = (<usize>c) << 3;
  const p = heap.alloc(bytes + 16);
  const aligned = (p + 15) & ~(<usize>15);
  memory.fill(aligned, 0, bytes);
  return aligned;
}

/** Allocates every buffer of a run. Called once per instance, before any other export. */
export function setup(nEx: i32, dim: i32, depth: i32, records: i32, recordBeta: i32): void {
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
  betaPtr = allocF64(d);
  gPtr = allocF64(d);
  zPtr = allocF64(n);
  rPtr = allocF64(n);
  maxRecords = records;
  schedPtr = allocF64(records);
  recBeta = recordBeta;
  recStride = REC_FIXED + (recordBeta != 0 ? d : 0);
  recPtr = allocF64(records * recStride);
  schedLen = 0;
  recIdx = 0;
  stepCount = 0;
  stepBase = 0;
  tBase = 0;
  nonfiniteAt = -1;
}

export function ptr_x(): usize { return xPtr; }
export function ptr_y(): usize { return yPtr; }
/** The current parameters. The pointer changes after every step (double buffering): re-read it after `run`. */
export function ptr_w(): usize { return wCur; }
export function ptr_schedule(): usize { return schedPtr; }
export function ptr_records(): usize { return recPtr; }
export function ptr_beta(): usize { return betaPtr; }
export function record_stride(): i32 { return recStride; }
export function records_written(): i32 { return recIdx; }
export function step_count(): f64 { return stepCount; }
export function time_now(): f64 { return tBase + lr * (stepCount - stepBase); }
/** The step at which a non-finite value first appeared, or -1. */
export function nonfinite_step(): f64 { return nonfiniteAt; }

/** Computes y_i x_i from the x and y that JS wrote. Called once after x and y are written. */
export function prepare(): void {
  for (let i = 0; i < n; i++) {
    const yi = ld(yPtr, i);
    const row = i * d;
    for (let j = 0; j < d; j++) st(yxPtr, row + j, yi * ld(xPtr, row + j));
  }
}

/** Sets how many entries of the schedule are valid (the schedule itself is written by JS). */
export function set_schedule_len(len: i32): void {
  schedLen = len < maxRecords ? len : maxRecords;
  // skip entries already in the past (resume)
  while (recIdx < schedLen && ld(schedPtr, recIdx) < stepCount) recIdx++;
}

/** Sets the algorithm, loss and hyper-parameters; may be called between chunks (η, ρ change mid-run). */
export function configure(algorithm: i32, loss: i32, stepSize: f64, radius: f64): void {
  tBase = time_now();
  stepBase = stepCount;
  algo = algorithm;
  lossKind = loss;
  lr = stepSize;
  rho = radius;
}

/** Restores the clock (checkpoint resume): the step counter and the time at that step. */
export function set_clock(step: f64, t: f64): void {
  stepCount = step;
  stepBase = step;
  tBase = t;
  recIdx = 0;
  while (recIdx < schedLen && ld(schedPtr, recIdx) < stepCount) recIdx++;
}

// ---- the math ----

// @ts-ignore: decorator
@inline function lossPrime(z: f64): f64 {
  if (lossKind == LOSS_LOGISTIC) return -1.0 / (1.0 + Math.exp(z));
  return -Math.exp(-z);
}

// @ts-ignore: decorator
@inline function lossValue(z: f64): f64 {
  if (lossKind == LOSS_LOGISTIC) {
    return z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
  }
  return Math.exp(-z);
}

/** beta = w_1 ⊙ … ⊙ w_L (left-to-right products) into betaPtr. */
function computeBeta(W: usize): void {
  for (let j = 0; j < d; j++) {
    let p = ld(W, j);
    for (let l = 1; l < L; l++) p *= ld(W, l * d + j);
    st(betaPtr, j, p);
  }
}

/** Margins z_i = <beta, y_i x_i> (j ascending). Requires computeBeta. */
function computeMargins(): void {
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let s: f64 = 0;
    for (let j = 0; j < d; j++) s += ld(betaPtr, j) * ld(yxPtr, row + j);
    st(zPtr, i, s);
  }
}

/** g = ∂L/∂beta = Σ_i (ℓ'(z_i)/n) y_i x_i (i ascending). Requires computeMargins. */
function computeG(): void {
  for (let j = 0; j < d; j++) st(gPtr, j, 0);
  for (let i = 0; i < n; i++) {
    const r = lossPrime(ld(zPtr, i)) * invN;
    st(rPtr, i, r);
    const row = i * d;
    for (let j = 0; j < d; j++) st(gPtr, j, ld(gPtr, j) + r * ld(yxPtr, row + j));
  }
}

/** ∂L/∂w_l = g ⊙ (P_l · S_l), P_l = Π_{k<l} w_k left to right, S_l = Π_{k>l} w_k right to left. No division. */
function layerGrads(W: usize, G: usize): void {
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
function gradient(W: usize, G: usize): void {
  computeBeta(W);
  computeMargins();
  computeG();
  layerGrads(W, G);
}

function sumSq(p: usize, count: i32): f64 {
  let s: f64 = 0;
  for (let k = 0; k < count; k++) {
    const v = ld(p, k);
    s += v * v;
  }
  return s;
}

/** wPert = w + eps(grad); returns ‖eps‖₂. */
function perturb(W: usize, G: usize): f64 {
  if (algo == ALGO_SAM_L2) {
    const norm = Math.sqrt(sumSq(G, LD));
    if (norm == 0) {
      for (let k = 0; k < LD; k++) st(wPert, k, ld(W, k));
      return 0;
    }
    const scale = rho / norm;
    for (let k = 0; k < LD; k++) st(wPert, k, ld(W, k) + scale * ld(G, k));
    return rho;
  }
  if (algo == ALGO_SAM_LINF) {
    let nz: i32 = 0;
    for (let k = 0; k < LD; k++) {
      const gk = ld(G, k);
      let e: f64 = 0;
      if (gk > 0) { e = rho; nz++; } else if (gk < 0) { e = -rho; nz++; }
      st(wPert, k, ld(W, k) + e);
    }
    return rho * Math.sqrt(<f64>nz);
  }
  // USAM
  for (let k = 0; k < LD; k++) st(wPert, k, ld(W, k) + rho * ld(G, k));
  return rho * Math.sqrt(sumSq(G, LD));
}

/** One step from wCur into wNxt; returns false (and leaves wCur untouched) if a value is non-finite. */
function doStep(): bool {
  gradient(wCur, gradPtr);
  let upd = gradPtr;
  if (algo != ALGO_GD) {
    perturb(wCur, gradPtr);
    gradient(wPert, gradPertPtr);
    upd = gradPertPtr;
  }
  let acc: f64 = 0;
  for (let k = 0; k < LD; k++) {
    const v = ld(wCur, k) - lr * ld(upd, k);
    st(wNxt, k, v);
    acc += v * 0; // NaN iff some entry is non-finite
  }
  if (acc != acc) return false;
  const tmp = wCur;
  wCur = wNxt;
  wNxt = tmp;
  return true;
}

/** Writes one record row for the current state (gradient evaluated at wCur). */
function record(): void {
  const row = recPtr + (<usize>(recIdx * recStride) << 3);
  gradient(wCur, gradPtr);
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
  const gradNorm = Math.sqrt(sumSq(gradPtr, LD));
  let pert: f64 = 0;
  if (algo != ALGO_GD) pert = perturb(wCur, gradPtr);
  st(row, REC_STEP, stepCount);
  st(row, REC_T, time_now());
  st(row, REC_LOSS, loss);
  st(row, REC_L1, l1);
  st(row, REC_L2, Math.sqrt(l2));
  st(row, REC_WNORM, Math.sqrt(sumSq(wCur, LD)));
  st(row, REC_MIN_MARGIN, minZ);
  st(row, REC_GRAD_NORM, gradNorm);
  st(row, REC_PERT_NORM, pert);
  st(row, REC_DOMINANT, <f64>dom);
  st(row, REC_G_NORM, Math.sqrt(sumSq(gPtr, d)));
  if (recBeta != 0) {
    for (let j = 0; j < d; j++) st(row, REC_FIXED + j, ld(betaPtr, j));
  }
  recIdx++;
}

/**
 * Advances until the step counter equals `until`, recording at scheduled steps (`until` itself
 * only when it is the schedule's last point). Called once per chunk. Returns 0, or 1 when a non-finite value
 * appeared (the state stays at the last finite step; `nonfinite_step` tells which step failed).
 */
export function run(until: f64): i32 {
  while (stepCount < until) {
    if (recIdx < schedLen && ld(schedPtr, recIdx) == stepCount) record();
    if (!doStep()) {
      nonfiniteAt = stepCount + 1;
      return 1;
    }
    stepCount += 1;
  }
  // Only the schedule's last point is recorded here; any other point at `until` is recorded at the
  // start of the next call, after a possible `configure`, so a row always shows the ρ and η that
  // the step leaving it uses.
  if (recIdx == schedLen - 1 && ld(schedPtr, recIdx) == stepCount) record();
  return 0;
}

/** Records the current state now, outside the schedule (used when a run stops early). */
export function record_now(): void {
  if (recIdx < maxRecords) record();
}

/** Evaluates beta, margins, g and ∇_w L at the current w (for callers that want the current gradient). */
export function eval_gradient(): f64 {
  gradient(wCur, gradPtr);
  return Math.sqrt(sumSq(gradPtr, LD));
}
export function ptr_grad(): usize { return gradPtr; }
export function ptr_margins(): usize { return zPtr; }
