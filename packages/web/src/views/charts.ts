/**
 * Chart helpers (chart.js, tree-shaken registration): line charts on log or linear axes with
 * decimated data, and a heatmap plugin for the phase diagram. Charts never animate; the element
 * decides when to call `update("none")` (at most once per animation frame, within a time budget).
 */
import { PALETTE } from "@samlab/sim/analysis";
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

/** The one palette of the page and the CLI's figures (labels.ts of @samlab/sim/analysis). */
export { PALETTE };

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

/**
 * Log axes start on the decade below their data and span at least one decade (a loss that sits at
 * 7e-218 gets [1e-218, 1e-217], not a sliver between two unlabelled values; never 0 or ∞: such points
 * are not drawn) and have
 * ticks at powers of ten only (at most ~7), every 1, 2, 5, 10, 20, 50 or 100 decades, at multiples
 * of that step (1e-50, 1e-40, … rather than 1e-53, 1e-45, …). Chart.js's default log ticks (1…9 per
 * decade) plus auto-skipping measure every label on every update, which cost tens of ms per chart.
 * Runs after chart.js built its ticks from the data range, before it lays the axis out.
 */
const DECADE_STEPS = [1, 2, 5, 10, 20, 50, 100];
interface LogAxis {
  ticks: { value: number }[];
  min: number;
  max: number;
  axis: string;
  width: number;
  height: number;
  isHorizontal(): boolean;
  options: { min?: unknown; max?: unknown };
  chart: { data: { datasets: { data: unknown[] }[] } };
}
/** The positive finite data of the axis's coordinate ("x" or "y") over every dataset: [min, max]. */
function positiveRange(axis: LogAxis): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const ds of axis.chart.data.datasets) {
    for (const p of ds.data) {
      const v = (p as Record<string, number> | null)?.[axis.axis];
      if (typeof v === "number" && v > 0 && Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}
function decadeTicks(axis: LogAxis): void {
  const range = positiveRange(axis);
  if (range) {
    const a = Math.max(-300, Math.floor(Math.log10(range[0]) + 1e-9));
    // the top stays at the data (no empty decade on the right of a 2·10⁵-step run) unless the data
    // spans less than a decade above the bottom one: then the next decade up
    const top = Math.log10(range[1]) - a < 1 ? 10 ** (a + 1) : range[1];
    if (axis.options.min === undefined) axis.min = 10 ** a;
    if (axis.options.max === undefined) axis.max = Math.min(top, 1e300);
  }
  const lo = Math.ceil(Math.log10(Math.max(axis.min, 1e-300)) - 1e-9);
  const hi = Math.floor(Math.log10(Math.max(axis.max, 1e-300)) + 1e-9);
  const span = hi - lo + 1;
  // as many labels as fit (a label such as "100,000" needs ~64 px across, a row ~24 px), at most 7
  const room = Math.floor(axis.isHorizontal() ? axis.width / 64 : axis.height / 24);
  const most = Number.isFinite(room) && room > 0 ? Math.max(2, Math.min(7, room)) : 7;
  const every = DECADE_STEPS.find((s) => Math.ceil(span / s) <= most) ?? Math.ceil(span / most);
  const ticks: { value: number }[] = [];
  for (let k = Math.ceil(lo / every) * every; k <= hi; k += every) ticks.push({ value: 10 ** k });
  if (ticks.length) axis.ticks = ticks;
}

/** Labels of decade ticks: 1, 10, …, 100,000, 1e6, 1e7 … and 0.1, 0.01, 0.001, 1e-4 … */
function decadeLabel(v: number | string): string {
  const x = Number(v);
  const k = Math.round(Math.log10(x));
  if (k >= 0 && k <= 5) return x.toLocaleString("en-US");
  if (k < 0 && k >= -3) return String(Number(x.toPrecision(1)));
  return `1e${k}`;
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
  /** Exact tick values for the y axis (e.g. the integers 1…d). */
  yTickValues?: () => number[];
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
        legend: { display: o.legend ?? false, position: "bottom", labels: { boxWidth: 12, boxHeight: 2, font: { size: 11 } } },
        tooltip: { enabled: true, animation: false },
      },
      scales: {
        x: {
          type: o.xLog ? "logarithmic" : "linear",
          title: { display: true, text: o.xTitle },
          ticks: { maxTicksLimit: 6, autoSkip: !o.xLog, maxRotation: 0, ...(o.xLog ? { callback: decadeLabel } : {}) },
          ...(o.xLog ? { afterBuildTicks: decadeTicks } : {}),
        },
        y: {
          type: o.yLog ? "logarithmic" : "linear",
          title: { display: true, text: o.yTitle },
          ...(o.yLog ? { afterBuildTicks: decadeTicks } : {}),
          ...(o.yTickValues ? { afterBuildTicks: (axis: { ticks: { value: number }[] }) => (axis.ticks = o.yTickValues!().map((value) => ({ value }))) } : {}),
          ...(o.yMin !== undefined ? { min: o.yMin } : {}),
          ...(o.yMax !== undefined ? { max: o.yMax } : {}),
          ticks: {
            maxTicksLimit: 7,
            ...(o.yLog ? { callback: decadeLabel } : {}),
            ...(o.yTickLabel ? { callback: (v: number | string) => o.yTickLabel!(Number(v)) } : {}),
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

/** A dashed reference line: vertical at `x` or horizontal at `y` across the plot, or a polyline through `points` (data coordinates). */
export interface Guide {
  x?: number;
  y?: number;
  points?: [number, number][];
}

/** Draws `cells` (and dashed `guides` over them) under the datasets of a chart with numeric x and y scales. */
export function heatmapPlugin(cells: () => HeatCell[], cursor: () => HeatCell | undefined = () => undefined, guides: Guide[] = []): Plugin<"scatter"> {
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
      if (guides.length) {
        ctx.save();
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 2;
        ctx.strokeStyle = "#111";
        ctx.beginPath();
        for (const g of guides) {
          if (g.x !== undefined) {
            const px = sx.getPixelForValue(g.x);
            ctx.moveTo(px, chartArea.top);
            ctx.lineTo(px, chartArea.bottom);
          }
          if (g.y !== undefined) {
            const py = sy.getPixelForValue(g.y);
            ctx.moveTo(chartArea.left, py);
            ctx.lineTo(chartArea.right, py);
          }
          g.points?.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(sx.getPixelForValue(x), sy.getPixelForValue(y)) : ctx.lineTo(sx.getPixelForValue(x), sy.getPixelForValue(y))));
        }
        ctx.stroke();
        ctx.restore();
      }
      const c = cursor();
      if (c) {
        // The keyboard cursor: a thick outline around the focused cell.
        const left = sx.getPixelForValue(c.x0);
        const top = sy.getPixelForValue(c.y1);
        ctx.lineWidth = 3;
        ctx.strokeStyle = "#000";
        ctx.strokeRect(left + 1.5, top + 1.5, sx.getPixelForValue(c.x1) - left - 3, sy.getPixelForValue(c.y0) - top - 3);
      }
      ctx.restore();
    },
  };
}

/** 1, 2, 5 × 10^k ticks inside the axis range (the phase diagram's α axes span two decades). */
function niceLogTicks(axis: { ticks: { value: number }[]; min: number; max: number }): void {
  const out: { value: number }[] = [];
  for (let k = Math.floor(Math.log10(axis.min)); k <= Math.ceil(Math.log10(axis.max)); k++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** k;
      if (v >= axis.min * 0.999 && v <= axis.max * 1.001) out.push({ value: Number(v.toPrecision(6)) });
    }
  }
  axis.ticks = out;
}

export function heatmapChart(canvas: HTMLCanvasElement, cells: () => HeatCell[], xTitle: string, yTitle: string, range: [number, number], cursor?: () => HeatCell | undefined, guides: Guide[] = []): Chart<"scatter", XY[]> {
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
        x: { type: "logarithmic", min: range[0], max: range[1], title: { display: true, text: xTitle }, afterBuildTicks: niceLogTicks, ticks: { autoSkip: false, maxRotation: 0 } },
        y: { type: "logarithmic", min: range[0], max: range[1], title: { display: true, text: yTitle }, afterBuildTicks: niceLogTicks, ticks: { autoSkip: false } },
      },
    },
    plugins: [heatmapPlugin(cells, cursor, guides)],
  });
}

export { Chart };
