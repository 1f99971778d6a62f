// samlab core, the general plain step (docs/MODEL.md, "Relatives"): one step that covers every
// combination of mini-batches (`batch` b), m-SAM groups (`sam.group` m), ASAM and the k-step ascent
// (`sam.ascentSteps`), with plain one-example-at-a-time loops on one thread. The rows of the step's
// batch (b < n: a slice of the epoch's permutation; else all n in order) are cut into consecutive
// groups of m (absent m: the whole batch); each group G ascends k times from w,
//   ε_1 = (ρ/k)·dir(∇L_G(w)),  ε_{j+1} = ε_j + (ρ/k)·dir(∇L_G(w + ε_j)),  w̃_G = w + ε_k,
// and the step descends along Σ_G (|G|/b) ∇L_G(w̃_G) (one group: ∇L_B(w̃) itself). GD descends
// along the batch gradient. Full-batch runs without these options never come here: they keep the
// fast kernels of fast.ts. TS mirror: packages/sim/src/engine/plain-reference.ts.
//
// The epoch permutation is stateless (a function of the seed and the epoch number), so a resumed run
// needs nothing but its step counter: epoch e = ⌊step / ⌈n/b⌉⌋, batch ⌊step mod ⌈n/b⌉⌋ of it.

import { ALGO_ASAM, ALGO_GD, ALGO_SAM_L2, ALGO_SAM_LINF } from "./generated/codes";
import { lossPrime } from "./math/loss";
import { ascendInto, ascentInto, asamDir, asamT, l2Coef, linfEps, linfEpsV } from "./math/perturb";
import { betaInto, layerGradsInto, prodsExceptInto } from "./math/layers";
import {
  n, d, L, LD, algo, lossKind, rho, xi, groupM, wPert, gradPtr, gradPertPtr, gPtr, betaPtr, yxPtr, allocF64, rowsGradient, rowsIdentity, rowMargin, addRowInto, dot4Sq,
} from "./model";
import { fullGradient } from "./fast";
import { oneSamActive, oneSamDirection, oneSamReset } from "./onesam";

let batchB: i32 = 0; // b of `batch` (0 or ≥ n: the full batch)
let batchSeed: u64 = 0;
let ascentK: i32 = 1;
let forced = false; // tests: the plain step even where the fast kernels apply (the same bits, see plainActive)
let perExample = false; // tests: 1-SAM at depth 2 through the per-example path, not onesam.ts
let permPtr: usize = 0; // n i32: the permutation of epoch permEpoch
let permEpoch: f64 = -1;
let epsPtr: usize = 0; // L*d, ε of the ascent
let dirPtr: usize = 0; // L*d, Σ_G (|G|/b) ∇L_G(w̃_G)
let qPtr: usize = 0; // L*d, Π_{k≠l} w_k at w (shared by a step's groups)
let betaWPtr: usize = 0; // d, β at w (shared by a step's groups)
let normWPtr: usize = 0; // d, Σ_l Q_lj² (ℓ2) or Σ_l (T_lj Q_lj)² (ASAM) at w: ‖G‖² = Σ_j g_j²·this_j for G = g ⊙ Q
let zWPtr: usize = 0; // n, the margins of the step's batch at w
let betaTilde = false; // whether betaPtr holds β at wPert (set by the fused first ascent step)

/** Forgets every option (a new run); called by `setup`. */
export function plainReset(): void {
  batchB = 0;
  batchSeed = 0;
  ascentK = 1;
  forced = false;
  perExample = false;
  permPtr = 0;
  permEpoch = -1;
  epsPtr = 0;
  dirPtr = 0;
  qPtr = 0;
  betaWPtr = 0;
  normWPtr = 0;
  zWPtr = 0;
  oneSamReset();
}

/** Mini-batches of b rows (b ≥ n or 0: the full batch), permuted each epoch from `seed`. */
export function setBatch(b: i32, seed: u64): void {
  batchB = b;
  batchSeed = seed;
  permEpoch = -1;
}

/** The k of the k-step ascent (≥ 1). */
export function setAscentSteps(k: i32): void {
  ascentK = k < 1 ? 1 : k;
}

function batchOn(): bool {
  return batchB > 0 && batchB < n;
}

/** Tests only: take this path for every step (full batch, one group, k = 1 give the fast kernels' bits). */
export function setForced(on: bool): void {
  forced = on;
}

