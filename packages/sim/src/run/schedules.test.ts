/**
 * Radius schedules (`rhoSchedule`) and algorithm switches (`switch`): both engines agree, the
 * schedule follows its formula step by step, the edge cases equal the runs they reduce to bit for
 * bit, and a checkpoint resumed across the switch step continues the same bits.
 */
import { describe, expect, it } from "vitest";
import { createSimulation, parseSpec, simulate, simulateBatch } from "../index.js";

const SAMS = ["sam-l2", "sam-linf", "usam"] as const;

function base(extra: Record<string, unknown> = {}) {
  return {
    version: 1 as const,
    data: { generator: "gaussian-sparse" as const, n: 20, d: 8, k: 3, minMargin: 0.1 },
    depth: 2,
    init: { random: "abs-gaussian" as const, alpha: 0.3 },
    rho: 0.05,
    lr: 0.05,
    steps: 2000,
    record: { points: 40 },
    seed: 3,
    ...extra,
  };
}

function relDiff(a: number[], b: number[]): number {
  let m = 0;
  for (let j = 0; j < a.length; j++) m = Math.max(m, Math.abs(a[j]! - b[j]!) / Math.max(Math.abs(b[j]!), 1e-300));
  return m;
}

describe("radius schedule linear-decay", () => {
  for (const algo of SAMS) {
    it(`${algo}: the WebAssembly engine matches the reference engine to 1e-12 on final β`, async () => {
      const spec = base({ algo, rhoSchedule: "linear-decay" });
      const w = await simulate(spec);
      const r = await simulate({ ...spec, engine: "reference" });
      expect(w.status.state).toBe("finished");
      expect(relDiff(w.final.beta, r.final.beta)).toBeLessThanOrEqual(1e-12);
      // the schedule changes the run (it is not silently ignored)
      const constant = await simulate(base({ algo }));
      expect(w.final.beta).not.toEqual(constant.final.beta);
    });
  }

  for (const engine of ["wasm", "reference"] as const) {
    it(`${engine}: each step uses ρ_k = ρ·(1 − k/K), checked one step at a time against a constant-ρ run`, async () => {
      const K = 12;
      const rho = 0.3;
      const spec = base({ algo: "sam-l2", rho, steps: K, engine, record: { every: 1, points: K + 2 } });
      const decay = await createSimulation({ ...spec, rhoSchedule: "linear-decay" });
      const manual = await createSimulation(spec);
      for (let k = 0; k < K; k++) {
        manual.setHyper({ rho: rho * (1 - k / K) });
        decay.advance(1);
        manual.advance(1);
        expect(decay.currentW()).toEqual(manual.currentW());
      }
      // ℓ2-SAM records ‖ε‖₂ = ρ_k (the gradient is non-zero here): the ρ of the step leaving each row, 0 at k = K
      const tr = decay.result().trajectory;
      expect(tr.step).toEqual(Array.from({ length: K + 1 }, (_, k) => k));
      expect(tr.pertNorm).toEqual(tr.step.map((k) => rho * (1 - k / K)));
      expect(tr.pertNorm.at(-1)).toBe(0);
    });
  }

  it("equals the constant radius for a one-step run (ρ_0 = ρ), and for ρ = 0", async () => {
    for (const algo of SAMS) {
      const one = base({ algo, steps: 1 });
      expect((await simulate({ ...one, rhoSchedule: "linear-decay" })).final.beta).toEqual((await simulate(one)).final.beta);
    }
    const zero = base({ algo: "sam-l2", rho: 0 });
    expect((await simulate({ ...zero, rhoSchedule: "linear-decay" })).final.beta).toEqual((await simulate(zero)).final.beta);
  });

  it("gives the same bits on two threads as on one", async () => {
    const spec = base({ algo: "sam-l2", rhoSchedule: "linear-decay", data: { generator: "gaussian-sparse", n: 300, d: 8, k: 3, minMargin: 0.1 }, steps: 300, switch: { step: 100, algo: "usam" } });
    const one = await simulate(spec);
    const two = await simulate(spec, { threads: 2, chunkSteps: 70 });
    expect(two.final.beta).toEqual(one.final.beta);
    expect(two.trajectory.pertNorm).toEqual(one.trajectory.pertNorm);
  });

  it('"constant" is the run without the field, to the bit', async () => {
    const spec = base({ algo: "sam-linf" });
    expect((await simulate({ ...spec, rhoSchedule: "constant" })).final.beta).toEqual((await simulate(spec)).final.beta);
  });

  it("resumes from a checkpoint with the same bits (ρ_k follows the global step)", async () => {
    const spec = base({ algo: "sam-l2", rhoSchedule: "linear-decay" });
    const whole = await simulate(spec);
    const a = await createSimulation(spec);
    a.advance(777);
    const b = await createSimulation(spec);
    b.restoreState(a.state());
    while (!b.done) b.advance(500);
    expect(b.result().final.beta).toEqual(whole.final.beta);
  });
});

