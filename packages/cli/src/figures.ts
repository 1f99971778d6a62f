/**
 * Renders the experiments' declarative figures (LineFigure, HeatmapFigure from @samlab/sim) to PNG
 * and SVG in Node: chart.js drawing on @napi-rs/canvas (a prebuilt Skia binding: no native build,
 * no system libraries), heatmaps with chartjs-chart-matrix; image figures (β as pixels) are drawn
 * directly on the canvas (a grid of small panels is simpler as pixels than as chart.js charts).
 */
import { createCanvas, SvgExportFlag, type SKRSContext2D } from "@napi-rs/canvas";
import { PALETTE, seriesColor } from "@samlab/sim/analysis";
import type { Figure, HeatmapFigure, ImageFigure, LineFigure } from "@samlab/sim/experiments";
import { Chart, registerables, type ChartConfiguration } from "chart.js";
import { MatrixController, MatrixElement } from "chartjs-chart-matrix";

Chart.register(...registerables, MatrixController, MatrixElement);
Chart.defaults.font.family = "DejaVu Sans, Liberation Sans, sans-serif";

// One palette and one set of names with the web page (labels.ts of @samlab/sim/analysis).
export { PALETTE };

const WIDTH = 900;
const HEIGHT = 520;

/** Log-axis tick labels: only 1, 2, 5 × 10^k, compactly (1e-3, 0.02, 500, 1e+4). */
function logTick(v: number | string): string {
  const x = Number(v);
  if (!(x > 0)) return "";
  const m = Math.round(x / 10 ** Math.floor(Math.log10(x) + 1e-9));
  if (m !== 1 && m !== 2 && m !== 5) return "";
  return x >= 1e-2 && x < 1e4 ? String(Number(x.toPrecision(1))) : x.toExponential(0);
}

function lineConfig(f: LineFigure): ChartConfiguration {
  return {
    type: "line",
    data: {
      datasets: f.series.map((s, i) => ({
        label: s.label,
        data: s.x.map((x, k) => ({ x, y: s.y[k]! })).filter((p) => Number.isFinite(p.y) && (!f.x.log || p.x > 0) && (!f.y.log || p.y > 0)),
        borderColor: seriesColor(s.label, i),
        backgroundColor: seriesColor(s.label, i),
        borderWidth: 2,
        borderDash: s.dashed ? [6, 4] : [],
        pointRadius: s.x.length <= 40 ? 3 : 0,
        tension: 0,
      })),
    },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      parsing: false,
      plugins: {
        title: { display: true, text: f.title, font: { size: 15 } },
        legend: { position: "bottom" },
      },
      scales: {
        x: { type: f.x.log ? "logarithmic" : "linear", title: { display: true, text: f.x.label }, ticks: f.x.log ? { callback: logTick, maxRotation: 0 } : {} },
        y: { type: f.y.log ? "logarithmic" : "linear", title: { display: true, text: f.y.label }, min: f.y.min, max: f.y.max, ticks: f.y.log ? { callback: logTick } : {} },
      },
    },
  } as ChartConfiguration;
}

/**
 * A data value's position on a heatmap axis measured in cells (cell k is centred at k): linear
 * interpolation between neighbouring grid values (in log for log axes), extrapolated past the ends.
 */
export function cellPosition(values: number[], v: number, log = false): number {
  const f = (a: number) => (log ? Math.log(a) : a);
  const n = values.length;
  if (n < 2) return 0;
  let k = 0;
  while (k < n - 2 && f(values[k + 1]!) < f(v)) k++;
  const a = f(values[k]!);
  const b = f(values[k + 1]!);
  return k + (f(v) - a) / (b - a);
}

