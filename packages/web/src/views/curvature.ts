/**
 * The curvature views (docs/MODEL.md, "Curvature and balance"): λ_max of the Hessian against steps with
 * the edges of stability 2/η and ℓ2-SAM's, and the layer balance. λ_max is computed in the worker,
 * by the engine, when the spec records sharpness (the "Sharpness" checkbox: record.sharpness).
 */
import type { Chart } from "chart.js";
import { h } from "../ui/dom.js";
import { PALETTE, dataset, lineChart, type XY } from "./charts.js";
import { chartBox, commitLine, figure, pointIndices, setNa, xs, type View, type ViewContext } from "./view.js";

/** What the sharpness chart's lines mean (shown under it). */
export const SHARPNESS_NOTE =
  "λ_max is the largest eigenvalue of the loss's Hessian; gradient descent with step η is unstable along directions sharper than 2/η (dashed), and ℓ2-SAM already above its lower edge (dotted), which moves with ‖∇L‖.";

export function sharpnessView(ctx: ViewContext): View {
  const box = chartBox("Sharpness λ_max against steps, with the edges of stability");
  return {
    id: "sharpness",
    key: "sharpness",
    figure: figure(ctx, "sharpness", "Sharpness λ_max and the edges of stability", false, box.box, h("p", { class: "note" }, SHARPNESS_NOTE)),
    draw() {
      const r = ctx.session.main();
      if (!r) return;
      const X = xs(ctx, r);
      const chart = ctx.charts.get("sharpness", box.canvas, (c) => lineChart(c, { xTitle: "step (log)", yTitle: "λ_max (log)", xLog: true, yLog: true })) as Chart<"line", XY[]> | undefined;
      if (!chart) return;
      const s = r.series;
      const on = ctx.store.spec?.record.sharpness === true;
      setNa(box, on ? null : "Tick “Sharpness” under Measure to compute λ_max.");
      const idx = pointIndices(ctx, r);
      const pts = (col: number[]) => idx.filter((i) => col[i]! > 0).map((i) => ({ x: X[i]!, y: col[i]! }));
      const sam = ctx.store.spec?.algo !== "gd";
      chart.data.datasets = on
        ? [
            dataset("λ_max", PALETTE[0]!, pts(s.lambdaMax)),
            dataset("2/η (GD edge)", PALETTE[7]!, pts(s.edgeGD), { borderDash: [6, 4] }),
            ...(sam ? [dataset("ℓ2-SAM edge", PALETTE[4]!, pts(s.edgeSAM), { borderDash: [2, 3] })] : []),
          ]
        : [];
      commitLine(ctx, chart, box.legend);
    },
  };
}

export function balanceView(ctx: ViewContext): View {
  const box = chartBox("Layer balance against steps");
  return {
    id: "balance",
    key: "balance",
    figure: figure(ctx, "balance", "Layer balance max_j [max_l w_lj² − min_l w_lj²]", false, box.box),
    draw() {
      const r = ctx.session.main();
      if (!r) return;
      const X = xs(ctx, r);
      const chart = ctx.charts.get("balance", box.canvas, (c) => lineChart(c, { xTitle: "step (log)", yTitle: "balance", xLog: true, legend: false })) as Chart<"line", XY[]> | undefined;
      if (!chart) return;
      const s = r.series;
      chart.data.datasets = [dataset("balance", PALETTE[2]!, pointIndices(ctx, r).map((i) => ({ x: X[i]!, y: s.balance[i]! })))];
      commitLine(ctx, chart, box.legend);
    },
  };
}
