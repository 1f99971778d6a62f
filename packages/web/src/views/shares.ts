/** The coordinate-shares chart: |β_j| / ‖β‖₁ of each coordinate against steps (log axis). */
import type { Chart } from "chart.js";
import type { RunView } from "../state/runs.js";
import { coordColor, coordLabel, fmtNum } from "../ui/format.js";
import { dataset, lineChart, type XY } from "./charts.js";
import { chartBox, commitLine, figure, pointIndices, setNa, xs, type ChartBox, type View, type ViewContext } from "./view.js";

/** Coordinates drawn (the largest current shares when d is larger). */
const MAX_LINES = 12;

/** Draws run `r`'s shares into the chart `id` of `box`; also used by the comparison view. */
export function drawShares(ctx: ViewContext, id: string, box: ChartBox, r: RunView): void {
  const X = xs(ctx, r);
  const chart = ctx.charts.get(id, box.canvas, (c) => lineChart(c, { xTitle: "step (log)", yTitle: "share", xLog: true, yMin: 0, yMax: 1 })) as Chart<"line", XY[]> | undefined;
  if (!chart) return;
  const s = r.series;
  if (r.error) setNa(box, `Run failed: ${r.error}`);
  else if (s.step.length > 0 && s.beta.length === 0) setNa(box, "β is not recorded for this run (record.beta is false)");
  else setNa(box, null);
  const idx = pointIndices(ctx, r);
  const last = s.beta[s.beta.length - 1];
  const d = r.d || (last?.length ?? 0);
  let coords = Array.from({ length: d }, (_, j) => j);
  if (d > MAX_LINES && last) {
    const l1 = last.reduce((a, v) => a + Math.abs(v), 0) || 1;
    coords = coords.sort((i, j) => Math.abs(last[j]!) / l1 - Math.abs(last[i]!) / l1).slice(0, MAX_LINES).sort((i, j) => i - j);
  }
  chart.data.datasets = coords.map((j) =>
    dataset(`${coordLabel(j)} (|x|=${fmtNum(r.magnitudes[j], 3)})`, coordColor(j), idx.map((i) => {
      const b = s.beta[i];
      const l1 = s.l1[i]!;
      return { x: X[i]!, y: b && l1 > 0 ? Math.abs(b[j]!) / l1 : NaN };
    })),
  );
  commitLine(ctx, chart, box.legend);
}

export function sharesView(ctx: ViewContext): View {
  const box = chartBox("Share of each coordinate of beta against steps, log axis");
  return {
    id: "shares",
    key: "shares",
    figure: figure(ctx, "shares", "Coordinate shares |β_j| / ‖β‖₁", false, box.box),
    draw() {
      const main = ctx.session.main();
      if (main) drawShares(ctx, "shares", box, main);
    },
  };
}
