/**
 * The simulation API: `simulate(spec)` runs a spec to its end and returns a {@link Result};
 * `simulateStream(spec)` yields progress (for progress bars and live charts) and then the Result,
 * with the run's diagnostics; `resume` continues a checkpointed run.
 */
import { computeDiagnostics } from "../analysis/diagnostics.js";
import type { SimulationState } from "./checkpoint.js";
import type { Result } from "./result.js";
import { createSimulation, type Simulation } from "./simulation.js";
import type { Spec } from "../spec/schema.js";
import type { Dataset } from "../data/dataset.js";

export interface SimulateOptions {
  /** Steps per engine call (the JS↔engine boundary is crossed once per chunk). Default: adaptive, ~50 ms per chunk. */
  chunkSteps?: number;
  /** Called after every chunk. */
  onProgress?: (p: Progress) => void;
  /** Stops the run after the current chunk; the Result then has status "aborted". */
  signal?: AbortSignal;
  /**
   * Threads for one discrete WebAssembly run (default 1). With 2, a helper thread takes half of the
   * 128-example row blocks of every gradient's pass over the data; results are bit-identical. Worth it
   * from n > 128 on, and most for large n·d (≳ 10⁵).
   * Node, or pages that are cross-origin isolated (shared memory).
   */
  threads?: number;
  /**
   * Discrete runs: chunks end exactly at every multiple of this many steps, where `onCheckpoint`
   * receives the run's exact state (see checkpoint.ts). Results do not depend on it.
   */
  checkpointEvery?: number;
  /**
   * Called with the exact state at each multiple of `checkpointEvery`, and once more when the run is
   * aborted through `signal` (before the partial Result's extra point is recorded). Discrete runs only.
   */
  onCheckpoint?: (state: SimulationState) => void;
  /** Continues a checkpointed run: its spec replaces the `spec` argument (see {@link resumeStream}). */
  resume?: SimulationState;
}

export interface Progress {
  step: number;
  steps: number;
  fraction: number;
  elapsedMs: number;
  /** Record rows written so far. */
  points: number;
}

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

/** Cost of one step in units of n·d·L work, for choosing chunk sizes. */
function chunkFor(spec: Spec, data: Dataset, opt?: number): number {
  if (opt !== undefined) return Math.max(1, Math.floor(opt));
  let perStep = (data.n * data.d + spec.depth * data.d) * (spec.algo === "gd" ? 1 : 2);
  if (spec.mode === "flow") perStep *= 8; // an integrator step: ~7 right-hand sides
  return Math.max(1, Math.min(1_000_000, Math.floor(20_000_000 / perStep)));
}

/** Runs a spec to the end and returns its Result. */
export async function simulate(spec: unknown, options: SimulateOptions = {}): Promise<Result> {
  let result: Result | undefined;
  for await (const ev of simulateStream(spec, options)) if (ev.type === "result") result = ev.result;
  return result!;
}

export type StreamEvent =
  | { type: "progress"; progress: Progress; rows: Float64Array; stride: number }
  | { type: "result"; result: Result };

/**
 * Runs a spec chunk by chunk, yielding after each chunk the progress and the record rows written
 * in it (for live charts), then the Result. Yields to the event loop between chunks.
 */
export async function* simulateStream(spec: unknown, options: SimulateOptions = {}): AsyncGenerator<StreamEvent> {
  const sim = await createSimulation(options.resume?.spec ?? spec, { threads: options.threads });
  if (options.resume) sim.restoreState(options.resume);
  const every = options.checkpointEvery !== undefined && sim.checkpointable ? Math.max(1, Math.floor(options.checkpointEvery)) : 0;
  let chunk = chunkFor(sim.spec, sim.data, options.chunkSteps);
  // discrete runs: steer the chunk length towards CHUNK_TARGET_MS of engine time (results do not
  // depend on chunking), so the per-chunk costs (yield, progress, record copy) stay ~1%
  const adaptive = options.chunkSteps === undefined && sim.spec.mode !== "flow";
  const t0 = now();
  while (!sim.done) {
    if (options.signal?.aborted) {
      if (options.onCheckpoint && sim.checkpointable) options.onCheckpoint(sim.state());
      sim.abort("aborted by the caller");
      break;
    }
    const c0 = now();
    // with checkpoints, a chunk never crosses a multiple of `every`
    const c = every ? Math.min(chunk, every - (sim.step % every)) : chunk;
    sim.advance(c);
    if (adaptive) chunk = nextChunk(chunk, ((now() - c0) * chunk) / c);
    const rows = sim.takeNewRows();
    if (every && sim.step % every === 0 && sim.checkpointable) options.onCheckpoint?.(sim.state());
    const progress: Progress = {
      step: sim.step,
      steps: sim.spec.steps,
      fraction: flowFraction(sim) ?? (sim.spec.steps ? sim.step / sim.spec.steps : 1),
      elapsedMs: now() - t0,
      points: sim.pointsRecorded,
    };
    options.onProgress?.(progress);
    yield { type: "progress", progress, rows, stride: sim.stride };
    if (!sim.done) await yieldToEventLoop();
  }
  // The diagnostics solve the max-margin references once per run, after it ends (docs/DIAGNOSTICS.md).
  const result = sim.result();
  result.diagnostics = await computeDiagnostics(result, sim.data);
  yield { type: "result", result };
}

/** Continues a checkpointed run (see {@link simulateStream}'s `resume`): the same events, the same final Result as the uninterrupted run. */
export function resumeStream(state: SimulationState, options: Omit<SimulateOptions, "resume"> = {}): AsyncGenerator<StreamEvent> {
  return simulateStream(state.spec, { ...options, resume: state });
}

/** Runs a checkpointed run to its end; the Result equals the uninterrupted run's bit for bit (all but `timing`). */
export async function resume(state: SimulationState, options: Omit<SimulateOptions, "resume"> = {}): Promise<Result> {
  let result: Result | undefined;
  for await (const ev of resumeStream(state, options)) if (ev.type === "result") result = ev.result;
  return result!;
}

/** Engine time per chunk that the adaptive chunk length aims at. */
const CHUNK_TARGET_MS = 50;

/** The next chunk length from the last one and its engine time (at most ×4 or ÷4 per chunk). */
function nextChunk(chunk: number, ms: number): number {
  const want = ms > 0 ? (chunk * CHUNK_TARGET_MS) / ms : chunk * 4;
  return Math.max(1, Math.floor(Math.min(chunk * 4, Math.max(chunk / 4, want), 1e9)));
}

/**
 * Lets other work run between chunks without a timer's clamp (setTimeout(0) waits ≥ 1 ms in Node
 * and ≥ 4 ms in nested browser timers): setImmediate in Node, a MessageChannel round trip elsewhere.
 */
function yieldToEventLoop(): Promise<void> {
  const si = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  if (typeof si === "function") return new Promise<void>((r) => void si(r));
  if (typeof MessageChannel !== "undefined") {
    return new Promise<void>((r) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        r();
      };
      ch.port2.postMessage(0);
    });
  }
  return new Promise<void>((r) => setTimeout(r, 0));
}

/** Progress of a flow: the fraction of log(t/tMin) (log time) or of t (linear) covered. */
function flowFraction(sim: Simulation): number | undefined {
  const s = sim.spec;
  if (s.mode !== "flow") return undefined;
  const t = sim.time;
  if (sim.done) return 1;
  if (s.timeScale === "linear" || t <= s.tMin!) return (s.timeScale === "linear" ? t / s.tMax! : 0);
  return Math.log(t / s.tMin!) / Math.log(s.tMax! / s.tMin!);
}
