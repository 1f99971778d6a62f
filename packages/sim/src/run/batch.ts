/**
 * Batches: many discrete runs that share one data set and one (algorithm, loss, η, ρ) but start from
 * different parameters — the phase diagrams of the paper (e.g. ℓ∞-SAM over a grid of per-coordinate
 * initial scales). `simulateBatch` advances all runs with the batched WebAssembly kernel
 * (@samlab/core-wasm/batch: two runs per SIMD lane pair, one call per chunk), optionally split over
 * threads (Node worker_threads or Web Workers, one kernel instance and half the runs each).
 * Every run is bit-identical to `simulate` of the same spec with that run's initialization.
 */
import { compileBatch, type BatchExports } from "@samlab/core-wasm/batch";
import { classifyLimit, type LimitClassification, type LimitTolerances } from "../analysis/limit.js";
import { makeDataset, makeInit } from "../data/generators.js";
import { limitReferences, regressionReferences } from "../analysis/diagnostics.js";
import { betaOfW } from "./simulation.js";
import { ALGO, LOSS } from "../engine/types.js";
import { SpecError } from "../spec/errors.js";
import { parseSpec, type InitSpec, type Spec } from "../spec/schema.js";

export interface BatchOptions {
  /**
   * A spec (data, depth, algo, loss, lr, rho, steps, seed); its `init` is ignored and replaced per
   * run by `inits`. Discrete mode with a constant step size only.
   */
  spec: unknown;
  /** One initialization per run: an α (all entries), α per coordinate (d numbers), or any InitSpec. */
  inits: (number | number[] | InitSpec)[];
  /** Worker threads sharing the runs (default 1 = in this thread). */
  threads?: number;
  /** Steps per kernel call (default: ~10⁷ run-steps per call per thread). */
  chunkSteps?: number;
  /** Called after every chunk of every thread with the fraction of all run-steps done. */
  onProgress?: (fraction: number) => void;
  /** Thresholds of the limit classifier ({@link classifyLimit}); default: the spec's `diagnostics` options. */
  classify?: Partial<LimitTolerances>;
}

export interface BatchResult {
  runs: number;
  n: number;
  d: number;
  depth: number;
  steps: number;
  /** Final parameters, runs × L × d (run-major, each layer-major). */
  w: Float64Array;
  /** Final β per run. */
  beta: number[][];
  /** β of each run at step ⌊steps/2⌋, the limit classifier's look-back point (the last finite β for a run that diverged before it). */
  betaMid: number[][];
  /** The step at which each run became non-finite (its w is the last finite one), or −1. */
  nonfiniteStep: number[];
  /**
   * Each run's limit kind, by the classifier of a single run's diagnostics with the same inputs: β at
   * the start, at step ⌊steps/2⌋ and at the end (the last finite state for a run that diverged), and
   * the same max-margin references (solved once for the batch, under the spec's `diagnostics` gate).
   */
  limit: LimitClassification[];
  timing: { ms: number; runSteps: number; nsPerRunStep: number; threads: number };
}

/** What one kernel instance needs; plain data, so it can be posted to a worker. */
interface Share {
  module: WebAssembly.Module;
  n: number;
  d: number;
  L: number;
  R: number;
  x: Float64Array;
  y: Float64Array;
  w0: Float64Array;
  algo: number;
  loss: number;
  lr: number;
  rho: number;
  steps: number;
  chunk: number;
  /** The look-back step ⌊steps/2⌋: a chunk ends there and w is copied. */
  mid: number;
}

/**
 * Runs one share of a batch on one kernel instance. Self-contained (no imports, no outer names):
 * its source text is also the body of the worker threads.
 */
function runShare(s: Share, post: (m: { done: number } | { w: Float64Array; wMid: Float64Array; nonfinite: Float64Array }) => void): void {
  const inst = new WebAssembly.Instance(s.module, {
    env: {
      abort(_m: number, _f: number, line: number, col: number) {
        throw new Error(`samlab batch kernel aborted at ${line}:${col}`);
      },
    },
  });
  const k = inst.exports as unknown as BatchExports;
  k.batch_setup(s.n, s.d, s.L, s.R);
  const view = (p: number, len: number) => new Float64Array(k.memory.buffer, p >>> 0, len); // wasm32 addresses arrive as signed i32
  view(k.batch_ptr_x(), s.n * s.d).set(s.x);
  view(k.batch_ptr_y(), s.n).set(s.y);
  view(k.batch_ptr_w(), s.R * s.L * s.d).set(s.w0);
  k.batch_prepare();
  k.batch_configure(s.algo, s.loss, s.lr, s.rho);
  let done = 0;
  let wMid = s.mid === 0 ? view(k.batch_ptr_w(), s.R * s.L * s.d).slice() : undefined;
  while (done < s.steps) {
    // chunks end at the look-back step (chunking never changes results)
    const c = done < s.mid ? Math.min(s.chunk, s.mid - done) : Math.min(s.chunk, s.steps - done);
    k.batch_run(c);
    done += c;
    if (done === s.mid) wMid = view(k.batch_ptr_w(), s.R * s.L * s.d).slice();
    post({ done });
  }
  const w = view(k.batch_ptr_w(), s.R * s.L * s.d).slice();
  post({ w, wMid: wMid ?? w, nonfinite: view(k.batch_ptr_nonfinite(), s.R).slice() });
}

