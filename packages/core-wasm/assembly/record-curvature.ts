// The curvature columns of a record row (codes.json REC_BALANCE … REC_EDGE_SAM; docs/MODEL.md,
// "Curvature and balance"): the layer balance (always), λ_max, λ_min, their residuals and tr H (when
// the run records sharpness, else NaN), and the edges of stability 2/η_k and ℓ2-SAM's at the run's ρ (discrete runs).
// Called by model.ts `writeRecord` after every older column is written, so those keep their bits.
// TS mirror: packages/sim/src/engine/curvature.ts `writeCurvatureRow`.

import {
  REC_BALANCE, REC_LAMBDA_MAX, REC_LAMBDA_MAX_RES, REC_LAMBDA_MIN, REC_LAMBDA_MIN_RES, REC_TRACE_H, REC_EDGE_GD, REC_EDGE_SAM,
  ALGO_GD,
} from "./generated/codes";
import { balanceOf, samEdge } from "./math/curvature";
import { sharpnessAt, sharpnessOut, sharpnessReady } from "./sharpness";

// @ts-ignore: decorator
@inline function stf(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}
// @ts-ignore: decorator
@inline function ldf(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

/** η of the step that leaves the point being recorded; NaN: no edge (flows, the rescaled schedule). */
let edgeEta: f64 = NaN;
/** The loss-normalized schedule: the step is edgeEta / L(w). */
let edgePerLoss: bool = false;

/** Set by the discrete engine before each record (index.ts `record`). */
export function setEdgeStep(eta: f64, perLoss: bool): void {
  edgeEta = eta;
  edgePerLoss = perLoss;
}

/**
 * Writes the curvature columns of one row at W, for the margins (or residuals) z of the rows `rows`;
 * `gradNorm` is ‖∇L(w)‖₂ and `loss` is L(w), both already in the row.
 */
export function writeCurvatureColumns(
  row: usize, W: usize, rows: usize, z: usize, n: i32, d: i32, L: i32, kind: i32, algo: i32, rho: f64, gradNorm: f64, loss: f64,
): void {
  stf(row, REC_BALANCE, balanceOf(W, d, L));
  if (sharpnessReady()) {
    sharpnessAt(W, rows, z, kind);
    const o = sharpnessOut();
    stf(row, REC_LAMBDA_MAX, ldf(o, 0));
    stf(row, REC_LAMBDA_MAX_RES, ldf(o, 1));
    stf(row, REC_LAMBDA_MIN, ldf(o, 2));
    stf(row, REC_LAMBDA_MIN_RES, ldf(o, 3));
    stf(row, REC_TRACE_H, ldf(o, 4));
  } else {
    stf(row, REC_LAMBDA_MAX, NaN);
    stf(row, REC_LAMBDA_MAX_RES, NaN);
    stf(row, REC_LAMBDA_MIN, NaN);
    stf(row, REC_LAMBDA_MIN_RES, NaN);
    stf(row, REC_TRACE_H, NaN);
  }
  const eta = edgePerLoss ? edgeEta / loss : edgeEta;
  stf(row, REC_EDGE_GD, 2.0 / eta);
  // ℓ2-SAM's edge at the run's ρ; GD is ℓ2-SAM with ρ = 0 (edge 2/η). Other rules get ℓ2-SAM's line for reference.
  stf(row, REC_EDGE_SAM, samEdge(eta, algo == ALGO_GD ? 0 : rho, gradNorm));
}
