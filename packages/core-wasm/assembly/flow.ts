// samlab core, the flows: gradient flow, the SAM flows (ℓ2, ℓ∞, USAM) and the rescaled flow of
// docs/MODEL.md, "Continuous time", integrated with the embedded Runge–Kutta pair of Dormand and Prince,
// 5(4), FSAL, with per-step error control. docs/FLOWS.md is the long version of these comments.
// TS mirror: packages/sim/src/engine/flow-reference.ts (ReferenceFlowRun).
//
// Boundary (same style as the discrete engine): `setup`, `prepare`, `set_schedule_len` as for a
// discrete run (the schedule holds record *times*), then `flow_configure` once, then
// `flow_run(untilT, maxSteps)` once per chunk. Records use the discrete layout (model.ts, REC_*):
// REC_STEP holds the number of accepted integrator steps, REC_T the time t.
//
// Independent variable σ: σ = t on [0, tSwitch], σ = s = log t after it ("log time"): dw/ds = t·dw/dt.
// Velocities are computed in the log domain (model.ts, gradientScaled): v = −e^{−κ}·G_s with
// G_s = e^κ ∇L, so dw/dσ = −exp(log J − κ)·G_s with log J = 0 (linear) or s (log time); for the
// rescaled flow the factor e^{−κ} cancels against the normalizer: dw/dσ = −exp(log J)·G_s / S_s.
//
// ℓ∞-SAM's right-hand side jumps where an entry of ∇L(w) changes sign. Each step integrates one
// smooth branch: the sign pattern is frozen at the step's start for all stages. An otherwise accepted
// step whose end point has a different pattern has crossed a switching surface; it is retried with
// half the step until the step is ≤ hEvent = rtol·max(1, |σ|), then accepted and counted in
// `flow_switches` (the next step starts on the new branch). In a sliding mode (Filippov) this chatters
// at steps ≈ hEvent; the caller's step budget bounds the cost.

import {
  ALGO_GD, ALGO_SAM_LINF, FLOW_GRADIENT, FLOW_RESCALED, TIME_SCALE_LINEAR,
  FLOW_RUN_REACHED, FLOW_RUN_NONFINITE, FLOW_RUN_BUDGET, FLOW_RUN_STEP_UNDERFLOW,
} from "./generated/codes";
import { ascend, signOf } from "./math/perturb";
import { allFinite } from "./math/update";
import {
  L, d, LD, algo, rho, wCur, wNxt, wPert, gradPtr, schedPtr, schedLen, recIdx, maxRecords,
  meanAbsLossPrimeScaled, ld, st, allocF64, gradientScaled, perturbScaled, writeRecord,
} from "./model";

// Flow kinds (codes.json, FLOW): gradient dw/dt = −∇L(w); sam dw/dt = −∇L(w + ε(w)), ε by `algo`;
// rescaled: the SAM (or, with algo GD, gradient) velocity / ((1/n) Σ −ℓ'(z̃_i)). Time scales and the
// status codes of flow_run: codes.json, TIME_SCALE and FLOW_RUN.

// ---- Dormand–Prince 5(4) ----
const A21: f64 = 1.0 / 5.0;
const A31: f64 = 3.0 / 40.0, A32: f64 = 9.0 / 40.0;
const A41: f64 = 44.0 / 45.0, A42: f64 = -56.0 / 15.0, A43: f64 = 32.0 / 9.0;
const A51: f64 = 19372.0 / 6561.0, A52: f64 = -25360.0 / 2187.0, A53: f64 = 64448.0 / 6561.0, A54: f64 = -212.0 / 729.0;
const A61: f64 = 9017.0 / 3168.0, A62: f64 = -355.0 / 33.0, A63: f64 = 46732.0 / 5247.0, A64: f64 = 49.0 / 176.0, A65: f64 = -5103.0 / 18656.0;
const B1: f64 = 35.0 / 384.0, B3: f64 = 500.0 / 1113.0, B4: f64 = 125.0 / 192.0, B5: f64 = -2187.0 / 6784.0, B6: f64 = 11.0 / 84.0;
const C2: f64 = 1.0 / 5.0, C3: f64 = 3.0 / 10.0, C4: f64 = 4.0 / 5.0, C5: f64 = 8.0 / 9.0;
// b − b̂ (5th minus 4th order weights)
const E1: f64 = 71.0 / 57600.0, E3: f64 = -71.0 / 16695.0, E4: f64 = 71.0 / 1920.0, E5: f64 = -17253.0 / 339200.0, E6: f64 = 22.0 / 525.0, E7: f64 = -1.0 / 40.0;

