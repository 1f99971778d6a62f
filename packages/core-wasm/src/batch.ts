/**
 * @samlab/core-wasm/batch — the typed boundary of the batched kernel (assembly/batch.ts): R runs
 * sharing one data set, advanced together, two runs per SIMD lane pair. Every run is bit-identical
 * to the same run in the single-run core with a constant step size.
 *
 * Compile once with {@link compileBatch}; make one instance per batch (or per worker's share of a
 * batch) with {@link instantiateBatch}. Names mirror the AssemblyScript exports.
 */
import { BATCH_WASM_BASE64 } from "./generated/batch-bytes.js";

/** The raw exports of one batch instance. Pointers are byte offsets into `memory.buffer`. */
export interface BatchExports {
  readonly memory: WebAssembly.Memory;
  /** Allocates n×d data and `runs` runs of depth L. Once per instance, first. */
  batch_setup(n: number, d: number, depth: number, runs: number): void;
  batch_ptr_x(): number;
  batch_ptr_y(): number;
  /** runs × L × d, run-major (run r's layer-major block at r·L·d). */
  batch_ptr_w(): number;
  /** runs f64: the step at which each run became non-finite, −1 while finite. */
  batch_ptr_nonfinite(): number;
  batch_steps(): number;
  /** Computes y_i x_i; once, after x and y are written. */
  batch_prepare(): void;
  /** Algorithm and loss codes as ALGO / LOSS of the main entry; η, ρ. */
  batch_configure(algo: number, loss: number, lr: number, rho: number): void;
  /** Advances every run by `steps` (< 2^31) steps; returns the number of non-finite runs so far. */
  batch_run(steps: number): number;
}

/** The batch module's bytes (release build, SIMD). */
export function batchBytes(): Uint8Array {
  const bin = atob(BATCH_WASM_BASE64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** Compiles the batch module once per realm (cached). */
export function compileBatch(): Promise<WebAssembly.Module> {
  if (!compiled) {
    if (typeof WebAssembly === "undefined") return Promise.reject(new Error("samlab: WebAssembly is not available in this environment"));
    compiled = WebAssembly.compile(batchBytes() as BufferSource).catch((e: unknown) => {
      compiled = undefined;
      throw new Error(`samlab: could not compile the batched WebAssembly kernel (${String(e)}); it needs WebAssembly SIMD`);
    });
  }
  return compiled;
}

/** One batch instance (synchronous, from a compiled module). */
export function instantiateBatch(module: WebAssembly.Module): BatchExports {
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`samlab batch kernel aborted at ${line}:${col}`);
      },
    },
  });
  return instance.exports as unknown as BatchExports;
}
