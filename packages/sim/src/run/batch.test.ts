/**
 * The batched kernel against the single-run WebAssembly engine: every run of a batch must be
 * bit-identical to `simulate` of the same spec with that run's initialization (same operations in the
 * same order, and a SIMD e^x that is bit-identical to Math.exp), with one thread or two.
 */
import { describe, expect, it } from "vitest";
import { simulateBatch } from "./batch.js";
import { simulate } from "./stream.js";

async function single(spec: Record<string, unknown>, alpha: number | number[]) {
  const r = await simulate({ ...spec, init: { alpha }, record: { points: 2 }, engine: "wasm" });
  return { w: r.final.w.flat(), status: r.status, limit: r.diagnostics!.limit };
}

const b1 = { version: 1 as const, data: { x: [[1, 2]], y: [1] }, depth: 2, algo: "sam-linf" as const, rho: 0.1, lr: 0.05, steps: 3000 };
const b1Inits = [0.01, 0.05, 0.1, 0.3, 1].flatMap((a) => [0.02, 0.2, 0.7].map((b) => [a, b]));

describe("simulateBatch", () => {
  it("ℓ∞-SAM grid, n = 1, d = 2, L = 2 (the register kernel): each run bit-identical to the single-run engine", async () => {
    const res = await simulateBatch({ spec: b1, inits: b1Inits });
    expect(res.runs).toBe(b1Inits.length);
    for (let r = 0; r < b1Inits.length; r++) {
      const s = await single(b1, b1Inits[r]!);
      expect(Array.from(res.w.subarray(r * 4, r * 4 + 4))).toEqual(s.w);
      expect(res.nonfiniteStep[r]).toBe(-1);
    }
  });

  it.each([
    ["gd", "logistic"],
    ["sam-l2", "logistic"],
    ["sam-linf", "exponential"],
    ["usam", "exponential"],
  ] as const)("general kernel (n = 12, d = 5, L = 3, %s, %s): bit-identical to the single-run engine, odd run count", async (algo, loss) => {
    const spec = { version: 1 as const, data: { generator: "gaussian-sparse" as const, n: 12, d: 5, k: 2, minMargin: 0.1, seed: 3 }, depth: 3, algo, loss, rho: 0.03, lr: 0.05, steps: 700, seed: 5 };
    const inits = [0.3, [0.2, 0.5, 0.1, 0.4, 0.6], 0.7];
    const res = await simulateBatch({ spec, inits, chunkSteps: 250 });
    for (let r = 0; r < inits.length; r++) {
      const s = await single(spec, inits[r]!);
      expect(Array.from(res.w.subarray(r * 15, (r + 1) * 15))).toEqual(s.w);
    }
  });

  it("the tiny kernel also covers GD, ℓ2-SAM and USAM bit for bit", async () => {
    for (const algo of ["gd", "sam-l2", "usam"] as const) {
      const spec = { ...b1, algo, steps: 1500 };
      const res = await simulateBatch({ spec, inits: [0.1, [0.02, 0.4]] });
      for (const [r, a] of [0.1, [0.02, 0.4]].entries()) expect(Array.from(res.w.subarray(r * 4, r * 4 + 4))).toEqual((await single(spec, a)).w);
    }
  });

  it("two threads give the same bits as one", async () => {
    const spec = { ...b1, steps: 2000 };
    const inits = b1Inits.slice(0, 9);
    const one = await simulateBatch({ spec, inits, threads: 1 });
    const two = await simulateBatch({ spec, inits, threads: 2 });
    expect(two.timing.threads).toBe(2);
    expect(Array.from(two.w)).toEqual(Array.from(one.w));
    expect(two.limit).toEqual(one.limit);
  });

  it("a run that overflows stops at its last finite state, as in the single-run engine; its neighbour continues", async () => {
    const spec = { version: 1 as const, data: { x: [[1, 2]], y: [-1] }, depth: 2, algo: "gd" as const, lr: 2, steps: 400, loss: "exponential" as const };
    const inits = [0.05, 3];
    const res = await simulateBatch({ spec, inits, chunkSteps: 37 });
    for (const [r, a] of inits.entries()) {
      const s = await single(spec, a);
      expect(Array.from(res.w.subarray(r * 4, r * 4 + 4))).toEqual(s.w);
      if (s.status.ok) expect(res.nonfiniteStep[r]).toBe(-1);
      else expect(res.nonfiniteStep[r]).toBe((s.status as { nonfiniteStep: number }).nonfiniteStep);
      // the same classifier on the same last finite state: the batch and the single run name it alike
      expect(res.limit[r]!.kind).toBe(s.limit.kind);
      expect(res.limit[r]!.coord).toBe(s.limit.coord);
    }
    expect(res.nonfiniteStep.some((v) => v > 0)).toBe(true);
  });

  it("rejects what it cannot run", async () => {
    await expect(simulateBatch({ spec: b1, inits: [] })).rejects.toThrow(/inits/);
    await expect(simulateBatch({ spec: { ...b1, lrSchedule: "inv-sqrt" }, inits: [0.1] })).rejects.toThrow(/lrSchedule/);
  });
});
