/**
 * The one loader of @samlab/core-wasm's three modules (core, batch, threaded core), for Node,
 * browsers, Web Workers and bundlers alike: the bytes are embedded (base64, src/generated), so
 * nothing is fetched or read from disk. Each module is compiled once per realm and cached; every
 * instance gets the same `env` (an `abort` that throws, and the shared memory of a threaded run).
 */

/** What each module needs from the engine running it (for the error message when it cannot load). */
const NEEDS = "WebAssembly SIMD (Node >= 16.4, Chrome >= 91, Firefox >= 89, Safari >= 16.4)";

/** Base64 to bytes (atob exists in Node >= 16, browsers and workers). */
export function decodeBase64(base64: string): Uint8Array {
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const cache = new Map<string, Promise<WebAssembly.Module>>();

/**
 * Compiles the module `name` from `base64` once per realm (cached; a failure is not cached). Rejects
 * with an actionable message: what failed, why, and what the environment must support.
 */
export function compileModule(name: string, base64: string, threads = false): Promise<WebAssembly.Module> {
  let compiled = cache.get(name);
  if (!compiled) {
    const needs = threads
      ? `${NEEDS} and WebAssembly threads (in browsers: a cross-origin-isolated page for SharedArrayBuffer)`
      : NEEDS;
    if (typeof WebAssembly === "undefined") {
      return Promise.reject(new Error(`samlab: WebAssembly is not available in this environment; the ${name} needs ${needs}`));
    }
    compiled = WebAssembly.compile(decodeBase64(base64) as BufferSource).catch((e: unknown) => {
      cache.delete(name);
      throw new Error(`samlab: could not compile the ${name} (${String(e)}); it needs ${needs}`);
    });
    cache.set(name, compiled);
  }
  return compiled;
}

/** The imports every module expects: `abort` (throws with the AssemblyScript source position) and, for the threaded core, the shared memory. */
export function moduleEnv(name: string, memory?: WebAssembly.Memory): WebAssembly.Imports {
  const env: WebAssembly.ModuleImports = {
    abort(_msg: number, _file: number, line: number, col: number) {
      throw new Error(`samlab ${name} aborted at ${line}:${col}`);
    },
  };
  if (memory) env.memory = memory;
  return { env };
}

/** One instance of a compiled module (synchronous), typed by the module's generated exports. */
export function instantiateModule<T>(name: string, module: WebAssembly.Module, memory?: WebAssembly.Memory): T {
  return new WebAssembly.Instance(module, moduleEnv(name, memory)).exports as unknown as T;
}
