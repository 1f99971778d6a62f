/**
 * Two builds from one `vite build`:
 * 1. the app (index.html → dist/index.html + dist/assets/*, the worker as its own module chunk),
 * 2. after it, the single-file embed script dist/samlab-explorer.js (library mode, the worker
 *    inlined), which public/embed.html — copied as is — includes exactly as a host page would.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { build, defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const shared = {
  "process.env.NODE_ENV": JSON.stringify("production"),
};
/**
 * HiGHS (the max-margin solver of @samlab/sim's diagnostics, 3.5 MB of WebAssembly): the app ships
 * highs.wasm as an asset, loaded by the worker only when a run ends (`samlab:highs-wasm-url`); the
 * single-file embed replaces `highs` by a stub (src/stubs/highs.ts) and its Results say so.
 */
const highsWasm = createRequire(`${root}../sim/package.json`).resolve("highs/runtime");
const highsWasmUrl = { find: /^samlab:highs-wasm-url$/, replacement: `${highsWasm}?url` };
const highsStub = { find: /^highs$/, replacement: `${root}src/stubs/highs.ts` };
const highsWasmUrlStub = { find: /^samlab:highs-wasm-url$/, replacement: `${root}src/stubs/highs-wasm-url.ts` };

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
        resolve: { alias: [highsStub, highsWasmUrlStub, { find: /^\.\/worker-factory\.js$/, replacement: `${root}src/worker/worker-factory.inline.ts` }] },
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
  plugins: [embedBuild()],
});
