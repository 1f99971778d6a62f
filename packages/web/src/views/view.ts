/**
 * What every view is and what it may read. A view is one figure of the explorer (one chart or
 * panel); it builds its DOM once, and redraws only when the scheduler (views/scheduler.ts) calls
 * `draw()` — at most once per animation frame, after something marked its key dirty.
 */
import type { Result } from "@samlab/sim";
import type { Chart } from "chart.js";
import type { RunView } from "../state/runs.js";
import type { ExplorerStore } from "../state/store.js";
import { h, type Child } from "../ui/dom.js";
import type { RunSession, SessionTopics } from "../worker/session.js";
import { decimateIndices, type XY } from "./charts.js";
import { HELP } from "./help.js";

export const VIEW_IDS = ["shares", "loss", "margins", "cosine", "dominant", "image", "compare", "phase", "table", "sharpness", "balance", "weights"] as const;
export type ViewId = (typeof VIEW_IDS)[number];

/** Points per line drawn (decimated from the recorded points). */
export const MAX_POINTS_DRAWN = 150;

export type AnyChart = Chart<"line", XY[]> | Chart<"scatter", XY[]>;

/**
 * The element's charts by id, in creation order (the PNG export draws them in this order). A chart
 * is created on its first draw, when its canvas is in the document.
 */
export class ChartSet {
  readonly map = new Map<string, AnyChart>();

  get<C extends AnyChart>(id: string, canvas: HTMLCanvasElement, make: (c: HTMLCanvasElement) => C): C | undefined {
    let c = this.map.get(id);
    if (c) return c as C;
    if (!canvas.isConnected) return undefined;
    c = make(canvas);
    this.map.set(id, c);
    return c as C;
  }

  /** Destroys one chart (it is made again, with new axes, on its next draw). */
  drop(id: string): void {
    this.map.get(id)?.destroy();
    this.map.delete(id);
  }

  destroyAll(): void {
    for (const c of this.map.values()) c.destroy();
    this.map.clear();
  }
}

/** What a view reads (the model) and the two things it may ask for (a redraw, a frame). */
export interface ViewContext {
  readonly uid: string;
  readonly store: ExplorerStore;
  readonly session: RunSession;
  readonly charts: ChartSet;
  /** Marks a redraw key dirty; the scheduler draws it on a later frame. */
  mark(key: string): void;
  /** Makes sure a frame is scheduled. */
  kick(): void;
  /** Opens a spec as the main run (the phase diagram's cells). */
  open(spec: unknown): void;
  /** Compares another pair of algorithms (the element's `compare` attribute; restarts the runs). */
  setCompare(pair: [string, string]): void;
  /** The pair being compared now (the `compare` attribute, else the default pair): what the panel's selects show. */
  comparePair(): [string, string];
  /** Subscribes to the run session's news for as long as the view is on the page. */
  listen<K extends keyof SessionTopics>(topic: K, handler: (...args: SessionTopics[K]) => void): void;
}

export interface View {
  readonly id: ViewId;
  /** The scheduler's key for this view ("cmp" for the comparison view). */
  readonly key: string;
  readonly figure: HTMLElement;
  /** Redraws from the model. Called by the scheduler, one view per frame. */
  draw(): void;
}

/** The result that annotates a run's views: its own, else the main run's finished Result. */
export function resultOf(ctx: ViewContext, r: RunView): Result | undefined {
  return r.result ?? ctx.store.result;
}

/**
 * A figure with its caption (the view's accessible name) and its help: a "?" button (aria-expanded)
 * that shows one sentence on what the panel shows and how to read it (views/help.ts).
 */
export function figure(ctx: ViewContext, id: ViewId, caption: string, wide = false, ...content: Child[]): HTMLElement {
  const capId = `${ctx.uid}-cap-${id}`;
  const helpId = `${ctx.uid}-help-${id}`;
  const help = h("p", { class: "help", id: helpId, hidden: true }, HELP[id]);
  const toggle = h("button", { type: "button", class: "help-toggle", "aria-expanded": "false", "aria-controls": helpId, "aria-label": "What this panel shows", title: "What this panel shows" }, "?");
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    help.hidden = !open;
  });
  return h("figure", { class: wide ? "wide" : undefined, "data-view": id, "aria-labelledby": capId }, h("div", { class: "fighead" }, h("figcaption", { id: capId }, caption), toggle), help, ...content);
}

/** A chart's canvas, its "not available" overlay and its HTML legend. */
export interface ChartBox {
  box: HTMLElement;
  canvas: HTMLCanvasElement;
  na: HTMLElement;
  legend: HTMLElement;
}

export function chartBox(label: string): ChartBox {
  const canvas = h("canvas", { role: "img", "aria-label": label });
  const na = h("div", { class: "na", hidden: true });
  const legend = h("div", { class: "legend", "aria-hidden": "true" });
  return { box: h("div", {}, h("div", { class: "chart" }, canvas, na), legend), canvas, na, legend };
}

/** Shows `text` over the chart (why it is empty), or hides the overlay (`null`). */
export function setNa(box: ChartBox, text: string | null): void {
  box.na.textContent = text ?? "";
  box.na.hidden = text === null;
}

/** The x values of a run's recorded points: t for flows, the step count otherwise. */
export function xs(ctx: ViewContext, r: RunView): number[] {
  return ctx.store.isFlow() ? r.series.t : r.series.step;
}

export function xTitle(ctx: ViewContext): string {
  return ctx.store.isFlow() ? "t (log)" : "step (log)";
}

/** Decimated indices of recorded points with 0 < x < ∞ (log axes cannot show step 0, t = 0 or t = ∞). */
export function pointIndices(ctx: ViewContext, r: RunView): number[] {
  const s = xs(ctx, r);
  let first = 0;
  while (first < s.length && !(s[first]! > 0)) first++;
  // nor t = ∞ (a clock that overflowed f64): such trailing points are left out
  let end = s.length;
  while (end > first && !Number.isFinite(s[end - 1]!)) end--;
  return decimateIndices(end - first, MAX_POINTS_DRAWN).map((i) => i + first);
}

/**
 * Updates a line chart and its HTML legend. The legend is HTML (rebuilt only when the labels
 * change) because chart.js's canvas legend re-measures its text on every update: about half of
 * an update's cost.
 */
export function commitLine(ctx: ViewContext, chart: Chart<"line", XY[]>, legend: HTMLElement | undefined): void {
  const x = chart.options.scales!.x! as { title?: { text?: string } };
  if (x.title) x.title.text = xTitle(ctx);
  chart.update("none");
  if (!legend) return;
  const items = chart.data.datasets.length > 1 ? chart.data.datasets.map((d) => [String(d.label ?? ""), String(d.borderColor ?? "")] as const) : [];
  const key = JSON.stringify(items);
  if (legend.dataset.key === key) return;
  legend.dataset.key = key;
  legend.replaceChildren(...items.map(([label, color]) => h("span", {}, h("span", { class: "swatch", style: `background:${color}` }), label)));
}
