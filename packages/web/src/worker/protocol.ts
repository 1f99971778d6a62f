/**
 * Messages between the page (or an embedded element) and its simulation worker. One worker per
 * `<samlab-explorer>`; it hosts several runs at once (the main run, the two runs of the comparison
 * view) and the phase-diagram job, all keyed by ids chosen by the page.
 */
import type { Result } from "@samlab/sim";
import type { Snapshot } from "../state/runs.js";

export type { Snapshot };

export type ToWorker =
  /** Creates a run from a spec (validated again in the worker). */
  | { type: "start"; run: number; spec: unknown }
  /** Advances a run by `steps` steps, or for about `budgetMs` of compute when `steps` is absent. */
  | { type: "advance"; run: number; steps?: number; budgetMs?: number; snapshot: boolean }
  /** Changes η and/or ρ from the current step on. */
  | { type: "hyper"; run: number; lr?: number; rho?: number }
  /** Asks for the Result so far (complete once the run is done). */
  | { type: "result"; run: number }
  | { type: "drop"; run: number }
  /** Runs each spec to its end, one after another, posting the classified cells in batches (`cells`). */
  | { type: "phase"; job: number; specs: unknown[] }
  | { type: "cancel"; job: number }
  /** highs.wasm's bytes, after `need-solver` (the single-file embed; undefined: none available). */
  | { type: "solver-bytes"; wasm?: ArrayBuffer };

export interface CellSummary {
  index: number;
  /** `phaseClass` of @samlab/sim: 0 = e₁, 1 = e₂, 2 = 0 (β vanishes), 3 = stalled, 4 = not converged (`PHASE_CLASSES`). */
  cls: number;
}

export type FromWorker =
  | { type: "ready" }
  /** The worker needs highs.wasm and has no URL for it (the single-file embed): answer `solver-bytes`. */
  | { type: "need-solver" }
  | { type: "started"; run: number; n: number; d: number; steps: number; stride: number; recordBeta: boolean; magnitudes: number[]; engine: string; shape?: [number, number] }
  | { type: "progress"; run: number; step: number; t: number; rows: Float64Array; stride: number; snapshot?: Snapshot; done: boolean; ms: number }
  | { type: "result"; run: number; result: Result }
  | { type: "error"; run?: number; job?: number; field?: string; message: string }
  | { type: "cells"; job: number; cells: CellSummary[] }
  | { type: "phase-done"; job: number; ms: number };
