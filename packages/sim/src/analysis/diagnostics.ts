/**
 * Implicit-bias diagnostics of a finished run (docs/MODEL.md, "Measurements"): the cosine of β with the
 * ℓ1/ℓ2/ℓ∞ max-margin directions along the trajectory, the normalized-margin gap to each optimum,
 * the amplification order ("minor first, major last" as a yes/no reading) and a limit class for
 * the final state. Built once per run, after it ends (`simulate()` awaits it; the references are
 * solved once per run by {@link loadSolver}). docs/DIAGNOSTICS.md states every rule.
 */
import { distance, leastSquares, minL2Interpolator, supportOf } from "./interpolators.js";
import type { Spec } from "../spec/schema.js";
import { amplificationOrder, type AmplificationOrder, type DominantChange, type NoLeader } from "./amplification.js";
import { kktResidual, type KktResult } from "./kkt.js";
import { classifyLimit, LIMIT_DEFAULTS, type LimitClassification, type LimitReferences, type LimitTolerances } from "./limit.js";
import { MAX_MARGIN_NORMS, normOf, type MaxMarginNorm, type MaxMarginSolution } from "./maxmargin/problem.js";
import { loadSolver } from "./maxmargin/solver.js";

/** The spec's `diagnostics` field with defaults filled in. */
export interface DiagnosticsOptions {
  /** Solve the max-margin references: "auto" (when n·d ≤ maxCells), true (always), false (never). */
  maxMargin: "auto" | boolean;
  /** The n·d above which "auto" skips the references (HiGHS time grows fast with n·d). */
  maxCells: number;
  /** ℓ2 distance between unit directions at or under which the final direction matches a candidate (limit kinds). */
  limitTolerance: number;
  /** The limit classifier's other thresholds (analysis/limit.ts, {@link LimitTolerances}). */
  zeroLoss: number;
  zeroPrediction: number;
  stallLoss: number;
  flatLoss: number;
  fitLoss: number;
}

export const DIAGNOSTICS_DEFAULTS: DiagnosticsOptions = {
  maxMargin: "auto",
  maxCells: 20_000,
  limitTolerance: LIMIT_DEFAULTS.tolerance,
  zeroLoss: LIMIT_DEFAULTS.zeroLoss,
  zeroPrediction: LIMIT_DEFAULTS.zeroPrediction,
  stallLoss: LIMIT_DEFAULTS.stallLoss,
  flatLoss: LIMIT_DEFAULTS.flatLoss,
  fitLoss: LIMIT_DEFAULTS.fitLoss,
};

/** The KKT residual's options as samlab evaluates it on a run's final β (see {@link Diagnostics.kkt}). */
export const KKT_OPTIONS = { supportTol: 1e-2, marginGap: 3 } as const;

/** One reference direction as stored in a Result. */
export interface ReferenceDirection {
  /** Unit norm in its own norm (zeros when not separable). */
  beta: number[];
  /** min_i y_i <beta, x_i>: the optimal normalized margin γ*_p. */
  margin: number;
  separable: boolean;
  /** false: the optimum is not unique and `beta` is its minimum-ℓ2-norm element. */
  unique: boolean;
  support: number[];
  active: number[];
}

