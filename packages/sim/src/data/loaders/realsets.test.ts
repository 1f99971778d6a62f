/**
 * Max-margin values on the vendored real sets against values derived independently of HiGHS:
 * GLPK 5.0's exact (rational) simplex (`glpsol --exact`) on the ℓ1 LP of MODEL.md, written from the
 * vendored files by a short Python script, and for iris the exact rational solution, checked here in
 * BigInt arithmetic. Also: the loaders' view of the sets (sizes, label mapping, separability).
 */
import { describe, expect, it } from "vitest";
import { maxMargin } from "../../analysis/maxmargin/solver.js";
import { loadDataset } from "./load.js";

describe("vendored real sets: ℓ1 max-margin", () => {
  it("iris setosa vs versicolor: the unique ℓ1 solution is (−185, −447, 912, 0)/1544 with margin 675/1544", async () => {
    const ds = await loadDataset({ source: "iris", classes: ["setosa", "versicolor"] }, 1);
    const exact = [-185, -447, 912, 0].map((v) => v / 1544);
    const s = await maxMargin({ x: ds.x, y: ds.y, n: ds.n, d: ds.d }, "l1");
    expect(s.separable).toBe(true);
    expect(s.margin).toBeCloseTo(675 / 1544, 12);
    for (let j = 0; j < 4; j++) expect(s.beta[j]).toBeCloseTo(exact[j]!, 10);
    expect(ds.info.separability).toMatchObject({ separable: true });
    expect(ds.info.separability!.l1Margin).toBeCloseTo(675 / 1544, 12);
    // the rational solution is feasible with margin exactly 675/1544: y_i <β, 10·x_i> in integers
    const num = [-185n, -447n, 912n, 0n];
    let min: bigint | undefined;
    for (let i = 0; i < ds.n; i++) {
      let z = 0n;
      for (let j = 0; j < 4; j++) z += num[j]! * BigInt(Math.round(ds.x[i * 4 + j]! * 10));
      z *= BigInt(ds.y[i]!);
      if (min === undefined || z < min) min = z;
    }
    expect(min).toBe(6750n); // (6750 / 10) / 1544 = 675/1544
  });

  it("digits 0 vs 1 (all 360, pixels/16): ℓ1 margin = 1/7.06532931217624 (GLPK exact simplex)", async () => {
    const ds = await loadDataset({ source: "digits", classes: [0, 1] }, 1);
    expect([ds.n, ds.d]).toEqual([360, 64]);
    expect(ds.info.labels.counts).toEqual({ negative: 178, positive: 182 });
    const sep = ds.info.separability!;
    expect(sep.separable).toBe(true);
    expect(Math.abs(sep.l1Margin - 1 / 7.06532931217624) / sep.l1Margin).toBeLessThan(1e-9);
    expect(sep.l1Beta.reduce((a, v) => a + Math.abs(v), 0)).toBeCloseTo(1, 9);
  });
});
