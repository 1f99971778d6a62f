/**
 * The limit classifier: which limit a run's final state is in. One function, one set of thresholds,
 * called by everything that names a limit — a Result's diagnostics (and the run summary that prints
 * them), the phase diagrams (reproduce, CLI and the web page), the batch runner and sweeps — so a
 * point of a diagram and the single run with the same spec cannot be named two ways.
 * docs/DIAGNOSTICS.md, "Limit class", states the rules.
 */
import type { Spec } from "../spec/schema.js";

export type LimitKind = "basis" | "zero" | "l1-max-margin" | "l2-max-margin" | "other";

/** The thresholds (the spec's `diagnostics.limitTolerance` / `zeroTolerance`). */
export interface LimitOptions {
  /** ℓ2 distance between unit directions at or under which the final direction matches a candidate. */
  tolerance?: number;
  /** ‖β‖₂ / ‖w‖₂^L below this is `zero`. */
  zeroTolerance?: number;
}

export const LIMIT_DEFAULTS = {
  tolerance: 0.05,
  zeroTolerance: 1e-3,
  /** A final loss above this fraction of ℓ(0) is `zero`: β never grew enough to fit the data. */
  lossFraction: 0.5,
} as const;

/** What the classifier reads: the final β, ‖w‖₂, the depth, and the final loss with its loss function. */
export interface LimitInput {
  beta: ArrayLike<number>;
  /** ‖w‖₂ over all L·d entries. */
  wNorm: number;
  depth: number;
  /** The final (mean) loss L(w). */
  loss: number;
  lossKind: Spec["loss"];
}

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
  /**
   * The numbers that decided it: ‖β‖₂/‖w‖₂^L, L(w)/ℓ(0), and the ℓ2 distances of β/‖β‖₂ to each
   * candidate direction.
   */
  distances: { zeroRatio: number; lossRatio: number; basis: number; l1?: number; l2?: number };
}

/** ℓ(0): the loss of β = 0 (ln 2 for the logistic loss, 1 for the exponential loss). */
export function lossAtZero(loss: Spec["loss"]): number {
  return loss === "logistic" ? Math.LN2 : 1;
}

/**
 * β/‖β‖₂ and ‖β‖₂, computed with β scaled by max|β_j| first, so that the direction stays exact when
 * Σβ_j² overflows (the rescaled runs at depth ≥ 3 blow up in finite time; their last finite state
 * still has a direction).
 */
function unitDirection(beta: ArrayLike<number>): { u: number[]; norm: number; logNorm: number } {
  let m = 0;
  for (let j = 0; j < beta.length; j++) m = Math.max(m, Math.abs(beta[j]!));
  if (!(m > 0)) return { u: Array.from(beta, () => 0), norm: 0, logNorm: -Infinity };
  if (m === Infinity) {
    let k = 0;
    for (let j = 0; j < beta.length; j++) if (Math.abs(beta[j]!) === Infinity) k++;
    return { u: Array.from(beta, (v) => (Math.abs(v) === Infinity ? Math.sign(v) / Math.sqrt(k) : 0)), norm: Infinity, logNorm: Infinity };
  }
  let s = 0;
  for (let j = 0; j < beta.length; j++) s += (beta[j]! / m) ** 2;
  const r = Math.sqrt(s);
  return { u: Array.from(beta, (v) => v / m / r), norm: m * r, logNorm: Math.log(m) + Math.log(r) };
}

/**
 * The limit class of a final state. Rules in order; the first that applies decides:
 * 1. `zero` if ‖β‖₂ / ‖w‖₂^L < zeroTolerance (β vanishes relative to the parameter scale), or if the
 *    loss is still above half of ℓ(0) (β never grew enough to fit the data);
 * 2. `l1-max-margin` / `l2-max-margin` if u = β/‖β‖₂ is within `tolerance` (ℓ2 distance) of the
 *    reference's unit-ℓ2 direction — the nearer one if both are (only with `refs`);
 * 3. `basis(j)` if u is within `tolerance` of sign(β_j)·e_j, j = argmax |β_j|;
 * 4. `other`.
 * `matches` lists every class within tolerance (with one example, the ℓ1 max-margin direction is
 * itself a basis vector: class "l1-max-margin", matches ["l1-max-margin", "basis(j)"]). A run that
 * stopped at a non-finite value is classified by its last finite state (its status says it diverged).
 */
export function classifyLimit(final: LimitInput, refs: Partial<Record<"l1" | "l2", readonly number[]>> = {}, options: LimitOptions = {}): LimitClassification {
  const tolerance = options.tolerance ?? LIMIT_DEFAULTS.tolerance;
  const zeroTolerance = options.zeroTolerance ?? LIMIT_DEFAULTS.zeroTolerance;
  const { beta, wNorm, depth } = final;
  const { u, norm: nb, logNorm } = unitDirection(beta);
  const scale = wNorm ** depth;
  let zeroRatio: number;
  if (!(nb > 0)) zeroRatio = 0;
  else if (Number.isFinite(nb) && Number.isFinite(scale) && scale > 0) zeroRatio = nb / scale;
  else zeroRatio = wNorm > 0 ? Math.exp(logNorm - depth * Math.log(wNorm)) : Infinity;
  const lossRatio = final.loss / lossAtZero(final.lossKind);
  let j = 0;
  for (let k = 1; k < beta.length; k++) if (Math.abs(beta[k]!) > Math.abs(beta[j]!)) j = k;
  const sign: 1 | -1 = beta[j]! < 0 ? -1 : 1;
  const distTo = (r: readonly number[]) => {
    let nr = 0;
    for (const v of r) nr += v * v;
    nr = Math.sqrt(nr);
    if (!(nr > 0)) return Infinity;
    let s = 0;
    for (let k = 0; k < u.length; k++) s += (u[k]! - r[k]! / nr) ** 2;
    return Math.sqrt(s);
  };
  const e = Array.from(beta, (_, k) => (k === j ? sign : 0));
  const distances: LimitClassification["distances"] = { zeroRatio, lossRatio, basis: nb > 0 ? distTo(e) : Infinity };
  if (refs.l1) distances.l1 = nb > 0 ? distTo(refs.l1) : Infinity;
  if (refs.l2) distances.l2 = nb > 0 ? distTo(refs.l2) : Infinity;
  const matches: string[] = [];
  const zero = zeroRatio < zeroTolerance || lossRatio > LIMIT_DEFAULTS.lossFraction;
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
 * The basis vector e_j a classification names or matches (a class "l1-max-margin" whose direction is
 * also a basis vector included), or undefined (zero, other, or a non-basis max-margin direction).
 */
export function basisOf(c: LimitClassification): number | undefined {
  if (c.kind === "zero") return undefined;
  for (const m of c.matches) {
    const k = /^basis\((\d+)\)$/.exec(m);
    if (k) return Number(k[1]);
  }
  return undefined;
}
