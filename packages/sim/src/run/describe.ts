/**
 * What a run's limit kind means, in one sentence — the words the CLI summary and the web page both
 * use, so a run is named the same way everywhere (coordinates 1-based, as in the paper: e₁, x₂).
 */
import { basisLabel, coordLabel, REGIME_LABEL } from "../analysis/labels.js";
import type { LimitClassification } from "../analysis/limit.js";
import type { Result } from "./result.js";

const trimZeros = (s: string) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
const fmt = (v: number, digits = 4) => (v === 0 ? "0" : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? trimZeros(v.toPrecision(digits)) : v.toExponential(digits - 1));
const xName = coordLabel;
const eName = basisLabel;

/** The spec's per-coordinate initial scales α_j when the init is `{ alpha }` (balanced layers), else undefined. */
function alphas(r: Result): number[] | undefined {
  const init = r.spec.init as { alpha?: number | number[]; random?: string; values?: unknown };
  if (init.random !== undefined || init.values !== undefined || init.alpha === undefined) return undefined;
  return Array.isArray(init.alpha) ? init.alpha : Array.from({ length: r.data.d }, () => init.alpha as number);
}

/**
 * What the limit kind means, in a sentence: what the run shows, and the known cause only when the
 * spec is the case the theory covers (ℓ∞-SAM from a balanced init with every α_j ≤ ρ, MODEL.md
 * "Depth-L ℓ∞-SAM").
 */
export function limitSentence(r: Result, l: LimitClassification): string {
  const s = r.spec;
  const ev = l.evidence;
  const a = alphas(r);
  const linfBelow = s.algo === "sam-linf" && a !== undefined && a.every((v) => Math.abs(v) <= s.rho);
  const mags = r.data.magnitudes;
  const major = mags.indexOf(Math.max(...mags));
  const minor = (j: number | undefined) => (j !== undefined && mags[j]! < mags[major]! ? ` — a minor coordinate (mean |${xName(j)}| = ${fmt(mags[j]!, 3)}; ${xName(major)} has ${fmt(mags[major]!, 3)})` : "");
  switch (l.kind) {
    case "zero":
      return `the predictor stays at 0: the loss stays at ℓ(0) and the predictions end at ${fmt(ev.prediction, 3)} (${fmt(ev.prediction0, 3)} at the start)` + (linfBelow ? `; ℓ∞-SAM's perturbation cancels every coordinate (α_j ≤ ρ = ${s.rho})` : "");
    case "stalled":
      return `β stopped away from 0 with the loss stuck at ${fmt(ev.loss / ev.lossAtZero, 4)}·ℓ(0) (it fell by ${fmt(ev.lossMid - ev.loss, 2)} over the second half)` + (linfBelow && s.depth % 2 === 1 ? `; at odd depth ℓ∞-SAM's perturbation holds each coordinate near ρ^L instead of cancelling it (α_j ≤ ρ = ${s.rho})` : "");
    case "basis":
      return `the direction β/‖β‖₂ is ${eName(l.coord!, l.sign)} (distance ${fmt(l.distances.basis!, 2)}): the predictor uses ${xName(l.coord!)} alone${minor(l.coord)}`;
    case "l1-max-margin":
    case "l2-max-margin":
    case "linf-max-margin": {
      const p = l.kind === "l1-max-margin" ? "l1" : l.kind === "l2-max-margin" ? "l2" : "linf";
      const name = p === "l1" ? "ℓ1" : p === "l2" ? "ℓ2" : "ℓ∞";
      return `the direction matches the ${name} max-margin direction (distance ${fmt(l.distances[p]!, 2)})` + (l.coord !== undefined ? `, which is ${eName(l.coord, l.sign)}: the predictor uses ${xName(l.coord)} alone${minor(l.coord)}` : "");
    }
    case "l1-interpolator":
    case "l2-interpolator": {
      const p = l.kind === "l1-interpolator" ? "l1" : "l2";
      return `β fits the training data (loss ${fmt(ev.loss / ev.lossAtZero, 3)}·ℓ(0)) and is the minimum-${p === "l1" ? "ℓ1" : "ℓ2"} interpolator (relative distance ${fmt(l.distances[p]!, 2)})`;
    }
    case "interpolating": {
      const n = l.nearest;
      const fits = `β fits the training data (loss ${fmt(ev.loss / ev.lossAtZero, 3)}·ℓ(0))`;
      return n ? `${fits} but is neither minimum-norm interpolator: nearest is the ${REGIME_LABEL[n.kind]} at relative distance ${fmt(n.distance, 3)} (${fmt(n.distanceMid, 3)} at step ${r.lookBack.step})` : `${fits}; no interpolator reference to compare with`;
    }
    case "least-squares":
      return `no β fits the training data; β is the least-squares minimizer (relative distance ${fmt(l.distances.leastSquares!, 2)}) and the loss rests at its minimum ${fmt(ev.loss / ev.lossAtZero, 4)}·ℓ(0)`;
    case "not-converged": {
      const n = l.nearest;
      if (!n) return r.spec.loss === "squared" ? "β matches no reference point within tolerance" : "the direction matches no candidate within tolerance";
      const name = n.kind === "basis" ? eName(n.coord!) : REGIME_LABEL[n.kind];
      const trend = n.distance < n.distanceMid ? "closing in" : n.distance > n.distanceMid ? "moving away" : "not moving";
      if (r.spec.loss === "squared") return `no reference within ${l.tolerances.tolerance} (relative distance): nearest is the ${REGIME_LABEL[n.kind]} at ${fmt(n.distance, 3)} (${fmt(n.distanceMid, 3)} at step ${r.lookBack.step}: ${trend}), loss ${fmt(ev.loss / ev.lossAtZero, 3)}·ℓ(0)`;
      return `no candidate within ${l.tolerances.tolerance}: nearest is ${name} at distance ${fmt(n.distance, 3)} (${fmt(n.distanceMid, 3)} at step ${r.lookBack.step}: ${trend})`;
    }
  }
}

