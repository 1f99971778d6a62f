/**
 * The Result of a run: the spec echoed back, the trajectory as equal-length columns, the final
 * state, the status and the timing. Plain JSON (numbers and arrays), so it round-trips through files.
 */
// exp/log/log1p ported from fdlibm: the same bits in Node and in every browser (math/portable-math.ts)
import { testMetrics } from "../analysis/testset.js";
import { portableLog } from "../math/portable-math.js";
import { SAMLAB_VERSION } from "../spec/version.js";
import type { DataInfo, Dataset } from "../data/dataset.js";
import { DiagonalNet } from "../engine/reference.js";
import { ScaledGradient } from "../engine/logdomain.js";
import { Curvature, balanceOf } from "../engine/curvature.js";
import { REC, type Algo, type EngineName, type FlowStats } from "../engine/types.js";
import type { Spec } from "../spec/schema.js";
import type { Diagnostics } from "../analysis/diagnostics.js";
import { dominantSequence, type DominantChange, type NoLeader } from "../analysis/amplification.js";

export type { DominantChange, NoLeader };

export const RESULT_FORMAT = "samlab.result/1";

/** Equal-length columns, one entry per recorded point. */
export interface Trajectory {
  step: number[];
  /** Continuous time t = Σ η over the steps taken (η·step for a constant η). */
  t: number[];
  loss: number[];
  /** log L(w), computed in the log domain: finite where `loss` underflows to 0 (margins ≳ 745). */
  logLoss: number[];
  /** log ‖∇_w L(w)‖₂, computed in the log domain (finite where `gradNorm` underflows). */
  logGradNorm: number[];
  /** ‖β‖₁, ‖β‖₂, ‖w‖₂ (over all L·d entries). */
  l1: number[];
  l2: number[];
  wNorm: number[];
  /** γ = min_i y_i <β, x_i>, and the normalized margins γ/‖β‖₁, γ/‖β‖₂, γ/‖w‖₂^L. */
  minMargin: number[];
  marginL1: number[];
  marginL2: number[];
  marginW: number[];
  /** ‖∇_w L‖₂, ‖∂L/∂β‖₂ and the SAM perturbation's ‖ε‖₂ (0 for GD). */
  gradNorm: number[];
  gNorm: number[];
  pertNorm: number[];
  /** argmax_j |β_j| (lowest index on ties). */
  dominant: number[];
  /** β at each point (empty when not recorded: record.beta false, or d > 2048 with "auto"). */
  beta: number[][];
  /**
   * With a test set and β recorded: the test loss and (classification) the test error at each point,
   * computed from the recorded β. Absent otherwise (`final` still has them).
   */
  testLoss?: number[];
  testError?: number[];
  /** max_j [max_l w_lj² − min_l w_lj²] at each point (docs/MODEL.md, "Curvature and balance"). */
  balance: number[];
  /**
   * With `record.sharpness`: λ_max and λ_min of the Hessian ∇²L(w) (Lanczos on exact Hessian-vector
   * products), the residuals ‖Hx − λx‖₂ of their Ritz pairs (an eigenvalue of H lies within each),
   * and tr H.
   */
  lambdaMax?: number[];
  lambdaMaxRes?: number[];
  lambdaMin?: number[];
  lambdaMinRes?: number[];
  traceH?: number[];
  /**
   * Discrete runs (not the rescaled schedule): the edges of stability 2/η_k of the step leaving each
   * point, and ℓ2-SAM's (4/η_k)/(1 + √(1 + 8ρ/(η_k‖∇L‖))) at the run's ρ (ρ = 0 at GD points, where it
   * equals 2/η_k; the other SAM rules get ℓ2-SAM's line for reference).
   */
  edgeGD?: number[];
  edgeSAM?: number[];
}