/** Tests only: 1-SAM at depth 2 takes the per-example path (the oracle of onesam.ts's ℓ∞ bits and ℓ2 rounding). */
export function setPerExample(on: bool): void {
  perExample = on;
}

/** Whether the discrete step takes this path (else the fast kernels; mirrored by plain-reference.ts `PlainStep.active`). */
export function plainActive(): bool {
  if (batchOn() || forced) return true;
  if (algo == ALGO_GD) return false;
  return (groupM > 0 && groupM < n) || ascentK > 1 || algo == ALGO_ASAM; // no kernel of fast.ts knows ASAM
}

/**
 * Which code the next discrete step runs (tests and benchmarks): 0 the fast kernels, 1 the general
 * plain step, 2 its 1-SAM closed form at depth 2 (onesam.ts). Batches of the epoch's last, shorter
 * slice may differ.
 */
export function plainPath(): i32 {
  if (!plainActive()) return 0;
  const b = batchOn() ? batchB : n;
  return algo != ALGO_GD && !perExample && oneSamActive(groupM > 0 && groupM < b ? groupM : b, b, ascentK) ? 2 : 1;
}

// ---- the epoch permutation (docs/MODEL.md, "Mini-batches") ----

/** splitmix64's finalizer (Steele, Lea & Flood 2014), all arithmetic mod 2^64. */
// @ts-ignore: decorator
@inline function mix64(z: u64): u64 {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
  return z ^ (z >> 31);
}

/**
 * P = the permutation of epoch e: the identity shuffled by Fisher–Yates from the end, i = n−1 … 1
 * swapping P[i] and P[j], j = ⌊(r >> 32)·(i + 1) / 2^32⌋, r the next output of splitmix64
 * (state += 0x9E3779B97F4A7C15, output mix64(state)) started at state = mix64(mix64(seed) + e).
 */
export function permutationInto(P: usize, count: i32, seed: u64, e: u64): void {
  for (let i = 0; i < count; i++) store<i32>(P + (<usize>i << 2), i);
  let s: u64 = mix64(mix64(seed) + e);
  for (let i = count - 1; i > 0; i--) {
    s += 0x9E3779B97F4A7C15;
    const r = mix64(s);
    const j = <i32>(((r >> 32) * <u64>(i + 1)) >> 32);
    const pi = P + (<usize>i << 2);
    const pj = P + (<usize>j << 2);
    const t = load<i32>(pi);
    store<i32>(pi, load<i32>(pj));
    store<i32>(pj, t);
  }
}

/** Exported for tests: writes the permutation of epoch e into the row buffer and returns its pointer. */
export function permutationOf(e: f64): usize {
  ensureBuffers();
  permutationInto(permPtr, n, batchSeed, <u64>e);
  permEpoch = e;
  return permPtr;
}

function ensureBuffers(): void {
  if (epsPtr != 0) return;
  epsPtr = allocF64(LD);
  dirPtr = allocF64(LD);
  qPtr = allocF64(LD);
  betaWPtr = allocF64(d);
  normWPtr = allocF64(d);
  zWPtr = allocF64(n);
  permPtr = allocF64((n + 1) >> 1);
}

// ---- the step ----

/** ∇L_B at W over the rows R[i0 … i1): the full gradient (row blocks) when the batch is all of the data. */
// @ts-ignore: decorator
@inline function batchGradient(W: usize, G: usize, R: usize, i0: i32, i1: i32, full: bool): void {
  if (full) fullGradient(W, G);
  else rowsGradient(W, G, R, i0, i1);
}

/**
 * The k-step ascent of the group R[i0 … i1) from W into wPert (math/perturb.ts `ascentInto`). w̃ = w
 * exactly when the first direction is 0 (ℓ2, ASAM), like `perturbInto`. `shared`: the first step
 * from the step's shared quantities at w (`firstAscentShared`).
 */
function ascend(W: usize, R: usize, i0: i32, i1: i32, full: bool, shared: bool): void {
  const rhoK = rho / <f64>ascentK;
  let have = false;
  betaTilde = false;
  for (let j = 0; j < ascentK; j++) {
    if (j == 0 && shared) {
      if (!firstAscentShared(W, R, i0, i1, rhoK)) break;
      have = true;
      continue;
    }
    batchGradient(have ? wPert : W, gradPtr, R, i0, i1, full);
    if (!ascentInto(algo, rhoK, xi, W, gradPtr, epsPtr, LD, !have)) break;
    have = true;
    betaTilde = false;
    ascendInto(W, epsPtr, wPert, LD, 1.0); // w + ε_{j+1} (1·ε = ε exactly)
  }
  if (!have) memory.copy(wPert, W, <usize>LD << 3);
}

