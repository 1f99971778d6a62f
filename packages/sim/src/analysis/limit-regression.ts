/**
 * The limit kinds of a regression (the squared loss). A regression run converges to a point, not a
 * direction, so its references are points: the minimum-ℓ1 and minimum-ℓ2 interpolators of the
 * training data when some β fits it exactly (d ≥ n), the least-squares minimizer when none does
 * (n > d, noisy targets). The classifier (limit.ts `classifyLimit`) gathers the evidence — loss and
 * predictions at the start, at the look-back point ⌊T/2⌋ and at the end — decides `zero` as for a
 * classification and hands the rest here. docs/DIAGNOSTICS.md ("Limit kind") states the rules,
 * docs/MODEL.md ("Limit classes") the reasons.
 */
import type { LimitKind } from "./labels.js";
import type { LimitClassification, LimitInput, LimitReferences, LimitTolerances } from "./limit-types.js";

/** ‖β − r‖₂ / ‖r‖₂: how far β is from a reference point, at the reference's scale (Infinity when r = 0 or the result is not a number). */
export function relativeDistance(beta: ArrayLike<number>, r: ArrayLike<number>): number {
  let s = 0;
  let nr = 0;
  for (let j = 0; j < r.length; j++) {
    s += (beta[j]! - r[j]!) ** 2;
    nr += r[j]! * r[j]!;
  }
  const v = Math.sqrt(s) / Math.sqrt(nr);
  return nr > 0 && !Number.isNaN(v) ? v : Infinity;
}

const REFERENCE_KIND = { l1: "l1-interpolator", l2: "l2-interpolator", leastSquares: "least-squares" } as const satisfies Record<string, LimitKind>;

/**
 * The regression rules, after `zero` (rule 1 of `classifyLimit`, decided by the caller), in order:
 * 2. the run fits the data, L_T ≤ fitLoss·ℓ(0): `l1-interpolator` / `l2-interpolator` when β is within
 *    `tolerance` (relative distance) of that minimum-norm interpolator (the nearest wins), else
 *    `interpolating` with the nearest interpolator (`nearest`);
 * 3. `least-squares` — β within `tolerance` of the least-squares minimizer (given only when no β
 *    interpolates, so the loss it reached is the smallest positive one the data allows);
 * 4. `stalled` — as for a classification (L_T ≥ stallLoss·ℓ(0), L_mid − L_T ≤ flatLoss·L_T): a
 *    plateau that is not the minimum (rule 3 took that);
 * 5. `not-converged` — anything else, with the nearest reference and its distance at the look-back
 *    point and at the end.
 */
export function classifyRegression(input: Pick<LimitInput, "beta" | "betaMid">, refs: LimitReferences, evidence: LimitClassification["evidence"], tolerances: LimitTolerances, zero: boolean): LimitClassification {
  const distances: LimitClassification["distances"] = {};
  const cands: { kind: LimitKind; r: readonly number[]; distance: number }[] = [];
  for (const p of ["l1", "l2", "leastSquares"] as const) {
    const r = refs[p];
    if (!r) continue;
    const distance = relativeDistance(input.beta, r);
    distances[p] = distance;
    cands.push({ kind: REFERENCE_KIND[p], r, distance });
  }
  const base = { distances, evidence, tolerances };
  if (zero) return { kind: "zero", ...base };
  cands.sort((a, b) => a.distance - b.distance); // stable: l1 before l2 on a tie
  const nearest = (c: (typeof cands)[number] | undefined) => (c ? { nearest: { kind: c.kind, distance: c.distance, distanceMid: relativeDistance(input.betaMid, c.r) } } : {});
  const t = tolerances;
  const ev = evidence;

  if (ev.loss <= t.fitLoss * ev.lossAtZero) {
    const near = cands.find((c) => c.kind !== "least-squares");
    if (near && near.distance <= t.tolerance) return { kind: near.kind, ...base };
    return { kind: "interpolating", ...nearest(near), ...base };
  }
  const ls = cands.find((c) => c.kind === "least-squares");
  if (ls && ls.distance <= t.tolerance) return { kind: "least-squares", ...base };
  if (ev.loss >= t.stallLoss * ev.lossAtZero && ev.lossMid - ev.loss <= t.flatLoss * ev.loss) return { kind: "stalled", ...base };
  return { kind: "not-converged", ...nearest(cands[0]), ...base };
}
