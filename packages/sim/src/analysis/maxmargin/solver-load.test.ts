/**
 * loadSolver's options: given bytes or a compiled module are used instead of fetching highs.wasm
 * (locateFile points nowhere, so a solve proves they were used), and bad bytes fail with the
 * loader's one message. Each case loads a fresh copy of the module (loadSolver caches per realm).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it, vi } from "vitest";

const require = createRequire(import.meta.url);
const wasmPath = require.resolve("highs").replace(/highs\.(c?js|mjs)$/, "highs.wasm");
const nowhere = () => "/nonexistent/samlab-test/highs.wasm";
const data = { x: [[4, 1], [1, 2], [-2, -2]], y: [1, 1, -1] };

async function freshLoadSolver() {
  vi.resetModules();
  return (await import("./solver.js")).loadSolver;
}

describe("loadSolver's options", () => {
  it("without bytes, a locateFile that points nowhere fails with the message that says how to point at the .wasm", async () => {
    const loadSolver = await freshLoadSolver();
    await expect(loadSolver({ locateFile: nowhere })).rejects.toThrow(/could not load the HiGHS solver.*locateFile/);
  });

  it("wasmBinary (a Buffer view) is used instead of fetching", async () => {
    const loadSolver = await freshLoadSolver();
    const solver = await loadSolver({ wasmBinary: readFileSync(wasmPath), locateFile: nowhere });
    const s = solver.solve(data, "l1");
    expect(s.margin).toBeCloseTo(7 / 4, 9); // β = (1/4, 3/4)
  });

  it("wasmModule is used instead of fetching", async () => {
    const loadSolver = await freshLoadSolver();
    const wasmModule = await WebAssembly.compile(readFileSync(wasmPath));
    const solver = await loadSolver({ wasmModule, locateFile: nowhere });
    expect(solver.solve(data, "l1").margin).toBeCloseTo(7 / 4, 9);
  });

  it("bytes that are not WebAssembly fail with the loader's message, and a later call can succeed", async () => {
    const loadSolver = await freshLoadSolver();
    await expect(loadSolver({ wasmBinary: new Uint8Array([1, 2, 3, 4]), locateFile: nowhere })).rejects.toThrow(/could not load the HiGHS solver/);
    const solver = await loadSolver({ wasmBinary: readFileSync(wasmPath) });
    expect(solver.solve(data, "l1").margin).toBeCloseTo(7 / 4, 9);
  });
});