const WORKER_SOURCE = (node: boolean) =>
  `const runShare = ${runShare.toString()};\n` +
  (node
    ? `const { parentPort } = require("node:worker_threads");\nparentPort.on("message", (s) => { runShare(s, (m) => parentPort.postMessage(m)); parentPort.close(); });\n`
    : `self.onmessage = (e) => runShare(e.data, (m) => self.postMessage(m));\n`);

type ShareOut = { w: Float64Array; wMid: Float64Array; nonfinite: Float64Array };

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === "string";
}

/** Runs a share in a worker (Node worker_threads or a Web Worker). */
async function runShareInWorker(s: Share, onDone: (done: number) => void): Promise<ShareOut> {
  if (isNode()) {
    const name = "node:worker_threads";
    const { Worker } = (await import(/* @vite-ignore */ name)) as typeof import("node:worker_threads");
    const worker = new Worker(WORKER_SOURCE(true), { eval: true });
    return new Promise<ShareOut>((resolve, reject) => {
      worker.on("message", (m: { done: number } | ShareOut) => ("done" in m ? onDone(m.done) : resolve(m)));
      worker.on("error", reject);
      worker.on("exit", (code) => code !== 0 && reject(new Error(`samlab: batch worker exited with code ${code}`)));
      worker.postMessage(s);
    });
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE(false)], { type: "text/javascript" }));
  const worker = new Worker(url);
  return new Promise<ShareOut>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ done: number } | ShareOut>) => {
      const m = e.data;
      if ("done" in m) onDone(m.done);
      else {
        worker.terminate();
        URL.revokeObjectURL(url);
        resolve(m);
      }
    };
    worker.onerror = (e) => reject(new Error(`samlab: batch worker failed: ${e.message}`));
    worker.postMessage(s);
  });
}

function initOf(v: number | number[] | InitSpec): InitSpec {
  if (typeof v === "number" || Array.isArray(v)) return { alpha: v };
  return v;
}

/**
 * Runs every initialization in `inits` on the spec's data for spec.steps steps and returns the final
 * parameters, β and limit class of each run. Deterministic: the result does not depend on `threads`.
 */
