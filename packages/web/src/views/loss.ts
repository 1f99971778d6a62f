/** The training-loss chart (log–log). */
import type { Chart } from "chart.js";
import { PALETTE, dataset, lineChart, type XY } from "./charts.js";
import { chartBox, commitLine, figure, pointIndices, xs, type View, type ViewContext } from "./view.js";

export function lossView(ctx: ViewContext): View {
  const box = chartBox("Loss against steps, log axes");
  return {
    id: "loss",
    key: "loss",
    figure: figure(ctx, "loss", "Training loss", false, box.box),
    draw() {
      const r = ctx.session.main();
      if (!r) return;
      const X = xs(ctx, r);
      const chart = ctx.charts.get("loss", box.canvas, (c) => lineChart(c, { xTitle: "step (log)", yTitle: "loss (log)", xLog: true, yLog: true, legend: false })) as Chart<"line", XY[]> | undefined;
      if (!chart) return;
      const s = r.series;
      const idx = pointIndices(ctx, r).filter((i) => s.loss[i]! > 0);
      chart.data.datasets = [dataset("loss", PALETTE[0]!, idx.map((i) => ({ x: X[i]!, y: s.loss[i]! })))];
      commitLine(ctx, chart, box.legend);
    },
  };
}
