/**
 * The architecture of packages/sim/src: every folder is a layer, and a file imports only from its
 * own layer or from layers below it — never upwards, never in a cycle (type-only imports included,
 * since they tie the files together just the same). The order, lowest first:
 *
 *   math        portable log/exp/sin/cos (no imports)
 *   spec        the spec's schema, defaults, limits, version
 *   analysis    max-margin references, diagnostics, amplification order, the limit classifier
 *   data        seeded generators, rng, loaders (the separability check uses analysis)
 *   engine      the WebAssembly binding, the pure-TS reference engine, flow engines, log domain
 *   flows       flow-mode record times and engine choice
 *   run         simulate/stream, Simulation, schedule, checkpoints, divergence, Result, batch
 *   sweep       sweep expansion, the browser pool
 *   experiments the reproduction experiments
 *
 * `index.ts` at the top is the package's root entry (above every layer); `test-util/` holds test
 * helpers and tests themselves are not checked (nothing imports them). packages/sim/README.md
 * carries the same table.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

export const LAYERS = ["math", "spec", "analysis", "data", "engine", "flows", "run", "sweep", "experiments"] as const;

const SRC = path.dirname(new URL(import.meta.url).pathname);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** Every relative module specifier of a file: import, import type, export … from, dynamic import(). */
export function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const out: string[] = [];
  const re = /(?:\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?|\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s+from\s+|\bimport\s*\(\s*)["']([^"']+)["']/g;
  for (const m of code.matchAll(re)) out.push(m[1]!);
  return out;
}

const rel = (f: string) => path.relative(SRC, f).split(path.sep).join("/");
const layerOf = (file: string): string => {
  const r = rel(file);
  return r.includes("/") ? r.slice(0, r.indexOf("/")) : "(root)";
};

const files = sources(SRC).filter((f) => !rel(f).startsWith("test-util/"));
const graph = new Map<string, string[]>();
for (const f of files) {
  const deps = importsOf(readFileSync(f, "utf8"))
    .filter((s) => s.startsWith("."))
    .map((s) => path.resolve(path.dirname(f), s.replace(/\.js$/, ".ts")));
  graph.set(f, deps);
}

describe("packages/sim/src layers", () => {
  it("the import parser sees every kind of import", () => {
    const text = `import a from "./a.js";\nimport type { B } from "./b.js";\nimport { type C, d } from "./c.js";\nexport { e } from "./e.js";\nexport * as f from "./f.js";\nexport type { G } from "./g.js";\nconst h = await import("./h.js");\nimport {\n  i,\n  j,\n} from "./ij.js";\n// import x from "./commented.js";\n`;
    expect(importsOf(text)).toEqual(["./a.js", "./b.js", "./c.js", "./e.js", "./f.js", "./g.js", "./h.js", "./ij.js"]);
  });

  it("every file lives in a named layer", () => {
    const stray = files.filter((f) => layerOf(f) !== "(root)" && !(LAYERS as readonly string[]).includes(layerOf(f))).map(rel);
    expect(stray).toEqual([]);
    expect(files.filter((f) => layerOf(f) === "(root)").map(rel)).toEqual(["index.ts"]);
  });

  it("every relative import resolves to a source file", () => {
    const missing: string[] = [];
    for (const [f, deps] of graph) for (const d of deps) if (!graph.has(d) && !rel(d).startsWith("test-util/")) missing.push(`${rel(f)} → ${rel(d)}`);
    expect(missing).toEqual([]);
  });

  it("no import points up the layer order", () => {
    const rank = (f: string) => (layerOf(f) === "(root)" ? LAYERS.length : LAYERS.indexOf(layerOf(f) as (typeof LAYERS)[number]));
    const up: string[] = [];
    for (const [f, deps] of graph) for (const d of deps) if (rank(d) > rank(f)) up.push(`${rel(f)} (${layerOf(f)}) → ${rel(d)} (${layerOf(d)})`);
    expect(up).toEqual([]);
  });

  it("no import cycle between files (type imports included)", () => {
    const cycles: string[] = [];
    const state = new Map<string, 1 | 2>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 1);
      stack.push(f);
      for (const d of graph.get(f) ?? []) {
        if (state.get(d) === 1) cycles.push([...stack.slice(stack.indexOf(d)), d].map(rel).join(" → "));
        else if (!state.has(d) && graph.has(d)) visit(d);
      }
      stack.pop();
      state.set(f, 2);
    };
    for (const f of graph.keys()) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
