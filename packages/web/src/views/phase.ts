/**
 * The phase diagram of the current spec over (α₁, α₂), the initial scales of the first two
 * coordinates (state/phase-grid.ts builds the cells from the spec), filled cell by cell by the
 * worker's phase job once the main run stops, with the predicted boundaries dashed where the theory
 * gives them. A click, or the arrow keys and Enter, open a cell's run. The job's state lives in the
 * store (it survives a rebuild of the views); this module starts it, folds its messages in, and
 * draws it. A new spec starts a new diagram unless only α₁, α₂ (a clicked cell) or the name changed.
 */
import { dataCount, dataDimension, type Spec } from "@samlab/sim";
import { predictedBoundaries } from "@samlab/sim/experiments";
import type { Chart } from "chart.js";
import { h } from "../ui/dom.js";
import { ALGO_LABEL, coordLabel, fmtInt, fmtNum, REGIME_LABEL } from "../ui/format.js";
import type { PhaseMessage } from "../worker/session.js";
import { heatmapChart, type HeatCell, type XY } from "./charts.js";
import { PHASE_CLASSES, cellSpec, classColor, classLabel, phaseSetup, predictedCell, type PhaseSetup } from "../state/phase-grid.js";
import { chartBox, figure, setNa, type View, type ViewContext } from "./view.js";

export interface PhaseView extends View {
  /** Starts the diagram if the last start asked for it (`store.phaseWanted`); called when the main run stops. */
  startWanted(): void;
}

/** Opens phase cell (i, j) as the main run: exactly the cell's spec. */
export function openCell(ctx: ViewContext, i: number, j: number): void {
  const p = ctx.store.phase;
  if (!p) return;
  ctx.open(cellSpec(p.setup, i, j));
}

/** "α₁ (initial scale of coordinate 1, x₁ = 1)": the experiment's axis titles, with x_j when there is one example. */
function axisTitle(setup: PhaseSetup, k: 0 | 1): string {
  const sub = "₁₂"[k]!;
  return `α${sub} (initial scale of coordinate ${k + 1}${setup.x ? `, x${sub} = ${fmtNum(setup.x[k])}` : ""})`;
}

/** What the cells run, in one sentence, and what the prediction is (or why there is none). */
function setupText(spec: Spec, setup: PhaseSetup): string {
  const s = spec as Spec & { lrSchedule?: string; mode?: string };
  const sched = s.mode === "flow" ? "the flow" : `η = ${s.lr}${s.lrSchedule && s.lrSchedule !== "constant" ? ` (${s.lrSchedule})` : ""}`;
  const others = setup.d === 3 ? "x₃ keeps its α" : `x₃…${coordLabel(setup.d - 1)} keep their α`;
  // a regression's own kinds (an interpolator, the least-squares minimum) have no cell colour of their own
  const regression = spec.loss === "squared" ? `; a regression's limits other than ${REGIME_LABEL.zero} and ${REGIME_LABEL.stalled} (${REGIME_LABEL["l1-interpolator"]}, ${REGIME_LABEL["l2-interpolator"]}, ${REGIME_LABEL.interpolating}, ${REGIME_LABEL["least-squares"]}) count as not converged` : "";
  const rest = `${setup.d > 2 ? `; ${others} (a limit e₃ or beyond counts as not converged)` : ""}${regression}`;
  const steps = `${fmtInt(setup.cellSteps)} ${s.mode === "flow" ? "integrator steps at most" : "steps"}${setup.capped ? " (fewer than the spec's, to keep the diagram fast)" : ""}`;
  const run = `Every cell is the current spec — ${ALGO_LABEL[spec.algo]}, L = ${spec.depth}, ρ = ${spec.rho}, ${spec.loss} loss, ${sched}, ${steps} — from balanced layers with α₁, α₂ as on the axes${rest}.`;
  const pred = setup.mu
    ? setup.d === 2
      ? " Dashed: the boundaries the theory predicts (a coordinate survives iff α_j > ρ; among survivors the largest x_j·(α_j − ρ)^(L−2) wins)."
      : " The prediction (a coordinate survives iff α_j > ρ; among survivors the largest x_j·(α_j − ρ)^(L−2) wins) is counted cell by cell."
    : ` No prediction for this setting: ${setup.why}.`;
  return run + pred;
}

