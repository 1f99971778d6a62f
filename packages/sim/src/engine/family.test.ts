/**
 * The SAM family's general plain step (docs/MODEL.md, "Relatives"): mini-batches, ASAM, the k-step
 * ascent and m-SAM groups in every combination — the WebAssembly core against the reference engine,
 * and checks computed independently in this file (closed forms, hand-computed steps, the epoch
 * permutation written again from its definition).
 */
import { describe, expect, it } from "vitest";
import { seededData } from "../test-util/seeded-data.js";
import { compileCore, instantiateCore } from "@samlab/core-wasm";
import { SpecError, parseSpec, simulate, simulateBatch, type Result } from "../index.js";
import { loadWasm, WasmRun } from "./wasm.js";
import { ReferenceRun } from "./reference.js";
import { epochPermutation } from "./permutation.js";
import type { Algo, EngineInit, EngineRun, Loss } from "./types.js";


const finalBits = (r: Result) => Buffer.from(Float64Array.from([...r.final.w.flat(), ...r.final.beta]).buffer).toString("hex");

function baseSpec(c: { n?: number; depth: number; algo: Algo; loss: Loss }, steps = 1000) {
  return {
    version: 1 as const,
    data: seededData(c.n ?? 7, 4, c.loss, 5 + (c.n ?? 7)),
    depth: c.depth,
    init: { random: "abs-gaussian" as const, alpha: c.depth === 1 ? 0.1 : 0.5 },
    loss: c.loss,
    algo: c.algo,
    rho: 0.03,
    lr: 0.05,
    steps,
    record: { points: 12 },
    seed: 3,
  };
}

type Options = { batch?: number; sam?: { group?: number; ascentSteps?: number; xi?: number } };
const samOptions: Options[] = [
  { batch: 3 },
  { sam: { ascentSteps: 2 } },
  { sam: { group: 2, ascentSteps: 3 } },
  { batch: 4, sam: { group: 1 } },
  { batch: 5, sam: { group: 2, ascentSteps: 4 } },
];
const cases: ({ depth: number; algo: Algo; loss: Loss } & Options)[] = [];
for (const algo of ["gd", "sam-l2", "sam-linf", "usam", "asam"] as const)
  for (const loss of ["logistic", "exponential", "squared"] as const)
    for (const depth of [1, 2, 3])
      for (const o of algo === "gd" ? [{ batch: 2 }, { batch: 6 }] : [...samOptions, ...(algo === "asam" ? [{}, { sam: { xi: 0.2 } }] : [])]) cases.push({ depth, algo, loss, ...o });

