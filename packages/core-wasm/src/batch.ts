/**
 * @samlab/core-wasm/batch — the typed boundary of the batched kernel (assembly/batch.ts): R runs
 * sharing one data set, advanced together, two runs per SIMD lane pair. Every run is bit-identical
 * to the same run in the single-run core with a constant step size.
 *
 * Compile once with {@link compileBatch}; make one instance per batch (or per worker's share of a
 * batch) with {@link instantiateBatch}. Names and types are the AssemblyScript exports' (generated).
 */
import { BATCH_WASM_BASE64 } from "./generated/batch-bytes.js";
import type { BatchExports } from "./generated/batch-exports.js";
import { compileModule, decodeBase64, instantiateModule } from "./loader.js";

/** The raw exports of one batch instance, as declared by the AssemblyScript compiler (assembly/batch.ts). */
export type { BatchExports };

/** The batch module's bytes (release build, SIMD). */
export function batchBytes(): Uint8Array {
  return decodeBase64(BATCH_WASM_BASE64);
}

/** Compiles the batch module once per realm (cached). */
export function compileBatch(): Promise<WebAssembly.Module> {
  return compileModule("batched WebAssembly kernel", BATCH_WASM_BASE64);
}

/** One batch instance (synchronous, from a compiled module). */
export function instantiateBatch(module: WebAssembly.Module): BatchExports {
  return instantiateModule<BatchExports>("batch kernel", module);
}
