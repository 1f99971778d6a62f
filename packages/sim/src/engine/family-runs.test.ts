/**
 * The general plain step (mini-batches, ASAM, k-step ascent, 1-SAM) as whole runs: the same bits on
 * one and two threads (the step runs on one thread whatever `threads` says), and a checkpoint taken
 * in the middle of an epoch resumes to the same Result (the epoch permutation is a function of the
 * seed and the step counter only).
 */
import { describe, expect, it } from "vitest";
import { checkpointToJson, parseCheckpointJson, resume, simulate, simulateStream, type Result } from "../index.js";

const finalBits = (r: Result) => Buffer.from(Float64Array.from([...r.final.w.flat(), ...r.final.beta]).buffer).toString("hex");

const runs = [
  { name: "mini-batch ℓ2-SAM", batch: 40, algo: "sam-l2" as const },
  { name: "mini-batch ASAM, 3-step ascent", batch: 64, algo: "asam" as const, sam: { ascentSteps: 3, xi: 0.02 } },
  { name: "1-SAM", algo: "sam-l2" as const, sam: { group: 1 } },
  { name: "mini-batch GD, then 1-SAM (switch)", batch: 50, algo: "gd" as const, sam: { group: 1 }, switch: { step: 150, algo: "sam-linf" as const } },
];

function specOf(r: (typeof runs)[number], steps = 400) {
  const { name: _name, ...rest } = r;
  return {
    version: 1 as const,
    data: { generator: "gaussian-sparse" as const, n: 300, d: 16, k: 3, minMargin: 0.1, seed: 5 },
    depth: 2,
    init: { random: "abs-gaussian" as const, alpha: 0.3 },
    rho: 0.05,
    lr: 0.05,
    steps,
    record: { points: 15 },
    seed: 7,
    ...rest,
  };
}

describe("the plain step: threads and checkpoints", () => {
  it.each(runs)("$name: threads 2 gives the bits of threads 1", async (r) => {
    const spec = specOf(r);
    const one = await simulate(spec, { chunkSteps: 70 });
    const two = await simulate(spec, { chunkSteps: 70, threads: 2 });
    expect(one.status.state).toBe("finished");
    expect(finalBits(two)).toBe(finalBits(one));
    expect(two.trajectory).toEqual(one.trajectory);
  });

  it.each(runs.flatMap((r) => (["wasm", "reference"] as const).map((engine) => ({ ...r, engine }))))("$name ($engine): a checkpoint mid-epoch resumes to the same Result", async (r) => {
    const { engine, ...rest } = r;
    const spec = { ...specOf(rest, 300), engine };
    const full = await simulate(spec);
    const texts: string[] = [];
    // 7 batches of 40…64 make an epoch of 300: a checkpoint every 97 steps lands inside epochs
    for await (const _ of simulateStream(spec, { checkpointEvery: 97, onCheckpoint: (s) => texts.push(checkpointToJson(s)) }));
    expect(texts.length).toBeGreaterThan(1);
    const resumed = await resume(parseCheckpointJson(texts[1]!));
    expect(finalBits(resumed)).toBe(finalBits(full));
    expect(JSON.stringify({ ...resumed, timing: null })).toBe(JSON.stringify({ ...full, timing: null }));
  });
});