/**
 * The first ascent step of a group when a step has several (docs/MODEL.md, "m-SAM"): g_G from the
 * margins at w computed once per step, G = g ⊙ Q with Q = Π_{k≠l} w_k of the step, the norm
 * ‖G‖₂² = dot4(g², Σ_l Q_l²) (ASAM: ‖TG‖₂² = dot4(g², Σ_l (T_l Q_l)²)), then ε_1 and w̃ = w + ε_1
 * in one pass (ε_1 kept in epsPtr when k > 1). Returns false, writing nothing, on a zero ℓ2/ASAM norm.
 * Mirrored by plain-reference.ts `firstAscentShared`.
 */
function firstAscentShared(W: usize, R: usize, i0: i32, i1: i32, rhoK: f64): bool {
  const inv: f64 = 1.0 / <f64>(i1 - i0);
  const al = algo;
  const asam = al == ALGO_ASAM;
  const normed = al == ALGO_SAM_L2 || asam;
  let c: f64 = rhoK;
  let normSq: f64 = 0;
  if (i1 - i0 == 1 && normed) {
    // one row (1-SAM): g = 0 + r·y_i x_i and dot4(g², ν) in one pass (the same operations as below)
    normSq = gAndNormOneRow(load<i32>(R + (<usize>i0 << 2)), lossPrime(lossKind, load<f64>(zWPtr + (<usize>i0 << 3))) * inv);
  } else {
    for (let q = i0; q < i1; q++) addRowInto(gPtr, load<i32>(R + (<usize>q << 2)), lossPrime(lossKind, load<f64>(zWPtr + (<usize>q << 3))) * inv, q == i0);
    if (normed) normSq = dot4Sq(gPtr, normWPtr, d);
  }
  if (normed) {
    const norm = Math.sqrt(normSq);
    if (norm == 0) return false;
    c = l2Coef(rhoK, norm);
  }
  // ε_1 = c·dir(G), w̃ = w + ε_1 (G_lj = g_j·Q_lj) and β̃ = Π_l w̃_l (left to right) in one pass over
  // the coordinates, two at a time (elementwise: the same bits as one at a time and as betaInto)
  // the buffers in locals: the loops below read no globals
  const keep = ascentK > 1;
  const dd = d, LL = L, gP = gPtr, qP = qPtr, eP = epsPtr, wP = wPert, bP = betaPtr;
  const dEven = dd & ~1;
  const cv = f64x2.splat(c);
  const negC = f64x2.splat(-c);
  const xiV = f64x2.splat(xi);
  const stride = <usize>dd << 3;
  let j = 0;
  for (; j < dEven; j += 2) {
    const oj = <usize>j << 3;
    const g = v128.load(gP + oj);
    let prod = f64x2.splat(1);
    for (let l = 0; l < LL; l++) {
      const o = <usize>l * stride + oj;
      const w = v128.load(W + o);
      const G = f64x2.mul(g, v128.load(qP + o));
      let e: v128;
      if (asam) {
        const t = f64x2.add(f64x2.abs(w), xiV);
        e = f64x2.mul(cv, f64x2.mul(t, f64x2.mul(t, G)));
      } else if (al == ALGO_SAM_LINF) e = linfEpsV(G, cv, negC);
      else e = f64x2.mul(cv, G);
      if (keep) v128.store(eP + o, e);
      const wt = f64x2.add(w, e);
      v128.store(wP + o, wt);
      prod = l == 0 ? wt : f64x2.mul(prod, wt);
    }
    v128.store(bP + oj, prod);
  }
  if (j < dd) {
    const oj = <usize>j << 3;
    const g = load<f64>(gP + oj);
    let prod: f64 = 1;
    for (let l = 0; l < LL; l++) {
      const o = <usize>l * stride + oj;
      const w = load<f64>(W + o);
      const G = g * load<f64>(qP + o);
      const e = asam ? c * asamDir(asamT(w, xi), G) : al == ALGO_SAM_LINF ? linfEps(G, c) : c * G;
      if (keep) store<f64>(eP + o, e);
      const wt = w + e;
      store<f64>(wP + o, wt);
      prod = l == 0 ? wt : prod * wt;
    }
    store<f64>(bP + oj, prod);
  }
  betaTilde = true;
  return true;
}