describe("algorithm switch", () => {
  for (const [from, to] of [
    ["gd", "sam-l2"],
    ["sam-l2", "gd"],
  ] as const) {
    it(`${from} → ${to}: the WebAssembly engine matches the reference engine to 1e-12 on final β`, async () => {
      const spec = base({ algo: from, switch: { step: 700, algo: to } });
      const w = await simulate(spec);
      const r = await simulate({ ...spec, engine: "reference" });
      expect(relDiff(w.final.beta, r.final.beta)).toBeLessThanOrEqual(1e-12);
      expect(w.final.beta).not.toEqual((await simulate(base({ algo: from }))).final.beta);
      expect(w.final.beta).not.toEqual((await simulate(base({ algo: to }))).final.beta);
    });
  }

  for (const engine of ["wasm", "reference"] as const) {
    it(`${engine}: a switch at step 0 is the target algorithm's run, bit for bit`, async () => {
      const sw = await simulate(base({ engine, algo: "gd", switch: { step: 0, algo: "sam-l2", rho: 0.08 } }));
      const target = await simulate(base({ engine, algo: "sam-l2", rho: 0.08 }));
      expect(sw.final.beta).toEqual(target.final.beta);
      expect(sw.trajectory.pertNorm).toEqual(target.trajectory.pertNorm);
      expect(sw.trajectory.t).toEqual(target.trajectory.t);
    });

    it(`${engine}: a switch at step = steps is the original run, bit for bit`, async () => {
      const spec = base({ engine, algo: "sam-l2" });
      const sw = await simulate({ ...spec, switch: { step: spec.steps, algo: "gd" } });
      const orig = await simulate(spec);
      expect(sw.final.beta).toEqual(orig.final.beta);
      expect(sw.trajectory.pertNorm).toEqual(orig.trajectory.pertNorm);
    });

    it(`${engine}: equals running to s and changing the algorithm by hand, whatever the chunking`, async () => {
      const spec = base({ engine, algo: "gd", record: { every: 100, points: 30 } });
      const sw = await simulate({ ...spec, switch: { step: 700, algo: "usam", rho: 0.2 } });
      const byHand = await createSimulation(spec);
      byHand.advance(700);
      byHand.setHyper({ algo: "usam", rho: 0.2 });
      while (!byHand.done) byHand.advance(333);
      const r = byHand.result();
      expect(sw.final.beta).toEqual(r.final.beta);
      expect(sw.trajectory.pertNorm).toEqual(r.trajectory.pertNorm);
      // the row at s shows the new algorithm's ε (USAM: ρ‖∇L‖₂ > 0), the rows before it GD's 0
      const at = sw.trajectory.step.indexOf(700);
      expect(sw.trajectory.pertNorm[at - 1]).toBe(0);
      expect(sw.trajectory.pertNorm[at]).toBeGreaterThan(0);
    });
  }

  it("resumes from a checkpoint before, at and after the switch step with the same bits", async () => {
    const spec = base({ algo: "gd", switch: { step: 700, algo: "sam-l2" }, rhoSchedule: "linear-decay" });
    const whole = await simulate(spec);
    for (const at of [300, 700, 1200]) {
      const a = await createSimulation(spec);
      a.advance(at);
      const state = JSON.parse(JSON.stringify({ ...a.state(), w: Array.from(a.state().w), rows: Array.from(a.state().rows) }));
      const b = await createSimulation(spec);
      b.restoreState({ ...state, w: Float64Array.from(state.w), rows: Float64Array.from(state.rows) });
      while (!b.done) b.advance(450);
      const r = b.result();
      expect(r.final.beta).toEqual(whole.final.beta);
      expect(r.trajectory.pertNorm).toEqual(whole.trajectory.pertNorm);
    }
  });
});

