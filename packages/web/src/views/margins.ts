/** The normalized-margins chart: γ/‖β‖₁, γ/‖β‖₂ and γ/‖w‖₂^L against steps. */
import type { Chart } from "chart.js";
import { PALETTE, dataset, lineChart, type XY } from "./charts.js";
import { chartBox, commitLine, figure, pointIndices, xs, type View, type ViewContext } from "./view.js";

export function marginsView(ctx: ViewContext): View {
  const box = chartBox("Normalized margins against steps");
  return {
    id: "margins",
    key: "margins",
    figure: figure(ctx, "margins", "Normalized margins", false, box.box),
    draw() {
      const r = ctx.session.main();
      if (!r) return;
      const X = xs(ctx, r);
      const chart = ctx.charts.get("margins", box.canvas, (c) => lineChart(c, { xTitle: "step (log)", yTitle: "normalized margin", xLog: true })) as Chart<"line", XY[]> | undefined;
      if (!chart) return;
      const s = r.series;
      const L = ctx.store.spec?.depth ?? 1;
      const idx = pointIndices(ctx, r);
      const safe = (a: number, b: number) => (b > 0 ? a / b : NaN);
      chart.data.datasets = [
        dataset("γ / ‖β‖₁", PALETTE[0]!, idx.map((i) => ({ x: X[i]!, y: safe(s.minMargin[i]!, s.l1[i]!) }))),
        dataset("γ / ‖β‖₂", PALETTE[1]!, idx.map((i) => ({ x: X[i]!, y: safe(s.minMargin[i]!, s.l2[i]!) }))),
        dataset(`γ / ‖w‖₂^${L}`, PALETTE[2]!, idx.map((i) => ({ x: X[i]!, y: safe(s.minMargin[i]!, s.wNorm[i]! ** L) }))),
      ];
      commitLine(ctx, chart, box.legend);
    },
  };
}
