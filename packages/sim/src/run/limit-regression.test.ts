/**
 * The regression limit kinds on real runs (squared loss): a run that reaches the minimum-ℓ1
 * interpolator, GD from a large initialization (the minimum-ℓ2 interpolator, or another
 * interpolator), a noisy regression with more examples than coordinates (the least-squares minimum),
 * and the batch runner agreeing with the single run. The references are the diagnostics' own
 * (an LP and a Cholesky solve), independent of the engines that trained β.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSpec } from "../spec/schema.js";
import { simulateBatch } from "./batch.js";
import { limitOfResult } from "./limit.js";
import { simulate } from "./stream.js";

const example = JSON.parse(readFileSync(new URL("../../../../examples/sparse-regression-1sam.json", import.meta.url), "utf8"));
const D = 30;
/** GD on the example's data from u = a, v = 0 (β starts at 0, either sign reachable). */
const gdFrom = (a: number, steps = 20_000) => ({ ...example, algo: "gd", sam: undefined, rho: undefined, lr: 0.01, steps, init: { values: [Array(D).fill(a), Array(D).fill(0)] } });
/** n = 60 > d = 10, noisy targets: no β interpolates. */
const noisy = {
  version: 1,
  data: { generator: "sparse-regression", n: 60, d: 10, k: 3, noise: 0.5, seed: 1 },
  loss: "squared",
  depth: 2,
  init: { values: [Array(10).fill(0.1), Array(10).fill(0)] },
  algo: "gd",
  lr: 0.01,
  steps: 20_000,
};

describe("regression limit kinds of real runs", () => {
  it("the sparse-regression 1-SAM example ends at the minimum-ℓ1 interpolator", async () => {
    const r = await simulate(example);
    const l = r.diagnostics!.limit;
    expect(l.kind).toBe("l1-interpolator");
    // measured: L_T = 6.6e-6·ℓ(0), relative distance 0.0023 to the min-ℓ1 and 0.61 to the min-ℓ2 interpolator
    expect(l.evidence.loss).toBeLessThan(1e-4 * l.evidence.lossAtZero);
    expect(l.distances.l1).toBeLessThan(0.01);
    expect(l.distances.l2).toBeGreaterThan(0.3);
    // without diagnostics the classifier has no LP: only the min-ℓ2 interpolator, which β is far from
    const bare = limitOfResult({ ...r, diagnostics: undefined });
    expect(bare.kind).toBe("interpolating");
    expect(bare.nearest!.kind).toBe("l2-interpolator");
  });

  it("GD from a large initialization ends at the minimum-ℓ2 interpolator; from a middle one at another interpolator", async () => {
    const big = (await simulate(gdFrom(2))).diagnostics!.limit;
    expect(big.kind).toBe("l2-interpolator");
    expect(big.distances.l2).toBeLessThan(0.01); // measured 0.0032
    expect(big.distances.l1).toBeGreaterThan(0.3); // measured 0.52
    const mid = (await simulate(gdFrom(0.5))).diagnostics!.limit;
    expect(mid.kind).toBe("interpolating");
    expect(mid.evidence.loss).toBeLessThan(1e-8 * mid.evidence.lossAtZero); // measured 2.9e-12
    expect(mid.nearest!.kind).toBe("l2-interpolator");
    expect(mid.nearest!.distance).toBeGreaterThan(0.1); // measured 0.21
    expect(mid.nearest!.distance).toBeLessThan(mid.distances.l1!); // measured 0.35
  });

  it("n > d with noisy targets: no interpolator, the run ends at the least-squares minimum (not stalled), in a batch too", async () => {
    const r = await simulate(noisy);
    const dg = r.diagnostics!;
    expect(dg.regression!.l1).toBeUndefined();
    expect(dg.regression!.l2).toBeUndefined();
    expect(dg.regression!.leastSquares).toBeDefined();
    const l = dg.limit;
    expect(l.kind).toBe("least-squares");
    expect(l.evidence.loss).toBeGreaterThan(0.1 * l.evidence.lossAtZero); // measured 0.218·ℓ(0): the stalled thresholds hold too
    expect(l.distances.leastSquares).toBeLessThan(0.02); // measured 0.006
    expect(limitOfResult({ ...r, diagnostics: undefined }).kind).toBe("least-squares");
    const b = await simulateBatch({ spec: noisy, inits: [noisy.init] });
    expect(b.limit[0]!.kind).toBe("least-squares");
    expect(b.limit[0]!.distances.leastSquares).toBe(l.distances.leastSquares);
  });

  it("diagnostics.fitLoss: a number in (0, 1), one-line error otherwise", () => {
    const spec = (fitLoss: unknown) => ({ version: 1, data: { x: [[1]] }, diagnostics: { fitLoss } });
    expect(parseSpec(spec(0.01)).diagnostics).toEqual({ fitLoss: 0.01 });
    for (const bad of [0, 1, "x"]) expect(() => parseSpec(spec(bad))).toThrow(/^diagnostics\.fitLoss: expected a number in \(0, 1\)/);
  });
});
