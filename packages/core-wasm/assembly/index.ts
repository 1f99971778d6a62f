// samlab core: discrete training of an L-layer diagonal linear network, beta = w_1 ⊙ … ⊙ w_L,
// on the loss L(w) = (1/n) Σ_i ℓ(y_i <beta, x_i>) with GD, ℓ2-SAM, ℓ∞-SAM, USAM and ASAM, and their
// relatives (mini-batches, m-SAM groups, the k-step ascent: plain.ts)
// (docs/MODEL.md is the contract; README.md says where each formula lives).
//
// The boundary is deliberately tiny: JS calls `setup` once per run, writes x, y, w and the record
// schedule through Float64Array views of linear memory, then calls `run(untilStep)` once per chunk
// of (typically 10^4 … 10^6) steps. Nothing crosses the boundary per step. Every f64 operation is
// ordered exactly as in packages/sim/src/engine/reference.ts, so the two engines agree to rounding.
//
// Files: model.ts holds the shared state and the math (gradients, perturbations, record rows);
// this file is the discrete engine (its hot loop is `doStep`, below); flow.ts integrates the flows
// (docs/FLOWS.md) with the same buffers and record layout.

import { ALGO_GD, LOSS_SQUARED, RHO_SCHEDULE_CONSTANT, LR_SCHEDULE_CONSTANT, LR_SCHEDULE_LOSS_NORMALIZED, LR_SCHEDULE_INV_SQRT, LR_SCHEDULE_RESCALED } from "./generated/codes";
import { descendInto } from "./math/update";
import {
  n, d, L, LD, algo, lossKind, rho, xPtr, yPtr, yxPtr, wCur, wNxt, wPert, gradPtr, gradPertPtr,
  betaPtr, zPtr, schedPtr, schedLen, recPtr, recStride, recIdx, maxRecords,
  yxPlain, buildYx, ld, st, allocModel, setGroupM, setXi, gradient, sumSq, gradientScaled, lossScaled, meanAbsLossPrimeScaled, perturbScaled, writeRecord,
} from "./model";
import { plainActive, plainPath, plainReset, plainStep, setAscentSteps, setBatch, setForced, setPerExample, permutationOf } from "./plain";
import { linfFallbacks, setLinfFused } from "./onesam";
import { fastPrepare, fastStep } from "./fast";
export { set_fast_kernels, set_x_f32 } from "./fast";
import { ROW_BLOCK } from "./order";
import { setEdgeStep } from "./record-curvature";
import { sharpnessAlloc, sharpnessAt, sharpnessOut, sharpnessReady } from "./sharpness";

// The flows (ODE integration, docs/FLOWS.md) share the buffers and the record layout.
export {
  flow_configure, flow_run, flow_time, flow_steps, flow_rejected, flow_evaluations, flow_switches, flow_step_size,
  flow_restore, flow_record_now, flow_nonfinite_time,
} from "./flow";

// ---- step-size schedules of discrete runs (codes.json, LR_SCHEDULE) ----
// constant: η_k = η; t = tBase + η·(step − stepBase), exactly as before schedules existed
// loss-normalized: η_k = η / L(w_k), computed in the log domain; t = Σ η_k
// inv-sqrt: η_k = η / √(k+1), k the global step index; t = Σ η_k
// rescaled: the Euler step of the rescaled flow: η_k = η / ((1/n)Σ|ℓ'(z̃_i)|) at the perturbed point; t = Σ η_k
// ---- discrete-run state ----
let lr: f64 = 0;
let lrSchedule: i32 = LR_SCHEDULE_CONSTANT;
let stepCount: f64 = 0;
let stepBase: f64 = 0;
let tBase: f64 = 0;
let tAcc: f64 = 0; // Σ η_k for the non-constant schedules
let nonfiniteAt: f64 = -1;
// ---- radius schedules (codes.json, RHO_SCHEDULE) ----
// constant: ρ as configured (the global `rho` is never touched, so that path is unchanged);
// linear-decay: ρ_k = ρ·(1 − k/K), set from the step counter before each step and each record
let rhoSchedule: i32 = RHO_SCHEDULE_CONSTANT;
let rhoBase: f64 = 0;
let rhoSteps: f64 = 0;

/** Allocates every buffer of a run. Called once per instance, before any other export. */
export function setup(nEx: i32, dim: i32, depth: i32, records: i32, recordBeta: i32): void {
  allocModel(nEx, dim, depth, records, recordBeta);
  prepared = false;
  stepCount = 0;
  stepBase = 0;
  tBase = 0;
  tAcc = 0;
  lrSchedule = LR_SCHEDULE_CONSTANT;
  rhoSchedule = RHO_SCHEDULE_CONSTANT;
  nonfiniteAt = -1;
  setGroupM(0);
  plainReset();
  setEdgeStep(NaN, false);
}

/** Records λ_max, λ_min and tr H at every recorded point from now on (sharpness.ts). Called once after `setup`. */
export function set_sharpness(): void {
  if (!sharpnessReady()) sharpnessAlloc(n, d, L);
}