export interface FinalState {
  step: number;
  t: number;
  loss: number;
  /** log of the loss, in the log domain (finite where `loss` underflows). */
  logLoss: number;
  beta: number[];
  /** L arrays of d numbers. */
  w: number[][];
  /** β/‖β‖₂ (zeros when β = 0). */
  direction: number[];
  /** |β_j|/‖β‖₁. */
  shares: number[];
  minMargin: number;
  marginL1: number;
  marginL2: number;
  marginW: number;
  dominant: number;
  l1: number;
  l2: number;
  wNorm: number;
  /** With a test set: the loss on it and (classification) the fraction misclassified, at the final β. */
  testLoss?: number;
  testError?: number;
  /** max_j [max_l w_lj² − min_l w_lj²] at the final w. */
  balance: number;
  /** With `record.sharpness`: the curvature at the final w (see {@link Trajectory}). */
  lambdaMax?: number;
  lambdaMaxRes?: number;
  lambdaMin?: number;
  lambdaMinRes?: number;
  traceH?: number;
}

export interface Result {
  format: typeof RESULT_FORMAT;
  /** The samlab version that computed it: within one version, the same spec gives the same bits. */
  samlab: { version: string };
  spec: Spec;
  engine: EngineName;
  /** For data files and named sources also how the set was loaded (DataInfo: labels, separability, …). */
  data: { n: number; d: number; magnitudes: number[]; betaStar?: number[] } & Partial<DataInfo>;
  trajectory: Trajectory;
  final: FinalState;
  /**
   * Leading coordinates in the order they take over (from the recorded points; docs/DIAGNOSTICS.md,
   * "Dominant sequence": a point counts only when β is away from 0, a takeover needs a 2 % lead held
   * over 2 recorded points). `coord` is 0-based.
   */
  dominantSequence: DominantChange[];
  /** The prediction a recorded point needed to count for the dominant sequence, and why the sequence is empty when it is. */
  dominance: { floor: number; none?: NoLeader };
  /** β at the start (from the initialization). */
  initialBeta: number[];
  /**
   * The look-back point the limit classifier compares the end with: discrete runs the state at step
   * ⌊steps/2⌋ (the final state if the run stopped before it), flows the last recorded point with
   * t ≤ t_final/2 (the start when there is none, or when β was not recorded).
   */
  lookBack: { step: number; t: number; beta: number[] };
  status: {
    ok: boolean;
    state: "running" | "finished" | "nonfinite" | "aborted";
    nonfiniteStep?: number;
    message?: string;
  };
  timing: { ms: number; steps: number; nsPerStep: number };
  /** "mode": "flow" only: integrator counters (timing.steps counts accepted integrator steps). */
  flow?: FlowStats;
  /** Implicit-bias diagnostics (docs/DIAGNOSTICS.md); set by simulate()/simulateStream(), absent from Simulation.result(). */
  diagnostics?: Diagnostics;
}

export interface BuildInput {
  spec: Spec;
  engine: EngineName;
  data: Dataset;
  magnitudes: number[];
  rows: Float64Array;
  stride: number;
  recordBeta: boolean;
  w: number[][];
  status: Result["status"];
  step: number;
  t: number;
  computeMs: number;
  stepsDone: number;
  algo: Algo;
  flow?: FlowStats;
  /** β at the start and at the look-back point (see Result.lookBack; undefined: taken from the records, see flowLookBack). */
  initialBeta: number[];
  lookBack?: { step: number; t: number; beta: number[] };
}

const safeDiv = (a: number, b: number) => (b === 0 ? 0 : a / b);

/**
 * x^L by L − 1 multiplications, left to right. Not `x ** L`: V8's pow differs between versions
 * (Node 20 and Chromium 156 disagree in the last bit for some x), and results must be the same
 * bits in Node and in browsers (test/determinism.test.ts).
 */
function powInt(x: number, L: number): number {
  let p = x;
  for (let l = 1; l < L; l++) p *= x;
  return L === 0 ? 1 : p;
}

/**
 * The trajectory columns of a block of record rows (`stride`-long rows in the REC layout). Called
 * once per Result, and once per chunk by streaming writers, so both give the same numbers.
 */
