/**
 * The limit classifier's types (limit.ts decides classifications, limit-regression.ts regressions;
 * both read these, so neither imports the other's types).
 */
import type { LimitKind } from "./labels.js";

/** The thresholds (the spec's `diagnostics` options of the same names; `tolerance` is `diagnostics.limitTolerance`). */
export interface LimitTolerances {
  /**
   * ℓ2 distance between unit directions at or under which the final direction matches a candidate;
   * for a regression, the relative distance ‖β − β_ref‖₂/‖β_ref‖₂ at or under which β matches a reference point.
   */
  tolerance: number;
  /** `zero` needs |L_T − ℓ(0)| ≤ zeroLoss·ℓ(0): the loss never left its value at β = 0. */
  zeroLoss: number;
  /** `zero` needs max_i |<β_T, x_i>| ≤ zeroPrediction · max_i ‖x_i‖₂: predictions negligible at the data's scale. */
  zeroPrediction: number;
  /** `stalled` needs L_T ≥ stallLoss·ℓ(0): the loss stays far from 0. */
  stallLoss: number;
  /** `stalled` needs L_mid − L_T ≤ flatLoss·L_T: the loss stopped falling over the second half of the run. */
  flatLoss: number;
  /** Regression: the run fits the training data (an interpolator kind or `interpolating`) when L_T ≤ fitLoss·ℓ(0). */
  fitLoss: number;
}

/**
 * The reference points a run is compared with. Classification: the ℓ1/ℓ2/ℓ∞ max-margin directions.
 * Regression (squared loss): l1 and l2 are the minimum-ℓ1 and minimum-ℓ2 interpolators (points, not
 * directions), and leastSquares the least-squares minimizer when no β interpolates.
 */
export type LimitReferences = Partial<Record<"l1" | "l2" | "linf" | "leastSquares", readonly number[]>>;

/** What the classifier reads: β at the start, at the look-back point and at the end, and the data. */
export interface LimitInput {
  /** β at the start (from the init), at the look-back point (step ⌊T/2⌋; flows: the last recorded point with t ≤ t_T/2), and at the end. */
  beta0: ArrayLike<number>;
  betaMid: ArrayLike<number>;
  beta: ArrayLike<number>;
  /** The training data (x: n×d row-major, y: ±1); predictions <β, x_i> and the loss are computed from β. */
  data: { x: ArrayLike<number>; y: ArrayLike<number>; n: number; d: number };
  depth: number;
  /** For "squared" (regression) y holds real targets, the loss is ½(<β, x_i> − y_i)² and no max-margin references apply. */
  lossKind: "logistic" | "exponential" | "squared";
}

export interface LimitClassification {
  kind: LimitKind;
  /** 0-based j whenever the final direction is within tolerance of ±e_j (also for a max-margin kind whose reference is e_j). */
  coord?: number;
  sign?: 1 | -1;
  /** For "not-converged": the nearest candidate (with coord for a basis vector) and its distance at the look-back point and at the end. */
  nearest?: { kind: LimitKind; coord?: number; distance: number; distanceMid: number };
  /**
   * Classification: ℓ2 distances of the unit direction β/‖β‖₂ to each candidate (basis = the nearest
   * ±e_j, always present; l1/l2/linf when references are given), Infinity when β = 0. Regression: the
   * relative distances ‖β − β_ref‖₂/‖β_ref‖₂ to the references given (l1, l2: the minimum-ℓp
   * interpolators; leastSquares), no basis.
   */
  distances: { basis?: number; l1?: number; l2?: number; linf?: number; leastSquares?: number };
  /** The numbers that decided it (see the rules of {@link classifyLimit}). */
  evidence: {
    /** L(β_T), L(β_mid), ℓ(0). */
    loss: number;
    lossMid: number;
    lossAtZero: number;
    /** max_i |<β, x_i>| at T, mid, 0. */
    prediction: number;
    predictionMid: number;
    prediction0: number;
    /** max_i ‖x_i‖₂. */
    dataScale: number;
    /** ‖β_T − β_mid‖₂ / ‖β_T‖₂ (Infinity when β_T = 0 and β_mid ≠ 0; 0 when both are 0). */
    movement: number;
  };
  /** The thresholds used (the spec's `diagnostics` options with defaults). */
  tolerances: LimitTolerances;
}