/**
 * λ_max, its residual, λ_min, its residual, tr H and the number of Hessian-vector products at the
 * current w (after `set_sharpness`), as 6 f64 at the returned pointer.
 */
export function sharpness_now(): usize {
  gradient(wCur, gradPtr);
  sharpnessAt(wCur, yxPtr, zPtr, lossKind);
  return sharpnessOut();
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
/** Continuous time of the current step: η·(steps) for a constant η (exact form kept), Σ η_k otherwise. */
export function time_now(): f64 {
  if (lrSchedule == LR_SCHEDULE_CONSTANT) return tBase + lr * (stepCount - stepBase);
  return tAcc;
}
/** The step at which a non-finite value first appeared, or -1. */
export function nonfinite_step(): f64 { return nonfiniteAt; }

let prepared = false;

/** Computes y_i x_i (x_i for the squared loss) from the x and y that JS wrote. Called once after x and y are written. */
export function prepare(): void {
  buildYx();
  fastPrepare();
  prepared = true;
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
  tAcc = tBase;
  stepBase = stepCount;
  algo = algorithm;
  lossKind = loss;
  lr = stepSize;
  rho = radius;
  rhoBase = radius;
  syncRho();
  // the squared loss keeps x and y apart (model.ts buildYx): rebuild when the loss family changes
  if (prepared && (loss == LOSS_SQUARED) != yxPlain) prepare();
}

/**
 * Sets m-SAM's group size (docs/MODEL.md, "Relatives"): m smaller than the batch takes the general
 * plain step (plain.ts); 0 or m ≥ n is ordinary SAM on the fast kernels. Called once after `setup`.
 */
export function set_group(m: i32): void {
  setGroupM(m);
}

/**
 * Mini-batches of b rows (0 or b ≥ n: the full batch), each epoch's permutation drawn from `seed`
 * (an integer in [0, 2^32)); ASAM's ξ; the k of the k-step ascent. Called once after `setup`.
 */
export function set_family(b: i32, seed: f64, xiValue: f64, ascentSteps: i32): void {
  setBatch(b, <u64>seed);
  setXi(xiValue);
  setAscentSteps(ascentSteps);
}

/** Tests only: 1 sends every step through the general plain step (which must give the fast kernels' bits where both apply). */
export function set_plain_forced(on: i32): void {
  setForced(on != 0);
}

/** Tests only: 1 sends 1-SAM at depth 2 through the general plain step's per-example path instead of onesam.ts. */
export function set_one_sam_per_example(on: i32): void {
  setPerExample(on != 0);
}

/** Tests and benchmarks: 1 sends ℓ∞-SAM's 1-SAM step at depth 2 through its fused per-example form, not its closed form. */
export function set_one_sam_linf_fused(on: i32): void {
  setLinfFused(on != 0);
}

/** Steps of this run in which ℓ∞'s 1-SAM closed form fell back to its fused form (a product underflowed: onesam.ts `linfExact`). */
export function one_sam_linf_fallbacks(): i32 {
  return linfFallbacks();
}

/** Which code the next discrete step runs: 0 the fast kernels, 1 the general plain step, 2 1-SAM at depth 2 in closed form (plain.ts `plainPath`). */
export function step_path(): i32 {
  return lrSchedule == LR_SCHEDULE_LOSS_NORMALIZED || lrSchedule == LR_SCHEDULE_RESCALED ? 0 : plainPath();
}

/** The permutation of epoch e (n i32 at the returned pointer): for tests and docs that reproduce the batches. */
export function epoch_permutation(e: f64): usize {
  return permutationOf(e);
}

/** Sets the step-size schedule (an LR_SCHEDULE code) from the current step on; the clock continues. */
export function set_lr_schedule(kind: i32): void {
  tBase = time_now();
  tAcc = tBase;
  stepBase = stepCount;
  lrSchedule = kind;
}

/** Sets the radius schedule (a RHO_SCHEDULE code) over K = `steps` steps; ρ_k follows the global step index, so resuming needs nothing else. */
export function set_rho_schedule(kind: i32, steps: f64): void {
  rhoSchedule = kind;
  rhoSteps = steps;
  syncRho();
}

/** ρ of the current step: ρ·(1 − k/K) under linear-decay (reference.ts computes the same expression). */
@inline function syncRho(): void {
  if (rhoSchedule != RHO_SCHEDULE_CONSTANT) rho = rhoBase * (1 - stepCount / rhoSteps);
}

/** Restores the clock (checkpoint resume): the step counter and the time at that step. */
export function set_clock(step: f64, t: f64): void {
  stepCount = step;
  stepBase = step;
  tBase = t;
  tAcc = t;
  recIdx = 0;
  while (recIdx < schedLen && ld(schedPtr, recIdx) < stepCount) recIdx++;
}

// The clock's exact state, for checkpoints that resume bit for bit: with a constant η the time is
// tBase + η·(step − stepBase), and `set_clock(step, t)` alone would round t differently from an
// uninterrupted run (t₀ + η·k ≠ η·(s₀ + k) in floating point). Called once per checkpoint.
export function clock_step_base(): f64 { return stepBase; }
export function clock_t_base(): f64 { return tBase; }
export function clock_t_acc(): f64 { return tAcc; }
/** Restores the whole clock as read by `step_count` and the three `clock_*` getters (after `set_clock`). */
export function set_clock_exact(step: f64, sBase: f64, tB: f64, tA: f64): void {
  set_clock(step, tA);
  stepBase = sBase;
  tBase = tB;
  tAcc = tA;
}

// ---- the discrete hot loop (the math is in model.ts) ----

/**
 * One step from wCur into wNxt; returns false (and leaves wCur untouched) if a value is non-finite.
 * Called once per step: this is the hot loop. The constant schedule's arithmetic is the original
 * one (lrk == lr), so results without a schedule are unchanged to the bit.
 */
function doStep(): bool {
  if (lrSchedule == LR_SCHEDULE_LOSS_NORMALIZED || lrSchedule == LR_SCHEDULE_RESCALED) return doStepLossNormalized();
  const lrk = lrSchedule == LR_SCHEDULE_INV_SQRT ? lr / Math.sqrt(stepCount + 1) : lr;
  if (plainActive()) return doStepPlain(lrk);
  // model.ts `gradient` + `perturb` + the update, bit for bit, in the fast kernels of fast.ts
  if (!fastStep(lrk)) return false;
  const tmp = wCur;
  wCur = wNxt;
  wNxt = tmp;
  if (lrSchedule != LR_SCHEDULE_CONSTANT) tAcc += lrk;
  return true;
}

/**
 * The general plain step (plain.ts): mini-batches, m-SAM groups, ASAM, the k-step ascent — the
 * direction from plainStep, then the same descent as every step.
 */
function doStepPlain(lrk: f64): bool {
  const upd = plainStep(wCur, stepCount);
  if (!descendInto(wCur, upd, wNxt, LD, lrk)) return false;
  const tmp = wCur;
  wCur = wNxt;
  wNxt = tmp;
  if (lrSchedule != LR_SCHEDULE_CONSTANT) tAcc += lrk;
  return true;
}

/**
 * Also the rescaled schedule (LR_SCHEDULE_RESCALED): η_k = η/((1/n)Σ|ℓ'(z̃_i)|), whose step moves w by
 * exactly η times the rescaled flow's velocity (for one example, η y x ⊙ Π_{k≠l}(w_k + ε_k)); its t
 * may overflow to Infinity, the step never does.
 *
 * η_k = η / L(w_k) in the log domain: with G = e^κ ∇L(w), Ls = e^κ L(w) and G̃ = e^κ̃ ∇L(w̃),
 * w ← w − η e^{κ−κ̃} G̃ / Ls, and t += η e^κ / Ls (which may overflow to Infinity when the loss
 * underflows; the step itself stays exact).
 */
function doStepLossNormalized(): bool {
  const kappa = gradientScaled(wCur, gradPtr);
  const ls = lossScaled(kappa);
  let upd = gradPtr;
  let kU = kappa;
  if (algo != ALGO_GD) {
    perturbScaled(wCur, gradPtr, kappa, wPert);
    kU = gradientScaled(wPert, gradPertPtr);
    upd = gradPertPtr;
  }
  // rescaled: G̃s = e^κ̃ ∇L(w̃) and S̃ = e^κ̃ (1/n)Σ|ℓ'(z̃_i)| (left by gradientScaled), so the step is η G̃s/S̃
  const rescaled = lrSchedule == LR_SCHEDULE_RESCALED;
  const sU = meanAbsLossPrimeScaled;
  const coef = rescaled ? lr / sU : lr * Math.exp(kappa - kU) / ls;
  if (!descendInto(wCur, upd, wNxt, LD, coef)) return false;
  const tmp = wCur;
  wCur = wNxt;
  wNxt = tmp;
  tAcc += rescaled ? lr * Math.exp(kU) / sU : lr * Math.exp(kappa) / ls;
  return true;
}

/** Writes one record row for the current state (gradient evaluated at wCur). */
function record(): void {
  syncRho();
  // the edges of stability use the step leaving this point (none for the rescaled flow's Euler step)
  const etaK = lrSchedule == LR_SCHEDULE_RESCALED ? NaN : lrSchedule == LR_SCHEDULE_INV_SQRT ? lr / Math.sqrt(stepCount + 1) : lr;
  setEdgeStep(etaK, lrSchedule == LR_SCHEDULE_LOSS_NORMALIZED);
  writeRecord(wCur, gradPtr, wPert, stepCount, time_now());
}

/**
 * Advances until the step counter equals `until`, recording at scheduled steps (`until` itself
 * only when it is the schedule's last point). Called once per chunk. Returns 0, or 1 when a non-finite value
 * appeared (the state stays at the last finite step; `nonfinite_step` tells which step failed).
 */
export function run(until: f64): i32 {
  while (stepCount < until) {
    syncRho();
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
/** Examples per block of the gradient's sum (order.ts); the reference engine must use the same. */
export function row_block(): i32 { return ROW_BLOCK; }
export function ptr_margins(): usize { return zPtr; }
