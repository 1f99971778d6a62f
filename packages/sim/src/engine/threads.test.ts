/**
 * One run on two threads (the threaded core: the two threads share the row blocks of every gradient's
 * data pass, assembly/order.ts) against the same run on one thread: the same bits, and the same records.
 */
import { describe, expect, it } from "vitest";
import { simulate } from "../run/stream.js";
import { loadWasm, WasmRun } from "./wasm.js";

const cases = [
  { n: 64, d: 40, depth: 2, algo: "sam-l2" as const, loss: "logistic" as const },
  { n: 37, d: 21, depth: 3, algo: "gd" as const, loss: "exponential" as const },
  { n: 9, d: 5, depth: 1, algo: "sam-linf" as const, loss: "logistic" as const },
  { n: 130, d: 7, depth: 2, algo: "usam" as const, loss: "logistic" as const },
  { n: 301, d: 70, depth: 2, algo: "sam-l2" as const, loss: "exponential" as const }, // three row blocks, odd n
  { n: 128, d: 12, depth: 2, algo: "sam-l2" as const, loss: "logistic" as const }, // exactly one block
  { n: 513, d: 17, depth: 3, algo: "sam-linf" as const, loss: "logistic" as const }, // the last block is the odd row alone
  { n: 1200, d: 33, depth: 2, algo: "sam-l2" as const, loss: "logistic" as const, f32: true }, // ten blocks, x stored as f32
];

describe("threads: 2 = threads: 1, bit for bit", () => {
  it.each(cases)("n=$n d=$d L=$depth $algo $loss", async (c) => {
    const spec = {
      version: 1 as const,
      data: { generator: "gaussian-sparse" as const, n: c.n, d: c.d, k: Math.min(3, c.d), minMargin: 0.1 },
      depth: c.depth,
      init: { random: "abs-gaussian" as const, alpha: c.depth === 1 ? 0.05 : 0.4 },
      algo: c.algo,
      loss: c.loss,
      rho: 0.03,
      lr: 0.05,
      steps: 600,
      record: { points: 20 },
      seed: 9,
      ...("f32" in c ? { precision: { x: "f32" as const } } : {}),
    };
    const one = await simulate(spec, { chunkSteps: 150 });
    const two = await simulate(spec, { chunkSteps: 150, threads: 2 });
    expect(two.status.state).toBe("finished");
    expect(two.final.w).toEqual(one.final.w);
    expect(two.trajectory.loss).toEqual(one.trajectory.loss);
  });
});

describe("threads: the helper's start", () => {
  it("ready() resolves once the helper serves (at once on one thread); the run is exact either way", async () => {
    await loadWasm({ threads: true });
    const n = 600, d = 10;
    const x = Float64Array.from({ length: n * d }, (_, k) => Math.sin(k) + (k % d === 0 ? 2 : 0));
    const init = { x, y: new Float64Array(n).fill(1), n, d, depth: 2, w0: new Float64Array(2 * d).fill(0.3), schedule: Float64Array.of(0, 50), recordBeta: false, algo: "sam-l2" as const, loss: "logistic" as const, lr: 0.05, rho: 0.05 };
    const one = new WasmRun(init);
    await one.ready();
    const early = new WasmRun(init, { threads: 2 }); // runs before its helper is up
    early.run(50);
    const late = new WasmRun(init, { threads: 2 });
    await late.ready();
    late.run(50);
    one.run(50);
    expect(early.readW()).toEqual(one.readW());
    expect(late.readW()).toEqual(one.readW());
    expect(one.helperChunks()).toBe(0);
    for (const r of [one, early, late]) r.dispose();
  });

  it("the helper thread computes row blocks of the data pass, and the bits stay those of one thread", async () => {
    // Both threads take blocks from a shared counter, so how many the helper gets depends on the
    // scheduler; the run goes on (4000 gradients at most) until it has taken some. A helper that never
    // starts, or never takes a block, leaves the count at 0 and fails this test.
    await loadWasm({ threads: true });
    const n = 1000, d = 64; // eight row blocks per gradient
    const x = Float64Array.from({ length: n * d }, (_, k) => Math.sin(k) + (k % d === 0 ? 2 : 0));
    const steps = 2000;
    const init = { x, y: new Float64Array(n).fill(1), n, d, depth: 2, w0: new Float64Array(2 * d).fill(0.3), schedule: Float64Array.of(0, steps), recordBeta: false, algo: "sam-l2" as const, loss: "logistic" as const, lr: 0.01, rho: 0.05 };
    const two = new WasmRun(init, { threads: 2 });
    await two.ready();
    let step = 0;
    while (step < steps && two.helperChunks() === 0) two.run((step = Math.min(steps, step + 50)));
    const helped = two.helperChunks();
    two.run(steps);
    const one = new WasmRun(init);
    one.run(steps);
    expect(helped).toBeGreaterThan(0);
    expect(two.helperChunks()).toBeGreaterThanOrEqual(helped);
    expect(two.readW()).toEqual(one.readW());
    for (const r of [one, two]) r.dispose();
  });
});
