/**
 * The engine boundary seen from TypeScript. Both engines — the WebAssembly core and the pure-TS
 * reference — implement {@link EngineRun}; everything above this file (simulate, CLI, web) is
 * engine-agnostic. Record rows use the column layout {@link REC} of @samlab/core-wasm.
 */
export { ALGO, LOSS, REC, LR_SCHEDULE, FLOW, TIME_SCALE, FLOW_RUN } from "@samlab/core-wasm";

export type Algo = "gd" | "sam-l2" | "sam-linf" | "usam" | "asam";
export type Loss = "logistic" | "exponential" | "squared";
export type EngineName = "wasm" | "reference";
/** Step-size schedule of a discrete run: η, η/L(w_k) (log domain), η/√(k+1). */
export type LrSchedule = "constant" | "loss-normalized" | "inv-sqrt" | "rescaled";
export type RhoSchedule = "constant" | "linear-decay";

/** Everything an engine needs to start a run; arrays are copied in. */
export interface EngineInit {
  /** n×d, row-major. */
  x: Float64Array;
  /** n labels in {−1, +1}. */
  y: Float64Array;
  n: number;
  d: number;
  depth: number;
  /** L×d, layer-major (w_l = w[l·d … l·d+d)). */
  w0: Float64Array;
  /** Steps at which to record, strictly increasing. */
  schedule: Float64Array;
  /** Whether each record row carries β (d extra columns). */
  recordBeta: boolean;
  algo: Algo;
  loss: Loss;
  lr: number;
  rho: number;
  /** Discrete runs: the step-size schedule (default "constant"). */
  lrSchedule?: LrSchedule;
  /** m-SAM's group size (docs/MODEL.md, "Relatives"); absent or ≥ n is ordinary SAM. */
  group?: number;
  /** Discrete runs: the radius schedule (default "constant") and its K (ρ_k = ρ·(1 − k/K)). */
  rhoSchedule?: RhoSchedule;
  rhoSteps?: number;
  /** Mini-batch size b (docs/MODEL.md, "Relatives"); absent or ≥ n is the full batch. */
  batch?: number;
  /** The seed of the epoch permutations (the spec's seed, an integer in [0, 2^32)). */
  batchSeed?: number;
  /** ASAM's ξ (default 0.01). */
  xi?: number;
  /** The k of the k-step ascent (default 1). */
  ascentSteps?: number;
  /** Tests only: every step takes the general plain step (full batch, one group, k = 1: the ordinary step's bits). */
  forcePlain?: boolean;
  /** Tests only: 1-SAM at depth 2 takes the per-example path instead of its two-pass form (core-wasm onesam.ts). */
  perExampleOneSam?: boolean;
  /** Tests and benchmarks: ℓ∞-SAM's 1-SAM step at depth 2 takes its fused per-example form (the per-example bits) instead of its closed form. */
  fusedLinfOneSam?: boolean;
  /** Record λ_max, λ_min (with residuals) and tr H at every point (docs/MODEL.md, "Curvature and balance"). */
  sharpness?: boolean;
}

/**
 * The exact clock of a discrete run: with a constant η, t = tBase + η·(step − stepBase); with the
 * other schedules t = tAcc (Σ η_k). Restoring only (step, t) would round later times differently.
 */
export interface EngineClock {
  step: number;
  stepBase: number;
  tBase: number;
  tAcc: number;
}

/** One run inside one engine instance. Methods are called once per chunk, never per step. */
export interface EngineRun {
  readonly engine: EngineName;
  /** Columns per record row (REC.FIXED, plus d when β is recorded). */
  readonly stride: number;
  /** Changes algorithm or hyper-parameters from the current step on. */
  configure(algo: Algo, loss: Loss, lr: number, rho: number): void;
  /** Advances until the step counter equals `until`. Returns false when a non-finite value appeared. */
  run(until: number): boolean;
  /** Records the current state outside the schedule (after an early stop). */
  recordNow(): void;
  /** Number of record rows written so far. */
  recordsWritten(): number;
  /** A copy of rows [from, to) as one flat array of `stride`-long rows. */
  readRecords(from: number, to: number): Float64Array;
  /** A copy of the current parameters, L×d layer-major. */
  readW(): Float64Array;
  /** ∇_w L at the current parameters (L×d, layer-major), a copy. */
  gradient(): Float64Array;
  /** Overwrites the parameters and the clock (checkpoint resume). */
  restore(w: Float64Array, step: number, t: number): void;
  /** Discrete engines: the clock's exact state, for checkpoints (see {@link EngineClock}). */
  clock?(): EngineClock;
  /** Discrete engines: overwrites the parameters and the exact clock; the run then continues bit for bit as if never stopped. */
  restoreExact?(w: Float64Array, clock: EngineClock): void;
  stepCount(): number;
  time(): number;
  /** The step at which a non-finite value first appeared, or −1. */
  nonfiniteStep(): number;
}

/** Flows (docs/FLOWS.md): dw/dt = −∇L(w), −∇L(w + ε(w)), or that velocity rescaled by 1/((1/n) Σ −ℓ'(z̃_i)). */
export type FlowKind = "gradient" | "sam" | "rescaled";
/** The integration variable: t throughout, or s = log t from `tLogFrom` on. */
export type TimeScale = "linear" | "log";
export type FlowRunStatus = "reached" | "nonfinite" | "budget" | "stepUnderflow";

/** A flow run's init: `schedule` holds record *times* (strictly increasing, starting at 0). */
export interface FlowInit extends EngineInit {
  flow: FlowKind;
  timeScale: TimeScale;
  /** With timeScale "log": the time from which s = log t is integrated (t is integrated before). */
  tLogFrom: number;
  rtol: number;
  atol: number;
}

/** Integrator counters. */
export interface FlowStats {
  accepted: number;
  rejected: number;
  /** Right-hand-side evaluations (each one or two gradient evaluations). */
  evaluations: number;
  /** ℓ∞-SAM: switching surfaces crossed (sign-pattern changes of ∇L). */
  switches: number;
  /** The proposed next step in the integration variable. */
  stepSize: number;
}

/**
 * A flow inside one engine. `run(untilT)` integrates to time untilT; `stepCount()` is the number of
 * accepted steps; `nonfiniteStep()` is the time at which a non-finite value stopped it (or −1).
 */
export interface FlowEngineRun extends EngineRun {
  /** Integrates until t = untilT or until maxSteps steps were attempted in this call. */
  runFlow(untilT: number, maxSteps: number): FlowRunStatus;
  flowStats(): FlowStats;
}