export interface Diagnostics {
  options: DiagnosticsOptions;
  /** "computed"; "skipped" (too large or disabled: `message` says which); "error" (solver failed: `message`). */
  references: "computed" | "skipped" | "error";
  message?: string;
  /** Separable through the origin (from the ℓ∞ LP), when the references were computed. */
  separable?: boolean;
  maxMargin?: Partial<Record<MaxMarginNorm, ReferenceDirection>>;
  /** cos(β, β*_p) at each recorded point (empty when β was not recorded), and at the final state. */
  cosine?: Partial<Record<MaxMarginNorm, number[]>>;
  finalCosine?: Partial<Record<MaxMarginNorm, number>>;
  /**
   * γ*_p − γ/‖β‖_p, the normalized-margin gap to the optimum (≥ 0; 0 = max-margin), at the final
   * state and at each recorded point (ℓ∞ only where β was recorded).
   */
  marginGap?: Partial<Record<MaxMarginNorm, number>>;
  marginGapTrajectory?: Partial<Record<MaxMarginNorm, number[]>>;
  amplification: AmplificationOrder;
  limit: LimitClassification;
  /**
   * The KKT stationarity residual of min ‖β‖_{2/L} s.t. y_i<β, x_i> ≥ 1 at the final β
   * (analysis/kkt.ts, options {@link KKT_OPTIONS}), under the same size gate as the references.
   * Evaluated for every algorithm; GD's limit is a KKT point (Lyu & Li), the others are not claimed.
   * `residual` is Infinity (null in JSON) when β does not separate the data (`reason`).
   */
  kkt?: KktResult;
  /**
   * Squared loss only: the final β against the minimum-ℓ1 and minimum-ℓ2 interpolators of the
   * training data (absent when none interpolates: n > d or inconsistent rows) or else against the
   * least-squares minimizer (absent when XᵀX is singular), its support
   * ({j : |β_j| ≥ 1 % of max|β|}) and, for generated data, whether it equals the support of β*.
   */
  regression?: RegressionDiagnostics;
}

export interface RegressionReference {
  beta: number[];
  /** ‖β_T − β_ref‖₂ and cos(β_T, β_ref). */
  distance: number;
  cosine: number;
}

export interface RegressionDiagnostics {
  l1?: RegressionReference;
  l2?: RegressionReference;
  /** The least-squares minimizer (XᵀX)⁻¹Xᵀy, given when neither interpolator exists. */
  leastSquares?: RegressionReference;
  support: number[];
  /** The support of β* (generated data) and whether the final support equals it. */
  supportStar?: number[];
  supportRecovered?: boolean;
}

/** The data set of a run, as the reference solver reads it (x is n×d row-major, y ∈ {−1, +1}). */
export interface DiagnosticsData {
  n: number;
  d: number;
  x: Float64Array;
  y: Float64Array;
}

/** What the diagnostics read from a finished run: a Result has every field. */
export interface DiagnosticsInput {
  spec: Pick<Spec, "depth" | "loss"> & { diagnostics?: Partial<DiagnosticsOptions> };
  final: { beta: number[]; wNorm: number; minMargin: number; loss: number };
  trajectory: { step: number[]; beta: number[][]; minMargin: number[]; marginL1: number[]; marginL2: number[] };
  dominantSequence: readonly DominantChange[];
  dominance?: { none?: NoLeader };
  /** β at the start and at the look-back point (the limit classifier compares them with the end). */
  initialBeta: number[];
  lookBack: { beta: number[] };
  data: { magnitudes: readonly number[]; betaStar?: number[] };
}

/** Validates and fills the spec's `diagnostics` object (already checked by zod in spec.ts). */
export function diagnosticsOptions(o: Partial<DiagnosticsOptions> | undefined): DiagnosticsOptions {
  return { ...DIAGNOSTICS_DEFAULTS, ...(o ?? {}) };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
};
const l2 = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));

/** cos(a, b); 0 when either is zero. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = l2(a);
  const nb = l2(b);
  return na > 0 && nb > 0 ? dot(a, b) / (na * nb) : 0;
}

/**
 * The last few data sets' references, so that a sweep over hyper-parameters on one data set solves
 * them once per realm (worker), not once per run. Keyed by the exact data (compared in full).
 */
const CACHE_SIZE = 8;
const cache: { n: number; d: number; x: Float64Array; y: Float64Array; sols: Record<MaxMarginNorm, MaxMarginSolution> }[] = [];

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return false;
  return true;
}

function cachedReferences(data: DiagnosticsData): Record<MaxMarginNorm, MaxMarginSolution> | undefined {
  const k = cache.findIndex((c) => c.n === data.n && c.d === data.d && sameArray(c.y, data.y) && sameArray(c.x, data.x));
  if (k < 0) return undefined;
  const [hit] = cache.splice(k, 1);
  cache.unshift(hit!);
  return hit!.sols;
}