export async function simulateBatch(opts: BatchOptions): Promise<BatchResult> {
  const input = opts.spec as Record<string, unknown>;
  const spec: Spec = parseSpec({ ...input, init: undefined });
  if (spec.mode === "flow") throw new SpecError("mode", 'expected "discrete" (batches run the discrete step)');
  if (spec.lrSchedule !== undefined && spec.lrSchedule !== "constant") throw new SpecError("lrSchedule", 'expected "constant" in a batch');
  if (spec.sam?.group !== undefined) throw new SpecError("sam.group", "expected no group in a batch (the batched kernel runs n-SAM)");
  if (spec.sam?.ascentSteps !== undefined) throw new SpecError("sam.ascentSteps", "expected no k-step ascent in a batch (the batched kernel ascends once; use simulate)");
  if (spec.algo === "asam") throw new SpecError("algo", 'expected "gd", "sam-l2", "sam-linf" or "usam" in a batch (the batched kernel has no ASAM; use simulate)');
  if (spec.batch !== undefined) throw new SpecError("batch", "expected no mini-batches in simulateBatch (its kernel takes full-batch steps; use simulate)");
  if (spec.rhoSchedule !== undefined && spec.rhoSchedule !== "constant") throw new SpecError("rhoSchedule", 'expected "constant" in a batch (simulateBatch has no radius schedule; use simulate)');
  if (spec.switch !== undefined) throw new SpecError("switch", "expected no switch in a batch (simulateBatch runs one algorithm; use simulate)");
  if (opts.inits.length === 0) throw new SpecError("inits", "expected at least one initialization");
  const data = makeDataset(spec.data, spec.seed);
  const { n, d } = data;
  const L = spec.depth;
  const LD = L * d;
  const R = opts.inits.length;
  const w0 = new Float64Array(R * LD);
  opts.inits.forEach((v, r) => {
    const parsed = parseSpec({ ...input, init: initOf(v) });
    w0.set(makeInit(parsed.init, L, d, spec.seed), r * LD);
  });
  if (spec.steps > 2 ** 31 - 1) throw new SpecError("steps", "expected at most 2^31 − 1 steps in a batch");
  const module = await compileBatch();
  const threads = Math.max(1, Math.min(Math.floor(opts.threads ?? 1), Math.ceil(R / 2)));
  // shares of whole lane pairs, as equal as possible
  const pairs = Math.ceil(R / 2);
  const bounds: number[] = [0];
  for (let t = 1; t <= threads; t++) bounds.push(Math.min(R, 2 * Math.round((pairs * t) / threads)));
  const perStep = Math.max(1, (n * d * 2 + LD * 4) * (spec.algo === "gd" ? 1 : 2));
  const common = {
    module,
    n,
    d,
    L,
    x: data.x,
    y: data.y,
    algo: ALGO[spec.algo],
    loss: LOSS[spec.loss],
    lr: spec.lr,
    rho: spec.rho,
    steps: spec.steps,
    mid: Math.floor(spec.steps / 2),
  };
  const doneBy = new Array<number>(threads).fill(0);
  const progress = (t: number, done: number, runs: number) => {
    doneBy[t] = done * runs;
    opts.onProgress?.(doneBy.reduce((a, b) => a + b, 0) / Math.max(1, R * spec.steps));
  };
  const t0 = typeof performance !== "undefined" ? performance.now() : Date.now();
  const outs = await Promise.all(
    bounds.slice(0, -1).map((lo, t) => {
      const hi = bounds[t + 1]!;
      const runs = hi - lo;
      const chunk = opts.chunkSteps ?? Math.max(1, Math.min(spec.steps, Math.floor(1e7 / (runs * perStep / 16))));
      const share: Share = { ...common, R: runs, w0: w0.slice(lo * LD, hi * LD), chunk: Math.max(1, Math.floor(chunk)) };
      if (threads === 1) {
        let out: ShareOut | undefined;
        runShare(share, (m) => ("done" in m ? progress(t, m.done, runs) : (out = m)));
        return Promise.resolve(out!);
      }
      return runShareInWorker(share, (done) => progress(t, done, runs));
    }),
  );
  const ms = (typeof performance !== "undefined" ? performance.now() : Date.now()) - t0;
  const w = new Float64Array(R * LD);
  const wMid = new Float64Array(R * LD);
  const nonfiniteStep: number[] = [];
  outs.forEach((o, t) => {
    w.set(o.w, bounds[t]! * LD);
    wMid.set(o.wMid, bounds[t]! * LD);
    nonfiniteStep.push(...Array.from(o.nonfinite));
  });
  const beta: number[][] = [];
  const betaMid: number[][] = [];
  const limit: LimitClassification[] = [];
  const dataIn = { x: data.x, y: data.y, n, d };
  const o = spec.diagnostics;
  // the squared loss has no margins: its references are the interpolators (or the least-squares minimum)
  const refs = spec.loss === "squared" ? await regressionReferences(dataIn, o) : ((await limitReferences(dataIn, o)) ?? {});
  const tolerances = opts.classify ?? { tolerance: o?.limitTolerance, zeroLoss: o?.zeroLoss, zeroPrediction: o?.zeroPrediction, stallLoss: o?.stallLoss, flatLoss: o?.flatLoss, fitLoss: o?.fitLoss };
  for (let r = 0; r < R; r++) {
    const b = betaOfW(w.subarray(r * LD, (r + 1) * LD), L, d);
    // a run that diverged before the look-back step stopped there: its look-back point is its last finite state, as for simulate()
    const bm = nonfiniteStep[r]! >= 0 && nonfiniteStep[r]! <= Math.floor(spec.steps / 2) ? b.slice() : betaOfW(wMid.subarray(r * LD, (r + 1) * LD), L, d);
    beta.push(b);
    betaMid.push(bm);
    limit.push(classifyLimit({ beta0: betaOfW(w0.subarray(r * LD, (r + 1) * LD), L, d), betaMid: bm, beta: b, data: dataIn, depth: L, lossKind: spec.loss }, refs, tolerances));
  }
  const runSteps = R * spec.steps;
  return { runs: R, n, d, depth: L, steps: spec.steps, w, beta, betaMid, nonfiniteStep, limit, timing: { ms, runSteps, nsPerRunStep: runSteps ? (ms * 1e6) / runSteps : 0, threads } };
}
