/**
 * Implicit-bias diagnostics of a finished run (docs/MODEL.md, "Measurements"): the cosine of β with the
 * ℓ1/ℓ2/ℓ∞ max-margin directions along the trajectory, the normalized-margin gap to each optimum,
 * the amplification order ("minor first, major last" as a yes/no reading) and a limit class for
 * the final state. Built once per run, after it ends (`simulate()` awaits it; the references are
 * solved once per run by {@link loadSolver}). docs/DIAGNOSTICS.md states every rule.
 */
import type { Spec } from "../spec/schema.js";
import { amplificationOrder, type AmplificationOrder, type DominantChange } from "./amplification.js";
import { classifyLimit, LIMIT_DEFAULTS, type LimitClassification } from "./limit.js";
import { MAX_MARGIN_NORMS, normOf, type MaxMarginNorm, type MaxMarginSolution } from "./maxmargin/problem.js";
import { loadSolver } from "./maxmargin/solver.js";

/** The spec's `diagnostics` field with defaults filled in. */
export interface DiagnosticsOptions {
  /** Solve the max-margin references: "auto" (when n·d ≤ maxCells), true (always), false (never). */
  maxMargin: "auto" | boolean;
  /** The n·d above which "auto" skips the references (HiGHS time grows fast with n·d). */
  maxCells: number;
  /** ℓ2 distance between unit directions under which the final direction matches a reference. */
  limitTolerance: number;
  /** ‖β‖₂ / ‖w‖₂^L below this is the class `zero`. */
  zeroTolerance: number;
}

export const DIAGNOSTICS_DEFAULTS: DiagnosticsOptions = { maxMargin: "auto", maxCells: 20_000, limitTolerance: LIMIT_DEFAULTS.tolerance, zeroTolerance: LIMIT_DEFAULTS.zeroTolerance };

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
  trajectory: { beta: number[][]; minMargin: number[]; marginL1: number[]; marginL2: number[] };
  dominantSequence: readonly DominantChange[];
  data: { magnitudes: readonly number[] };
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
 * Computes the diagnostics of a Result from its data set. Async because the max-margin solver
 * loads its WebAssembly on first use. Never throws for solver trouble: `references` says "error".
 */
export async function computeDiagnostics(result: DiagnosticsInput, data: DiagnosticsData, options?: Partial<DiagnosticsOptions>): Promise<Diagnostics> {
  const opts = diagnosticsOptions(options ?? result.spec.diagnostics);
  const finalState = { beta: result.final.beta, wNorm: result.final.wNorm, depth: result.spec.depth, loss: result.final.loss, lossKind: result.spec.loss };
  const thresholds = { tolerance: opts.limitTolerance, zeroTolerance: opts.zeroTolerance };
  const { final, trajectory } = result;
  const amplification = amplificationOrder(result.dominantSequence, result.data.magnitudes);
  const cells = data.n * data.d;
  const out: Diagnostics = { options: opts, references: "skipped", amplification, limit: classifyLimit(finalState, {}, thresholds) };
  if (opts.maxMargin === false) {
    out.message = "max-margin references disabled (diagnostics.maxMargin = false)";
    return out;
  }
  if (opts.maxMargin === "auto" && cells > opts.maxCells) {
    out.message = `max-margin references skipped: n·d = ${cells} > diagnostics.maxCells = ${opts.maxCells} (set diagnostics.maxMargin to true to force them)`;
    return out;
  }
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
  out.limit = classifyLimit(finalState, { l1: sols.l1.beta, l2: sols.l2.beta }, thresholds);
  return out;
}
