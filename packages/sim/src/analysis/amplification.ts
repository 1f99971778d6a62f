/**
 * The amplification order (docs/MODEL.md, "Amplification order"): which coordinate leads β, in the order the
 * coordinates take over, read as "minor first, major last" — and the rule that decides when a
 * coordinate has taken over, so that rounding noise around β ≈ 0 and near-ties are not read as
 * takeovers. docs/DIAGNOSTICS.md, "Dominant sequence", states the rule.
 */

export interface DominantChange {
  /** The coordinate (0-based) that takes the lead. */
  coord: number;
  /** The first recorded step and time of the run of points that decided the takeover. */
  step: number;
  t: number;
  /** Its data magnitude, mean_i |x_ij|. */
  magnitude: number;
}

/**
 * The takeover rule's constants. A recorded point counts only when β is meaningfully away from 0:
 * its prediction max_i |<β, x_i>| is at least FLOOR_START × the initial prediction and at least
 * FLOOR_ROUNDING × max_i ‖x_i‖₂. A coordinate k takes the lead from the current leader c only when
 * |β_k| ≥ (1 + LEAD)·|β_c| (the first leader: ≥ (1 + LEAD) × every other |β_j|) at PERSIST
 * consecutive counted points (or at the last recorded point).
 */
export const DOMINANCE_RULE = {
  /**
   * Half the starting prediction. Why: a run that collapses towards 0 (ℓ∞-SAM with α_j < ρ, ℓ2-SAM
   * below its collapse boundary) ends in a sliding mode whose β is a few % of its start or less
   * (x = (1, 2), L = 2, α = 0.02: 5e-5 against 1.2e-3 at the start; L = 4: 1e-17) and whose
   * argmax flips every few points; growing runs pass it at once, and runs that dip first (ℓ2-SAM
   * near the boundary) count again once they regrow.
   */
  floorStart: 0.5,
  /** Below 1e-12 of the data scale a prediction is rounding of β = 0 (runs from a zero init). */
  floorRounding: 1e-12,
  /**
   * The lead a takeover needs: 2 %. Why: it must sit below the leads of real takeovers and above
   * rounding-level flips. Measured (400 log-spaced points): ℓ2-SAM on x = (1,…,5) at L = 4
   * (α = 0.06, ρ = 0.1, 50 000 steps) has x2 ahead of the others by only 2–5 % before x3 takes
   * over (a 5 % lead reads x3 → x5 and loses x2); at L = 3 (α = 0.05) a 5 % lead drops x4. With 2 %
   * no ℓ∞-SAM run with every α_j < ρ at L = 2…5 (α = 0.01…0.09) reports a takeover, collapsed
   * ℓ2-SAM runs report at most one (α = 0.05: x2 → x1), and a near-tie at the end (L = 5,
   * α = 0.09) stays a tie.
   */
  lead: 0.02,
  /** Consecutive recorded points the new lead must hold (one point can be a swing of a sliding mode). */
  persist: 2,
  /**
   * The predictions cost n·d per recorded point; above this many multiply-adds in all (≈ 20 ms) the
   * floor is read on ‖β‖₁ instead (half of ‖β₀‖₁), which needs no pass over the data.
   */
  predictionBudget: 2e7,
} as const;

/**
 * Why a dominant sequence is empty: "zero" — β = 0 at every recorded point; "small" — β is below the
 * floor at the last recorded point (it collapsed towards 0 or never left it); "tied" — β is away
 * from 0 at the end but no coordinate ever led by the required margin (ties).
 */
export type NoLeader = "zero" | "small" | "tied";

export interface Dominance {
  sequence: DominantChange[];
  /** Set when `sequence` is empty. */
  none?: NoLeader;
  /** The prediction a recorded point needs to count (see {@link DOMINANCE_RULE}). */
  floor: number;
}

export interface DominanceInput {
  step: ArrayLike<number>;
  t: ArrayLike<number>;
  /** ‖β‖₁ at each recorded point (decides "zero", and the floor when β was not recorded). */
  l1: ArrayLike<number>;
  /** argmax_j |β_j| at each point (used when β was not recorded). */
  dominant: ArrayLike<number>;
  /** β at each recorded point; empty when not recorded. */
  beta: readonly ArrayLike<number>[];
  /** β at the start (from the init). */
  beta0: ArrayLike<number>;
  data: { x: ArrayLike<number>; n: number; d: number };
  magnitudes: readonly number[];
}

function prediction(beta: ArrayLike<number>, x: ArrayLike<number>, n: number, d: number): number {
  let p = 0;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) z += beta[j]! * x[i * d + j]!;
    p = Math.max(p, Math.abs(z));
  }
  return p;
}

