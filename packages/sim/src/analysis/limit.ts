/**
 * The limit classifier: which regime a run ends in. One function, one set of thresholds, called by
 * everything that names a limit — a Result's diagnostics (and the run summary that prints them),
 * the phase diagrams (reproduce, CLI and the web page), the batch runner and sweeps — so a cell of a
 * diagram and the single run with the same spec are named from the same three β's and cannot be
 * named two ways. docs/DIAGNOSTICS.md, "Limit kind", states the rules; docs/MODEL.md ("Limit
 * classes") the reasons behind them.
 *
 * It reads what the run shows, never the parameter scale alone: the loss and the predictions at the
 * start, at the look-back point (step ⌊T/2⌋) and at the end, how far β moved over the second half,
 * and the distances of the final direction to the candidate directions. (‖β‖₂/‖w‖₂^L is no test of
 * β → 0: w shrinks with β, so the ratio stays O(1) while the predictor vanishes.) A regression (the
 * squared loss) converges to a point, not a direction: its kinds are decided by limit-regression.ts
 * from the same evidence and the distances of β itself to the interpolators or the least-squares
 * minimum.
 */
import { portableExp, portableLog1p } from "../math/portable-math.js";
import { basisLabel, REGIME_LABEL, subscript, type LimitKind } from "./labels.js";
import { classifyRegression } from "./limit-regression.js";
import type { LimitClassification, LimitInput, LimitReferences, LimitTolerances } from "./limit-types.js";

export type { LimitKind };
export type { LimitClassification, LimitInput, LimitReferences, LimitTolerances };

export const LIMIT_DEFAULTS: Readonly<LimitTolerances> = {
  tolerance: 0.05,
  zeroLoss: 1e-2,
  zeroPrediction: 1e-2,
  stallLoss: 0.1,
  flatLoss: 1e-2,
  // L/ℓ(0) is the residuals' mean square over the targets': 1e-3 = residuals at 3 % of the targets'
  // RMS, under the 5 % of `tolerance` (a β 5 % from an interpolator can leave residuals of that
  // order). Measured (docs/DIAGNOSTICS.md): GD settles below 1e-6; 1-SAM's fixed ρ keeps its loss
  // hovering between 1e-5 and 1.7e-4 (the sparse-regression example at T = 2000 … 40000), so a
  // threshold at 1e-4 or 1e-6 would call a run that sits at the minimum-ℓ1 interpolator unfitted.
  fitLoss: 1e-3,
};

/**
 * `zero` also needs the predictions not to have grown beyond the start or the look-back point
 * (prediction_T ≤ max(prediction_0, prediction_mid)·(1 + GROWTH)): a predictor that collapsed, not a
 * GD run still growing out of a small initialization. 1e-9 only absorbs rounding of a state that
 * stopped moving.
 */
export const ZERO_GROWTH = 1e-9;

/**
 * ℓ(0): the loss of β = 0 (ln 2 for the logistic loss, 1 for the exponential loss; for the squared
 * loss it depends on the targets, (1/n) Σ ½y_i², and needs `data`).
 */
export function lossAtZero(loss: LimitInput["lossKind"], data?: LimitInput["data"]): number {
  if (loss === "squared") {
    if (!data || data.n === 0) return NaN;
    let s = 0;
    for (let i = 0; i < data.n; i++) s += 0.5 * (data.y[i]! * data.y[i]!);
    return s / data.n;
  }
  return loss === "logistic" ? Math.LN2 : 1;
}

/** ℓ(z), with the portable exp/log1p (the same bits in every JS engine, as the engines' loss). */
function lossOf(kind: LimitInput["lossKind"], z: number): number {
  if (kind === "squared") return 0.5 * (z * z); // z is the residual here
  if (kind === "logistic") return z > 0 ? portableLog1p(portableExp(-z)) : -z + portableLog1p(portableExp(z));
  return portableExp(-z);
}

/** The mean loss and max_i |<β, x_i>| of β on the data. */
function fit(beta: ArrayLike<number>, data: LimitInput["data"], kind: LimitInput["lossKind"]): { loss: number; prediction: number } {
  const { x, y, n, d } = data;
  let s = 0;
  let p = 0;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) z += beta[j]! * x[i * d + j]!;
    p = Math.max(p, Math.abs(z));
    s += lossOf(kind, kind === "squared" ? z - y[i]! : y[i]! * z);
  }
  return { loss: s / n, prediction: p };
}

/**
 * β/‖β‖₂ and ‖β‖₂, computed with β scaled by max|β_j| first, so that the direction stays exact when
 * Σβ_j² overflows (the rescaled runs at depth ≥ 3 blow up in finite time; their last finite state
 * still has a direction).
 */