// ---- flow state ----
let allocated: bool = false;
let flowKind: i32 = FLOW_GRADIENT;
let timeScale: i32 = TIME_SCALE_LINEAR;
let rtol: f64 = 1e-8;
let atol: f64 = 1e-12;
let tSwitch: f64 = Infinity; // log time from here on (Infinity: linear throughout)
let phase: i32 = 0; // 0: σ = t; 1: σ = log t
let sigma: f64 = 0;
let tNow: f64 = 0;
let h: f64 = 0; // proposed next step in σ (0: choose one)
let accepted: f64 = 0;
let rejected: f64 = 0;
let evaluations: f64 = 0;
let switches: f64 = 0;
let fsalValid: bool = false;
let patternValid: bool = false;
let nonfiniteT: f64 = -1;

let k1: usize = 0, k2: usize = 0, k3: usize = 0, k4: usize = 0, k5: usize = 0, k6: usize = 0, k7: usize = 0;
let yTmp: usize = 0;
let gA: usize = 0; // scaled gradient at the stage point
let gB: usize = 0; // scaled gradient at the perturbed stage point
let wP: usize = 0; // perturbed stage point
let signs: usize = 0; // ℓ∞: the frozen sign pattern (−1, 0, +1) of ∇L at the step's start
let signsNew: usize = 0;

/**
 * Configures a flow run: kind (FLOW_*), time scale (0 linear, 1 log from t = tLogFrom on),
 * tolerances. Algorithm, loss and ρ come from `configure` (index.ts). Called once per run, after
 * `setup` and after w is written; may be called again between chunks (the clock continues).
 */
export function flow_configure(kind: i32, scale: i32, tLogFrom: f64, relTol: f64, absTol: f64): void {
  if (!allocated) {
    k1 = allocF64(LD); k2 = allocF64(LD); k3 = allocF64(LD); k4 = allocF64(LD);
    k5 = allocF64(LD); k6 = allocF64(LD); k7 = allocF64(LD);
    yTmp = allocF64(LD); gA = allocF64(LD); gB = allocF64(LD); wP = allocF64(LD);
    signs = allocF64(LD); signsNew = allocF64(LD);
    allocated = true;
  }
  flowKind = kind;
  timeScale = scale;
  tSwitch = scale == TIME_SCALE_LINEAR ? Infinity : tLogFrom;
  rtol = relTol;
  atol = absTol;
  setClock(tNow);
}

function setClock(t: f64): void {
  tNow = t;
  phase = t >= tSwitch ? 1 : 0;
  sigma = phase == 1 ? Math.log(t) : t;
  h = 0;
  fsalValid = false;
  patternValid = false;
}

/** Restores the flow's clock at time t (checkpoint resume; w is written by JS first). */
export function flow_restore(t: f64, steps: f64): void {
  setClock(t);
  accepted = steps;
  recIdx = 0;
  while (recIdx < schedLen && ld(schedPtr, recIdx) < t) recIdx++;
}

