/**
 * A small Web Worker pool for sweeps in the browser (the CLI's Node pool is worker_threads via
 * tinypool). No Node imports. The page calls `runPool(specs, { workerUrl })`; the worker module is
 * two lines:
 *
 * ```ts
 * // sweep-worker.ts (bundled as a module worker)
 * import { servePoolWorker } from "@samlab/sim";
 * servePoolWorker();
 * ```
 *
 * Protocol (one message per run): the worker posts {type:"ready"} once its module (and the WASM
 * core) has loaded — a message sent before that can be lost in Chromium; the pool then sends
 * {type:"run", id, spec} and the worker answers {type:"result", id, result} or {type:"error", id, message}.
 */
import type { Result } from "../run/result.js";
import { simulate } from "../run/stream.js";

/** What the pool needs of a worker (a DOM Worker, or a test double). */
export interface PoolWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface RunPoolOptions {
  /** URL of a module worker that calls {@link servePoolWorker}. */
  workerUrl?: string | URL;
  /** Or a factory (e.g. Vite's `new Worker(new URL("./w.ts", import.meta.url), { type: "module" })`). */
  createWorker?: () => PoolWorker;
  /** Workers; default navigator.hardwareConcurrency (or 2), never more than the number of specs. */
  size?: number;
  /** Called once per finished run, in completion order. */
  onResult?: (index: number, result: Result, done: number) => void;
  /** Aborting terminates every worker and rejects with the signal's reason. */
  signal?: AbortSignal;
}

type FromWorker = { type: "ready" } | { type: "result"; id: number; result: Result } | { type: "error"; id: number; message: string };

/** Runs every spec on a pool of Web Workers; resolves to the Results in spec order. */
export function runPool(specs: readonly unknown[], options: RunPoolOptions): Promise<Result[]> {
  const hc = typeof navigator !== "undefined" && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 2;
  const size = Math.max(1, Math.min(options.size ?? hc, specs.length));
  const make =
    options.createWorker ??
    (() => {
      if (!options.workerUrl) throw new Error("runPool: give workerUrl or createWorker");
      return new Worker(options.workerUrl, { type: "module" }) as unknown as PoolWorker;
    });
  const results = new Array<Result>(specs.length);
  if (specs.length === 0) return Promise.resolve(results);

  return new Promise<Result[]>((resolve, reject) => {
    const workers: PoolWorker[] = [];
    let next = 0;
    let done = 0;
    let finished = false;
    const stop = (err?: unknown) => {
      if (finished) return;
      finished = true;
      for (const w of workers) w.terminate();
      options.signal?.removeEventListener("abort", onAbort);
      if (err === undefined) resolve(results);
      else reject(err);
    };
    const onAbort = () => stop(options.signal!.reason ?? new Error("aborted"));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort);

    const feed = (w: PoolWorker) => {
      if (finished) return;
      if (next < specs.length) {
        const id = next++;
        w.postMessage({ type: "run", id, spec: specs[id] });
      }
    };
    for (let k = 0; k < size; k++) {
      let w: PoolWorker;
      try {
        w = make();
      } catch (e) {
        return stop(e);
      }
      workers.push(w);
      w.onerror = (ev) => stop(new Error(`runPool: a worker failed: ${(ev as { message?: string })?.message ?? String(ev)}`));
      w.onmessage = (ev) => {
        const m = ev.data as FromWorker;
        if (m.type === "ready") return feed(w);
        if (m.type === "error") return stop(new Error(`run ${m.id}: ${m.message}`));
        results[m.id] = m.result;
        done++;
        options.onResult?.(m.id, m.result, done);
        if (done === specs.length) stop();
        else feed(w);
      };
    }
  });
}

/** The worker side: answers run requests with `simulate`. Call once at the top level of a module worker. */
export function servePoolWorker(scope: { postMessage(m: unknown): void; onmessage: ((ev: { data: unknown }) => void) | null } = globalThis as never): void {
  scope.onmessage = (ev) => {
    const m = ev.data as { type: "run"; id: number; spec: unknown };
    if (m?.type !== "run") return;
    simulate(m.spec).then(
      (result) => scope.postMessage({ type: "result", id: m.id, result }),
      (e: unknown) => scope.postMessage({ type: "error", id: m.id, message: e instanceof Error ? e.message : String(e) }),
    );
  };
  scope.postMessage({ type: "ready" });
}
