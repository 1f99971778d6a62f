/**
 * Chart helpers (chart.js, tree-shaken registration): line charts on log or linear axes with
 * decimated data, and a heatmap plugin for the phase diagram. Charts never animate; the element
 * decides when to call `update("none")` (at most once per animation frame, within a time budget).
 */
import {
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Title,
  Tooltip,
  type ChartDataset,
  type Plugin,
} from "chart.js";

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Title, Tooltip, Filler);

/** Okabe–Ito plus Tableau extras: distinguishable for common colour-vision deficiencies. */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#8C6D31", "#000000", "#F0E442", "#7F7F7F", "#9467BD", "#17BECF"];

export type XY = { x: number; y: number };

/** Indices of at most `max` points, evenly spread over [0, len), always keeping the last one. */
export function decimateIndices(len: number, max: number): number[] {
  if (len <= max) return Array.from({ length: len }, (_, i) => i);
  const out: number[] = [];
  const stride = (len - 1) / (max - 1);
  let last = -1;
  for (let k = 0; k < max; k++) {
    const i = Math.round(k * stride);
    if (i !== last) out.push(i);
    last = i;
  }
  return out;
}

export interface LineOptions {
  xTitle: string;
  yTitle: string;
  xLog?: boolean;
  yLog?: boolean;
  yMin?: number;
  yMax?: number;
  legend?: boolean;
  stepped?: boolean;
  /** Tick labels for an integer y axis (the dominant-coordinate timeline). */
  yTickLabel?: (v: number) => string;
}

export function lineChart(canvas: HTMLCanvasElement, o: LineOptions): Chart<"line", XY[]> {
  return new Chart(canvas, {
    type: "line",
    data: { datasets: [] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      spanGaps: true,
      events: ["mousemove", "mouseout", "click", "touchstart", "touchmove"],
      interaction: { mode: "nearest", intersect: false, axis: "x" },
      elements: { point: { radius: 0, hitRadius: 4 }, line: { borderWidth: 1.6, tension: 0, stepped: o.stepped ? "after" : false } },
      plugins: {
        legend: { display: o.legend ?? true, position: "bottom", labels: { boxWidth: 12, boxHeight: 2, font: { size: 11 } } },
        tooltip: { enabled: true, animation: false },
      },
      scales: {
        x: { type: o.xLog ? "logarithmic" : "linear", title: { display: true, text: o.xTitle }, ticks: { maxTicksLimit: 6, autoSkip: true } },
        y: {
          type: o.yLog ? "logarithmic" : "linear",
          title: { display: true, text: o.yTitle },
          ...(o.yMin !== undefined ? { min: o.yMin } : {}),
          ...(o.yMax !== undefined ? { max: o.yMax } : {}),
          ticks: {
            maxTicksLimit: 7,
            ...(o.yTickLabel ? { stepSize: 1, callback: (v: number | string) => o.yTickLabel!(Number(v)) } : {}),
          },
        },
      },
    },
  });
}

export function dataset(label: string, color: string, data: XY[], extra: Partial<ChartDataset<"line", XY[]>> = {}): ChartDataset<"line", XY[]> {
  return { label, data, borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 1.6, ...extra };
}

/** One heatmap cell, in data coordinates (its lower-left and upper-right corners) and its colour. */
export interface HeatCell {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  color: string;
}

/** Draws `cells` under the datasets of a chart with numeric x and y scales. */
export function heatmapPlugin(cells: () => HeatCell[]): Plugin<"scatter"> {
  return {
    id: "samlabHeatmap",
    beforeDatasetsDraw(chart) {
      const { ctx, scales, chartArea } = chart;
      const sx = scales.x!;
      const sy = scales.y!;
      ctx.save();
      ctx.beginPath();
      ctx.rect(chartArea.left, chartArea.top, chartArea.width, chartArea.height);
      ctx.clip();
      for (const c of cells()) {
        const left = sx.getPixelForValue(c.x0);
        const right = sx.getPixelForValue(c.x1);
        const top = sy.getPixelForValue(c.y1);
        const bottom = sy.getPixelForValue(c.y0);
        ctx.fillStyle = c.color;
        ctx.fillRect(left, top, right - left + 0.5, bottom - top + 0.5);
      }
      ctx.restore();
    },
  };
}

export function heatmapChart(canvas: HTMLCanvasElement, cells: () => HeatCell[], xTitle: string, yTitle: string, range: [number, number]): Chart<"scatter", XY[]> {
  return new Chart(canvas, {
    type: "scatter",
    data: { datasets: [{ label: "marker", data: [], pointRadius: 5, pointStyle: "crossRot", borderColor: "#000", borderWidth: 2 }] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      events: ["click", "mousemove", "mouseout"],
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
      scales: {
        x: { type: "logarithmic", min: range[0], max: range[1], title: { display: true, text: xTitle } },
        y: { type: "logarithmic", min: range[0], max: range[1], title: { display: true, text: yTitle } },
      },
    },
    plugins: [heatmapPlugin(cells)],
  });
}

export { Chart };
