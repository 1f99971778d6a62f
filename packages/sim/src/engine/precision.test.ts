/**
 * precision.x = "f32": x is rounded to f32 once (for both engines) and the WebAssembly hot loop keeps
 * its copy in f32, with every product and sum in f64. So a run equals, bit for bit, the f64 run on the
 * rounded data, the two engines still agree to 1e-12, and the cost is only the data's rounding.
 */
import { describe, expect, it } from "vitest";
import { makeDataset } from "../data/generators.js";
import { simulate } from "../run/stream.js";

const base = {
  version: 1 as const,
  data: { generator: "gaussian-sparse" as const, n: 41, d: 23, k: 3, minMargin: 0.1, seed: 4 },
  depth: 2,
  init: { alpha: 0.2 },
  algo: "sam-l2" as const,
  rho: 0.05,
  lr: 0.05,
  steps: 2000,
  record: { points: 10 },
};

describe("precision.x = f32", () => {
  it("equals the f64 run on x rounded to f32, bit for bit (one and two threads)", async () => {
    const ds = makeDataset(base.data, 1);
    const x = Array.from({ length: ds.n }, (_, i) => Array.from(ds.x.subarray(i * ds.d, (i + 1) * ds.d), Math.fround));
    const rounded = await simulate({ ...base, data: { x, y: Array.from(ds.y) as (1 | -1)[] } });
    const f32 = await simulate({ ...base, precision: { x: "f32" } });
    const f32t = await simulate({ ...base, precision: { x: "f32" } }, { threads: 2 });
    expect(f32.final.w).toEqual(rounded.final.w);
    expect(f32t.final.w).toEqual(rounded.final.w);
  });

  it("engines agree to 1e-12; the f32 result stays within 1e-5 of the f64 one here", async () => {
    const [w, r, f64] = await Promise.all([
      simulate({ ...base, precision: { x: "f32" }, engine: "wasm" }),
      simulate({ ...base, precision: { x: "f32" }, engine: "reference" }),
      simulate(base),
    ]);
    const scale = Math.max(...r.final.beta.map(Math.abs));
    for (let j = 0; j < 23; j++) expect(Math.abs(w.final.beta[j]! - r.final.beta[j]!)).toBeLessThanOrEqual(1e-12 * scale);
    for (let j = 0; j < 23; j++) expect(Math.abs(w.final.beta[j]! - f64.final.beta[j]!)).toBeLessThanOrEqual(1e-5 * scale);
  });

  it("rejects other precisions", async () => {
    await expect(simulate({ ...base, precision: { x: "f16" } })).rejects.toThrow(/precision/);
  });
});