export function phaseView(ctx: ViewContext): PhaseView {
  const store = ctx.store;
  const guideKey = h("span", {}, h("span", { class: "swatch guide" }), "predicted boundaries");
  const legend = h("div", { class: "legend" }, ...PHASE_CLASSES.map((c) => h("span", {}, h("span", { class: "swatch", style: `background:${c.color}` }), c.label)), guideKey);
  const box = chartBox("Phase diagram over the initial sizes alpha 1 and alpha 2; click a cell, or use the arrow keys and Enter, to open that run");
  const canvas = box.canvas;
  canvas.setAttribute("tabindex", "0");
  canvas.setAttribute("role", "application");
  canvas.setAttribute("aria-roledescription", "phase diagram");
  canvas.setAttribute("aria-keyshortcuts", "ArrowLeft ArrowRight ArrowUp ArrowDown Enter");
  const note = h("p", { class: "note", "aria-live": "polite" });
  const setup = h("p", { class: "note setup" });
  const fig = figure(ctx, "phase", "Phase diagram over (α₁, α₂) — click a cell to open its run", false, box.box, legend, note, setup);
  const caption = fig.querySelector("figcaption")!;
  /** The spec waiting for the main run's data dimension (a data file: known once it is loaded). */
  let pending: Spec | undefined;

  /** Says which cell the keyboard cursor is on, what its run ended with and what theory predicts (in the phase note). */
  const describeCursor = (): void => {
    const p = store.phase;
    if (!p) return;
    const { i, j } = store.phaseCursor;
    const a1 = p.grid.alphas[i]!;
    const a2 = p.grid.alphas[j]!;
    const cell = p.cells[j * p.grid.size + i];
    const what = cell === undefined ? "not computed yet" : classLabel(cell);
    const pc = predictedCell(p.setup, i, j);
    note.textContent = `Cell α = (${a1.toPrecision(3)}, ${a2.toPrecision(3)}): ${what}; ${pc === undefined ? "no prediction" : `predicted ${classLabel(pc)}`}. Arrow keys move, Enter opens this run.`;
  };

  canvas.addEventListener("focus", () => {
    // Keyboard focus only: on a mouse click the note must not change between mousedown and
    // click (a shorter note can shorten the page and move the diagram under the pointer).
    if (!canvas.matches(":focus-visible")) return;
    store.phaseCursor.on = true;
    describeCursor();
    view.draw();
  });
  canvas.addEventListener("blur", () => {
    store.phaseCursor.on = false;
    view.draw();
  });
  // Arrow keys move the cursor; Enter or Space opens the cell's run.
  canvas.addEventListener("keydown", (e) => {
    const p = store.phase;
    if (!p) return;
    const k = store.phaseCursor;
    const n = p.grid.size;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    if (e.key in moves) {
      const [di, dj] = moves[e.key]!;
      k.i = Math.max(0, Math.min(n - 1, k.i + di));
      k.j = Math.max(0, Math.min(n - 1, k.j + dj));
      k.on = true;
      describeCursor();
      view.draw();
    } else if (e.key === "Enter" || e.key === " ") {
      openCell(ctx, k.i, k.j);
    } else return;
    e.preventDefault();
    e.stopPropagation();
  });

  /** Counts of each class, and how many cells match the predicted class (undefined without a prediction). */
  const summary = (): { counts: number[]; agree?: number; total: number } => {
    const p = store.phase!;
    const counts = PHASE_CLASSES.map(() => 0);
    let agree = 0;
    const n = p.grid.size;
    p.cells.forEach((c, k) => {
      if (c === undefined) return;
      counts[c] = (counts[c] ?? 0) + 1;
      if (c === predictedCell(p.setup, k % n, Math.floor(k / n))) agree++;
    });
    return { counts, agree: p.setup.mu ? agree : undefined, total: p.cells.length };
  };

  ctx.listen("phase", (m: PhaseMessage) => {
    const p = store.phase;
    if (!p || m.job !== p.job) return;
    if (m.type === "cells") for (const c of m.cells) p.cells[c.index] = c.cls;
    else if (m.type === "phase-done") {
      p.done = true;
      const { counts, agree, total } = summary();
      const parts = counts.map((n, k) => (n > 0 ? `${classLabel(k)} ${n}` : "")).filter(Boolean);
      const match = agree === undefined ? "No prediction for this setting." : `${agree} of ${total} cells match the prediction.`;
      const text = `${total} runs in ${(m.ms / 1000).toFixed(1)} s: ${parts.join(", ")}. ${match} Click a cell to open its run.`;
      note.textContent = text;
      canvas.setAttribute("aria-label", `Phase diagram: ${text}`);
    } else if (m.type === "error") {
      setNa(box, `Phase diagram failed: ${m.message}`);
    }
    ctx.mark("phase");
    ctx.kick();
  });
  // A data file's dimension is known once the main run has started.
  ctx.listen("started", (r) => {
    if (r.role !== "main" || !pending) return;
    const spec = pending;
    pending = undefined;
    start(spec);
  });

  /**
   * Starts the phase diagram of `spec` — unless the current one already is its diagram (same cell
   * template: a clicked cell, a renamed spec), which is only redrawn (the main run's α marker moves).
   */
  const start = (spec: Spec): void => {
    const main = ctx.session.main();
    const d = main?.started ? main.d : dataDimension(spec.data);
    const n = main?.started ? main.n : dataCount(spec.data);
    if (!(d > 0) || !(n > 0)) {
      pending = spec;
      return;
    }
    const made = phaseSetup(spec, n, d);
    if ("unavailable" in made) {
      if (store.phase) ctx.session.cancelPhase(store.phase.job);
      store.phase = undefined;
      ctx.charts.drop("phase");
      setNa(box, made.unavailable);
      note.textContent = "";
      setup.textContent = "";
      caption.textContent = `${ALGO_LABEL[spec.algo]} phase diagram over (α₁, α₂)`;
      return;
    }
    setup.textContent = setupText(spec, made);
    caption.textContent = `${ALGO_LABEL[spec.algo]} phase diagram over (α₁, α₂) — click a cell to open its run`;
    guideKey.hidden = !(made.mu && made.d === 2);
    if (store.phase?.setup.key === made.key) {
      ctx.mark("phase");
      return;
    }
    if (store.phase) ctx.session.cancelPhase(store.phase.job);
    ctx.charts.drop("phase"); // new axes, range and boundaries
    setNa(box, null);
    const grid = made.grid;
    const specs = [];
    for (let j = 0; j < grid.size; j++) for (let i = 0; i < grid.size; i++) specs.push(cellSpec(made, i, j));
    const job = ctx.session.startPhase(specs);
    store.phase = { job, grid, setup: made, cells: new Array(specs.length).fill(undefined), done: false };
    store.phaseCursor.i = Math.min(store.phaseCursor.i, grid.size - 1);
    store.phaseCursor.j = Math.min(store.phaseCursor.j, grid.size - 1);
    note.textContent = `Filling ${grid.size} × ${grid.size} runs of ${ALGO_LABEL[spec.algo]} (${fmtInt(made.cellSteps)} steps each)…`;
    ctx.mark("phase");
  };

  const cells = (): HeatCell[] => {
    const ph = store.phase;
    if (!ph) return [];
    const out: HeatCell[] = [];
    const e = ph.grid.edges;
    ph.cells.forEach((c, k) => {
      if (c === undefined) return;
      const i = k % ph.grid.size;
      const j = Math.floor(k / ph.grid.size);
      out.push({ x0: e[i]!, x1: e[i + 1]!, y0: e[j]!, y1: e[j + 1]!, color: classColor(c) });
    });
    return out;
  };
  const cursor = (): HeatCell | undefined => {
    const ph = store.phase;
    const k = store.phaseCursor;
    if (!ph || !k.on) return undefined;
    const e = ph.grid.edges;
    return { x0: e[k.i]!, x1: e[k.i + 1]!, y0: e[k.j]!, y1: e[k.j + 1]!, color: "#000" };
  };

  const view: PhaseView = {
    id: "phase",
    key: "phase",
    figure: fig,
    startWanted() {
      const spec = store.phaseWanted;
      store.phaseWanted = undefined;
      if (spec) start(spec);
    },
    draw() {
      const p = store.phase;
      if (!p || !ctx.session.main()) return;
      const range: [number, number] = [p.grid.edges[0]!, p.grid.edges[p.grid.size]!];
      const chart = ctx.charts.get("phase", canvas, (c) => {
        const st = p.setup;
        const t = st.template as { rho: number; depth: number };
        // the theory's boundaries (predictedBoundaries of @samlab/sim, as in the reproduction figure), for two coordinates
        const guides = st.mu && st.d === 2 ? predictedBoundaries([st.mu[0]!, st.mu[1]!], t.rho, t.depth, ...range).flatMap((o) => (o.kind === "line" ? [{ points: o.points }] : [])) : [];
        const ch = heatmapChart(c, cells, axisTitle(st, 0), axisTitle(st, 1), range, cursor, guides);
        ch.options.onClick = (_e, _els, chartRef) => {
          const ev = _e as unknown as { x: number; y: number };
          const ph = store.phase;
          if (!ph) return;
          const a1 = chartRef.scales.x!.getValueForPixel(ev.x)!;
          const a2 = chartRef.scales.y!.getValueForPixel(ev.y)!;
          const find = (a: number) => ph.grid.edges.findIndex((e, k) => k < ph.grid.size && a >= e && a < ph.grid.edges[k + 1]!);
          const i = find(a1);
          const j = find(a2);
          if (i < 0 || j < 0) return;
          openCell(ctx, i, j);
        };
        return ch;
      }) as Chart<"scatter", XY[]> | undefined;
      if (!chart) return;
      const init = store.spec?.init;
      const marker = init && "alpha" in init && Array.isArray(init.alpha) && init.alpha.length >= 2 ? [{ x: init.alpha[0]!, y: init.alpha[1]! }] : [];
      chart.data.datasets[0]!.data = marker;
      chart.update("none");
    },
  };
  return view;
}
