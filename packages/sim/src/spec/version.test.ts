/** One version for every package, stamped into every Result. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { simulate } from "../run/stream.js";
import { SAMLAB_VERSION } from "./version.js";

const pkg = (name: string) => JSON.parse(readFileSync(new URL(`../../../${name}/package.json`, import.meta.url), "utf8")) as { version: string };

describe("SAMLAB_VERSION", () => {
  it("equals the version of every package", () => {
    for (const name of ["core-wasm", "sim", "cli", "web"]) expect(pkg(name).version, name).toBe(SAMLAB_VERSION);
    expect(SAMLAB_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("is stamped into every Result, reference and WASM engines alike", async () => {
    for (const engine of ["wasm", "reference"] as const) {
      const r = await simulate({ version: 1, data: { x: [[1, 2]] }, algo: "gd", lr: 0.1, steps: 10, engine });
      expect(r.samlab).toEqual({ version: SAMLAB_VERSION });
    }
  });
});
