/**
 * The WebAssembly engine at the depth·d cap: six L×d buffers of 400 MB put the later ones past
 * 2 GiB in the 32-bit address space, where the exported pointers arrive in JS as negative i32. The
 * views must still land where the core keeps its data: a pattern written through them is read back
 * from w (past 2 GiB) and the record rows (after w) are read. No step is taken — its cost is that of
 * any run, and the layout is what failed. Memory: ~2.5 GB of WebAssembly memory plus 400 MB arrays.
 */
import { describe, expect, it } from "vitest";
import { LIMITS } from "../spec/limits.js";
import { REC } from "./types.js";
import { WasmRun, loadWasm } from "./wasm.js";

describe("the WebAssembly engine at the depth·d cap", () => {
  it("lays a run out past 2 GiB and reads back every parameter it wrote", async () => {
    await loadWasm();
    const depth = 50;
    const d = LIMITS.maxCells / depth; // 10⁶ = LIMITS.maxD: depth·d = LIMITS.maxCells
    expect(depth * d).toBe(LIMITS.maxCells);
    const x = new Float64Array(d).fill(1e-3);
    let run: WasmRun | undefined = new WasmRun({
      x,
      y: Float64Array.of(1),
      n: 1,
      d,
      depth,
      w0: new Float64Array(depth * d).fill(1),
      schedule: Float64Array.of(0, 1),
      recordBeta: false,
      algo: "gd",
      loss: "logistic",
      lr: 0.1,
      rho: 0,
    });
    // a pattern no two parameters share, written through the same view the engine reads
    const pattern = new Float64Array(depth * d);
    for (let i = 0; i < pattern.length; i++) pattern[i] = 1 + i * 2 ** -30;
    run.restore(pattern, 0, 0);
    const back = run.readW();
    let mismatches = 0;
    for (let i = 0; i < pattern.length; i++) if (back[i] !== pattern[i]) mismatches++;
    expect(mismatches).toBe(0);
    // the record rows lie after the six L×d buffers: reading them goes through the same conversion
    run.recordNow();
    const rows = run.readRecords(0, run.recordsWritten());
    expect(rows.length).toBe(REC.FIXED);
    expect(rows[0]).toBe(0); // step 0
    run = undefined;
  }, 300_000);
});