function unitDirection(beta: ArrayLike<number>): { u: number[]; norm: number } {
  let m = 0;
  for (let j = 0; j < beta.length; j++) m = Math.max(m, Math.abs(beta[j]!));
  if (!(m > 0)) return { u: Array.from(beta, () => 0), norm: 0 };
  if (m === Infinity) {
    let k = 0;
    for (let j = 0; j < beta.length; j++) if (Math.abs(beta[j]!) === Infinity) k++;
    return { u: Array.from(beta, (v) => (Math.abs(v) === Infinity ? Math.sign(v) / Math.sqrt(k) : 0)), norm: Infinity };
  }
  let s = 0;
  for (let j = 0; j < beta.length; j++) s += (beta[j]! / m) ** 2;
  const r = Math.sqrt(s);
  return { u: Array.from(beta, (v) => v / m / r), norm: m * r };
}

/** ℓ2 distance of the unit vector u to r/‖r‖₂ (Infinity when u or r is 0). */
function distTo(u: readonly number[], uNorm: number, r: ArrayLike<number>): number {
  if (!(uNorm > 0)) return Infinity;
  let nr = 0;
  for (let k = 0; k < r.length; k++) nr += r[k]! * r[k]!;
  nr = Math.sqrt(nr);
  if (!(nr > 0)) return Infinity;
  let s = 0;
  for (let k = 0; k < u.length; k++) s += (u[k]! - r[k]! / nr) ** 2;
  return Math.sqrt(s);
}

/** The nearest signed basis vector ±e_j of u (j = argmax |u_j|, lowest index on ties). */
function nearestBasis(u: readonly number[]): { coord: number; sign: 1 | -1; e: number[] } {
  let j = 0;
  for (let k = 1; k < u.length; k++) if (Math.abs(u[k]!) > Math.abs(u[j]!)) j = k;
  const sign: 1 | -1 = u[j]! < 0 ? -1 : 1;
  return { coord: j, sign, e: u.map((_, k) => (k === j ? sign : 0)) };
}

function movementOf(beta: ArrayLike<number>, betaMid: ArrayLike<number>, norm: number): number {
  let s = 0;
  let any = false;
  for (let j = 0; j < beta.length; j++) {
    const dj = beta[j]! - betaMid[j]!;
    s += dj * dj;
    if (betaMid[j] !== 0) any = true;
  }
  if (!(norm > 0)) return any ? Infinity : 0;
  if (norm === Infinity) return Number.isFinite(s) ? 0 : Infinity; // an overflowed end: only a finite difference is 0 relative to it
  return Math.sqrt(s) / norm;
}

/**
 * The limit kind of a run from β at its start, its look-back point and its end. Rules in order; the
 * first that applies decides (defaults in {@link LIMIT_DEFAULTS}):
 * 1. `zero` — the predictor stays at 0: |L_T − ℓ(0)| ≤ zeroLoss·ℓ(0), prediction_T ≤
 *    zeroPrediction·dataScale, and prediction_T ≤ max(prediction_0, prediction_mid)·(1 + 1e-9);
 * 2. `stalled` — β ≠ 0, L_T ≥ stallLoss·ℓ(0) and L_mid − L_T ≤ flatLoss·L_T (the loss stays far
 *    from 0 and stopped falling);
 * 3. the max-margin kinds and `basis` — u = β_T/‖β_T‖₂ within `tolerance` (ℓ2 distance) of a
 *    reference direction (`refs`: l1, l2, linf; the nearest wins) → that kind, with `coord`/`sign`
 *    when u is also within tolerance of ±e_j; else within tolerance of ±e_j → `basis`;
 * 4. `not-converged` — anything else, with the nearest candidate and its distance at the
 *    look-back point and at the end (`nearest`).
 * A run that stopped at a non-finite value is classified by its last finite state (its status says
 * it diverged). The squared loss (a regression) takes rule 1 and then its own rules
 * ({@link classifyRegression}).
 */