/** Draws a heatmap's overlays (predicted boundaries dashed, region names boxed) over the cells. */
function overlayPlugin(f: HeatmapFigure) {
  return {
    id: "samlabOverlays",
    afterDatasetsDraw(chart: Chart) {
      const overlays = f.overlays ?? [];
      if (!overlays.length) return;
      const { ctx, chartArea: area, scales } = chart;
      const px = (x: number) => scales.x!.getPixelForValue(cellPosition(f.x.values, x, f.x.log));
      const py = (y: number) => scales.y!.getPixelForValue(cellPosition(f.y.values, y, f.y.log));
      ctx.save();
      ctx.beginPath();
      ctx.rect(area.left, area.top, area.width, area.height);
      ctx.clip();
      for (const o of overlays) {
        if (o.kind !== "line" || o.points.length < 2) continue;
        ctx.setLineDash(o.solid ? [] : [7, 5]);
        ctx.lineWidth = 2.5;
        ctx.strokeStyle = "#000000";
        ctx.beginPath();
        o.points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(px(x), py(y)) : ctx.lineTo(px(x), py(y))));
        ctx.stroke();
      }
      ctx.setLineDash([]);
      ctx.font = "bold 13px DejaVu Sans, sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      const box = (text: string, x: number, y: number) => {
        const w = ctx.measureText(text).width + 8;
        ctx.fillStyle = "rgba(255,255,255,0.8)";
        ctx.fillRect(x - w / 2, y - 9, w, 18);
        ctx.fillStyle = "#000000";
        ctx.fillText(text, x, y);
      };
      for (const o of overlays) if (o.kind === "text") box(o.text, px(o.at[0]), py(o.at[1]));
      // each boundary's label at its far end, pulled inside the plot
      ctx.font = "12px DejaVu Sans, sans-serif";
      for (const o of overlays) {
        if (o.kind !== "line" || o.points.length < 2) continue;
        const [x, y] = o.points.at(-1)!;
        const w = ctx.measureText(o.label).width / 2 + 6;
        box(o.label, Math.min(area.right - w, Math.max(area.left + w, px(x))), Math.min(area.bottom - 12, Math.max(area.top + 12, py(y))));
      }
      ctx.restore();
    },
  };
}

function heatmapConfig(f: HeatmapFigure): ChartConfiguration {
  const nx = f.x.values.length;
  const ny = f.y.values.length;
  const data = [];
  for (let iy = 0; iy < ny; iy++) for (let ix = 0; ix < nx; ix++) data.push({ x: ix, y: iy, v: f.cells[iy]![ix]! });
  // a legend through one empty dataset per class
  const legend: object[] = f.classes.map((c) => ({ type: "matrix" as const, label: c.label, data: [], backgroundColor: c.color }));
  if (f.overlays?.some((o) => o.kind === "line")) legend.push({ type: "line", label: "predicted boundary", data: [], borderColor: "#000000", backgroundColor: "#ffffff", borderDash: [7, 5], borderWidth: 2.5 });
  // ticks at cell centres, labelled with the grid values (about 8 per axis)
  const ticksAt = (values: number[]) => (axis: { ticks: { value: number }[] }) => {
    const every = Math.ceil(values.length / 8);
    axis.ticks = values.map((_, i) => ({ value: i })).filter((t) => t.value % every === 0);
  };
  const label = (values: number[]) => (v: number | string) => {
    const i = Number(v);
    return Number.isInteger(i) && i >= 0 && i < values.length ? Number(values[i]!.toPrecision(2)) : "";
  };
  return {
    type: "matrix",
    data: {
      datasets: [
        {
          label: "",
          data,
          backgroundColor: (ctx: { raw?: { v: number } }) => f.classes[ctx.raw?.v ?? 0]?.color ?? "#ccc",
          borderWidth: 0,
          width: ({ chart }: { chart: Chart }) => (chart.chartArea?.width ?? WIDTH) / nx,
          height: ({ chart }: { chart: Chart }) => (chart.chartArea?.height ?? HEIGHT) / ny,
        },
        ...legend,
      ],
    },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      plugins: {
        title: { display: true, text: f.title, font: { size: 15 } },
        legend: { position: "bottom", labels: { filter: (item: { text: string }) => item.text !== "" } },
        tooltip: { enabled: false },
      },
      scales: {
        x: { type: "linear", min: -0.5, max: nx - 0.5, offset: false, afterBuildTicks: ticksAt(f.x.values), ticks: { callback: label(f.x.values) }, grid: { display: false }, title: { display: true, text: f.x.label } },
        y: { type: "linear", reverse: false, min: -0.5, max: ny - 0.5, offset: false, afterBuildTicks: ticksAt(f.y.values), ticks: { callback: label(f.y.values) }, grid: { display: false }, title: { display: true, text: f.y.label } },
      },
    },
    plugins: [overlayPlugin(f)],
  } as unknown as ChartConfiguration;
}