function remember(data: DiagnosticsData, sols: Record<MaxMarginNorm, MaxMarginSolution>): Record<MaxMarginNorm, MaxMarginSolution> {
  cache.unshift({ n: data.n, d: data.d, x: Float64Array.from(data.x), y: Float64Array.from(data.y), sols });
  cache.length = Math.min(cache.length, CACHE_SIZE);
  return sols;
}

/**
 * The max-margin directions the limit classifier compares with (l1, l2, linf), under the gate of
 * the diagnostics (`maxMargin`, `maxCells`); undefined when skipped, when the solver fails or when
 * the data is not separable. Cached per data set, like {@link computeDiagnostics}'s references: a
 * batch and the single runs of its cells read the same directions.
 */
export async function limitReferences(data: DiagnosticsData, options?: Partial<DiagnosticsOptions>): Promise<Record<"l1" | "l2" | "linf", number[]> | undefined> {
  const opts = diagnosticsOptions(options);
  if (opts.maxMargin === false || (opts.maxMargin === "auto" && data.n * data.d > opts.maxCells)) return undefined;
  try {
    const sols = cachedReferences(data) ?? remember(data, (await loadSolver()).solveAll({ x: data.x, y: data.y, n: data.n, d: data.d }));
    if (!sols.linf.separable) return undefined;
    return { l1: [...sols.l1.beta], l2: [...sols.l2.beta], linf: [...sols.linf.beta] };
  } catch {
    return undefined;
  }
}

/**
 * The reference points of a regression (squared loss), under the size gate of the max-margin
 * references (`maxMargin`, `maxCells`): the minimum-ℓ2 and minimum-ℓ1 interpolators, and the
 * least-squares minimizer when neither exists. What the limit classifier compares β with, and what
 * the diagnostics' `regression` block reports; empty when gated.
 */
export async function regressionReferences(data: DiagnosticsData, options?: Partial<DiagnosticsOptions>): Promise<Pick<LimitReferences, "l1" | "l2" | "leastSquares">> {
  const opts = diagnosticsOptions(options);
  if (opts.maxMargin === false || (opts.maxMargin === "auto" && data.n * data.d > opts.maxCells)) return {};
  const out: { l1?: number[]; l2?: number[]; leastSquares?: number[] } = {};
  const l2 = minL2Interpolator(data.x, data.y, data.n, data.d);
  if (l2) out.l2 = l2;
  try {
    const l1 = (await loadSolver()).minL1Interpolator(data.x, data.y, data.n, data.d);
    if (l1) out.l1 = l1;
  } catch {
    // the LP solver failed to load: the ℓ1 reference stays absent
  }
  if (!out.l1 && !out.l2) {
    const ls = leastSquares(data.x, data.y, data.n, data.d);
    if (ls) out.leastSquares = ls;
  }
  return out;
}

/** The regression block of {@link Diagnostics}: the final β against the references. */
function regressionDiagnostics(result: DiagnosticsInput, refs: Pick<LimitReferences, "l1" | "l2" | "leastSquares">): RegressionDiagnostics {
  const beta = result.final.beta;
  const out: RegressionDiagnostics = { support: supportOf(beta) };
  const star = result.data.betaStar;
  if (star) {
    out.supportStar = star.flatMap((v, j) => (v !== 0 ? [j] : []));
    out.supportRecovered = out.support.length === out.supportStar.length && out.support.every((j, k) => j === out.supportStar![k]);
  }
  for (const p of ["l2", "l1", "leastSquares"] as const) {
    const b = refs[p];
    if (b) out[p] = { beta: [...b], distance: distance(beta, b), cosine: cosine(beta, b) };
  }
  return out;
}

/**
 * Computes the diagnostics of a Result from its data set. Async because the max-margin solver
 * loads its WebAssembly on first use. Never throws for solver trouble: `references` says "error".
 */
