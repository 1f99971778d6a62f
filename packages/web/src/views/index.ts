/** Every view, by id: adding a view is one module in this folder and one line here (see README). */
import { balanceView, sharpnessView } from "./curvature.js";
import { compareView } from "./compare.js";
import { cosineView } from "./cosine.js";
import { dominantView } from "./dominant.js";
import { imageView } from "./image.js";
import { lossView } from "./loss.js";
import { marginsView } from "./margins.js";
import { phaseView } from "./phase.js";
import { sharesView } from "./shares.js";
import { tableView } from "./table.js";
import type { View, ViewContext, ViewId } from "./view.js";
import { weightsView } from "./weights.js";

export function createView(id: ViewId, ctx: ViewContext): View {
  switch (id) {
    case "shares":
      return sharesView(ctx);
    case "loss":
      return lossView(ctx);
    case "margins":
      return marginsView(ctx);
    case "cosine":
      return cosineView(ctx);
    case "dominant":
      return dominantView(ctx);
    case "image":
      return imageView(ctx);
    case "compare":
      return compareView(ctx);
    case "phase":
      return phaseView(ctx);
    case "table":
      return tableView(ctx);
    case "sharpness":
      return sharpnessView(ctx);
    case "balance":
      return balanceView(ctx);
    case "weights":
      return weightsView(ctx);
  }
}

export { VIEW_IDS, type View, type ViewId } from "./view.js";
export type { PhaseView } from "./phase.js";
