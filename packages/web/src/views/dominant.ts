/** The dominant-coordinate timeline: argmax_j |β_j| against steps, with the takeover steps in a note. */
import type { Chart } from "chart.js";
import { sequenceFromSeries } from "../state/runs.js";
import { h } from "../ui/dom.js";
import { coordLabel, fmtInt, fmtNum } from "../ui/format.js";
import { PALETTE, dataset, lineChart, type XY } from "./charts.js";
import { chartBox, commitLine, figure, pointIndices, resultOf, xs, type View, type ViewContext } from "./view.js";

export function dominantView(ctx: ViewContext): View {
  const box = chartBox("Dominant coordinate against steps");
  const note = h("p", { class: "note" });
  return {
    id: "dominant",
    key: "dominant",
    figure: figure(ctx, "dominant", "Dominant coordinate argmax_j |β_j|", false, box.box, note),
    draw() {
      const r = ctx.session.main();
      if (!r) return;
      const X = xs(ctx, r);
      const d = r.d || 1;
      const chart = ctx.charts.get("dominant", box.canvas, (c) =>
        lineChart(c, { xTitle: "step (log)", yTitle: "coordinate", xLog: true, legend: false, stepped: true, yMin: 0.5, yMax: d + 0.5, yTickLabel: (v) => coordLabel(v - 1), yTickValues: () => {
          const dd = ctx.session.main()?.d ?? d;
          const every = Math.ceil(dd / 12);
          return Array.from({ length: dd }, (_, j) => j + 1).filter((v) => (v - 1) % every === 0);
        } }),
      ) as Chart<"line", XY[]> | undefined;
      if (!chart) return;
      const s = r.series;
      const idx = pointIndices(ctx, r).filter((i) => s.l1[i]! > 0);
      const yScale = chart.options.scales!.y!;
      yScale.max = d + 0.5;
      chart.data.datasets = [dataset("dominant coordinate", PALETTE[4]!, idx.map((i) => ({ x: X[i]!, y: s.dominant[i]! + 1 })), { stepped: "after" })];
      commitLine(ctx, chart, box.legend);
      const res = resultOf(ctx, r);
      const seq = res
        ? res.dominantSequence.map((c) => `${coordLabel(c.coord)} (|x|=${fmtNum(c.magnitude, 3)}) from step ${fmtInt(c.step)}`)
        : sequenceFromSeries(s).map((c) => `${coordLabel(c.coord)} from step ${fmtInt(c.step)}`);
      const amp = res?.diagnostics?.amplification;
      const verdict = amp ? ` (minor first: ${amp.minorFirst ? "yes" : "no"}, major last: ${amp.majorLast ? "yes" : "no"})` : "";
      note.textContent = seq.length ? `Takeovers: ${seq.join(" → ")}${verdict}` : "";
    },
  };
}