export function chartConfig(f: Exclude<Figure, ImageFigure>): ChartConfiguration {
  return f.kind === "line" ? lineConfig(f) : heatmapConfig(f);
}

/** Diverging colour for v ∈ [−1, 1]: blue (#2166ac) – white – red (#b2182b). */
export function diverging(v: number): string {
  const t = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  const [r, g, b] = t >= 0 ? [178, 24, 43] : [33, 102, 172];
  const a = Math.abs(t);
  const mix = (c: number) => Math.round(255 + (c - 255) * a);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

/** Draws an ImageFigure: title, a grid of labelled panels, a colour bar. */
function drawImages(ctx: SKRSContext2D, f: ImageFigure): void {
  const rows = Math.ceil(f.panels.length / f.columns);
  const top = 40;
  const bottom = 50;
  const gapX = 16;
  const labelH = 18;
  const cell = Math.max(1, Math.floor(Math.min((WIDTH - 40 - gapX * (f.columns - 1)) / (f.columns * f.width), (HEIGHT - top - bottom - rows * labelH - 10 * (rows - 1)) / (rows * f.height))));
  const pw = cell * f.width;
  const ph = cell * f.height;
  const x0 = Math.round((WIDTH - (f.columns * pw + (f.columns - 1) * gapX)) / 2);
  ctx.fillStyle = "#000000";
  ctx.font = "bold 15px DejaVu Sans, sans-serif";
  ctx.textAlign = "center";
  ctx.fillText(f.title, WIDTH / 2, 24, WIDTH - 20);
  ctx.font = "12px DejaVu Sans, sans-serif";
  const range = f.range > 0 ? f.range : 1;
  f.panels.forEach((p, k) => {
    const col = k % f.columns;
    const row = Math.floor(k / f.columns);
    const px = x0 + col * (pw + gapX);
    const py = top + row * (ph + labelH + 10);
    ctx.fillStyle = "#000000";
    ctx.fillText(p.label, px + pw / 2, py + 13, pw + gapX);
    for (let i = 0; i < f.height; i++)
      for (let j = 0; j < f.width; j++) {
        ctx.fillStyle = diverging(p.values[i * f.width + j]! / range);
        ctx.fillRect(px + j * cell, py + labelH + i * cell, cell, cell);
      }
    ctx.strokeStyle = "#999999";
    ctx.strokeRect(px + 0.5, py + labelH + 0.5, pw - 1, ph - 1);
  });
  // colour bar
  const bw = 300;
  const bx = (WIDTH - bw) / 2;
  const by = HEIGHT - 34;
  for (let k = 0; k < bw; k++) {
    ctx.fillStyle = diverging((2 * k) / (bw - 1) - 1);
    ctx.fillRect(bx + k, by, 1, 10);
  }
  ctx.fillStyle = "#000000";
  const r = Number(range.toPrecision(2));
  ctx.fillText(`−${r}`, bx - 24, by + 10);
  ctx.fillText("0", bx + bw / 2, by + 24);
  ctx.fillText(`${r}`, bx + bw + 24, by + 10);
}

/** Draws the figure synchronously (animation off); the caller must `destroy()` the chart after reading the canvas (destroy clears it). */
function draw(ctx: SKRSContext2D, f: Figure): { destroy(): void } {
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, WIDTH, HEIGHT);
  if (f.kind === "image") {
    drawImages(ctx, f);
    return { destroy() {} };
  }
  return new Chart(ctx as unknown as CanvasRenderingContext2D, chartConfig(f));
}

/** The figure as PNG bytes. */
export async function renderPng(f: Figure): Promise<Uint8Array> {
  const canvas = createCanvas(WIDTH, HEIGHT);
  const chart = draw(canvas.getContext("2d"), f);
  const png = await canvas.encode("png");
  chart.destroy();
  return png;
}

/** The figure as an SVG document (text converted to paths, so it renders identically anywhere). */
export function renderSvg(f: Figure): string {
  const canvas = createCanvas(WIDTH, HEIGHT, SvgExportFlag.ConvertTextToPaths);
  const chart = draw(canvas.getContext("2d"), f);
  const svg = canvas.getContent().toString("utf8");
  chart.destroy();
  return svg;
}
