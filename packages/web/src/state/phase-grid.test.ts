/**
 * The phase diagram follows the current spec: its cells are the spec with only the first two α
 * changed, its prediction is predictedLimit of @samlab/sim where the theory covers the spec, and an
 * opened cell keeps the same diagram.
 */
import { parseSpec, type SpecInput } from "@samlab/sim";
import { phaseIndex, phaseSpec, predictedLimit } from "@samlab/sim/experiments";
import { describe, expect, it } from "vitest";
import { cellSpec, phaseSetup, predictedCell, type PhaseSetup } from "./phase-grid.js";

const setupOf = (input: SpecInput, n: number, d: number): PhaseSetup => {
  const s = phaseSetup(parseSpec(input), n, d);
  if ("unavailable" in s) throw new Error(s.unavailable);
  return s;
};

describe("the phase diagram of the current spec", () => {
  it("runs the spec's depth, ρ, algorithm, loss and SAM options in every cell, varying only α₁ and α₂", () => {
    const spec: SpecInput = { version: 1, data: { x: [[1, 2, 3]], y: [1] }, depth: 3, init: { alpha: [0.5, 0.5, 0.07] }, loss: "exponential", algo: "sam-l2", rho: 0.2, lr: 0.02, steps: 1500, sam: { ascentSteps: 2 } };
    const setup = setupOf(spec, 1, 3);
    const cell = parseSpec(cellSpec(setup, 3, 7));
    const want = parseSpec({ ...spec, init: { alpha: [setup.grid.alphas[3]!, setup.grid.alphas[7]!, 0.07] } });
    expect({ ...cell, name: undefined, record: undefined }).toEqual({ ...want, name: undefined, record: undefined });
    // the experiment's α range [0.01, 1], widened to [ρ/10, 10ρ] around a larger ρ
    expect(setup.grid.alphas[0]).toBeCloseTo(0.01, 12);
    expect(setup.grid.alphas.at(-1)).toBeCloseTo(2, 12);
    expect(setup.mu).toBeUndefined();
    expect(setup.why).toMatch(/ℓ∞-SAM/);
    expect(predictedCell(setup, 0, 0)).toBeUndefined();
  });

  it("predicts each cell with predictedLimit for depth-L ℓ∞-SAM on one example with rescaled steps, and nowhere else", () => {
    const base = { ...phaseSpec("sam-linf", [0.3, 0.3], 3), data: { x: [[1, 2, 4]], y: [1] }, init: { alpha: [0.3, 0.3, 0.05] } };
    const setup = setupOf(base, 1, 3);
    expect(setup.mu).toEqual([1, 2, 4]);
    for (const [i, j] of [[0, 0], [5, 20], [20, 5], [23, 23]] as const) {
      expect(predictedCell(setup, i, j)).toBe(phaseIndex(predictedLimit([1, 2, 4], [setup.grid.alphas[i]!, setup.grid.alphas[j]!, 0.05], 0.1, 3)));
    }
    expect(setupOf({ ...base, lrSchedule: "constant" }, 1, 3).why).toMatch(/rescaled/);
    expect(setupOf({ ...base, data: { x: [[1, 2, 4], [2, 1, 1]], y: [1, 1] }, init: { alpha: 0.3 } }, 2, 3).why).toMatch(/one training example/);
    expect(setupOf({ ...base, data: { x: [[1, -2, 4]], y: [1] } }, 1, 3).why).toMatch(/y·x_j > 0/);
  });

  it("keeps its diagram when a cell is opened (same key), and starts another when depth or ρ change", () => {
    const setup = setupOf({ ...phaseSpec("sam-linf", [0.2, 0.05]), record: { points: 200, spacing: "log" } }, 1, 2);
    const opened = setupOf(cellSpec(setup, 18, 4), 1, 2);
    expect(opened.key).toBe(setup.key);
    expect(setupOf(phaseSpec("sam-linf", [0.2, 0.05], 3), 1, 2).key).not.toBe(setup.key);
    expect(setupOf({ ...phaseSpec("sam-linf", [0.2, 0.05]), rho: 0.05 }, 1, 2).key).not.toBe(setup.key);
  });

  it("shrinks the grid and caps the steps of a costly spec, and declines one that would get too few steps", () => {
    const big = setupOf({ version: 1, data: { generator: "gaussian-sparse", n: 20, d: 10 }, depth: 2, algo: "sam-l2", rho: 0.05, steps: 20_000 }, 20, 10);
    expect(big.grid.size).toBe(12);
    expect(big.capped).toBe(true);
    expect(big.cellSteps).toBe(Math.floor(6e7 / (144 * 20 * 10 * 2)));
    expect(parseSpec(cellSpec(big, 0, 0)).steps).toBe(big.cellSteps);
    const huge = phaseSetup(parseSpec({ version: 1, data: { generator: "gaussian-sparse", n: 500, d: 100 }, depth: 2, algo: "gd", steps: 20_000 }), 500, 100);
    expect(huge).toMatchObject({ unavailable: expect.stringMatching(/Too costly/) });
    expect(phaseSetup(parseSpec({ version: 1, data: { x: [[1]], y: [1] } }), 1, 1)).toMatchObject({ unavailable: expect.stringMatching(/two coordinates/) });
  });
});
