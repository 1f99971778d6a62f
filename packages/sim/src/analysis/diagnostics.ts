/**
 * Implicit-bias diagnostics of a finished run (MODEL.md, "Measurements"): the cosine of β with the
 * ℓ1/ℓ2/ℓ∞ max-margin directions along the trajectory, the normalized-margin gap to each optimum,
 * the amplification order ("minor first, major last" as a yes/no reading) and a limit class for
 * the final state. Built once per run, after it ends (`simulate()` awaits it; the references are
 * solved once per run by {@link loadSolver}). docs/DIAGNOSTICS.md states every rule.
 */
import type { Dataset } from "../data/generators.js";
import { loadSolver, MAX_MARGIN_NORMS, normOf, type MaxMarginNorm, type MaxMarginSolution } from "./maxmargin/solver.js";
import type { DominantChange, Result } from "../run/result.js";

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

export const DIAGNOSTICS_DEFAULTS: DiagnosticsOptions = { maxMargin: "auto", maxCells: 20_000, limitTolerance: 0.05, zeroTolerance: 1e-3 };

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

export interface AmplificationOrder {
  /** Dominant coordinates (argmax_j |β_j|) in the order they take over, with the step and time and mean |x_j|. */
  order: DominantChange[];
  /**
   * "Minor first, major last": after dropping the first entry (the coordinate dominant at the first
   * recorded point with β ≠ 0, i.e. set by the initialization, not by training), at least two
   * entries remain and their magnitudes never decrease.
   */
  minorFirst: boolean;
  /** The last dominant coordinate has the largest data magnitude of all coordinates. */
  majorLast: boolean;
  /** Takeovers counted after the first entry. */
  switches: number;
}

export type LimitKind = "basis" | "zero" | "l1-max-margin" | "l2-max-margin" | "other";

