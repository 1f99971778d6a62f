/**
 * @samlab/core-wasm — the WebAssembly engine's typed boundary.
 *
 * The module is embedded (base64) so that one loader serves Node, browsers, Web Workers and
 * bundlers. Compile once with {@link compileCore}, then make one instance per run with
 * {@link instantiateCore}: every run owns its memory, so many runs can be interleaved in one thread.
 *
 * Names are the AssemblyScript exports of `assembly/index.ts` (snake_case there, kept as is here);
 * their types come from the compiler's own bindings declaration (scripts/build.mjs).
 */
import { WASM_BASE64 } from "./generated/core-bytes.js";
import type { CoreExports } from "./generated/core-exports.js";
import { compileModule, decodeBase64, instantiateModule } from "./loader.js";

/** Every code shared with the WebAssembly side (ALGO, LOSS, REC, …), generated from codes.json. */
export { ALGO, LOSS, REC, LR_SCHEDULE, RHO_SCHEDULE, FLOW, TIME_SCALE, FLOW_RUN } from "./generated/codes.js";
/** The raw exports of one core instance, as declared by the AssemblyScript compiler (assembly/index.ts). */
export type { CoreExports };

/** The engine's bytes (release build, SIMD enabled). */
export function coreBytes(): Uint8Array {
  return decodeBase64(WASM_BASE64);
}

/** Compiles the engine once per realm (cached). Rejects with an actionable message when WebAssembly (SIMD) is unavailable. */
export function compileCore(): Promise<WebAssembly.Module> {
  return compileModule("WebAssembly core", WASM_BASE64);
}

/** Instantiates one engine (synchronously, from a compiled module). One instance = one run. */
export function instantiateCore(module: WebAssembly.Module): CoreExports {
  return instantiateModule<CoreExports>("core", module);
}
