/**
 * The summation order of g = Σ_i r_i y_i x_i (row blocks of ROW_BLOCK; packages/core-wasm/assembly/
 * order.ts) is the same in every engine. Data crafted so that the order shows in the result: one
 * GD step from w = 0 with L = 1 and η = 1 gives w = −g exactly, and column 0 holds 2^53 followed by
 * ones, so summing row by row absorbs every +1 (2^43 + 2^-10 rounds back to 2^43) while the block
 * order adds the second block's 256 ones as one 0.25: w_0 = 2^43 + 0.25, not 2^43.
 */
import { describe, expect, it } from "vitest";
import { compileCore, instantiateCore } from "@samlab/core-wasm";
import { simulateBatch } from "../batch.js";
import { simulate } from "../simulate.js";
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
// r_i = ℓ'(0)/n = −0.5/512 = −2^-10 for every row (β = 0, so every margin is exactly 0)
const blocked = [2 ** 43 + 0.25, 0.5];
const rowByRow = [2 ** 43, 0.5];

describe("the gradient's summation order: row blocks, the same in every engine", () => {
  it("the core and the reference engine use the same block size", async () => {
    const core = instantiateCore(await compileCore());
    expect(core.row_block()).toBe(ROW_BLOCK);
    expect(ROW_BLOCK % 16).toBe(0); // whole blocks of 8 row pairs in the fast kernels
  });

  it("the crafted data tells the two orders apart", () => {
    let s = 0;
    for (let i = 0; i < n; i++) s += -(2 ** -10) * x[i]![0]!;
    expect(-s).toBe(rowByRow[0]);
    expect(blocked[0]).not.toBe(rowByRow[0]);
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
    // r_i = −0.5/256 = −2^-9; 2^44 + 2^-9 rounds back to 2^44 every time (ulp 2^-8, ties to even)
    expect(r.final.w).toEqual([[2 ** 44, 0.5]]);
  });
});
