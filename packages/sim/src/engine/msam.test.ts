/**
 * m-SAM and 1-SAM (`"sam": { "group": m }`, docs/MODEL.md "Relatives"): the WebAssembly core's group
 * path against the reference engine over a spread of specs, and independent checks — one example,
 * m = n (today's path, bit for bit), identical examples, and one 1-SAM step computed by hand.
 */
import { describe, expect, it } from "vitest";
import { seededData } from "../test-util/seeded-data.js";
import { SpecError, checkpointToJson, parseCheckpointJson, parseSpec, resume, simulate, simulateBatch, simulateStream, type Result } from "../index.js";

type Rule = "sam-l2" | "sam-linf" | "usam";
type Loss = "logistic" | "exponential" | "squared";

const cases: { n: number; m: number; depth: number; algo: Rule; loss: Loss }[] = [];
for (const n of [1, 5, 7])
  for (const m of [...new Set([1, 2, 3, n - 1].filter((m) => m >= 1 && m <= Math.max(1, n - 1)))])
    for (const depth of [1, 2, 3])
      for (const algo of ["sam-l2", "sam-linf", "usam"] as const)
        for (const loss of ["logistic", "exponential", "squared"] as const) cases.push({ n, m, depth, algo, loss });

function specFor(c: { n: number; m?: number; depth: number; algo: Rule; loss: Loss }, steps = 2000) {
  return {
    version: 1 as const,
    data: seededData(c.n, 4, c.loss, 11 + c.n),
    depth: c.depth,
    init: { random: "abs-gaussian" as const, alpha: c.depth === 1 ? 0.1 : 0.5 },
    loss: c.loss,
    algo: c.algo,
    rho: 0.03,
    lr: 0.05,
    steps,
    record: { points: 20 },
    seed: 3,
    ...(c.m !== undefined ? { sam: { group: c.m } } : {}),
  };
}

const finalBits = (r: Result) => Buffer.from(Float64Array.from([...r.final.w.flat(), ...r.final.beta]).buffer).toString("hex");