export async function computeDiagnostics(result: DiagnosticsInput, data: DiagnosticsData, options?: Partial<DiagnosticsOptions>): Promise<Diagnostics> {
  const opts = diagnosticsOptions(options ?? result.spec.diagnostics);
  const limitInput = { beta0: result.initialBeta, betaMid: result.lookBack.beta, beta: result.final.beta, data, depth: result.spec.depth, lossKind: result.spec.loss };
  const thresholds: LimitTolerances = { tolerance: opts.limitTolerance, zeroLoss: opts.zeroLoss, zeroPrediction: opts.zeroPrediction, stallLoss: opts.stallLoss, flatLoss: opts.flatLoss, fitLoss: opts.fitLoss };
  const { final, trajectory } = result;
  const amplification = amplificationOrder(result.dominantSequence, result.data.magnitudes, trajectory.step[0] ?? 0, result.dominance?.none);
  const cells = data.n * data.d;
  const out: Diagnostics = { options: opts, references: "skipped", amplification, limit: classifyLimit(limitInput, {}, thresholds) };
  if (result.spec.loss === "squared") {
    out.message = "max-margin references skipped: the squared loss is a regression (no margins)";
    const refs = await regressionReferences(data, opts);
    out.regression = regressionDiagnostics(result, refs);
    out.limit = classifyLimit(limitInput, refs, thresholds);
    return out;
  }
  if (opts.maxMargin === false) {
    out.message = "max-margin references disabled (diagnostics.maxMargin = false)";
    return out;
  }
  if (opts.maxMargin === "auto" && cells > opts.maxCells) {
    out.message = `max-margin references skipped: n·d = ${cells} > diagnostics.maxCells = ${opts.maxCells} (set diagnostics.maxMargin to true to force them)`;
    return out;
  }
  out.kkt = kktResidual(final.beta, data, result.spec.depth, KKT_OPTIONS);
  let sols: Record<MaxMarginNorm, MaxMarginSolution>;
  try {
    sols = cachedReferences(data) ?? remember(data, (await loadSolver()).solveAll({ x: data.x, y: data.y, n: data.n, d: data.d }));
  } catch (e) {
    out.references = "error";
    out.message = (e as Error).message;
    return out;
  }
  out.references = "computed";
  out.separable = sols.linf.separable;
  out.maxMargin = {};
  for (const p of MAX_MARGIN_NORMS) {
    const s = sols[p];
    out.maxMargin[p] = { beta: [...s.beta], margin: s.margin, separable: s.separable, unique: s.unique, support: [...s.support], active: [...s.active] }; // copies: the solutions are cached
  }
  if (!out.separable) {
    out.message = "the data is not linearly separable through the origin: no max-margin directions";
    return out;
  }
  out.cosine = {};
  out.finalCosine = {};
  out.marginGap = {};
  out.marginGapTrajectory = {};
  const margins = trajectory.minMargin;
  for (const p of MAX_MARGIN_NORMS) {
    const ref = sols[p].beta;
    out.cosine[p] = trajectory.beta.map((b) => cosine(b, ref));
    out.finalCosine[p] = cosine(final.beta, ref);
    const nf = normOf(final.beta, p);
    out.marginGap[p] = sols[p].margin - (nf > 0 ? final.minMargin / nf : 0);
    if (p === "l1") out.marginGapTrajectory[p] = trajectory.marginL1.map((g) => sols.l1.margin - g);
    else if (p === "l2") out.marginGapTrajectory[p] = trajectory.marginL2.map((g) => sols.l2.margin - g);
    else
      out.marginGapTrajectory[p] = trajectory.beta.map((b, i) => {
        const nb = normOf(b, "linf");
        return sols.linf.margin - (nb > 0 ? margins[i]! / nb : 0);
      });
  }
  out.limit = classifyLimit(limitInput, { l1: sols.l1.beta, l2: sols.l2.beta, linf: sols.linf.beta }, thresholds);
  return out;
}