export function flow_time(): f64 { return tNow; }
export function flow_steps(): f64 { return accepted; }
export function flow_rejected(): f64 { return rejected; }
export function flow_evaluations(): f64 { return evaluations; }
export function flow_switches(): f64 { return switches; }
/** The proposed next step in σ (t in linear time, log t in log time). */
export function flow_step_size(): f64 { return h; }
/** The time at which a non-finite value made the run stop, or −1. */
export function flow_nonfinite_time(): f64 { return nonfiniteT; }

/** The sign pattern of ∇L at W into `out` (scale-free: from the scaled gradient). */
function patternAt(W: usize, out: usize): void {
  gradientScaled(W, gA);
  for (let k = 0; k < LD; k++) st(out, k, signOf(ld(gA, k)));
}

/**
 * Depth 2, ℓ∞: the Filippov (equivalent-control) perturbation on the sliding surfaces w_{o,j} = 0.
 * ∂L/∂w_{l,j} = g_j·w_{o,j} (o the other layer) vanishes there; the flow slides on the surface iff
 * |w_{l,j}| < ρ (the velocity −g̃_j(w_{l,j} ± ρ) of w_{o,j} points to the surface from both sides).
 * The control ε_{l,j} = −w_{l,j} ∈ (−ρ, ρ) keeps w_{o,j} exactly 0: w̃_{l,j} = 0. Called per stage.
 */
function slidingControl(W: usize): void {
  for (let l = 0; l < 2; l++) {
    const o = 1 - l;
    for (let j = 0; j < d; j++) {
      if (ld(W, o * d + j) == 0 && Math.abs(ld(W, l * d + j)) < rho) st(wP, l * d + j, 0);
    }
  }
}

/**
 * Depth 2, ℓ∞: after a bracketed switch, snaps onto the sliding surface. For every entry (l, j)
 * whose sign flipped because w_{o,j} crossed 0 (or reached it), with |w_{l,j}| < ρ, sets w_{o,j} = 0
 * exactly in the accepted point (a move of ≤ hEvent·|velocity|). Returns whether it snapped.
 */
function snapSliding(): bool {
  let any = false;
  for (let l = 0; l < 2; l++) {
    const o = 1 - l;
    for (let j = 0; j < d; j++) {
      const k = l * d + j;
      if (ld(signsNew, k) == ld(signs, k)) continue;
      const a = ld(wCur, o * d + j);
      const b = ld(wNxt, o * d + j);
      if ((a == 0 || b == 0 || (a < 0) != (b < 0)) && Math.abs(ld(wNxt, k)) < rho) {
        st(wNxt, o * d + j, 0);
        any = true;
      }
    }
  }
  return any;
}

/** dw/dσ at (W, σ) into `out`. Called 6 times per step (7 without FSAL). */
function rhs(W: usize, sig: f64, out: usize): void {
  evaluations += 1;
  const logJ = phase == 1 ? sig : 0.0;
  let src = gA;
  let kap: f64 = 0;
  if (flowKind == FLOW_GRADIENT || algo == ALGO_GD) {
    kap = gradientScaled(W, gA);
  } else {
    if (algo == ALGO_SAM_LINF) {
      for (let k = 0; k < LD; k++) st(wP, k, ascend(ld(W, k), rho, ld(signs, k))); // ε = ρ·(frozen sign)
      if (L == 2) slidingControl(W);
    } else {
      const k0 = gradientScaled(W, gA);
      perturbScaled(W, gA, k0, wP);
    }
    kap = gradientScaled(wP, gB);
    src = gB;
  }
  let fac: f64;
  if (flowKind == FLOW_RESCALED) fac = Math.exp(logJ) / meanAbsLossPrimeScaled;
  else fac = Math.exp(logJ - kap);
  for (let k = 0; k < LD; k++) st(out, k, -(fac * ld(src, k)));
}

/** Weighted RMS norm of v with weights atol + rtol·|y| (Hairer's `sk` with y0 only). */
function wnorm(v: usize, y: usize): f64 {
  let s: f64 = 0;
  for (let k = 0; k < LD; k++) {
    const q = ld(v, k) / (atol + rtol * Math.abs(ld(y, k)));
    s += q * q;
  }
  return Math.sqrt(s / <f64>LD);
}