export function classifyLimit(input: LimitInput, refs: LimitReferences = {}, options: Partial<LimitTolerances> = {}): LimitClassification {
  const tolerances: LimitTolerances = { ...LIMIT_DEFAULTS };
  for (const k of Object.keys(LIMIT_DEFAULTS) as (keyof LimitTolerances)[]) if (options[k] !== undefined) tolerances[k] = options[k]!;
  const { data, lossKind } = input;
  const end = fit(input.beta, data, lossKind);
  const mid = fit(input.betaMid, data, lossKind);
  const start = fit(input.beta0, data, lossKind);
  const l0 = lossAtZero(lossKind, data);
  let dataScale = 0;
  for (let i = 0; i < data.n; i++) {
    let s = 0;
    for (let j = 0; j < data.d; j++) s += data.x[i * data.d + j]! ** 2;
    dataScale = Math.max(dataScale, Math.sqrt(s));
  }
  const { u, norm } = unitDirection(input.beta);
  const { u: uMid, norm: normMid } = unitDirection(input.betaMid);
  const evidence: LimitClassification["evidence"] = {
    loss: end.loss,
    lossMid: mid.loss,
    lossAtZero: l0,
    prediction: end.prediction,
    predictionMid: mid.prediction,
    prediction0: start.prediction,
    dataScale,
    movement: movementOf(input.beta, input.betaMid, norm),
  };
  const t = tolerances;
  const zero =
    Math.abs(end.loss - l0) <= t.zeroLoss * l0 &&
    end.prediction <= t.zeroPrediction * dataScale &&
    end.prediction <= Math.max(start.prediction, mid.prediction) * (1 + ZERO_GROWTH);
  if (lossKind === "squared") return classifyRegression(input, refs, evidence, tolerances, zero || !(norm > 0));

  const basis = nearestBasis(u);
  const dBasis = distTo(u, norm, basis.e);
  const distances: LimitClassification["distances"] = { basis: dBasis };
  for (const p of ["l1", "l2", "linf"] as const) if (refs[p]) distances[p] = distTo(u, norm, refs[p]!);
  const base = { distances, evidence, tolerances };

  if (zero || !(norm > 0)) return { kind: "zero", ...base };
  if (end.loss >= t.stallLoss * l0 && mid.loss - end.loss <= t.flatLoss * end.loss) return { kind: "stalled", ...base };

  const onBasis = dBasis <= t.tolerance ? { coord: basis.coord, sign: basis.sign } : {};
  const mm = (["l1", "l2", "linf"] as const).filter((p) => distances[p] !== undefined && distances[p]! <= t.tolerance).sort((a, b) => distances[a]! - distances[b]!);
  if (mm.length) return { kind: `${mm[0]!}-max-margin`, ...onBasis, ...base };
  if (dBasis <= t.tolerance) return { kind: "basis", ...onBasis, ...base };

  // not converged: the nearest candidate, and how far the direction was from it at the look-back point
  const cands: { kind: LimitKind; coord?: number; r: ArrayLike<number>; distance: number }[] = [{ kind: "basis", coord: basis.coord, r: basis.e, distance: dBasis }];
  for (const p of ["l1", "l2", "linf"] as const) if (refs[p]) cands.push({ kind: `${p}-max-margin`, r: refs[p]!, distance: distances[p]! });
  cands.sort((a, b) => a.distance - b.distance);
  const near = cands[0]!;
  return {
    kind: "not-converged",
    nearest: { kind: near.kind, ...(near.coord !== undefined ? { coord: near.coord } : {}), distance: near.distance, distanceMid: distTo(uMid, normMid, near.r) },
    ...base,
  };
}

/**
 * The basis vector e_j (0-based) a classification names: `coord` of a `basis` kind or of a
 * max-margin kind whose direction is e_j; undefined otherwise.
 */
export function basisOf(c: LimitClassification): number | undefined {
  return c.kind === "basis" || c.kind === "l1-max-margin" || c.kind === "l2-max-margin" || c.kind === "linf-max-margin" ? c.coord : undefined;
}

// The names (and `subscript`) live in labels.ts, shared by the CLI's figures and the web page.
export { subscript };

/**
 * The kind as people read it: "basis e₂", "ℓ1 max-margin (= e₂)", "zero", "not converged (nearest
 * e₁)"; for a regression "min-ℓ1 interpolator", "interpolating (nearest min-ℓ2 interpolator)".
 */
export function limitLabel(c: LimitClassification): string {
  const e = (j: number | undefined, s?: 1 | -1) => (j === undefined ? "" : basisLabel(j, s));
  switch (c.kind) {
    case "basis":
      return `${REGIME_LABEL.basis} ${e(c.coord, c.sign)}`;
    case "l1-max-margin":
    case "l2-max-margin":
    case "linf-max-margin":
      return `${REGIME_LABEL[c.kind]}${c.coord !== undefined ? ` (= ${e(c.coord, c.sign)})` : ""}`;
    case "interpolating":
    case "not-converged": {
      const n = c.nearest;
      if (!n) return REGIME_LABEL[c.kind];
      const name = n.kind === "basis" ? e(n.coord) : limitLabel({ ...c, kind: n.kind, coord: undefined });
      return `${REGIME_LABEL[c.kind]} (nearest ${name})`;
    }
    default:
      return REGIME_LABEL[c.kind];
  }
}
