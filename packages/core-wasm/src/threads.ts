/**
 * @samlab/core-wasm/threads — the threaded build of the core (assembly/mt.ts): the same engine on an
 * imported shared memory, plus a helper thread that takes half of every gradient's data pass
 * (assembly/threads.ts; results bit-identical to one thread).
 *
 * Use: `const mod = await compileCoreThreaded()`, `const memory = sharedMemory()`,
 * `const core = instantiateCoreThreaded(mod, memory)`, then setup/prepare as usual, then
 * `await loadHelperSupport()`, `const helper = startHelper(core, mod, memory, core.mt_enable())`; `helper.stop()` at the end.
 * Node: worker_threads. Browsers: a module-less Web Worker, which needs a cross-origin-isolated page
 * (SharedArrayBuffer); without it `sharedMemory` throws.
 */
import { MT_WASM_BASE64 } from "./generated/core-mt-bytes.js";
import type { CoreThreadedExports } from "./generated/core-mt-exports.js";
import { compileModule, decodeBase64, instantiateModule } from "./loader.js";

/**
 * The threaded core's exports — the core's plus the thread controls `mt_enable` (after setup and
 * prepare: turns the helper's share on, returns its control block), `mt_stop` (sends the helper out of
 * its loop and waits), `mt_detach` (the same without waiting, for a page's main thread) and
 * `mt_worker_loop` (the helper's loop) — as declared by the AssemblyScript compiler (assembly/mt.ts).
 */
export type { CoreThreadedExports };

export function coreThreadedBytes(): Uint8Array {
  return decodeBase64(MT_WASM_BASE64);
}

/** Compiles the threaded core once per realm (needs WebAssembly threads and SIMD). */
export function compileCoreThreaded(): Promise<WebAssembly.Module> {
  return compileModule("threaded WebAssembly core", MT_WASM_BASE64, true);
}

/** A shared memory for one threaded run (grows on demand up to 2 GiB). */
export function sharedMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 16, maximum: 32768, shared: true });
}

/** The run's own instance (thread A). */
export function instantiateCoreThreaded(module: WebAssembly.Module, memory: WebAssembly.Memory): CoreThreadedExports {
  return instantiateModule<CoreThreadedExports>("core", module, memory);
}

// The helper thread's whole program: instantiate on the shared memory, say so, serve jobs until told to exit.
const HELPER = `
const serve = ({ module, memory, ctrl }, ready) => {
  const env = { memory, abort(m, f, line, col) { throw new Error("samlab core aborted at " + line + ":" + col); } };
  const core = new WebAssembly.Instance(module, { env }).exports;
  ready();
  core.mt_worker_loop(ctrl);
};`;

/** A running helper thread; `stop` ends it (call the core's `mt_stop` first, or let `stop` do it). */
export interface Helper {
  stop(): void;
  /**
   * Resolves once the helper has its instance and starts serving (or has failed to start: the run
   * then simply stays on one thread). Until then the run's own thread does all the work; nothing
   * needs to wait for this except a measurement of the steady state.
   */
  ready: Promise<void>;
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === "string";
}

function nodeExecArgv(): string[] {
  return (globalThis as { process?: { execArgv?: string[] } }).process?.execArgv ?? [];
}

type NodeWorkerCtor = typeof import("node:worker_threads").Worker;
let nodeWorker: NodeWorkerCtor | undefined;

/** Loads what `startHelper` needs (Node: the worker_threads module). Once per realm, before `startHelper`. */
export async function loadHelperSupport(): Promise<void> {
  if (isNode() && !nodeWorker) {
    const name = "node:worker_threads";
    nodeWorker = ((await import(/* @vite-ignore */ name)) as typeof import("node:worker_threads")).Worker;
  }
}

/** Starts thread B for the run whose control block is `ctrl` (from `mt_enable`); needs `loadHelperSupport()`. */
export function startHelper(core: CoreThreadedExports, module: WebAssembly.Module, memory: WebAssembly.Memory, ctrl: number): Helper {
  let stopped = false;
  let gone = false; // the helper's worker has failed or exited: nobody would acknowledge a stop
  const stopCore = () => {
    if (!stopped) {
      if (gone) core.mt_detach();
      else core.mt_stop(); // waits at most 2 s for an acknowledgement that may never come
    }
    stopped = true;
  };
  if (isNode()) {
    if (!nodeWorker) throw new Error("samlab: call `await loadHelperSupport()` before `startHelper`");
    const worker = new nodeWorker(`${HELPER}\nconst wt = require("node:worker_threads");\nserve(wt.workerData, () => wt.parentPort.postMessage("ready"));`, {
      eval: true,
      // the program above is a CommonJS script: drop an inherited --input-type=module (node -e, which
      // would make `require` undefined in the worker)
      execArgv: nodeExecArgv().filter((a) => !a.startsWith("--input-type")),
      workerData: { module, memory, ctrl },
    });
    // referenced until it has started (so `await ready` cannot leave an empty event loop), then a
    // helper never keeps the process alive
    const ready = new Promise<void>((resolve) => {
      const done = () => {
        worker.unref();
        resolve();
      };
      worker.once("message", done);
      worker.once("error", done);
      worker.once("exit", done);
    });
    worker.once("error", () => (gone = true));
    worker.once("exit", () => (gone = true));
    return { stop: stopCore, ready };
  }
  const url = URL.createObjectURL(new Blob([`${HELPER}\nself.onmessage = (e) => serve(e.data, () => self.postMessage("ready"));`], { type: "text/javascript" }));
  const worker = new Worker(url);
  const ready = new Promise<void>((resolve) => {
    worker.addEventListener("message", () => resolve(), { once: true });
    worker.addEventListener("error", () => resolve(), { once: true });
  });
  worker.postMessage({ module, memory, ctrl });
  return {
    ready,
    stop() {
      // no waiting for the helper's acknowledgement: this may be a page's main thread, where
      // memory.atomic.wait traps; the helper holds no job, and its worker is terminated right away
      if (!stopped) core.mt_detach();
      stopped = true;
      worker.terminate();
      URL.revokeObjectURL(url);
    },
  };
}
