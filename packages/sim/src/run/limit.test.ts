/**
 * The limit classifier on real runs: the regimes a run can end in (the acceptance cases, with the
 * numbers that decide them), the dominant sequence of runs that end at 0 or stall, and the
 * agreement of a phase-diagram cell (simulateBatch) with the single run of the same spec.
 */
import { describe, expect, it } from "vitest";
import { simulateBatch } from "./batch.js";
import { limitOfResult } from "./limit.js";
import { simulate } from "./stream.js";

/** ℓ∞-SAM on one example, ρ = 0.1, η = 0.05, 20 000 steps (the acceptance runs). */
const linf = (x: number[], depth: number, alpha: number | number[]) => ({
  version: 1 as const,
  data: { x: [x], y: [1 as const] },
  depth,
  init: { alpha },
  algo: "sam-linf" as const,
  rho: 0.1,
  lr: 0.05,
  steps: 20_000,
});

describe("limit kinds of real runs", () => {
  it("ℓ∞-SAM, every α_j < ρ, even depth (L = 2, 4): zero — the loss stays at ℓ(0) and the predictions shrink", async () => {
    for (const [L, a] of [
      [2, 0.02],
      [4, 0.05],
      [4, 0.02],
    ] as const) {
      const r = await simulate(linf([1, 2], L, a));
      const l = r.diagnostics!.limit;
      expect(l.kind, `L = ${L}, α = ${a}`).toBe("zero");
      // measured: L = 2 loss 0.693120, prediction 5.4e-5 (start 1.2e-3); L = 4 prediction 1.2e-17
      expect(Math.abs(l.evidence.loss - Math.LN2)).toBeLessThan(1e-4 * Math.LN2);
      expect(l.evidence.prediction).toBeLessThan(0.1 * l.evidence.prediction0);
      expect(r.lookBack.step).toBe(10_000);
      expect(r.dominantSequence.length).toBeLessThanOrEqual(2); // the old argmax reading gave 100 (L = 2) and 24 (L = 4)
      expect(r.diagnostics!.amplification.switches).toBeLessThanOrEqual(1);
    }
  });

  it("ℓ∞-SAM, every α_j < ρ, odd depth (L = 3, 5): stalled — β ≠ 0 stops near ρ^L, the loss stays near ℓ(0)", async () => {
    for (const [L, a] of [
      [3, 0.02],
      [3, 0.05],
      [5, 0.05],
    ] as const) {
      const r = await simulate(linf([1, 2], L, a));
      const l = r.diagnostics!.limit;
      expect(l.kind, `L = ${L}, α = ${a}`).toBe("stalled");
      expect(l.evidence.loss).toBeGreaterThan(0.99 * Math.LN2); // measured 0.69171 (L = 3), 0.693146 (L = 5)
      expect(l.evidence.lossMid - l.evidence.loss).toBeLessThan(1e-3 * l.evidence.loss); // measured 5.5e-5 (L = 3)
      if (L === 3) for (const b of r.final.beta) expect(Math.abs(b)).toBeGreaterThan(0.5 * 0.1 ** 3); // ≈ (9.4e-4, 9.7e-4)
      expect(r.dominantSequence.length).toBeLessThanOrEqual(2);
      expect(r.diagnostics!.amplification.switches).toBeLessThanOrEqual(1);
    }
  });

  it("ℓ∞-SAM with per-coordinate α: a minor coordinate wins (L = 3, x = (3, 1, 2) → e₂; L = 5, x = (1, 2, 3) → e₁)", async () => {
    const a = await simulate(linf([3, 1, 2], 3, [0.15, 0.5, 0.2]));
    expect(a.diagnostics!.limit).toMatchObject({ kind: "basis", coord: 1, sign: 1 });
    expect(a.diagnostics!.limit.distances.basis).toBeLessThan(0.01); // measured 1.6e-3
    const b = await simulate(linf([1, 2, 3], 5, [0.4, 0.25, 0.12]));
    expect(b.diagnostics!.limit).toMatchObject({ kind: "basis", coord: 0, sign: 1 });
    expect(b.diagnostics!.limit.distances.basis).toBeLessThan(0.01); // measured 7.9e-5
  });

  it("GD on x = (1, 3): L = 2 → the ℓ1 max-margin direction e₂ (coord 1); L = 1 → the ℓ2 max-margin direction", async () => {
    const gd = (depth: number) => simulate({ version: 1, data: { x: [[1, 3]], y: [1] }, depth, init: { alpha: 0.1 }, algo: "gd", lr: 0.05, steps: 20_000 });
    const l2 = (await gd(2)).diagnostics!.limit;
    expect(l2).toMatchObject({ kind: "l1-max-margin", coord: 1, sign: 1 });
    expect(l2.distances.l1).toBeLessThan(0.05); // measured 0.020
    const l1 = (await gd(1)).diagnostics!.limit;
    expect(l1.kind).toBe("l2-max-margin");
    expect(l1.coord).toBeUndefined();
    expect(l1.distances.l2).toBeLessThan(0.05); // measured 0.022
  });

  it("a run still on its way: not-converged, with the nearest candidate and its distance trend", async () => {
    const r = await simulate({ version: 1, data: { x: [[1, 3]], y: [1] }, depth: 1, init: { alpha: 0.1 }, algo: "gd", lr: 0.05, steps: 10 });
    const l = r.diagnostics!.limit;
    expect(l.kind).toBe("not-converged");
    expect(l.nearest!.kind).toBe("l2-max-margin");
    expect(l.nearest!.distance).toBeLessThan(l.nearest!.distanceMid);
  });

  it("an empty dominant sequence says why: β collapsed (small), a tie at the end (tied), β = 0 throughout (zero)", async () => {
    const small = await simulate(linf([1, 2], 2, 0.02));
    expect(small.dominantSequence).toEqual([]);
    expect(small.dominance.none).toBe("small");
    expect(small.diagnostics!.amplification.none).toBe("small");
    const tied = await simulate(linf([1, 2], 5, 0.09)); // β ends ≈ equal in both coordinates
    expect(tied.dominantSequence).toEqual([]);
    expect(tied.dominance.none).toBe("tied");
    const zero = await simulate({ ...linf([1, 2], 2, 0), algo: "gd", steps: 100 });
    expect(zero.dominance.none).toBe("zero");
    expect(zero.diagnostics!.limit.kind).toBe("zero");
  });

  it("flows look back at the last recorded point with t ≤ t_final/2", async () => {
    const r = await simulate({ version: 1, data: { x: [[1, 3]], y: [1] }, depth: 2, init: { alpha: 0.1 }, mode: "flow", flow: "gradient", tMax: 1000 });
    let k = -1;
    r.trajectory.t.forEach((t, i) => t <= r.final.t / 2 && (k = i));
    expect(k).toBeGreaterThan(0);
    expect(r.lookBack).toEqual({ step: r.trajectory.step[k], t: r.trajectory.t[k], beta: r.trajectory.beta[k] });
    expect(r.diagnostics!.limit).toMatchObject({ kind: "l1-max-margin", coord: 1 });
  });

  it("a Result without diagnostics is classified alike (limitOfResult rebuilds the data from the spec)", async () => {
    const r = await simulate(linf([1, 2], 3, 0.02));
    const { diagnostics, ...bare } = r;
    expect(limitOfResult(bare as typeof r).kind).toBe(diagnostics!.limit.kind);
    expect(limitOfResult(bare as typeof r).evidence).toEqual(diagnostics!.limit.evidence);
  });
});