export function trajectoryFromRows(rows: Float64Array, stride: number, depth: number, recordBeta: boolean, columns?: { sharpness: boolean; edges: boolean }): Trajectory {
  const m = Math.floor(rows.length / stride);
  const col = (c: number) => {
    const out = new Array<number>(m);
    for (let i = 0; i < m; i++) out[i] = rows[i * stride + c]!;
    return out;
  };
  const L = depth;
  // the optional columns: as the spec says (`columns`), else when the block's first row has them
  // (sharpness: λ_max is NaN only without it; edges: discrete runs but the rescaled schedule)
  const sharp = m > 0 && (columns ? columns.sharpness : !Number.isNaN(rows[REC.LAMBDA_MAX]!));
  const edges = m > 0 && (columns ? columns.edges : !Number.isNaN(rows[REC.EDGE_GD]!));
  const minMargin = col(REC.MIN_MARGIN);
  const l1 = col(REC.L1);
  const l2 = col(REC.L2);
  const wNorm = col(REC.WNORM);
  return {
    step: col(REC.STEP),
    t: col(REC.T),
    loss: col(REC.LOSS),
    logLoss: col(REC.LOG_LOSS),
    logGradNorm: col(REC.LOG_GRAD_NORM),
    l1,
    l2,
    wNorm,
    minMargin,
    marginL1: minMargin.map((g, i) => safeDiv(g, l1[i]!)),
    marginL2: minMargin.map((g, i) => safeDiv(g, l2[i]!)),
    marginW: minMargin.map((g, i) => safeDiv(g, powInt(wNorm[i]!, L))),
    gradNorm: col(REC.GRAD_NORM),
    gNorm: col(REC.G_NORM),
    pertNorm: col(REC.PERT_NORM),
    dominant: col(REC.DOMINANT),
    beta: recordBeta ? Array.from({ length: m }, (_, i) => Array.from(rows.subarray(i * stride + REC.FIXED, (i + 1) * stride))) : [],
    balance: col(REC.BALANCE),
    ...(sharp
      ? { lambdaMax: col(REC.LAMBDA_MAX), lambdaMaxRes: col(REC.LAMBDA_MAX_RES), lambdaMin: col(REC.LAMBDA_MIN), lambdaMinRes: col(REC.LAMBDA_MIN_RES), traceH: col(REC.TRACE_H) }
      : {}),
    ...(edges ? { edgeGD: col(REC.EDGE_GD), edgeSAM: col(REC.EDGE_SAM) } : {}),
  };
}

export function buildResult(b: BuildInput): Result {
  const { rows, stride, spec } = b;
  const columns = { sharpness: spec.record.sharpness === true, edges: spec.mode !== "flow" && spec.lrSchedule !== "rescaled" };
  const trajectory = trajectoryFromRows(rows, stride, spec.depth, b.recordBeta, columns);
  const m = trajectory.step.length;

  const dom = dominantSequence({ ...trajectory, beta0: b.initialBeta, data: b.data, magnitudes: b.magnitudes });
  const final = finalState(b);
  const test = b.data.test;
  if (test) {
    const f = testMetrics(final.beta, test, spec.loss);
    final.testLoss = f.loss;
    if (f.error !== undefined) final.testError = f.error;
    if (trajectory.beta.length === m) {
      const along = trajectory.beta.map((beta) => testMetrics(beta, test, spec.loss));
      trajectory.testLoss = along.map((a) => a.loss);
      if (spec.loss !== "squared") trajectory.testError = along.map((a) => a.error!);
    }
  }
  if (spec.record.sharpness) Object.assign(final, finalCurvature(b, trajectory));
  const lookBack = b.lookBack ?? recordedLookBack(trajectory, final, b.initialBeta);

  return {
    format: RESULT_FORMAT,
    samlab: { version: SAMLAB_VERSION },
    spec,
    engine: b.engine,
    data: { n: b.data.n, d: b.data.d, magnitudes: b.magnitudes, ...(b.data.betaStar ? { betaStar: b.data.betaStar } : {}), ...(b.data.info ?? {}) },
    trajectory,
    final,
    dominantSequence: dom.sequence,
    dominance: { floor: dom.floor, ...(dom.none ? { none: dom.none } : {}) },
    initialBeta: b.initialBeta,
    lookBack,
    status: b.status,
    timing: { ms: b.computeMs, steps: b.stepsDone, nsPerStep: b.stepsDone ? (b.computeMs * 1e6) / b.stepsDone : 0 },
    ...(b.flow ? { flow: b.flow } : {}),
  };
}