/** Hairer–Nørsett–Wanner's initial step (Solving ODEs I, II.4). Requires k1 = f(w, σ). */
function initialStep(): f64 {
  const d0 = wnorm(wCur, wCur);
  const d1 = wnorm(k1, wCur);
  let h0: f64 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * (d0 / d1);
  for (let k = 0; k < LD; k++) st(yTmp, k, ld(wCur, k) + h0 * ld(k1, k));
  rhs(yTmp, sigma + h0, k2);
  for (let k = 0; k < LD; k++) st(k3, k, ld(k2, k) - ld(k1, k));
  const d2 = wnorm(k3, wCur) / h0;
  const m = d1 > d2 ? d1 : d2;
  const h1 = m <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / m, 0.2);
  return Math.min(100 * h0, h1);
}

/**
 * One attempted step of size hs from (wCur, σ) into wNxt; returns the error norm (NaN when a value
 * is non-finite). Requires k1 = f(wCur, σ).
 */
function attempt(hs: f64): f64 {
  const y = wCur;
  for (let k = 0; k < LD; k++) st(yTmp, k, ld(y, k) + hs * (A21 * ld(k1, k)));
  rhs(yTmp, sigma + C2 * hs, k2);
  for (let k = 0; k < LD; k++) st(yTmp, k, ld(y, k) + hs * (A31 * ld(k1, k) + A32 * ld(k2, k)));
  rhs(yTmp, sigma + C3 * hs, k3);
  for (let k = 0; k < LD; k++) st(yTmp, k, ld(y, k) + hs * (A41 * ld(k1, k) + A42 * ld(k2, k) + A43 * ld(k3, k)));
  rhs(yTmp, sigma + C4 * hs, k4);
  for (let k = 0; k < LD; k++) {
    st(yTmp, k, ld(y, k) + hs * (A51 * ld(k1, k) + A52 * ld(k2, k) + A53 * ld(k3, k) + A54 * ld(k4, k)));
  }
  rhs(yTmp, sigma + C5 * hs, k5);
  for (let k = 0; k < LD; k++) {
    st(yTmp, k, ld(y, k) + hs * (A61 * ld(k1, k) + A62 * ld(k2, k) + A63 * ld(k3, k) + A64 * ld(k4, k) + A65 * ld(k5, k)));
  }
  rhs(yTmp, sigma + hs, k6);
  for (let k = 0; k < LD; k++) {
    st(wNxt, k, ld(y, k) + hs * (B1 * ld(k1, k) + B3 * ld(k3, k) + B4 * ld(k4, k) + B5 * ld(k5, k) + B6 * ld(k6, k)));
  }
  if (!allFinite(wNxt, LD)) return NaN;
  rhs(wNxt, sigma + hs, k7);
  let s: f64 = 0;
  for (let k = 0; k < LD; k++) {
    const e = hs * (E1 * ld(k1, k) + E3 * ld(k3, k) + E4 * ld(k4, k) + E5 * ld(k5, k) + E6 * ld(k6, k) + E7 * ld(k7, k));
    const a = Math.abs(ld(y, k));
    const b = Math.abs(ld(wNxt, k));
    const q = e / (atol + rtol * (a > b ? a : b));
    s += q * q;
  }
  return Math.sqrt(s / <f64>LD);
}

function record(): void {
  writeRecord(wCur, gradPtr, wPert, accepted, tNow);
}

/**
 * Integrates until t = untilT, or until `maxSteps` steps (accepted or rejected) were attempted in
 * this call. Records at the scheduled times (steps are shortened to land on them exactly).
 * Returns 0 (reached untilT), 1 (non-finite state: w stays at the last finite point),
 * 2 (step budget of this call used up: call again), 3 (step size underflow). Called once per chunk.
 */