describe("a phase-diagram cell and the single run of the same spec agree", () => {
  const logspace = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, k) => lo * (hi / lo) ** (k / (n - 1)));

  it.each([
    [2, 16, 4000],
    [3, 8, 4000],
  ])("L = %i, %i² grid of (α₁, α₂), %i steps: simulateBatch and simulate give the same kind, coord and evidence in every cell", async (depth, size, steps) => {
    const spec = { version: 1 as const, data: { x: [[1, 2]], y: [1 as const] }, depth, algo: "sam-linf" as const, rho: 0.1, lr: 0.05, steps };
    const alphas = logspace(0.02, 0.6, size);
    const inits = alphas.flatMap((a2) => alphas.map((a1) => [a1, a2]));
    const batch = await simulateBatch({ spec, inits, chunkSteps: 777 }); // chunks that do not divide ⌊T/2⌋
    const kinds = new Map<string, number>();
    for (let r = 0; r < inits.length; r++) {
      const s = await simulate({ ...spec, init: { alpha: inits[r] }, record: { points: 2 } }, { chunkSteps: 1234 });
      const one = s.diagnostics!.limit;
      const cell = batch.limit[r]!;
      expect(batch.betaMid[r], `cell ${r}`).toEqual(s.lookBack.beta);
      expect(cell.kind, `cell ${r}: α = ${inits[r]}`).toBe(one.kind);
      expect(cell.coord, `cell ${r}`).toBe(one.coord);
      expect(cell.evidence, `cell ${r}`).toEqual(one.evidence);
      expect(cell.distances, `cell ${r}`).toEqual(one.distances);
      const key = cell.kind + (cell.coord ?? "");
      kinds.set(key, (kinds.get(key) ?? 0) + 1);
    }
    // the grid crosses the boundaries α_j = ρ: more than one regime
    expect(kinds.size, JSON.stringify([...kinds])).toBeGreaterThanOrEqual(depth === 2 ? 3 : 2);
  }, 120_000);
});