describe("spec fields", () => {
  const ok = { version: 1, data: { x: [[1, 2]] }, steps: 100 };
  it("validates rhoSchedule and switch with one-line errors naming the field", async () => {
    expect(() => parseSpec({ ...ok, rhoSchedule: "cosine" })).toThrow(/rhoSchedule/);
    expect(() => parseSpec({ ...ok, switch: { step: 101, algo: "gd" } })).toThrow(/switch\.step.*steps = 100/);
    expect(() => parseSpec({ ...ok, switch: { step: -1, algo: "gd" } })).toThrow(/switch\.step/);
    expect(() => parseSpec({ ...ok, switch: { step: 5, algo: "adam" } })).toThrow(/switch\.algo/);
    expect(() => parseSpec({ ...ok, switch: { step: 5, algo: "gd", rho: -1 } })).toThrow(/switch\.rho/);
    expect(() => parseSpec({ ...ok, switch: { step: 5 } })).toThrow(/switch\.algo/);
    expect(() => parseSpec({ ...ok, mode: "flow", rhoSchedule: "linear-decay" })).toThrow(/rhoSchedule.*discrete/);
    expect(() => parseSpec({ ...ok, mode: "flow", switch: { step: 5, algo: "gd" } })).toThrow(/switch.*discrete/);
    await expect(simulateBatch({ spec: { ...ok, rhoSchedule: "linear-decay" }, inits: [0.1] })).rejects.toThrow(/rhoSchedule/);
    await expect(simulateBatch({ spec: { ...ok, switch: { step: 5, algo: "gd" } }, inits: [0.1] })).rejects.toThrow(/switch/);
    // parsing a parsed spec gives the same text
    const p = parseSpec({ ...ok, rhoSchedule: "linear-decay", switch: { step: 5, algo: "sam-l2", rho: 0.1 } });
    expect(JSON.stringify(parseSpec(p))).toBe(JSON.stringify(p));
  });
});

describe("a switch from GD to 1-SAM (Andriushchenko & Flammarion's switch run)", () => {
  const spec = {
    version: 1 as const,
    data: { generator: "gaussian-sparse" as const, n: 6, d: 4, seed: 3 },
    depth: 2,
    init: { alpha: 0.3 },
    algo: "gd" as const,
    rho: 0.05,
    lr: 0.05,
    steps: 400,
    sam: { group: 1 },
    switch: { step: 150, algo: "sam-l2" as const },
  };
  it("is accepted with a group, runs GD then 1-SAM, and the engines agree to 1e-12", async () => {
    const w = await simulate(spec);
    const r = await simulate({ ...spec, engine: "reference" });
    expect(w.status.ok).toBe(true);
    for (let j = 0; j < w.final.beta.length; j++) expect(Math.abs(w.final.beta[j]! - r.final.beta[j]!)).toBeLessThanOrEqual(1e-12 * Math.abs(r.final.beta[j]!) + 1e-300);
    // after the switch the run is 1-SAM, not n-SAM: the same switch without a group ends elsewhere
    const nSam = await simulate({ ...spec, sam: undefined });
    expect(nSam.final.beta).not.toEqual(w.final.beta);
    // before the switch it is GD: the first 150 steps equal a plain GD run's
    const gd = await simulate({ ...spec, steps: 150, sam: undefined, switch: undefined, record: { points: 2 } });
    const early = await simulate({ ...spec, steps: 150, switch: { step: 150, algo: "sam-l2" as const }, record: { points: 2 } });
    expect(early.final.beta).toEqual(gd.final.beta);
  });
});
