/**
 * The amplification order (docs/MODEL.md, "Amplification order"): which coordinate dominates β, in the order the
 * coordinates take over, read as "minor first, major last".
 */

export interface DominantChange {
  /** The coordinate (0-based) that becomes dominant. */
  coord: number;
  /** The first recorded step and time at which it is dominant. */
  step: number;
  t: number;
  /** Its data magnitude, mean_i |x_ij|. */
  magnitude: number;
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

