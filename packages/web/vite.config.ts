/**
 * Two builds from one `vite build`:
 * 1. the app (index.html → dist/index.html + dist/assets/*, the worker as its own module chunk),
 * 2. after it, the single-file embed script dist/samlab-explorer.js (library mode, the worker
 *    inlined), which public/embed.html — copied as is — includes exactly as a host page would.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { build, defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const shared = {
  "process.env.NODE_ENV": JSON.stringify("production"),
};
/**
 * HiGHS (the max-margin solver of @samlab/sim's diagnostics, 3.5 MB of WebAssembly). The app ships
 * highs.wasm as an asset, loaded by the worker only when a run ends (`samlab:highs-wasm-url`). The
 * single-file embed carries it inside samlab-explorer.js as base64 of its gzip
 * (`samlab:highs-wasm-gz`, decoded by src/worker/highs-inline.ts when first needed) and bundles
 * HiGHS's CommonJS loader, which has no `new URL("highs.wasm", import.meta.url)` for library mode to
 * inline a second time.
 */
const highsRequire = createRequire(`${root}../sim/package.json`);
const highsWasm = highsRequire.resolve("highs/runtime");
const highsWasmUrl = { find: /^samlab:highs-wasm-url$/, replacement: `${highsWasm}?url` };
const highsCjs = { find: /^highs$/, replacement: join(dirname(highsWasm), "highs.js") };
const highsWasmUrlStub = { find: /^samlab:highs-wasm-url$/, replacement: `${root}src/stubs/highs-wasm-url.ts` };

/** `samlab:highs-wasm-gz`: highs.wasm as base64 of its gzip (embed), or "" (app). */
function highsInline(inline: boolean): Plugin {
  const id = "\0samlab:highs-wasm-gz";
  return {
    name: "samlab-highs-inline",
    resolveId: (source) => (source === "samlab:highs-wasm-gz" ? id : undefined),
    load: (source) => (source === id ? `export default ${JSON.stringify(inline ? gzipSync(readFileSync(highsWasm), { level: 9 }).toString("base64") : "")};` : undefined),
  };
}

function embedBuild(): Plugin {
  return {
    name: "samlab-embed-build",
    apply: "build",
    async closeBundle() {
      await build({
        configFile: false,
        root,
        logLevel: "warn",
        define: { ...shared, __SAMLAB_APP_URL__: JSON.stringify("./index.html") },
        plugins: [highsInline(true)],
        resolve: { alias: [highsCjs, highsWasmUrlStub, { find: /^\.\/worker-factory\.js$/, replacement: `${root}src/worker/worker-factory.inline.ts` }] },
        worker: { format: "es" },
        build: {
          outDir: "dist",
          emptyOutDir: false,
          target: "es2022",
          copyPublicDir: false,
          chunkSizeWarningLimit: 2000,
          lib: { entry: `${root}src/lib.ts`, formats: ["es"], fileName: () => "samlab-explorer.js" },
        },
      });
    },
  };
}

export default defineConfig({
  base: "./",
  define: { ...shared, __SAMLAB_APP_URL__: JSON.stringify("../index.html") },
  resolve: { alias: [highsWasmUrl] },
  worker: { format: "es" },
  build: { target: "es2022", chunkSizeWarningLimit: 2000 },
  plugins: [highsInline(false), embedBuild()],
});
