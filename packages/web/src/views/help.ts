/**
 * One sentence per panel on what it shows and how to read it, behind the panel's "?" button. The
 * regime names are the CLI's (`limitLabel` / REGIME_LABEL of @samlab/sim): zero, stalled, basis,
 * max-margin, not converged; a regression's (interpolators, least-squares minimum) appear in the
 * status line only.
 */
import { REGIME_LABEL } from "../ui/format.js";
import type { ViewId } from "./view.js";

const R = REGIME_LABEL;

/** Log axes cannot show step 0: every chart over steps starts at the first recorded step after it. */
const LOG_TIME = "against the step count on a log axis (log time: each tick is 10× more steps; it starts at the first recorded step, since step 0 has no place on a log axis)";

/** Keyed by view id (every id of VIEW_IDS has one: help.test.ts). */
export const HELP: Readonly<Record<ViewId | "weights", string>> = {
  shares: `Each coordinate's share |β_j| / ‖β‖₁ of the predictor ${LOG_TIME}: the line that climbs towards 1 is the coordinate x_j the predictor ends up using, and the order in which lines rise is the amplification order.`,
  loss: `The training loss ${LOG_TIME}, on a log scale too: a steady straight fall is the usual slow decay of separable data; a flat line at the starting loss means β never grew (the ${R.zero} regime).`,
  margins: `The smallest margin min_i y_i⟨β, x_i⟩ divided by ‖β‖₁, ‖β‖₂ and ‖w‖₂^L, ${LOG_TIME}: a curve that levels off means the direction of β has settled; its height is that direction's margin in that norm.`,
  cosine: `The cosine between β and the ℓ1 and ℓ2 max-margin directions, ${LOG_TIME}: a curve that reaches 1 means β turns towards that direction (the ${R["l1-max-margin"]} or ${R["l2-max-margin"]} regime).`,
  dominant: `Which coordinate x_j has the largest |β_j|, ${LOG_TIME}; the note lists each takeover and the amplification order — whether the minor coordinates (small |x_j|) led first and the major one last.`,
  image: "β drawn as an image, one pixel per data coordinate (image data such as digits): blue pixels push the prediction towards the first class, red towards the second, white pixels are unused.",
  compare: `The current spec run under the two algorithms chosen above, each coordinate's share of β ${LOG_TIME}: where the two panels differ is what the algorithm changes.`,
  phase: `Each cell is one run of the current spec from the initial scales α₁, α₂ of its position, coloured by the regime it ends in — the basis vector e₁ or e₂, ${R.zero} (β → 0), ${R.stalled} (the loss stops falling far from 0) or ${R["not-converged"]} — with the theory's boundaries dashed where it gives them; click a cell to open its run.`,
  table: "The main run's latest recorded values: the step and t = Σ η, the loss, the smallest margin and its normalized forms, and for each coordinate x_j its mean size |x_j|, β_j and its share of ‖β‖₁.",
  sharpness: `The largest eigenvalue λ_max of the loss's Hessian ${LOG_TIME}, with the edges of stability: above the dashed 2/η line a plain gradient step would be unstable, so a run that stays below it sits in a flat region.`,
  weights: "Each layer's weights w_l,j at the start and now, one row per layer and one column per coordinate x_j: β is their product, and this shows how the layers share it and whether they stay balanced.",
  balance: `How far the layers are from balanced, max_j (max_l w_lj² − min_l w_lj²), ${LOG_TIME}: gradient flow keeps it constant; finite steps and SAM's perturbation move it.`,
};
