/**
 * The ℓ∞-SAM phase diagram: the reproduction experiment's grid (packages/sim/src/experiments/phase.ts),
 * run cell by cell in the worker. Every cell is exactly `phaseSpec("sam-linf", [α₁, α₂])` of
 * @samlab/sim — x = (1, 2), L = 2, ρ = 0.1, η = 0.01 with the rescaled schedule (the Euler step of
 * the rescaled flow), 3000 steps (τ = 30) — and is classified by `phaseClass` (e₁ / e₂ / 0 / stalled / not converged),
 * so a clicked cell opens the same spec `samlab run --spec` runs, and the same classes as
 * `samlab reproduce linf-phase`. In this setup the boundaries are exactly α_j = ρ (`predictedClass`).
 * Pure functions (the worker runs the cells).
 */
import type { SpecInput } from "@samlab/sim";
import { measure, phaseSpec, PHASE_CLASSES, PHASE_RHO } from "@samlab/sim/experiments";

/** Cells per axis (576 runs of ~1–2 ms each: the diagram fills in about a second). */
export const PHASE_SIZE = 24;
/** α range of the reproduction experiment (log-spaced, per coordinate). */
export const PHASE_ALPHA_RANGE: [number, number] = [0.01, 1];

export interface PhaseGrid {
  /** The α values of the cells on each axis: `measure.logspace(0.01, 1, size)`, as in the experiment. */
  alphas: number[];
  /** Cell edges on each axis (geometric midpoints between the α values), size + 1 values. */
  edges: number[];
  size: number;
}

export function phaseGrid(size = PHASE_SIZE): PhaseGrid {
  const alphas = measure.logspace(PHASE_ALPHA_RANGE[0], PHASE_ALPHA_RANGE[1], size);
  const half = Math.sqrt(alphas[1]! / alphas[0]!);
  const edges = [alphas[0]! / half, ...alphas.slice(1).map((a, k) => Math.sqrt(a * alphas[k]!)), alphas[size - 1]! * half];
  return { alphas, edges, size };
}

/** The spec of cell (i, j): α₁ = alphas[i] (x axis), α₂ = alphas[j] (y axis); exactly the experiment's `phaseSpec`. */
export function cellSpec(grid: PhaseGrid, i: number, j: number): SpecInput {
  return phaseSpec("sam-linf", [grid.alphas[i]!, grid.alphas[j]!]);
}

/** Class k of `phaseClass`: 0 = e₁, 1 = e₂, 2 = 0 (β vanishes), 3 = stalled, 4 = not converged (`PHASE_CLASSES`). */
export function classLabel(k: number): string {
  return PHASE_CLASSES[k]?.label ?? "failed";
}
export function classColor(k: number): string {
  return PHASE_CLASSES[k]?.color ?? "#CC0000";
}

export { PHASE_CLASSES, PHASE_RHO };