/**
 * The look-back point of a run that did not keep one (flows): the last recorded point with
 * t ≤ t_final/2 and β recorded, else the start.
 */
function recordedLookBack(tr: Trajectory, final: FinalState, beta0: number[]): Result["lookBack"] {
  let k = -1;
  if (tr.beta.length) for (let i = 0; i < tr.t.length; i++) if (tr.t[i]! <= final.t / 2) k = i;
  return k >= 0 ? { step: tr.step[k]!, t: tr.t[k]!, beta: tr.beta[k]!.slice() } : { step: 0, t: 0, beta: beta0.slice() };
}

/**
 * The curvature at the final w: the last record row's when it was taken there (the usual case: the
 * schedule ends at the final step), else computed by the reference engine's Lanczos.
 */
function finalCurvature(b: BuildInput, tr: Trajectory): Pick<FinalState, "lambdaMax" | "lambdaMaxRes" | "lambdaMin" | "lambdaMinRes" | "traceH"> {
  const m = tr.step.length;
  if (m && tr.lambdaMax && tr.step[m - 1] === b.step && tr.t[m - 1] === b.t) {
    return { lambdaMax: tr.lambdaMax[m - 1]!, lambdaMaxRes: tr.lambdaMaxRes![m - 1]!, lambdaMin: tr.lambdaMin![m - 1]!, lambdaMinRes: tr.lambdaMinRes![m - 1]!, traceH: tr.traceH![m - 1]! };
  }
  const { data, spec } = b;
  const net = new DiagonalNet(data.x, data.y, data.n, data.d, spec.depth, spec.loss);
  const flat = new Float64Array(spec.depth * data.d);
  b.w.forEach((row, l) => flat.set(row, l * data.d));
  const v = new Curvature(data.n, data.d, spec.depth).at(net, flat);
  return { lambdaMax: v.lambdaMax, lambdaMaxRes: v.lambdaMaxRes, lambdaMin: v.lambdaMin, lambdaMinRes: v.lambdaMinRes, traceH: v.traceH };
}

/**
 * The final state, evaluated from the final w with the reference network. Not read from the engine's
 * last record row: its β, margins and norms are the same bits, but its loss and log-loss differ in the
 * last bit for some kernels (the register kernel's and the row-blocked kernel's own summation), and
 * `final.loss` is pinned by test/fixtures/golden.json — switching is a change of numbers.
 */
function finalState(b: BuildInput): FinalState {
  const { data, spec } = b;
  const net = new DiagonalNet(data.x, data.y, data.n, data.d, spec.depth, spec.loss);
  const flat = new Float64Array(spec.depth * data.d);
  b.w.forEach((row, l) => flat.set(row, l * data.d));
  const G = new Float64Array(flat.length);
  const sg = new ScaledGradient(net);
  const kappa = sg.eval(flat, G);
  const logLoss = portableLog(sg.lossScaled(kappa)) - kappa;
  net.gradient(flat, G);
  const beta = Array.from(net.beta);
  let minZ = Infinity;
  for (const z of net.z) minZ = Math.min(minZ, z);
  if (net.loss === "squared") minZ = NaN; // a regression's z are residuals, not margins
  let l1 = 0;
  let l2 = 0;
  let dom = 0;
  for (let j = 0; j < beta.length; j++) {
    l1 += Math.abs(beta[j]!);
    l2 += beta[j]! * beta[j]!;
    if (Math.abs(beta[j]!) > Math.abs(beta[dom]!)) dom = j;
  }
  l2 = Math.sqrt(l2);
  let ww = 0;
  for (const v of flat) ww += v * v;
  const wNorm = Math.sqrt(ww);
  return {
    step: b.step,
    t: b.t,
    loss: net.lossFromMargins(),
    logLoss,
    beta,
    w: b.w,
    direction: beta.map((v) => safeDiv(v, l2)),
    shares: beta.map((v) => safeDiv(Math.abs(v), l1)),
    minMargin: minZ,
    marginL1: safeDiv(minZ, l1),
    marginL2: safeDiv(minZ, l2),
    marginW: safeDiv(minZ, powInt(wNorm, spec.depth)),
    dominant: dom,
    l1,
    l2,
    wNorm,
    balance: balanceOf(flat, data.d, spec.depth),
  };
}