describe("m-SAM: WASM engine vs reference engine", () => {
  it.each(cases)("n=$n m=$m L=$depth $algo $loss: final β within 1e-12 relative", async (c) => {
    const spec = specFor(c);
    const [a, b] = await Promise.all([simulate({ ...spec, engine: "wasm" }), simulate({ ...spec, engine: "reference" })]);
    expect(a.status.state).toBe("finished");
    expect(b.status.state).toBe("finished");
    const scale = Math.max(...b.final.beta.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    for (let j = 0; j < 4; j++) expect(Math.abs(a.final.beta[j]! - b.final.beta[j]!)).toBeLessThanOrEqual(1e-12 * scale);
    for (let i = 0; i < a.trajectory.step.length; i++) {
      const pa = a.trajectory.pertNorm[i]!;
      const pb = b.trajectory.pertNorm[i]!;
      expect(Math.abs(pa - pb)).toBeLessThanOrEqual(1e-12 * Math.max(1e-300, Math.abs(pb)));
    }
  });
});

describe("m-SAM: closed forms", () => {
  it.each(["sam-l2", "sam-linf", "usam"] as const)("%s with one example: 1-SAM equals n-SAM bit for bit", async (algo) => {
    for (const engine of ["wasm", "reference"] as const) {
      const spec = { ...specFor({ n: 1, depth: 2, algo, loss: "logistic" }), engine };
      const [plain, one] = await Promise.all([simulate(spec), simulate({ ...spec, sam: { group: 1 } })]);
      expect(finalBits(one)).toBe(finalBits(plain));
      expect(one.trajectory).toEqual(plain.trajectory);
    }
  });

  it.each(["sam-l2", "sam-linf", "usam"] as const)("%s with m = n (or more) gives exactly the run without a group", async (algo) => {
    for (const engine of ["wasm", "reference"] as const) {
      const spec = { ...specFor({ n: 7, depth: 3, algo, loss: "exponential" }), engine };
      const [plain, full, more] = await Promise.all([simulate(spec), simulate({ ...spec, sam: { group: 7 } }), simulate({ ...spec, sam: { group: 50 } })]);
      expect(finalBits(full)).toBe(finalBits(plain));
      expect(finalBits(more)).toBe(finalBits(plain));
      expect(full.trajectory).toEqual(plain.trajectory);
    }
  });

  it.each(["sam-l2", "sam-linf", "usam"] as const)("%s on identical examples: 1-SAM and n-SAM agree (each group's ε is the batch's)", async (algo) => {
    const row = [0.7, -0.3, 0.2];
    const spec = { version: 1 as const, data: { x: [row, row, row], y: [1, 1, 1] }, depth: 2, init: { alpha: 0.4 }, algo, rho: 0.05, lr: 0.1, steps: 500 };
    const [plain, one] = await Promise.all([simulate(spec), simulate({ ...spec, sam: { group: 1 } })]);
    const scale = Math.max(...plain.final.beta.map(Math.abs));
    for (let j = 0; j < 3; j++) expect(Math.abs(one.final.beta[j]! - plain.final.beta[j]!)).toBeLessThanOrEqual(1e-12 * scale);
  });

  it("one ℓ2 1-SAM step on two examples equals the step computed by hand", async () => {
    // L = 2, d = 2, logistic loss: ℓ'(z) = −1/(1 + e^z), z_i = y_i <u ⊙ v, x_i>
    const x = [
      [1.0, 0.5],
      [-0.4, 0.9],
    ];
    const y = [1, -1];
    const u0 = [0.3, -0.2];
    const v0 = [0.5, 0.4];
    const rho = 0.1;
    const lr = 0.2;
    const gradOf = (u: number[], v: number[], i: number): number[] => {
      const z = y[i]! * (u[0]! * v[0]! * x[i]![0]! + u[1]! * v[1]! * x[i]![1]!);
      const lp = -1 / (1 + Math.exp(z));
      const g = [lp * y[i]! * x[i]![0]!, lp * y[i]! * x[i]![1]!];
      return [g[0]! * v[0]!, g[1]! * v[1]!, g[0]! * u[0]!, g[1]! * u[1]!]; // ∂/∂u then ∂/∂v
    };
    const dir = [0, 0, 0, 0];
    for (const i of [0, 1]) {
      const g = gradOf(u0, v0, i);
      const norm = Math.hypot(...g);
      const e = g.map((gk) => (rho * gk) / norm); // ε_i = ρ ∇L_i / ‖∇L_i‖₂
      const gp = gradOf([u0[0]! + e[0]!, u0[1]! + e[1]!], [v0[0]! + e[2]!, v0[1]! + e[3]!], i);
      for (let k = 0; k < 4; k++) dir[k]! += 0.5 * gp[k]!; // |G|/n = 1/2
    }
    const w1 = [u0[0]! - lr * dir[0]!, u0[1]! - lr * dir[1]!, v0[0]! - lr * dir[2]!, v0[1]! - lr * dir[3]!];
    const beta = [w1[0]! * w1[2]!, w1[1]! * w1[3]!];
    for (const engine of ["wasm", "reference"] as const) {
      const r = await simulate({ version: 1, data: { x, y }, depth: 2, init: { values: [u0, v0] }, algo: "sam-l2", rho, lr, steps: 1, sam: { group: 1 }, engine });
      const w = r.final.w.flat();
      for (let k = 0; k < 4; k++) expect(Math.abs(w[k]! - w1[k]!)).toBeLessThanOrEqual(1e-14);
      for (let j = 0; j < 2; j++) expect(Math.abs(r.final.beta[j]! - beta[j]!)).toBeLessThanOrEqual(1e-14);
      // the 1-SAM step differs from the n-SAM step (the check above is not vacuous)
      const n = await simulate({ version: 1, data: { x, y }, depth: 2, init: { values: [u0, v0] }, algo: "sam-l2", rho, lr, steps: 1, engine });
      expect(Math.abs(n.final.beta[0]! - beta[0]!)).toBeGreaterThan(1e-6);
    }
  });
});

describe("m-SAM: spec, checkpoints", () => {
  it("rejects a group with gd, a flow, the loss-normalized schedules and in a batch, naming sam.group", async () => {
    const base = { version: 1, data: { x: [[1, 2]] }, sam: { group: 1 } };
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(SpecError);
        expect((e as Error).message).not.toContain("\n");
        return (e as SpecError).field;
      }
      return "no error";
    };
    expect(field(() => parseSpec(base))).toBe("sam.group"); // algo defaults to gd
    expect(field(() => parseSpec({ ...base, algo: "sam-l2", mode: "flow" }))).toBe("sam.group");
    expect(field(() => parseSpec({ ...base, algo: "sam-l2", lrSchedule: "rescaled" }))).toBe("sam.group");
    expect(field(() => parseSpec({ ...base, algo: "usam", sam: { group: 0 } }))).toBe("sam.group");
    expect(field(() => parseSpec({ ...base, algo: "usam", sam: { group: 1.5 } }))).toBe("sam.group");
    expect(field(() => parseSpec({ ...base, algo: "usam", sam: { grop: 1 } }))).toBe("sam.grop");
    expect(parseSpec({ ...base, algo: "usam", lrSchedule: "inv-sqrt" }).sam).toEqual({ group: 1 });
    await expect(simulateBatch({ spec: { ...base, algo: "sam-l2" }, inits: [0.1] })).rejects.toThrow(/sam\.group/);
  });

  it.each(["wasm", "reference"] as const)("a 1-SAM run (%s) resumes from a checkpoint to the same Result", async (engine) => {
    const spec = { ...specFor({ n: 7, m: 1, depth: 2, algo: "sam-l2", loss: "squared" }, 3000), engine };
    const full = await simulate(spec);
    const texts: string[] = [];
    for await (const _ of simulateStream(spec, { checkpointEvery: 1001, onCheckpoint: (s) => texts.push(checkpointToJson(s)) }));
    expect(texts.length).toBeGreaterThan(0);
    const resumed = await resume(parseCheckpointJson(texts.at(-1)!));
    expect(finalBits(resumed)).toBe(finalBits(full));
    expect(JSON.stringify({ ...resumed, timing: null })).toBe(JSON.stringify({ ...full, timing: null }));
  });
});