/**
 * The dominant sequence of a trajectory under {@link DOMINANCE_RULE}. Without recorded β it falls
 * back to the argmax column, with the floor on ‖β‖₁ (FLOOR_START × ‖β_0‖₁) and persistence but no
 * lead test (the column holds no magnitudes). With recorded β but more than `predictionBudget`
 * multiply-adds of predictions, the floor is on ‖β‖₁ and the lead test stays.
 */
export function dominantSequence(tr: DominanceInput): Dominance {
  const { x, n, d } = tr.data;
  const R = DOMINANCE_RULE;
  const m = tr.step.length;
  const withBeta = tr.beta.length === m && m > 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i * d + j]! ** 2;
    scale = Math.max(scale, Math.sqrt(s));
  }
  let l10 = 0;
  for (let j = 0; j < tr.beta0.length; j++) l10 += Math.abs(tr.beta0[j]!);
  const byPrediction = withBeta && n * d * m <= R.predictionBudget;
  const floor = byPrediction ? Math.max(R.floorStart * prediction(tr.beta0, x, n, d), R.floorRounding * scale) : R.floorStart * l10;
  const sequence: DominantChange[] = [];
  let lead = -1;
  let cand = -1;
  let candFrom = -1;
  let count = 0;
  let lastCounted = -1;
  let nonzero = false;
  for (let i = 0; i < m; i++) {
    if (tr.l1[i]! > 0) nonzero = true;
    let k: number;
    let decisive: boolean;
    if (withBeta) {
      const b = tr.beta[i]!;
      const p = byPrediction ? prediction(b, x, n, d) : tr.l1[i]!;
      if (!(p > 0 && p >= floor && Number.isFinite(p))) {
        cand = -1;
        count = 0;
        continue;
      }
      k = 0;
      for (let j = 1; j < d; j++) if (Math.abs(b[j]!) > Math.abs(b[k]!)) k = j;
      let other = 0;
      if (lead < 0) for (let j = 0; j < d; j++) j !== k && (other = Math.max(other, Math.abs(b[j]!)));
      else other = Math.abs(b[lead]!);
      decisive = k !== lead && Math.abs(b[k]!) >= (1 + R.lead) * other;
    } else {
      if (!(tr.l1[i]! > 0 && tr.l1[i]! >= floor)) {
        cand = -1;
        count = 0;
        continue;
      }
      k = tr.dominant[i]!;
      decisive = k !== lead;
    }
    lastCounted = i;
    if (!decisive) {
      cand = -1;
      count = 0;
      continue;
    }
    if (k === cand) count++;
    else {
      cand = k;
      candFrom = i;
      count = 1;
    }
    if (count >= R.persist || i === m - 1) {
      sequence.push({ coord: cand, step: tr.step[candFrom]!, t: tr.t[candFrom]!, magnitude: tr.magnitudes[cand]! });
      lead = cand;
      cand = -1;
      count = 0;
    }
  }
  if (sequence.length) return { sequence, floor };
  // no leader: β = 0 throughout; β below the floor at the end (it collapsed, or never left 0); else a tie at the end
  return { sequence, floor, none: !nonzero ? "zero" : lastCounted < m - 1 ? "small" : "tied" };
}

export interface AmplificationOrder {
  /** Leading coordinates in the order they take over (the dominant sequence), with the step and time and mean |x_j|. */
  order: DominantChange[];
  /**
   * "Minor first, major last": after dropping a first entry decided at the first recorded point
   * (set by the initialization, not by training), at least two entries remain and their
   * magnitudes never decrease.
   */
  minorFirst: boolean;
  /** The last leading coordinate has the largest data magnitude of all coordinates. */
  majorLast: boolean;
  /** Takeovers: entries after the first one. */
  switches: number;
  /** Set when there is no leader at all (see {@link NoLeader}). */
  none?: NoLeader;
}

/**
 * Amplification order from a dominant sequence (see {@link AmplificationOrder}). `firstStep` is
 * the first recorded step: an entry decided there is the initialization's leader and is dropped for
 * `minorFirst` (without `firstStep` the first entry is always dropped).
 */
export function amplificationOrder(order: readonly DominantChange[], magnitudes: readonly number[], firstStep?: number, none?: NoLeader): AmplificationOrder {
  const rest = order.length && (firstStep === undefined || order[0]!.step === firstStep) ? order.slice(1) : order.slice();
  let nondecreasing = true;
  for (let k = 1; k < rest.length; k++) if (rest[k]!.magnitude < rest[k - 1]!.magnitude) nondecreasing = false;
  let maxMag = -Infinity;
  for (const v of magnitudes) maxMag = Math.max(maxMag, v); // no spread: d can be 10⁶
  const last = order[order.length - 1];
  return {
    order: order.map((c) => ({ ...c })),
    minorFirst: rest.length >= 2 && nondecreasing,
    majorLast: last !== undefined && last.magnitude >= maxMag,
    switches: Math.max(0, order.length - 1),
    ...(none ? { none } : {}),
  };
}
