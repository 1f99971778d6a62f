/**
 * The simulation worker: every step of every run happens here, on the same WASM core as the CLI
 * (through @samlab/sim's `createSimulation`), so the page's main thread only draws. The worker leaves
 * `Math` alone: @samlab/sim itself calls its portable exp/log/log1p/sin/cos wherever a number enters
 * a Result (Chromium's `Math.*` round some inputs differently from Node's), so the page gets the
 * CLI's bits by construction.
 *
 * Called once per animation frame per run while a run plays (`advance`), and cooperatively for the
 * phase-diagram job: that job works in slices of ≤ ~15 ms and yields between slices so that the
 * interactive runs stay responsive.
 */
import { createSimulation, SpecError, type Result, type Simulation } from "@samlab/sim";
import { computeDiagnostics, loadSolver } from "@samlab/sim/analysis";
import { phaseClass } from "@samlab/sim/experiments";
import highsWasmUrl from "samlab:highs-wasm-url";
import type { CellSummary, FromWorker, ToWorker } from "./protocol.js";

interface Scope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as Scope;
const post = (m: FromWorker, transfer?: Transferable[]) => scope.postMessage(m, transfer ?? []);

const runs = new Map<number, Simulation>();
/** Estimated ms per step, per run (for time-budgeted advances). */
const msPerStep = new Map<number, number>();
const cancelled = new Set<number>();
const now = () => performance.now();

/** What the table and weights views show: β, loss, margin and every layer's weights now. */
function snapshotOf(sim: Simulation) {
  return { ...sim.snapshot(), w: sim.currentW() };
}

function errorOf(e: unknown): { field?: string; message: string } {
  if (e instanceof SpecError) return { field: e.field, message: e.message };
  return { message: e instanceof Error ? e.message : String(e) };
}

/** Advances by a step count, or by a time budget with an adaptive chunk size. */
function advance(run: number, sim: Simulation, steps: number | undefined, budgetMs: number): void {
  if (steps !== undefined) {
    sim.advance(steps);
    return;
  }
  const t0 = now();
  let est = msPerStep.get(run);
  while (!sim.done) {
    const left = budgetMs - (now() - t0);
    if (left <= 0) break;
    const k = est === undefined ? 64 : Math.max(1, Math.min(5_000_000, Math.floor(left / Math.max(est, 1e-7))));
    const c0 = now();
    const taken = sim.advance(k);
    const dt = now() - c0;
    if (taken > 0 && dt > 0) est = est === undefined ? dt / taken : 0.5 * est + 0.5 * (dt / taken);
    if (taken === 0) break;
  }
  if (est !== undefined) msPerStep.set(run, est);
}

/** Yields to the worker's event loop without setTimeout's 4 ms clamp on nested timers. */
const yieldChannel = new MessageChannel();
const yieldWaiters: (() => void)[] = [];
yieldChannel.port1.onmessage = () => yieldWaiters.shift()?.();
const yieldTask = () =>
  new Promise<void>((r) => {
    yieldWaiters.push(r);
    yieldChannel.port2.postMessage(0);
  });

/**
 * The phase-diagram job: each spec to its end, classified by the reproduction experiment's
 * `phaseClass`. Cells go to the page in batches, one per ~15 ms slice, with a yield between slices
 * so that messages for the interactive runs are handled in between.
 */
async function runPhase(job: number, specs: unknown[]): Promise<void> {
  const t0 = now();
  let slice = now();
  let batch: CellSummary[] = [];
  const flush = () => {
    if (batch.length) post({ type: "cells", job, cells: batch });
    batch = [];
  };
  for (let index = 0; index < specs.length; index++) {
    if (cancelled.has(job)) return;
    let cls: number;
    try {
      const sim = await createSimulation(specs[index]);
      while (!sim.done) {
        advance(-job - 1, sim, undefined, 15);
        if (!sim.done) {
          flush();
          await yieldTask();
          slice = now();
          if (cancelled.has(job)) return;
        }
      }
      cls = phaseClass(sim.result());
    } catch (e) {
      flush();
      post({ type: "error", job, ...errorOf(e) });
      return;
    }
    batch.push({ index, cls });
    if (now() - slice > 15) {
      flush();
      await yieldTask();
      slice = now();
    }
  }
  flush();
  post({ type: "phase-done", job, ms: now() - t0 });
}

let solverReady: Promise<void> | undefined;
let solverBytes: ((wasm: ArrayBuffer | undefined) => void) | undefined;

/**
 * Points HiGHS at its highs.wasm and starts loading it (once); resolves when loadSolver has been
 * configured, so that later loadSolver() calls (diagnostics, the separability check) share that
 * instance. The app build has a URL next to the page's assets; the single-file embed asks the page
 * for the inlined bytes (`need-solver` → `solver-bytes`). Needed by the diagnostics of finished runs
 * and by the separability check of named data sets (before such a run starts).
 */
