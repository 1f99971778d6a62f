/**
 * The ℓ∞-SAM phase diagram: a grid of initializations (α₁, α₂) for a two-coordinate data set, one
 * run per cell, each classified by its final state. Pure functions (the worker runs the cells).
 */
import type { Spec } from "@samlab/sim";
import type { CellSummary } from "./protocol.js";

export interface PhaseGrid {
  /** Cell edges on each axis (log-spaced), size+1 values. */
  edges: number[];
  /** Cell centres (geometric means of the edges). */
  centres: number[];
  size: number;
}

export function phaseGrid(min: number, max: number, size: number): PhaseGrid {
  const lo = Math.log(min);
  const hi = Math.log(max);
  const edges = Array.from({ length: size + 1 }, (_, k) => Math.exp(lo + ((hi - lo) * k) / size));
  const centres = Array.from({ length: size }, (_, k) => Math.sqrt(edges[k]! * edges[k + 1]!));
  return { edges, centres, size };
}

/** Steps per cell are capped so that the whole grid stays interactive. */
export const PHASE_MAX_STEPS = 50_000;

/** The spec of cell (i, j): α₁ = centres[i] (x axis), α₂ = centres[j] (y axis), ℓ∞-SAM, β not recorded. */
export function cellSpec(base: Spec, grid: PhaseGrid, i: number, j: number): Spec {
  return {
    ...base,
    name: `ℓ∞-SAM phase cell α=(${grid.centres[i]!.toPrecision(3)}, ${grid.centres[j]!.toPrecision(3)})`,
    algo: "sam-linf",
    init: { alpha: [grid.centres[i]!, grid.centres[j]!] },
    steps: Math.min(base.steps, PHASE_MAX_STEPS),
    record: { points: 2, spacing: "log", beta: false },
  };
}

/** The key of everything a phase diagram depends on (not the initialization or the algorithm). */
export function phaseKey(spec: Spec): string {
  const { data, depth, loss, rho, lr, steps, seed } = spec;
  return JSON.stringify({ data, depth, loss, rho, lr, steps: Math.min(steps, PHASE_MAX_STEPS), seed });
}

export type PhaseClass = "zero" | 0 | 1 | "diverged";

/**
 * Classifies a finished cell: "zero" when β has vanished relative to the parameter scale
 * (‖β‖₂/‖w‖₂^L below a tenth of L^(−L/2), the value when one coordinate carries all the weight
 * equally in every layer), otherwise the dominant coordinate.
 */
export function classify(cell: CellSummary, depth: number): PhaseClass {
  if (!cell.ok) return "diverged";
  const full = depth ** (-depth / 2);
  if (!(cell.ratio >= 0.1 * full)) return "zero";
  return cell.dominant === 0 ? 0 : 1;
}

export const PHASE_COLORS: Record<string, string> = { "0": "#0072B2", "1": "#E69F00", zero: "#BBBBBB", diverged: "#CC0000" };

/** A cell's colour: its class, lighter when the dominant coordinate's share is lower. */
export function cellColor(cell: CellSummary, depth: number): string {
  const c = classify(cell, depth);
  const base = PHASE_COLORS[String(c)]!;
  if (c !== 0 && c !== 1) return base;
  const share = cell.shares[cell.dominant] ?? 1;
  const alpha = Math.max(0.25, Math.min(1, (share - 0.5) * 2));
  const r = parseInt(base.slice(1, 3), 16);
  const g = parseInt(base.slice(3, 5), 16);
  const b = parseInt(base.slice(5, 7), 16);
  const mix = (v: number) => Math.round(255 - (255 - v) * alpha);
  return `rgb(${mix(r)}, ${mix(g)}, ${mix(b)})`;
}