/** g = 0 + r·y_i x_i into gPtr and returns dot4Sq(g, ν): `addRowInto` (first row) and `dot4Sq` fused. */
function gAndNormOneRow(i: i32, r: f64): f64 {
  const dd = d, gP = gPtr, nP = normWPtr;
  const X = yxPtr + (<usize>(i * dd) << 3);
  const rv = f64x2.splat(r);
  const zero = f64x2.splat(0);
  let a01 = f64x2.splat(0);
  let a23 = f64x2.splat(0);
  const c4 = dd & ~3;
  let j = 0;
  for (; j < c4; j += 4) {
    const o = <usize>j << 3;
    const g01 = f64x2.add(zero, f64x2.mul(rv, v128.load(X + o)));
    const g23 = f64x2.add(zero, f64x2.mul(rv, v128.load(X + o + 16)));
    v128.store(gP + o, g01);
    v128.store(gP + o + 16, g23);
    a01 = f64x2.add(a01, f64x2.mul(f64x2.mul(g01, g01), v128.load(nP + o)));
    a23 = f64x2.add(a23, f64x2.mul(f64x2.mul(g23, g23), v128.load(nP + o + 16)));
  }
  let s = (f64x2.extract_lane(a01, 0) + f64x2.extract_lane(a01, 1)) + (f64x2.extract_lane(a23, 0) + f64x2.extract_lane(a23, 1));
  for (; j < dd; j++) {
    const o = <usize>j << 3;
    const g = 0 + r * load<f64>(X + o);
    store<f64>(gP + o, g);
    s += (g * g) * load<f64>(nP + o);
  }
  return s;
}

/**
 * dir += c·∇L_G(w̃) for the group R[i0 … i1) at w̃ = wPert (model.ts `rowsGradient` then
 * dir + c·G, fused: the same operations in the same order). β̃ comes from the first ascent step when
 * that was the last one (`betaTilde`).
 */
function accumulateAtTilde(R: usize, i0: i32, i1: i32, c: f64): void {
  if (!betaTilde) betaInto(wPert, betaPtr, d, L);
  const inv: f64 = 1.0 / <f64>(i1 - i0);
  if (i1 - i0 == 1 && L == 2) {
    // one row (1-SAM): g̃ = 0 + r̃·y_i x_i computed in the accumulation itself (the same operations)
    const i = load<i32>(R + (<usize>i0 << 2));
    accumulateOneRowL2(i, lossPrime(lossKind, rowMargin(betaPtr, i)) * inv, c);
    return;
  }
  for (let q = i0; q < i1; q++) {
    const i = load<i32>(R + (<usize>q << 2));
    addRowInto(gPtr, i, lossPrime(lossKind, rowMargin(betaPtr, i)) * inv, q == i0);
  }
  if (L != 2) {
    layerGradsInto(wPert, gPtr, gradPertPtr, d, L);
    ascendInto(dirPtr, gradPertPtr, dirPtr, LD, c);
    return;
  }
  // L = 2: ∂/∂w_1 = g ⊙ w̃_2, ∂/∂w_2 = g ⊙ w̃_1 (math/layers.ts), accumulated at once
  const dd = d, gP = gPtr, dP = dirPtr, wP = wPert;
  const stride = <usize>dd << 3;
  const cv = f64x2.splat(c);
  const dEven = dd & ~1;
  let j = 0;
  for (; j < dEven; j += 2) {
    const o = <usize>j << 3;
    const g = v128.load(gP + o);
    const a = dP + o;
    const b = a + stride;
    v128.store(a, f64x2.add(v128.load(a), f64x2.mul(cv, f64x2.mul(g, v128.load(wP + stride + o)))));
    v128.store(b, f64x2.add(v128.load(b), f64x2.mul(cv, f64x2.mul(g, v128.load(wP + o)))));
  }
  if (j < dd) {
    const o = <usize>j << 3;
    const g = load<f64>(gP + o);
    store<f64>(dP + o, load<f64>(dP + o) + c * (g * load<f64>(wP + stride + o)));
    store<f64>(dP + stride + o, load<f64>(dP + stride + o) + c * (g * load<f64>(wP + o)));
  }
}

