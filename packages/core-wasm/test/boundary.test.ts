/**
 * The raw boundary of the core, used as a reusing package would: compile once, one instance per
 * run, data through Float64Array views of linear memory, one `run` call per chunk.
 */
import { describe, expect, it } from "vitest";
import { ALGO, LOSS, REC, compileCore, coreBytes, instantiateCore, type CoreExports } from "../dist/index.js";

function start(core: CoreExports, x: number[], w: number[], schedule: number[]) {
  core.setup(1, x.length, 2, schedule.length + 1, 1);
  new Float64Array(core.memory.buffer, core.ptr_x(), x.length).set(x);
  new Float64Array(core.memory.buffer, core.ptr_y(), 1).set([1]);
  new Float64Array(core.memory.buffer, core.ptr_w(), w.length).set(w);
  new Float64Array(core.memory.buffer, core.ptr_schedule(), schedule.length).set(schedule);
  core.prepare();
  core.set_schedule_len(schedule.length);
}

describe("@samlab/core-wasm boundary", () => {
  it("ships a valid module that exports the documented API", async () => {
    expect(WebAssembly.validate(coreBytes() as BufferSource)).toBe(true);
    const mod = await compileCore();
    const names = WebAssembly.Module.exports(mod).map((e) => e.name);
    for (const n of ["memory", "setup", "prepare", "configure", "run", "ptr_w", "ptr_records", "record_stride", "step_count", "nonfinite_step"]) expect(names).toContain(n);
  });

  it("instances are independent, and chunked runs equal one long run bit for bit", async () => {
    const mod = await compileCore();
    const a = instantiateCore(mod);
    const b = instantiateCore(mod);
    const sched = [0, 500, 1000];
    start(a, [1, 2], [0.1, 0.1, 0.1, 0.1], sched);
    start(b, [1, 2], [0.1, 0.1, 0.1, 0.1], sched);
    a.configure(ALGO["sam-l2"], LOSS.logistic, 0.05, 0.1);
    b.configure(ALGO["sam-l2"], LOSS.logistic, 0.05, 0.1);
    expect(a.run(1000)).toBe(0);
    for (let s = 7; s <= 1000; s += 7) expect(b.run(Math.min(s, 1000))).toBe(0);
    expect(b.run(1000)).toBe(0);
    const wa = Array.from(new Float64Array(a.memory.buffer, a.ptr_w(), 4));
    const wb = Array.from(new Float64Array(b.memory.buffer, b.ptr_w(), 4));
    expect(wa).toEqual(wb);
    expect(a.records_written()).toBe(3);
    const stride = a.record_stride();
    expect(stride).toBe(REC.FIXED + 2);
    const rows = new Float64Array(a.memory.buffer, a.ptr_records(), 3 * stride);
    expect([rows[REC.STEP], rows[stride + REC.STEP], rows[2 * stride + REC.STEP]]).toEqual([0, 500, 1000]);
    expect(rows[2 * stride + REC.T]).toBeCloseTo(50, 12);
    // β recorded = w1 ⊙ w2
    expect(rows[2 * stride + REC.FIXED]).toBe(wa[0]! * wa[2]!);
  });

  it("reports the step of a non-finite value and keeps the last finite parameters", async () => {
    const core = instantiateCore(await compileCore());
    start(core, [1, 2], [0.5, 0.5, -0.5, -0.5], [0, 100]); // z < 0: the first step overflows
    core.configure(ALGO.gd, LOSS.exponential, 1e308, 0);
    expect(core.run(100)).toBe(1);
    expect(core.nonfinite_step()).toBeGreaterThan(0);
    expect(core.step_count()).toBe(core.nonfinite_step() - 1);
    for (const v of new Float64Array(core.memory.buffer, core.ptr_w(), 4)) expect(Number.isFinite(v)).toBe(true);
  });
});