function requestSolver(): Promise<void> {
  solverReady ??= highsWasmUrl
    ? Promise.resolve().then(() => {
        const url = new URL(highsWasmUrl, self.location.href).href;
        void loadSolver({ locateFile: () => url }).catch(() => {});
      })
    : new Promise<void>((resolve) => {
        solverBytes = (wasm) => {
          if (wasm) void loadSolver({ wasmBinary: wasm }).catch(() => {});
          resolve();
        };
        post({ type: "need-solver" });
      });
  return solverReady;
}

async function finalResult(sim: Simulation): Promise<Result> {
  const result = sim.result();
  // Never let the solver hold the Result back: after 20 s the Result goes without diagnostics.
  const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), 20_000));
  const diagnostics = await Promise.race([
    requestSolver().then(() => computeDiagnostics(result, sim.data)).catch(() => undefined),
    timeout,
  ]);
  if (diagnostics) result.diagnostics = diagnostics;
  return result;
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case "start": {
      try {
        // Named data sets (digits, iris) run the separability LP while loading, as in the CLI.
        if (typeof (m.spec as { data?: { source?: unknown } } | null)?.data?.source === "string") await requestSolver();
        const sim = await createSimulation(m.spec);
        runs.set(m.run, sim);
        msPerStep.delete(m.run);
        post({
          type: "started",
          run: m.run,
          n: sim.data.n,
          d: sim.data.d,
          steps: sim.spec.steps,
          stride: sim.stride,
          recordBeta: sim.recordBeta,
          magnitudes: Array.from({ length: sim.data.d }, (_, j) => {
            let s = 0;
            for (let i = 0; i < sim.data.n; i++) s += Math.abs(sim.data.x[i * sim.data.d + j]!);
            return s / sim.data.n;
          }),
          engine: sim.engine,
          ...(sim.data.info?.shape ? { shape: sim.data.info.shape } : {}),
        });
        // Row 0 (step 0) is recorded by the engine at setup; send it at once so charts start drawing.
        const rows = sim.takeNewRows().slice(); // a copy: the Simulation keeps its own rows for result()
        post({ type: "progress", run: m.run, step: sim.step, t: 0, rows, stride: sim.stride, snapshot: snapshotOf(sim), done: sim.done, ms: 0 }, [rows.buffer]);
        if (sim.done) post({ type: "result", run: m.run, result: await finalResult(sim) });
      } catch (e) {
        post({ type: "error", run: m.run, ...errorOf(e) });
      }
      return;
    }
    case "advance": {
      const sim = runs.get(m.run);
      if (!sim || sim.done) return;
      const t0 = now();
      try {
        advance(m.run, sim, m.steps, m.budgetMs ?? 12);
      } catch (e) {
        post({ type: "error", run: m.run, ...errorOf(e) });
        return;
      }
      const rows = sim.takeNewRows().slice(); // a copy: the Simulation keeps its own rows for result()
      const snap = m.snapshot || sim.done ? snapshotOf(sim) : undefined;
      post({ type: "progress", run: m.run, step: sim.step, t: snap?.t ?? 0, rows, stride: sim.stride, snapshot: snap, done: sim.done, ms: now() - t0 }, [rows.buffer]);
      if (sim.done) post({ type: "result", run: m.run, result: await finalResult(sim) });
      return;
    }
    case "hyper": {
      const sim = runs.get(m.run);
      if (!sim) return;
      sim.setHyper({ ...(m.lr !== undefined ? { lr: m.lr } : {}), ...(m.rho !== undefined ? { rho: m.rho } : {}) });
      return;
    }
    case "result": {
      const sim = runs.get(m.run);
      if (sim) post({ type: "result", run: m.run, result: sim.done ? await finalResult(sim) : sim.result() });
      return;
    }
    case "drop":
      runs.delete(m.run);
      msPerStep.delete(m.run);
      return;
    case "phase":
      cancelled.delete(m.job);
      void runPhase(m.job, m.specs);
      return;
    case "cancel":
      cancelled.add(m.job);
      return;
    case "solver-bytes":
      solverBytes?.(m.wasm);
      return;
  }
}

// Messages are handled strictly in order (a `start` must finish before the `advance` after it).
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (e) => {
  // highs.wasm's bytes answer a request made from inside a queued message: never queued behind it
  if (e.data.type === "solver-bytes") void handle(e.data);
  else queue = queue.then(() => handle(e.data));
};

// Last top-level statement: tell the page we are listening (a message posted before the worker's
// module finished evaluating can be lost in Chromium; see docs/TOOLCHAIN.md pitfall 1).
post({ type: "ready" });