/** L = 2, one row: dir_1 += c·(g̃ ⊙ w̃_2), dir_2 += c·(g̃ ⊙ w̃_1) with g̃ = 0 + r·y_i x_i formed on the way. */
function accumulateOneRowL2(i: i32, r: f64, c: f64): void {
  const dd = d, dP = dirPtr, wP = wPert;
  const X = yxPtr + (<usize>(i * dd) << 3);
  const stride = <usize>dd << 3;
  const rv = f64x2.splat(r);
  const cv = f64x2.splat(c);
  const zero = f64x2.splat(0);
  const dEven = dd & ~1;
  let j = 0;
  for (; j < dEven; j += 2) {
    const o = <usize>j << 3;
    const g = f64x2.add(zero, f64x2.mul(rv, v128.load(X + o)));
    const a = dP + o;
    const b = a + stride;
    v128.store(a, f64x2.add(v128.load(a), f64x2.mul(cv, f64x2.mul(g, v128.load(wP + stride + o)))));
    v128.store(b, f64x2.add(v128.load(b), f64x2.mul(cv, f64x2.mul(g, v128.load(wP + o)))));
  }
  if (j < dd) {
    const o = <usize>j << 3;
    const g = 0 + r * load<f64>(X + o);
    store<f64>(dP + o, load<f64>(dP + o) + c * (g * load<f64>(wP + stride + o)));
    store<f64>(dP + stride + o, load<f64>(dP + stride + o) + c * (g * load<f64>(wP + o)));
  }
}

/** The shared quantities of a step with several groups: β and Q at w, the norm weights, the batch's margins at w. */
function shareAtW(W: usize, R: usize, b: i32): void {
  betaInto(W, betaWPtr, d, L);
  prodsExceptInto(W, qPtr, d, L);
  const asam = algo == ALGO_ASAM;
  if (algo == ALGO_SAM_L2 || asam) {
    for (let j = 0; j < d; j++) {
      let s: f64 = 0;
      for (let l = 0; l < L; l++) {
        const o = <usize>(l * d + j) << 3;
        const v = asam ? asamT(load<f64>(W + o), xi) * load<f64>(qPtr + o) : load<f64>(qPtr + o);
        s += v * v;
      }
      store<f64>(normWPtr + (<usize>j << 3), s);
    }
  }
  for (let q = 0; q < b; q++) store<f64>(zWPtr + (<usize>q << 3), rowMargin(betaWPtr, load<i32>(R + (<usize>q << 2))));
}

/**
 * The update direction of the step at global index `step` from W (the current parameters): a pointer
 * to L·d values (the batch gradient for GD). Called once per step by index.ts, which descends.
 */
export function plainStep(W: usize, step: f64): usize {
  ensureBuffers();
  let R = rowsIdentity();
  let b = n;
  let full = true;
  if (batchOn()) {
    const nb = (n + batchB - 1) / batchB;
    const e = Math.floor(step / <f64>nb);
    const start = <i32>(step - e * <f64>nb) * batchB;
    if (e != permEpoch) {
      permutationInto(permPtr, n, batchSeed, <u64>e);
      permEpoch = e;
    }
    b = min(batchB, n - start);
    R = permPtr + (<usize>start << 2);
    full = false;
  }
  if (algo == ALGO_GD) {
    batchGradient(W, gradPtr, R, 0, b, full);
    return gradPtr;
  }
  const m = groupM > 0 && groupM < b ? groupM : b;
  if (m == b) {
    ascend(W, R, 0, b, full, false);
    batchGradient(wPert, gradPertPtr, R, 0, b, full);
    return gradPertPtr;
  }
  if (!perExample && oneSamActive(m, b, ascentK)) {
    oneSamDirection(W, R, b, dirPtr); // 1-SAM at depth 2 in closed form (onesam.ts)
    return dirPtr;
  }
  // several groups: what depends on w alone, once per step
  shareAtW(W, R, b);
  memory.fill(dirPtr, 0, <usize>LD << 3);
  const invB: f64 = 1.0 / <f64>b;
  for (let i0 = 0; i0 < b; i0 += m) {
    const i1 = min(i0 + m, b);
    ascend(W, R, i0, i1, false, true);
    accumulateAtTilde(R, i0, i1, <f64>(i1 - i0) * invB); // dir += (|G|/b)·∇L_G(w̃_G)
  }
  return dirPtr;
}