describe("the plain step: WASM engine vs reference engine", () => {
  it.each(cases)("$algo $loss L=$depth batch=$batch sam=$sam: final β within 1e-12 relative", async (c) => {
    const spec = { ...baseSpec(c), ...(c.batch !== undefined ? { batch: c.batch } : {}), ...(c.sam ? { sam: c.sam } : {}) };
    const [a, b] = await Promise.all([simulate({ ...spec, engine: "wasm" }), simulate({ ...spec, engine: "reference" })]);
    expect(a.status.state).toBe("finished");
    expect(b.status.state).toBe("finished");
    const scale = Math.max(...b.final.beta.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    for (let j = 0; j < 4; j++) expect(Math.abs(a.final.beta[j]! - b.final.beta[j]!)).toBeLessThanOrEqual(1e-12 * scale);
    for (let i = 0; i < a.trajectory.step.length; i++) {
      expect(Math.abs(a.trajectory.loss[i]! - b.trajectory.loss[i]!)).toBeLessThanOrEqual(1e-12 * Math.abs(b.trajectory.loss[i]!));
      expect(Math.abs(a.trajectory.pertNorm[i]! - b.trajectory.pertNorm[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1e-300, Math.abs(b.trajectory.pertNorm[i]!)));
    }
  });
});

/** Runs an EngineInit on one engine to `steps` and returns w. */
async function runInit(engine: "wasm" | "reference", init: EngineInit, steps: number): Promise<Float64Array> {
  await loadWasm();
  const run: EngineRun = engine === "wasm" ? new WasmRun(init) : new ReferenceRun(init);
  expect(run.run(steps)).toBe(true);
  return run.readW();
}

function initOf(c: { n: number; d: number; depth: number; algo: Algo; loss: Loss }, extra: Partial<EngineInit> = {}): EngineInit {
  const { x, y } = seededData(c.n, c.d, c.loss, 40 + c.n);
  const w0 = new Float64Array(c.depth * c.d);
  for (let k = 0; k < w0.length; k++) w0[k] = 0.3 + 0.05 * ((k * 7) % 5);
  return { x: Float64Array.from(x.flat()), y: Float64Array.from(y), n: c.n, d: c.d, depth: c.depth, w0, schedule: new Float64Array([0]), recordBeta: false, algo: c.algo, loss: c.loss, lr: 0.05, rho: 0.04, ...extra };
}

describe("the plain step: closed forms and identities", () => {
  const ordinary = ["gd", "sam-l2", "sam-linf", "usam"] as const;
  it.each(
    ordinary.flatMap((algo) =>
      [
        { n: 6, d: 3, depth: 1, loss: "logistic" as const },
        { n: 9, d: 5, depth: 2, loss: "squared" as const },
        { n: 200, d: 3, depth: 3, loss: "exponential" as const }, // two row blocks
      ].map((c) => ({ ...c, algo })),
    ),
  )("full batch, one group, ascentSteps = 1: the plain step gives the ordinary step's bits ($algo $loss L=$depth n=$n)", async (c) => {
    for (const engine of ["wasm", "reference"] as const) {
      const fast = await runInit(engine, initOf(c), 300);
      const plain = await runInit(engine, initOf(c, { forcePlain: true, ascentSteps: 1 }), 300);
      expect(Buffer.from(plain.buffer).toString("hex")).toBe(Buffer.from(fast.buffer).toString("hex"));
    }
  });

  it.each(["sam-l2", "sam-linf", "usam", "asam"] as const)("%s: sam.ascentSteps = 1 gives exactly the run without it (with groups and batches too)", async (algo) => {
    for (const engine of ["wasm", "reference"] as const)
      for (const o of [{}, { batch: 3 }, { sam: { group: 2 } }]) {
        const spec = { ...baseSpec({ depth: 2, algo, loss: "logistic" }, 400), ...o, engine };
        const [plain, one] = await Promise.all([simulate(spec), simulate({ ...spec, sam: { ...spec.sam, ascentSteps: 1 } })]);
        expect(finalBits(one)).toBe(finalBits(plain));
      }
  });

  it.each(["sam-l2", "sam-linf", "usam", "asam"] as const)("%s on identical examples: 1-SAM equals n-SAM, also with a 3-step ascent", async (algo) => {
    const row = [0.7, -0.3, 0.2];
    for (const engine of ["wasm", "reference"] as const)
      for (const ascentSteps of [1, 3]) {
        const spec = { version: 1 as const, data: { x: [row, row, row, row], y: [1, 1, 1, 1] }, depth: 2, init: { alpha: 0.4 }, algo, rho: 0.05, lr: 0.1, steps: 300, engine, sam: { ascentSteps } };
        const [n, one] = await Promise.all([simulate(spec), simulate({ ...spec, sam: { ascentSteps, group: 1 } })]);
        const scale = Math.max(...n.final.beta.map(Math.abs));
        for (let j = 0; j < 3; j++) expect(Math.abs(one.final.beta[j]! - n.final.beta[j]!)).toBeLessThanOrEqual(1e-12 * scale);
      }
  });

  it.each([1, 2, 3])("from a constant init α the first ASAM step equals an ℓ2-SAM step of radius ρ(α + ξ) (L=%i)", async (depth) => {
    const alpha = 0.3;
    const xi = 0.05;
    const rho = 0.07;
    const data = seededData(5, 3, "logistic", 8);
    for (const engine of ["wasm", "reference"] as const) {
      const common = { version: 1 as const, data, depth, init: { alpha }, lr: 0.2, steps: 1, engine };
      const [asam, l2] = await Promise.all([simulate({ ...common, algo: "asam", rho, sam: { xi } }), simulate({ ...common, algo: "sam-l2", rho: rho * (alpha + xi) })]);
      const a = asam.final.w.flat();
      const b = l2.final.w.flat();
      const moved = Math.max(...b.map((v) => Math.abs(v - alpha)));
      expect(moved).toBeGreaterThan(1e-4);
      for (let k = 0; k < a.length; k++) expect(Math.abs(a[k]! - b[k]!)).toBeLessThanOrEqual(1e-12 * moved);
    }
  });

  it.each(["sam-l2", "asam", "usam"] as const)("a switch at step 0 to %s equals running %s (with a batch and groups)", async (algo) => {
    for (const engine of ["wasm", "reference"] as const) {
      const spec = { ...baseSpec({ depth: 2, algo, loss: "squared" }, 300), engine, batch: 4, sam: { group: 2, ascentSteps: 2 } };
      const [direct, switched] = await Promise.all([simulate(spec), simulate({ ...spec, algo: "gd", switch: { step: 0, algo } })]);
      expect(finalBits(switched)).toBe(finalBits(direct));
    }
  });

  it("a 2-step ℓ2 ascent on one example equals the step computed by hand", async () => {
    // L = 2, d = 2, logistic: ∇_u = g ⊙ v, ∇_v = g ⊙ u with g = ℓ'(z) y x, z = y <u ⊙ v, x>
    const x = [0.8, -0.6];
    const y = 1;
    const u0 = [0.3, 0.5];
    const v0 = [0.4, -0.2];
    const rho = 0.3;
    const lr = 0.5;
    const grad = (w: number[]): number[] => {
      const z = y * (w[0]! * w[2]! * x[0]! + w[1]! * w[3]! * x[1]!);
      const lp = -1 / (1 + Math.exp(z));
      const g = [lp * y * x[0]!, lp * y * x[1]!];
      return [g[0]! * w[2]!, g[1]! * w[3]!, g[0]! * w[0]!, g[1]! * w[1]!];
    };
    const w = [...u0, ...v0];
    const unit = (g: number[]) => g.map((gk) => gk / Math.hypot(...g));
    const eps1 = unit(grad(w)).map((e) => (rho / 2) * e);
    const eps2 = unit(grad(w.map((wk, k) => wk + eps1[k]!))).map((e, k) => eps1[k]! + (rho / 2) * e);
    const gTilde = grad(w.map((wk, k) => wk + eps2[k]!));
    const w1 = w.map((wk, k) => wk - lr * gTilde[k]!);
    // the one-step ascent lands elsewhere: the check is not vacuous
    const epsOne = unit(grad(w)).map((e) => rho * e);
    const wOne = w.map((wk, k) => wk - lr * grad(w.map((v, q) => v + epsOne[q]!))[k]!);
    expect(Math.max(...w1.map((v, k) => Math.abs(v - wOne[k]!)))).toBeGreaterThan(1e-5);
    for (const engine of ["wasm", "reference"] as const) {
      const r = await simulate({ version: 1, data: { x: [x], y: [y] }, depth: 2, init: { values: [u0, v0] }, algo: "sam-l2", rho, lr, steps: 1, sam: { ascentSteps: 2 }, engine });
      const got = r.final.w.flat();
      for (let k = 0; k < 4; k++) expect(Math.abs(got[k]! - w1[k]!)).toBeLessThanOrEqual(1e-15);
    }
  });

  it.each(["gd", "sam-l2", "asam"] as const)("%s: batch = n (or more) gives exactly the full-batch run", async (algo) => {
    for (const engine of ["wasm", "reference"] as const) {
      const spec = { ...baseSpec({ depth: 2, algo, loss: "logistic" }, 400), engine };
      const [full, n, more] = await Promise.all([simulate(spec), simulate({ ...spec, batch: 7 }), simulate({ ...spec, batch: 1000 })]);
      expect(finalBits(n)).toBe(finalBits(full));
      expect(finalBits(more)).toBe(finalBits(full));
    }
  });
});

// ---- the epoch permutation, written again from docs/MODEL.md ("Mini-batches") ----
const M64 = 0xffffffffffffffffn;
function* splitmix(state: bigint): Generator<bigint> {
  for (;;) {
    state = (state + 0x9e3779b97f4a7c15n) & M64;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
    yield z ^ (z >> 31n);
  }
}
function finalize(z: bigint): bigint {
  // splitmix64's output function on one value: the state is z − γ, so the first output of the generator is mix(z)
  return splitmix((z - 0x9e3779b97f4a7c15n) & M64).next().value as bigint;
}
function permutationByHand(n: number, seed: number, epoch: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  const r = splitmix(finalize((finalize(BigInt(seed)) + BigInt(epoch)) & M64));
  for (let i = n - 1; i >= 1; i--) {
    const j = Number(((r.next().value as bigint) >> 32n) * BigInt(i + 1) >> 32n);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

describe("mini-batches: the epoch permutation", () => {
  it("the reference engine's and the core's permutations of the first epochs match an independent implementation, and each is a permutation", async () => {
    const core = instantiateCore(await compileCore());
    for (const [n, seed] of [
      [1, 0],
      [2, 1],
      [10, 7],
      [257, 4294967295],
    ] as const) {
      core.setup(n, 1, 1, 2, 0);
      core.set_family(2, seed, 0.01, 1);
      const seen = new Set<string>();
      for (let e = 0; e < 5; e++) {
        const want = permutationByHand(n, seed, e);
        expect([...want].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(Array.from(epochPermutation(n, seed, e))).toEqual(want);
        const ptr = core.epoch_permutation(e);
        expect(Array.from(new Int32Array(core.memory.buffer, ptr, n))).toEqual(want);
        seen.add(want.join(","));
      }
      // epochs differ (n ≥ 10: five equal shuffles would be a broken generator)
      if (n >= 10) expect(seen.size).toBe(5);
    }
    // the first permutation of seed 7, n = 10, written down: a change of the generator shows here
    expect(permutationByHand(10, 7, 0)).toEqual(Array.from(epochPermutation(10, 7, 0)));
  });

  it("mini-batch GD (L = 1, squared loss) equals the steps computed by hand from the permutation", async () => {
    const { x, y } = seededData(5, 2, "squared", 12);
    const b = 2;
    const lr = 0.3;
    const seed = 9;
    let w = [0.1, -0.2];
    const steps = 8; // ⌈5/2⌉ = 3 batches per epoch: sizes 2, 2, 1
    for (let s = 0; s < steps; s++) {
      const e = Math.floor(s / 3);
      const p = permutationByHand(5, seed, e);
      const rows = p.slice((s % 3) * b, Math.min((s % 3) * b + b, 5));
      const g = [0, 0];
      for (const i of rows) {
        const r = w[0]! * x[i]![0]! + w[1]! * x[i]![1]! - y[i]!;
        for (let j = 0; j < 2; j++) g[j]! += (r * x[i]![j]!) / rows.length;
      }
      w = w.map((wj, j) => wj - lr * g[j]!);
    }
    for (const engine of ["wasm", "reference"] as const) {
      const r = await simulate({ version: 1, data: { x, y }, depth: 1, loss: "squared", init: { values: [[0.1, -0.2]] }, algo: "gd", lr, steps, batch: b, seed, engine });
      for (let j = 0; j < 2; j++) expect(Math.abs(r.final.w[0]![j]! - w[j]!)).toBeLessThanOrEqual(1e-14);
    }
  });

  it("the records keep the full training loss (not the batch's)", async () => {
    const spec = { ...baseSpec({ depth: 1, algo: "gd", loss: "squared" }, 10), batch: 2, record: { points: 11, spacing: "linear" as const } };
    const r = await simulate(spec);
    const { x, y } = spec.data;
    for (let i = 0; i < r.trajectory.step.length; i++) {
      const beta = r.trajectory.beta![i]!;
      let s = 0;
      for (let k = 0; k < x.length; k++) {
        const res = beta.reduce((a, bj, j) => a + bj * x[k]![j]!, 0) - y[k]!;
        s += 0.5 * res * res;
      }
      expect(Math.abs(r.trajectory.loss[i]! - s / x.length)).toBeLessThanOrEqual(1e-14);
    }
  });
});

describe("the SAM family: spec", () => {
  const field = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      expect((e as Error).message).not.toContain("\n");
      return (e as SpecError).field;
    }
    return "no error";
  };
  const base = { version: 1, data: { x: [[1, 2]], y: [1] } };
  it("validates batch, sam.xi, sam.ascentSteps and algo asam, naming the field", async () => {
    expect(field(() => parseSpec({ ...base, batch: 0 }))).toBe("batch");
    expect(field(() => parseSpec({ ...base, batch: 2.5 }))).toBe("batch");
    expect(field(() => parseSpec({ ...base, batch: 2, mode: "flow" }))).toBe("batch");
    expect(field(() => parseSpec({ ...base, batch: 2, lrSchedule: "loss-normalized" }))).toBe("batch");
    expect(field(() => parseSpec({ ...base, algo: "asam", sam: { xi: -1 } }))).toBe("sam.xi");
    expect(field(() => parseSpec({ ...base, algo: "sam-l2", sam: { xi: 0.1 } }))).toBe("sam.xi");
    expect(field(() => parseSpec({ ...base, algo: "sam-l2", sam: { ascentSteps: 0 } }))).toBe("sam.ascentSteps");
    expect(field(() => parseSpec({ ...base, algo: "sam-l2", sam: { ascentSteps: 1001 } }))).toBe("sam.ascentSteps");
    expect(field(() => parseSpec({ ...base, algo: "gd", sam: { ascentSteps: 2 } }))).toBe("sam.ascentSteps");
    expect(field(() => parseSpec({ ...base, algo: "usam", sam: { ascentSteps: 2 }, lrSchedule: "rescaled" }))).toBe("sam.ascentSteps");
    expect(field(() => parseSpec({ ...base, algo: "asam", mode: "flow" }))).toBe("algo");
    expect(field(() => parseSpec({ ...base, algo: "asam", lrSchedule: "loss-normalized" }))).toBe("algo");
    expect(field(() => parseSpec({ ...base, algo: "gd", switch: { step: 1, algo: "asam" }, lrSchedule: "rescaled" }))).toBe("switch.algo");
    expect(field(() => parseSpec({ ...base, algo: "asme" }))).toBe("algo");
    // accepted: a switch to ASAM carries ξ and the ascent; a batch larger than n is the full batch
    expect(parseSpec({ ...base, algo: "gd", switch: { step: 1, algo: "asam" }, sam: { xi: 0.2, ascentSteps: 3 }, batch: 5 }).sam).toEqual({ xi: 0.2, ascentSteps: 3 });
    await expect(simulateBatch({ spec: { ...base, algo: "asam" }, inits: [0.1] })).rejects.toThrow(/algo/);
    await expect(simulateBatch({ spec: { ...base, batch: 1 }, inits: [0.1] })).rejects.toThrow(/batch/);
    await expect(simulateBatch({ spec: { ...base, algo: "usam", sam: { ascentSteps: 2 } }, inits: [0.1] })).rejects.toThrow(/sam\.ascentSteps/);
  });

  it("a parsed spec with the new fields re-parses to the same JSON", () => {
    const s = parseSpec({ ...base, algo: "asam", batch: 1, sam: { group: 1, xi: 0.3, ascentSteps: 2 } });
    expect(JSON.stringify(parseSpec(JSON.parse(JSON.stringify(s))))).toBe(JSON.stringify(s));
  });
});