export function flow_run(untilT: f64, maxSteps: f64): i32 {
  let budget = maxSteps;
  const linf = algo == ALGO_SAM_LINF && flowKind != FLOW_GRADIENT;
  while (tNow < untilT) {
    if (recIdx < schedLen && ld(schedPtr, recIdx) == tNow) record();
    if (budget <= 0) return FLOW_RUN_BUDGET;
    // the next landing point: a record time, the switch to log time, or untilT
    let tT = untilT;
    if (recIdx < schedLen) {
      const tr = ld(schedPtr, recIdx);
      if (tr > tNow && tr < tT) tT = tr;
    }
    if (phase == 0 && tSwitch > tNow && tSwitch < tT) tT = tSwitch;
    const sT = phase == 1 ? Math.log(tT) : tT;
    if (linf && !patternValid) {
      patternAt(wCur, signs);
      patternValid = true;
      fsalValid = false;
    }
    if (!fsalValid) {
      rhs(wCur, sigma, k1);
      fsalValid = true;
      if (!allFinite(k1, LD)) {
        nonfiniteT = tNow;
        return FLOW_RUN_NONFINITE;
      }
    }
    if (h == 0) h = initialStep();
    const hMin = 1e-14 * Math.max(1.0, Math.abs(sigma));
    let hs = h;
    let landing = false;
    if (sigma + hs >= sT) {
      hs = sT - sigma;
      landing = true;
    }
    budget -= 1;
    const err = attempt(hs);
    if (err != err) {
      rejected += 1;
      h = hs * 0.25;
      if (h < hMin) {
        nonfiniteT = tNow;
        return FLOW_RUN_NONFINITE;
      }
      continue;
    }
    if (err > 1) {
      rejected += 1;
      const f = 0.9 * Math.pow(err, -0.2);
      h = hs * (f > 0.2 ? f : 0.2);
      if (h < hMin) return FLOW_RUN_STEP_UNDERFLOW;
      continue;
    }
    if (linf) {
      patternAt(wNxt, signsNew);
      let same = true;
      for (let k = 0; k < LD; k++) if (ld(signsNew, k) != ld(signs, k)) { same = false; break; }
      if (!same) {
        const hEvent = rtol * Math.max(1.0, Math.abs(sigma));
        if (hs > hEvent) {
          // a switching surface lies inside this step: bisect the step size to bracket it
          rejected += 1;
          h = hs * 0.5;
          continue;
        }
        switches += 1;
        if (L == 2 && snapSliding()) patternAt(wNxt, signsNew);
        const tmpS = signs;
        signs = signsNew;
        signsNew = tmpS;
        fsalValid = false;
      }
    }
    // accept
    const tmp = wCur;
    wCur = wNxt;
    wNxt = tmp;
    const tk = k1;
    k1 = k7;
    k7 = tk;
    accepted += 1;
    if (landing) {
      sigma = sT;
      tNow = tT;
    } else {
      sigma += hs;
      tNow = phase == 1 ? Math.exp(sigma) : sigma;
    }
    let f = err == 0 ? 5.0 : 0.9 * Math.pow(err, -0.2);
    if (f > 5) f = 5;
    if (f < 0.2) f = 0.2;
    const hNew = hs * f;
    h = landing && h > hNew ? h : hNew;
    if (phase == 0 && tNow == tSwitch) {
      // enter log time: ds = dt / t
      phase = 1;
      sigma = Math.log(tNow);
      h = h / tNow;
      fsalValid = false;
    }
  }
  if (recIdx == schedLen - 1 && ld(schedPtr, recIdx) == tNow) record();
  return FLOW_RUN_REACHED;
}

/** Records the current state now, outside the schedule (used when a run stops early). */
export function flow_record_now(): void {
  if (recIdx < maxRecords) record();
}
