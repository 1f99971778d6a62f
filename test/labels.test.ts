/**
 * One palette and one set of names: the web page's bundle and the CLI's figure renderer take their
 * colours and algorithm names from labels.ts of @samlab/sim (read in the built code: the only colour
 * table in the page's bundle is that palette, the CLI's renderer has none of its own).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ALGO_LABEL, PALETTE, REGIME_COLOR, coordColor, limitLabel } from "@samlab/sim/analysis";
import { PHASE_CLASSES } from "@samlab/sim/experiments";
import { describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;
const WEB_ASSETS = join(ROOT, "packages/web/dist/assets");
const CLI_FIGURES = join(ROOT, "packages/cli/dist/figures.js");

/** Every array literal of four or more colour strings ("#RRGGBB", any quotes) in `code`. */
function colourTables(code: string): string[][] {
  const q = "[\"'`]";
  const colour = `${q}#[0-9A-Fa-f]{6}${q}`;
  const re = new RegExp(`\\[\\s*${colour}(?:\\s*,\\s*${colour}){3,}\\s*\\]`, "g");
  return [...code.matchAll(re)].map((m) => [...m[0].matchAll(/#[0-9A-Fa-f]{6}/g)].map((c) => c[0]));
}

/** The page's bundles (the page and its worker are bundled separately: each carries its own copy of @samlab/sim). */
const webBundles = () =>
  readdirSync(WEB_ASSETS)
    .filter((f) => f.endsWith(".js"))
    .map((f) => ({ file: f, code: readFileSync(join(WEB_ASSETS, f), "utf8") }));

describe("one palette and one set of labels", () => {
  it("the page's bundles hold one colour table each at most, the shared palette", () => {
    const bundles = webBundles();
    for (const { file, code } of bundles) for (const t of colourTables(code)) expect(t, file).toEqual([...PALETTE]);
    expect(colourTables(bundles.find((b) => b.file.startsWith("index-"))!.code)).toEqual([[...PALETTE]]);
  });

  it("the CLI's figure renderer has no colour table of its own and imports the shared one", () => {
    const code = readFileSync(CLI_FIGURES, "utf8");
    expect(colourTables(code)).toEqual([]);
    expect(code).toMatch(/import \{[^}]*\bPALETTE\b[^}]*\} from "@samlab\/sim\/analysis"/);
    expect(code).toMatch(/seriesColor\(/);
  });

  it("the page names the algorithms with the shared table only", () => {
    for (const { file, code } of webBundles()) {
      // every "sam-linf": <name> pair in a bundle is the shared table's, once
      const names = [...code.matchAll(/"sam-linf":\s*["'`]([^"'`]+)["'`]/g)].map((m) => m[1]);
      expect(names.length, file).toBeLessThanOrEqual(1);
      for (const n of names) expect(n, file).toBe(ALGO_LABEL["sam-linf"]);
    }
    expect(Object.values(ALGO_LABEL)).toEqual(["GD", "ℓ2-SAM", "ℓ∞-SAM", "USAM", "ASAM"]);
  });

  it("the phase classes colour e₁, e₂ as coordinates 1, 2 are drawn everywhere, and name regimes as the classifier does", () => {
    expect(PHASE_CLASSES.map((c) => c.color)).toEqual([coordColor(0), coordColor(1), REGIME_COLOR.zero, REGIME_COLOR.stalled, REGIME_COLOR["not-converged"]]);
    const base = { distances: { basis: 0 }, tolerances: { tolerance: 0.05 } } as unknown as Parameters<typeof limitLabel>[0];
    for (const [k, kind] of [[2, "zero"], [3, "stalled"], [4, "not-converged"]] as const) expect(PHASE_CLASSES[k]!.label.startsWith(limitLabel({ ...base, kind }))).toBe(true);
    expect(limitLabel({ ...base, kind: "basis", coord: 1 })).toBe("basis e₂");
  });
});