/** The scalar trajectory columns in file order (CSV columns, then beta_1 … beta_d when recorded). */
export const TRAJECTORY_COLUMNS = ["step", "t", "loss", "logLoss", "logGradNorm", "l1", "l2", "wNorm", "minMargin", "marginL1", "marginL2", "marginW", "gradNorm", "gNorm", "pertNorm", "dominant"] as const;

/**
 * The curvature columns after TRAJECTORY_COLUMNS in files: `balance` always, the others when the run
 * wrote them (docs/MODEL.md, "Curvature and balance").
 */
export const CURVATURE_COLUMNS = ["balance", "lambdaMax", "lambdaMaxRes", "lambdaMin", "lambdaMinRes", "traceH", "edgeGD", "edgeSAM"] as const;

/** The curvature columns a trajectory carries, in file order. */
export function curvatureColumns(t: Pick<Trajectory, (typeof CURVATURE_COLUMNS)[number]>): (typeof CURVATURE_COLUMNS)[number][] {
  return CURVATURE_COLUMNS.filter((c) => t[c] !== undefined);
}

/**
 * The CSV header of a trajectory. CSV is read by people and spreadsheets, so coordinates count from 1
 * there, as in the paper: β's columns are beta_1 … beta_d and `dominant` holds j + 1 (JSON and
 * JSON Lines keep 0-based indices). `t` (a trajectory of the run) adds its curvature columns.
 */
export function trajectoryCsvHeader(d: number, t?: Trajectory): string {
  return [...TRAJECTORY_COLUMNS, ...(t ? curvatureColumns(t) : []), ...Array.from({ length: d }, (_, j) => `beta_${j + 1}`)].join(",");
}

/** Row i of a trajectory as a CSV line (see {@link trajectoryCsvHeader}; with its curvature columns). */
export function trajectoryCsvRow(t: Trajectory, i: number): string {
  const vals = TRAJECTORY_COLUMNS.map((c) => String(c === "dominant" ? t.dominant[i]! + 1 : t[c][i]));
  for (const c of curvatureColumns(t)) vals.push(String(t[c]![i]));
  for (const v of t.beta[i] ?? []) vals.push(String(v));
  return vals.join(",");
}

/** The trajectory as CSV: one row per recorded point, β as beta_1 … beta_d when recorded. */
export function trajectoryToCsv(r: Result): string {
  const t = r.trajectory;
  const d = t.beta.length ? r.data.d : 0;
  const lines = [trajectoryCsvHeader(d, t)];
  for (let i = 0; i < t.step.length; i++) lines.push(trajectoryCsvRow(t, i));
  return lines.join("\n") + "\n";
}

/** Columns of a record block (e.g. from a progress event) as plain arrays. */
export function rowsToColumns(rows: Float64Array, stride: number): Pick<Trajectory, "step" | "t" | "loss" | "dominant"> & { beta: number[][] } {
  const m = Math.floor(rows.length / stride);
  const col = (c: number) => Array.from({ length: m }, (_, i) => rows[i * stride + c]!);
  const beta = stride > REC.FIXED ? Array.from({ length: m }, (_, i) => Array.from(rows.subarray(i * stride + REC.FIXED, (i + 1) * stride))) : [];
  return { step: col(REC.STEP), t: col(REC.T), loss: col(REC.LOSS), dominant: col(REC.DOMINANT), beta };
}
