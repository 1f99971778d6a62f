/**
 * The ℓ∞-SAM phase diagram over (α₁, α₂): the reproduction experiment's grid (state/phase-grid.ts),
 * filled cell by cell by the worker's phase job once the main run stops, with the predicted
 * boundaries of the reproduction figure dashed (α₂ = ρ across, α₁ = ρ below it). A click, or the arrow keys and Enter, open a cell's run. The job's
 * state lives in the store (it survives a rebuild of the views); this module starts it, folds its
 * messages in, and draws it.
 */
import type { Spec } from "@samlab/sim";
import { predictedBoundaries, predictedClass, PHASE_TAU, PHASE_X } from "@samlab/sim/experiments";
import type { Chart } from "chart.js";
import { h } from "../ui/dom.js";
import { fmtInt } from "../ui/format.js";
import type { PhaseMessage } from "../worker/session.js";
import { heatmapChart, type HeatCell, type XY } from "./charts.js";
import { PHASE_CLASSES, PHASE_RHO, cellSpec, classColor, classLabel, phaseGrid } from "../state/phase-grid.js";
import { chartBox, figure, setNa, type View, type ViewContext } from "./view.js";

export interface PhaseView extends View {
  /** Starts the diagram if the last start asked for it (`store.phaseWanted`); called when the main run stops. */
  startWanted(): void;
}

/** Opens phase cell (i, j) as the main run: exactly the cell's spec (`phaseSpec` of @samlab/sim). */
export function openCell(ctx: ViewContext, i: number, j: number): void {
  const p = ctx.store.phase;
  if (!p) return;
  ctx.open(cellSpec(p.grid, i, j));
}

export function phaseView(ctx: ViewContext): PhaseView {
  const store = ctx.store;
  const legend = h(
    "div",
    { class: "legend" },
    ...PHASE_CLASSES.map((c) => h("span", {}, h("span", { class: "swatch", style: `background:${c.color}` }), c.label)),
    h("span", {}, h("span", { class: "swatch guide" }), `predicted boundaries: α₂ = ρ, and α₁ = ρ below it (ρ = ${PHASE_RHO})`),
  );
  const box = chartBox("Phase diagram of l-infinity SAM over the initial sizes alpha 1 and alpha 2; click a cell, or use the arrow keys and Enter, to open that run");
  const canvas = box.canvas;
  canvas.setAttribute("tabindex", "0");
  canvas.setAttribute("role", "application");
  canvas.setAttribute("aria-roledescription", "phase diagram");
  canvas.setAttribute("aria-keyshortcuts", "ArrowLeft ArrowRight ArrowUp ArrowDown Enter");
  const note = h("p", { class: "note", "aria-live": "polite" });
  const setup = h(
    "p",
    { class: "note" },
    `The reproduction experiment's setup (samlab reproduce linf-phase): x = (1, 2), L = 2, ρ = ${PHASE_RHO}, η = 0.01 with the rescaled schedule (the Euler step of the rescaled flow) to τ = ${PHASE_TAU}, α log-spaced in [0.01, 1]. ` +
      "A cell is e_j when |cos(β, e_j)| ≥ 0.999 at τ, 0 when the loss is still above ℓ(0)/2 (β never grew). Theory: coordinate j survives iff α_j > ρ, and the larger surviving x_j wins.",
  );
  const fig = figure(ctx, "phase", "ℓ∞-SAM phase diagram over (α₁, α₂) — click a cell to open its run", false, box.box, legend, note, setup);

  /** Says which cell the keyboard cursor is on, what its run ended with and what theory predicts (in the phase note). */
  const describeCursor = (): void => {
    const p = store.phase;
    if (!p) return;
    const { i, j } = store.phaseCursor;
    const a1 = p.grid.alphas[i]!;
    const a2 = p.grid.alphas[j]!;
    const cell = p.cells[j * p.grid.size + i];
    const what = cell === undefined ? "not computed yet" : classLabel(cell);
    note.textContent = `Cell α = (${a1.toPrecision(3)}, ${a2.toPrecision(3)}): ${what}; predicted ${classLabel(predictedClass(a1, a2))}. Arrow keys move, Enter opens this run.`;
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

  /** Counts of each class, and how many cells match the predicted class (boundaries α_j = ρ). */
  const summary = (): { counts: number[]; agree: number; total: number } => {
    const p = store.phase!;
    const counts = PHASE_CLASSES.map(() => 0);
    let agree = 0;
    p.cells.forEach((c, k) => {
      if (c === undefined) return;
      counts[c] = (counts[c] ?? 0) + 1;
      if (c === predictedClass(p.grid.alphas[k % p.grid.size]!, p.grid.alphas[Math.floor(k / p.grid.size)]!)) agree++;
    });
    return { counts, agree, total: p.cells.length };
  };

  ctx.listen("phase", (m: PhaseMessage) => {
    const p = store.phase;
    if (!p || m.job !== p.job) return;
    if (m.type === "cells") for (const c of m.cells) p.cells[c.index] = c.cls;
    else if (m.type === "phase-done") {
      p.done = true;
      const { counts, agree, total } = summary();
      const parts = counts.map((n, k) => (n > 0 ? `${classLabel(k)} ${n}` : "")).filter(Boolean);
      const text = `${total} runs in ${(m.ms / 1000).toFixed(1)} s: ${parts.join(", ")}. ${agree} of ${total} cells match the prediction (e₂ if α₂ > ρ, e₁ if α₁ > ρ ≥ α₂, 0 otherwise). Click a cell to open its run.`;
      note.textContent = text;
      canvas.setAttribute("aria-label", `Phase diagram of l-infinity SAM: ${text}`);
    } else if (m.type === "error") {
      setNa(box, `Phase diagram failed: ${m.message}`);
    }
    ctx.mark("phase");
    ctx.kick();
  });

  /**
   * Starts the phase diagram (once per element: the grid is the reproduction experiment's, the same
   * whatever the main run). Later calls only redraw it (the main run's α marker moves).
   */
  const start = (_spec: Spec): void => {
    if (store.phase) {
      ctx.mark("phase");
      return;
    }
    setNa(box, null);
    const grid = phaseGrid();
    const specs = [];
    for (let j = 0; j < grid.size; j++) for (let i = 0; i < grid.size; i++) specs.push(cellSpec(grid, i, j));
    const job = ctx.session.startPhase(specs);
    store.phase = { job, grid, cells: new Array(specs.length).fill(undefined), done: false };
    note.textContent = `Filling ${grid.size} × ${grid.size} runs of ℓ∞-SAM (${fmtInt(Number(specs[0]!.steps))} rescaled steps each)…`;
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
        // the same predicted boundaries as the reproduction figure (linf-phase)
        const guides = predictedBoundaries([PHASE_X[0]!, PHASE_X[1]!], PHASE_RHO, 2, ...range).flatMap((o) => (o.kind === "line" ? [{ points: o.points }] : []));
        const ch = heatmapChart(c, cells, "α₁ (initial scale of coordinate 1, x₁ = 1)", "α₂ (initial scale of coordinate 2, x₂ = 2)", range, cursor, guides);
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
      const marker = init && "alpha" in init && Array.isArray(init.alpha) && init.alpha.length === 2 ? [{ x: init.alpha[0]!, y: init.alpha[1]! }] : [];
      chart.data.datasets[0]!.data = marker;
      chart.update("none");
    },
  };
  return view;
}
