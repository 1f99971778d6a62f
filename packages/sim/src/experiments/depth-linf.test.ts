/**
 * The depth-L ℓ∞-SAM rule (predictedLimit) against cells computed by hand, its boundaries, the
 * classifier adapter (cellKind), and every check of the depth-linf and depth experiments failing
 * under a deliberately wrong setting chosen for that check.
 */
import { describe, expect, it } from "vitest";
import type { LimitClassification } from "../analysis/limit.js";
import { cellKind, predictedBoundaries, predictedLimit } from "./phase.js";
import { runExperiment } from "./registry.js";
import type { Sabotage } from "./types.js";

describe("predictedLimit: the depth-L ℓ∞-SAM rule", () => {
  const basis = (coord: number) => ({ kind: "basis", coord });
  it("picks argmax over α_j > ρ of μ_j (α_j − ρ)^{L−2} (hand-computed scores)", () => {
    // L = 3, μ = (1, 2): scores 1·0.3 = 0.3 vs 2·0.1 = 0.2 → e₁; 1·0.3 vs 2·0.2 = 0.4 → e₂
    expect(predictedLimit([1, 2], [0.4, 0.2], 0.1, 3)).toEqual(basis(0));
    expect(predictedLimit([1, 2], [0.4, 0.3], 0.1, 3)).toEqual(basis(1));
    // L = 4: 1·0.3² = 0.09 vs 2·0.2² = 0.08 → e₁; L = 3 on the same α: 0.3 vs 0.4 → e₂
    expect(predictedLimit([1, 2], [0.4, 0.3], 0.1, 4)).toEqual(basis(0));
    // L = 5, μ = (1, 2, 3), α = (0.4, 0.25, 0.12): 0.027, 2·0.15³ = 0.00675, 3·0.02³ = 2.4e-5 → e₁
    expect(predictedLimit([1, 2, 3], [0.4, 0.25, 0.12], 0.1, 5)).toEqual(basis(0));
    // L = 3, μ = (3, 1, 2), α = (0.15, 0.5, 0.2): 0.15, 0.4, 0.2 → e₂
    expect(predictedLimit([3, 1, 2], [0.15, 0.5, 0.2], 0.1, 3)).toEqual(basis(1));
  });
  it("ignores coordinates with α_j ≤ ρ, however large their μ_j", () => {
    expect(predictedLimit([1, 100], [0.11, 0.1], 0.1, 3)).toEqual(basis(0));
    expect(predictedLimit([1, 100], [0.11, 0.09], 0.1, 4)).toEqual(basis(0));
  });
  it("L = 2: the largest μ_j among the survivors, whatever the α's", () => {
    expect(predictedLimit([1, 2], [0.9, 0.11], 0.1, 2)).toEqual(basis(1));
    expect(predictedLimit([1, 2], [0.9, 0.05], 0.1, 2)).toEqual(basis(0));
  });
  it("no survivor: zero at even L, stalled at odd L", () => {
    for (const L of [2, 4, 6]) expect(predictedLimit([1, 2], [0.05, 0.02], 0.1, L)).toEqual({ kind: "zero" });
    for (const L of [3, 5]) expect(predictedLimit([1, 2], [0.05, 0.02], 0.1, L)).toEqual({ kind: "stalled" });
  });
});

describe("predictedBoundaries", () => {
  it("L ≥ 3: the winner curve α₂ = ρ + (α₁ − ρ)(μ₁/μ₂)^{1/(L−2)} separates the predicted e₁ and e₂ cells", () => {
    for (const L of [3, 4]) {
      const curve = predictedBoundaries([1, 2], 0.1, L, 0.01, 1).find((o) => o.kind === "line" && o.label.startsWith("μ₁"));
      expect(curve?.kind).toBe("line");
      if (curve?.kind !== "line") continue;
      for (const [a1, a2] of curve.points.slice(1)) {
        expect(predictedLimit([1, 2], [a1, a2 * 0.98], 0.1, L)).toEqual({ kind: "basis", coord: 0 });
        expect(predictedLimit([1, 2], [a1, a2 * 1.02], 0.1, L)).toEqual({ kind: "basis", coord: 1 });
      }
    }
  });
  it("L = 2: only the α = ρ lines, α₂ = ρ across the plot", () => {
    const lines = predictedBoundaries([1, 2], 0.1, 2, 0.01, 1).filter((o) => o.kind === "line");
    expect(lines.map((l) => (l.kind === "line" ? l.points : []))).toEqual([
      [
        [0.01, 0.1],
        [1, 0.1],
      ],
      [
        [0.1, 0.1],
        [0.1, 0.01],
      ],
    ]);
  });
});

describe("cellKind reads the classifier's verdict", () => {
  const base = { distances: { basis: 0 } } as unknown as LimitClassification;
  const c = (o: object) => ({ ...base, ...o }) as LimitClassification;
  it("names stalled, not-converged, basis and a max-margin kind with a coord; a non-basis max-margin direction is not a cell class", () => {
    expect(cellKind(c({ kind: "stalled" }))).toEqual({ kind: "stalled" });
    expect(cellKind(c({ kind: "not-converged" }))).toEqual({ kind: "not-converged" });
    expect(cellKind(c({ kind: "l1-max-margin", coord: 0 }))).toEqual({ kind: "basis", coord: 0 });
    expect(cellKind(c({ kind: "l2-max-margin" }))).toEqual({ kind: "not-converged" });
  });
});

/** For each check (by name), a wrong setting under which it must fail. */
const CHECK_SABOTAGE: { experiment: string; checks: RegExp; sabotage: Sabotage; why: string }[] = [
  { experiment: "depth-linf", checks: /winner rule/, sabotage: { depth: { 3: 2, 4: 2 } }, why: "at L = 2 the major coordinate wins wherever it survives" },
  { experiment: "depth-linf", checks: /every α_j < ρ/, sabotage: { algo: { "sam-linf": "gd" } }, why: "GD has no threshold: below ρ it still grows" },
  { experiment: "depth-linf", checks: /minor coordinate wins/, sabotage: { depth: { 3: 1, 4: 1 } }, why: "at L = 1 the limit is x/‖x‖, no basis vector" },
  { experiment: "depth-linf", checks: /^L = [35], μ/, sabotage: { depth: { 3: 2, 5: 2 } }, why: "at L = 2 the largest μ_j wins" },
  { experiment: "depth", checks: /KKT point/, sabotage: { depth: { 3: 1, 4: 1 } }, why: "an L = 1 run ends at the ℓ2 max-margin direction, not a KKT point of the ℓ_{2/L} problem" },
];

describe.each(CHECK_SABOTAGE.map((c) => [`${c.experiment}: ${c.checks.source}`, c] as const))("check %s", (_, c) => {
  it("fails under its deliberately wrong setting", async () => {
    const o = await runExperiment(c.experiment, { quick: true, sabotage: c.sabotage });
    const hit = o.checks.filter((k) => c.checks.test(k.name));
    expect(hit.length, "no check matched").toBeGreaterThan(0);
    for (const k of hit) expect.soft(k.pass, `${k.name} should fail (${c.why}): ${k.measured}`).toBe(false);
  });
});
