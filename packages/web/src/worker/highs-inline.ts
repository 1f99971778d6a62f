/**
 * HiGHS's highs.wasm for the single-file embed: vite.config.ts puts it into samlab-explorer.js as
 * gzip + base64 (1.6 MB of text for 3.5 MB of WebAssembly) through `samlab:highs-wasm-gz`; the app
 * build ships the .wasm as an asset instead and this module's string is empty. Decoded on the main
 * thread, only when the worker first asks for it (a run ended and needs its max-margin references),
 * and handed to the worker as bytes: the inlined worker is itself base64, so the payload is kept out
 * of it.
 */
import gzBase64 from "samlab:highs-wasm-gz";

/** highs.wasm's bytes, or undefined when this build has none inlined (the app build). */
export async function inlinedHighsWasm(): Promise<ArrayBuffer | undefined> {
  if (!gzBase64) return undefined;
  const bin = atob(gzBase64);
  const gz = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) gz[i] = bin.charCodeAt(i);
  return new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
}
