/**
 * The summation order of g = Σ_i r_i y_i x_i (row blocks of ROW_BLOCK = B; packages/core-wasm/
 * assembly/order.ts) is the same in every engine. Data crafted so that the order shows in the result:
 * one GD step from w = 0 with L = 1 and η = 1 gives w = −g exactly. With n = 2B rows, every margin is
 * 0, so r_i = ℓ'(0)/n = −1/(2n) = −s, a power of two. Column 0 holds 2^53 and then ones: summing row
 * by row absorbs every s (2^53·s + s is half an ulp above 2^53·s, and ties round to even), while the
 * block order adds the second block's B ones as one B·s: w_0 = 2^53·s + B·s, not 2^53·s.
 */
import { describe, expect, it } from "vitest";
import { compileCore, instantiateCore } from "@samlab/core-wasm";
import { simulateBatch } from "../run/batch.js";
import { simulate } from "../run/stream.js";
import { ROW_BLOCK } from "./reference.js";

const n = 2 * ROW_BLOCK; // two blocks
const x = Array.from({ length: n }, (_, i) => [i === 0 ? 2 ** 53 : 1, 1]);
const spec = {
  version: 1 as const,
  data: { x, y: Array.from({ length: n }, () => 1) },
  depth: 1,
  init: { values: [[0, 0]] },
  algo: "gd" as const,
  lr: 1,
  steps: 1,
  record: { points: 2 },
};
const s = 0.5 / n; // −r_i for every row (β = 0, so every margin is exactly 0)
const blocked = [2 ** 53 * s + ROW_BLOCK * s, n * s];
const rowByRow = [2 ** 53 * s, n * s];

describe("the gradient's summation order: row blocks, the same in every engine", () => {
  it("the core and the reference engine use the same block size", async () => {
    const core = instantiateCore(await compileCore());
    expect(core.row_block()).toBe(ROW_BLOCK);
    expect(ROW_BLOCK % 16).toBe(0); // whole blocks of 8 row pairs in the fast kernels
  });

  it("the crafted data tells the two orders apart", () => {
    let g = 0;
    for (let i = 0; i < n; i++) g += -s * x[i]![0]!;
    expect(-g).toBe(rowByRow[0]);
    expect(blocked[0]).not.toBe(rowByRow[0]);
    expect(blocked[0]! - rowByRow[0]!).toBe(ROW_BLOCK * s); // exact: the block sum is representable
  });

  it.each([
    ["reference", { engine: "reference" as const }, {}],
    ["wasm", { engine: "wasm" as const }, {}],
    ["wasm, 2 threads", { engine: "wasm" as const }, { threads: 2 }],
  ])("%s: w = −g in block order", async (_, engine, opts) => {
    const r = await simulate({ ...spec, ...engine }, opts);
    expect(r.final.w).toEqual([blocked]);
  });

  it("batch kernel: w = −g in block order", async () => {
    const r = await simulateBatch({ spec, inits: [{ values: [[0, 0]] }, { values: [[0, 0]] }] });
    expect(Array.from(r.w)).toEqual([...blocked, ...blocked]);
  });

  it("one block (n ≤ ROW_BLOCK) is plain row order", async () => {
    const m = ROW_BLOCK;
    const r = await simulate({ ...spec, data: { x: x.slice(0, m), y: Array.from({ length: m }, () => 1) } });
    // r_i = −0.5/B = −2s; 2^53·2s + 2s rounds back to 2^53·2s every time (half an ulp, ties to even)
    expect(r.final.w).toEqual([[2 ** 53 * 2 * s, 0.5]]);
  });
});