export interface LimitClassification {
  /** "basis(j)" (0-based j), "zero", "l1-max-margin", "l2-max-margin" or "other". */
  class: string;
  kind: LimitKind;
  /** For "basis": the coordinate and the sign of β_j. */
  coord?: number;
  sign?: 1 | -1;
  /** Every class the final state is within tolerance of (the first rule that applies decides `class`). */
  matches: string[];
  tolerance: number;
  zeroTolerance: number;
  /** The numbers that decided it: ‖β‖₂/‖w‖₂^L and the ℓ2 distances of β/‖β‖₂ to each candidate direction. */
  distances: { zeroRatio: number; basis: number; l1?: number; l2?: number };
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

/** Amplification order from a trajectory's dominant coordinates (see {@link AmplificationOrder}). */
export function amplificationOrder(order: readonly DominantChange[], magnitudes: readonly number[]): AmplificationOrder {
  const rest = order.slice(1);
  let nondecreasing = true;
  for (let k = 1; k < rest.length; k++) if (rest[k]!.magnitude < rest[k - 1]!.magnitude) nondecreasing = false;
  let maxMag = -Infinity;
  for (const v of magnitudes) maxMag = Math.max(maxMag, v); // no spread: d can be 10⁶
  const last = order[order.length - 1];
  return {
    order: order.map((c) => ({ ...c })),
    minorFirst: rest.length >= 2 && nondecreasing,
    majorLast: last !== undefined && last.magnitude >= maxMag,
    switches: rest.length,
  };
}

/**
 * The limit class of a final state (rules in order; the first that applies decides):
 * 1. `zero` if ‖β‖₂ / ‖w‖₂^L < zeroTolerance (β vanishes relative to the parameter scale);
 * 2. `l1-max-margin` / `l2-max-margin` if u = β/‖β‖₂ is within `tolerance` (ℓ2 distance) of the
 *    reference's unit-ℓ2 direction — the nearer one if both are;
 * 3. `basis(j)` if u is within `tolerance` of sign(β_j)·e_j, j = argmax |β_j|;
 * 4. `other`.
 * `matches` lists every class within tolerance (with one example, the ℓ1 max-margin direction is
 * itself a basis vector: class "l1-max-margin", matches ["l1-max-margin", "basis(j)"]).
 */
export function classifyFinal(
  beta: readonly number[],
  wNorm: number,
  depth: number,
  refs: Partial<Record<"l1" | "l2", readonly number[]>>,
  tolerance = DIAGNOSTICS_DEFAULTS.limitTolerance,
  zeroTolerance = DIAGNOSTICS_DEFAULTS.zeroTolerance,
): LimitClassification {
  const nb = l2(beta);
  const scale = wNorm ** depth;
  const zeroRatio = scale > 0 ? nb / scale : nb > 0 ? Infinity : 0;
  let j = 0;
  for (let k = 1; k < beta.length; k++) if (Math.abs(beta[k]!) > Math.abs(beta[j]!)) j = k;
  const sign: 1 | -1 = beta[j]! < 0 ? -1 : 1;
  const u = beta.map((v) => (nb > 0 ? v / nb : 0));
  const distTo = (r: readonly number[]) => {
    const nr = l2(r);
    if (!(nr > 0)) return Infinity;
    let s = 0;
    for (let k = 0; k < u.length; k++) s += (u[k]! - r[k]! / nr) ** 2;
    return Math.sqrt(s);
  };
  const e = beta.map((_, k) => (k === j ? sign : 0));
  const distances: LimitClassification["distances"] = { zeroRatio, basis: nb > 0 ? distTo(e) : Infinity };
  if (refs.l1) distances.l1 = nb > 0 ? distTo(refs.l1) : Infinity;
  if (refs.l2) distances.l2 = nb > 0 ? distTo(refs.l2) : Infinity;
  const matches: string[] = [];
  const zero = zeroRatio < zeroTolerance;
  if (zero) matches.push("zero");
  const mm: [LimitKind, number][] = [];
  if (distances.l1 !== undefined && distances.l1 <= tolerance) mm.push(["l1-max-margin", distances.l1]);
  if (distances.l2 !== undefined && distances.l2 <= tolerance) mm.push(["l2-max-margin", distances.l2]);
  mm.sort((a, b) => a[1] - b[1]);
  for (const [k] of mm) matches.push(k);
  const basis = distances.basis <= tolerance;
  if (basis) matches.push(`basis(${j})`);
  const base = { matches, tolerance, zeroTolerance, distances };
  if (zero) return { class: "zero", kind: "zero", ...base };
  if (mm.length) return { class: mm[0]![0], kind: mm[0]![0], ...base };
  if (basis) return { class: `basis(${j})`, kind: "basis", coord: j, sign, ...base };
  return { class: "other", kind: "other", ...base };
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

function cachedReferences(data: Dataset): Record<MaxMarginNorm, MaxMarginSolution> | undefined {
  const k = cache.findIndex((c) => c.n === data.n && c.d === data.d && sameArray(c.y, data.y) && sameArray(c.x, data.x));
  if (k < 0) return undefined;
  const [hit] = cache.splice(k, 1);
  cache.unshift(hit!);
  return hit!.sols;
}

function remember(data: Dataset, sols: Record<MaxMarginNorm, MaxMarginSolution>): Record<MaxMarginNorm, MaxMarginSolution> {
  cache.unshift({ n: data.n, d: data.d, x: Float64Array.from(data.x), y: Float64Array.from(data.y), sols });
  cache.length = Math.min(cache.length, CACHE_SIZE);
  return sols;
}

/**
 * Computes the diagnostics of a Result from its data set. Async because the max-margin solver
 * loads its WebAssembly on first use. Never throws for solver trouble: `references` says "error".
 */
export async function computeDiagnostics(result: Result, data: Dataset, options?: Partial<DiagnosticsOptions>): Promise<Diagnostics> {
  const opts = diagnosticsOptions(options ?? (result.spec as { diagnostics?: Partial<DiagnosticsOptions> }).diagnostics);
  const { final, trajectory } = result;
  const amplification = amplificationOrder(result.dominantSequence, result.data.magnitudes);
  const cells = data.n * data.d;
  const out: Diagnostics = { options: opts, references: "skipped", amplification, limit: classifyFinal(final.beta, final.wNorm, result.spec.depth, {}, opts.limitTolerance, opts.zeroTolerance) };
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
  out.limit = classifyFinal(final.beta, final.wNorm, result.spec.depth, { l1: sols.l1.beta, l2: sols.l2.beta }, opts.limitTolerance, opts.zeroTolerance);
  return out;
}
