/**
 * The rooms of packages/web/src (README.md, "Rooms") and which may import which: `ui/` and
 * `state/` at the bottom, `worker/` on them, `views/` on `worker/`, `controls/` and `export/` on
 * `state/`; only `element/` knows them all. Inside `element/` the shell's parts form a chain —
 * explorer → spec-sync → runner → errors → frame — and each imports only parts after it (plus the
 * helpers events, attributes, global, which import no part). Type-only imports count: they tie
 * files together just the same.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SRC = path.dirname(new URL(import.meta.url).pathname);

/** The rooms each room may import from (its own files always). */
const MAY_IMPORT: Record<string, string[]> = {
  ui: [],
  state: [],
  worker: ["state", "ui"],
  views: ["state", "ui", "worker"],
  controls: ["state", "ui"],
  export: ["state", "ui"],
  element: ["state", "ui", "worker", "views", "controls", "export"],
};

/** element/'s parts, outermost first; a part imports only parts after it. */
const ELEMENT_CHAIN = ["explorer", "spec-sync", "runner", "errors", "frame"];
const ELEMENT_HELPERS = ["events", "attributes", "global"];

/** Every relative module specifier of a file: import, import type, export … from, dynamic import(). */
function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const re = /(?:\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?|\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s+from\s+|\bimport\s*\(\s*)["']([^"']+)["']/g;
  return [...code.matchAll(re)].map((m) => m[1]!).filter((s) => s.startsWith("."));
}

/** The room's source files (tests excluded), as paths relative to src/ without ".ts". */
function roomFiles(room: string): string[] {
  return readdirSync(path.join(SRC, room))
    .filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts") && !n.endsWith(".d.ts"))
    .map((n) => `${room}/${n.slice(0, -3)}`);
}

/** What `file` (relative to src/, no extension) imports, relative to src/ without extension. */
function depsOf(file: string): string[] {
  const text = readFileSync(path.join(SRC, `${file}.ts`), "utf8");
  return importsOf(text).map((s) => path.posix.join(path.posix.dirname(file), s).replace(/\.js$/, ""));
}

describe("packages/web/src rooms", () => {
  it("the import parser sees every kind of import", () => {
    const text = `import a from "./a.js";\nimport type { B } from "../b.js";\nexport { e } from "./e.js";\nconst h = await import("./h.js");\nimport { x } from "chart.js";\n// import y from "./commented.js";\n`;
    expect(importsOf(text)).toEqual(["./a.js", "../b.js", "./e.js", "./h.js"]);
  });

  it("no room imports a room above it", () => {
    const wrong: string[] = [];
    for (const [room, allowed] of Object.entries(MAY_IMPORT)) {
      for (const f of roomFiles(room)) {
        for (const d of depsOf(f)) {
          const target = d.includes("/") ? d.slice(0, d.indexOf("/")) : "(root)";
          if (target !== room && !allowed.includes(target)) wrong.push(`${f} → ${d}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("element/'s parts import only the parts after them in the chain", () => {
    const files = roomFiles("element").map((f) => f.slice("element/".length));
    expect([...files].sort()).toEqual([...ELEMENT_CHAIN, ...ELEMENT_HELPERS].sort());
    const wrong: string[] = [];
    for (const f of files) {
      const rank = ELEMENT_CHAIN.indexOf(f);
      for (const d of depsOf(`element/${f}`).filter((x) => x.startsWith("element/"))) {
        const name = d.slice("element/".length);
        // a helper may be imported by anything in element/; a part only by the parts before it
        const ok = ELEMENT_HELPERS.includes(name) || (rank >= 0 && ELEMENT_CHAIN.indexOf(name) > rank);
        if (!ok) wrong.push(`${f} → ${name}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
