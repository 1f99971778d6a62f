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

import { ALGO_ASAM, ALGO_GD } from "./generated/codes";
import { ascendInto, ascentInto } from "./math/perturb";
import { betaInto, prodsExceptInto } from "./math/layers";
import {
  n, d, L, LD, algo, rho, xi, groupM, wPert, gradPtr, gradPertPtr, allocF64, gradient, rowsGradient, rowsGradientQ, rowsIdentity,
} from "./model";

let batchB: i32 = 0; // b of `batch` (0 or ≥ n: the full batch)
let batchSeed: u64 = 0;
let ascentK: i32 = 1;
let forced = false; // tests: the plain step even where the fast kernels apply (the same bits, see plainActive)
let permPtr: usize = 0; // n i32: the permutation of epoch permEpoch
let permEpoch: f64 = -1;
let epsPtr: usize = 0; // L*d, ε of the ascent
let dirPtr: usize = 0; // L*d, Σ_G (|G|/b) ∇L_G(w̃_G)
let qPtr: usize = 0; // L*d, Π_{k≠l} w_k at w (shared by a step's groups)
let betaWPtr: usize = 0; // d, β at w (shared by a step's groups)

/** Forgets every option (a new run); called by `setup`. */
export function plainReset(): void {
  batchB = 0;
  batchSeed = 0;
  ascentK = 1;
  forced = false;
  permPtr = 0;
  permEpoch = -1;
  epsPtr = 0;
  dirPtr = 0;
  qPtr = 0;
  betaWPtr = 0;
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

/** Whether the discrete step takes this path (else the fast kernels; mirrored by plain-reference.ts `PlainStep.active`). */
export function plainActive(): bool {
  if (batchOn() || forced) return true;
  if (algo == ALGO_GD) return false;
  return (groupM > 0 && groupM < n) || ascentK > 1 || algo == ALGO_ASAM; // no kernel of fast.ts knows ASAM
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
  permPtr = allocF64((n + 1) >> 1);
}

// ---- the step ----

/** ∇L_B at W over the rows R[i0 … i1): the full gradient (row blocks) when the batch is all of the data. */
// @ts-ignore: decorator
@inline function batchGradient(W: usize, G: usize, R: usize, i0: i32, i1: i32, full: bool): void {
  if (full) gradient(W, G);
  else rowsGradient(W, G, R, i0, i1);
}

/**
 * The k-step ascent of the group R[i0 … i1) from wCur into wPert (math/perturb.ts `ascentInto`);
 * `shared`: the gradient at w from the step's β and Q (several groups). w̃ = w exactly when the first
 * direction is 0 (ℓ2, ASAM), like `perturbInto`.
 */
function ascend(W: usize, R: usize, i0: i32, i1: i32, full: bool, shared: bool): void {
  const rhoK = rho / <f64>ascentK;
  let have = false;
  for (let j = 0; j < ascentK; j++) {
    if (!have) {
      if (shared) rowsGradientQ(betaWPtr, qPtr, gradPtr, R, i0, i1);
      else batchGradient(W, gradPtr, R, i0, i1, full);
    } else batchGradient(wPert, gradPtr, R, i0, i1, full);
    if (!ascentInto(algo, rhoK, xi, W, gradPtr, epsPtr, LD, !have)) break;
    have = true;
    ascendInto(W, epsPtr, wPert, LD, 1.0); // w + ε_{j+1} (1·ε = ε exactly)
  }
  if (!have) memory.copy(wPert, W, <usize>LD << 3);
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
  // several groups: β and Π_{k≠l} w_k at w once per step
  betaInto(W, betaWPtr, d, L);
  prodsExceptInto(W, qPtr, d, L);
  memory.fill(dirPtr, 0, <usize>LD << 3);
  const invB: f64 = 1.0 / <f64>b;
  for (let i0 = 0; i0 < b; i0 += m) {
    const i1 = min(i0 + m, b);
    ascend(W, R, i0, i1, false, true);
    rowsGradient(wPert, gradPertPtr, R, i0, i1);
    const c = <f64>(i1 - i0) * invB;
    for (let k = 0; k < LD; k++) {
      const o = <usize>k << 3;
      store<f64>(dirPtr + o, load<f64>(dirPtr + o) + c * load<f64>(gradPertPtr + o));
    }
  }
  return dirPtr;
}
