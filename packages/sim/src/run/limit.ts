/**
 * The limit kind of a Result: its diagnostics' kind when it has them, else the same classifier on
 * its start, look-back and final β with the spec's thresholds (Simulation.result() carries no
 * diagnostics). The data is needed to compute predictions and the loss from β. Without diagnostics
 * this is synchronous, so no LP: a regression is compared with the minimum-ℓ2 interpolator (or the
 * least-squares minimizer when none exists) only — a run that ends at the minimum-ℓ1 interpolator
 * reads `interpolating` here and `l1-interpolator` in its diagnostics.
 */
import { leastSquares, minL2Interpolator } from "../analysis/interpolators.js";
import { classifyLimit, type LimitClassification, type LimitReferences, type LimitTolerances } from "../analysis/limit.js";
import { makeDataset } from "../data/generators.js";
import { isLoadedData } from "../spec/schema-data.js";
import type { Spec } from "../spec/schema.js";
import type { Result } from "./result.js";

/** The spec's `diagnostics` thresholds as classifier options. */
export function limitTolerances(spec: Pick<Spec, "diagnostics">): Partial<LimitTolerances> {
  const o = spec.diagnostics;
  return { tolerance: o?.limitTolerance, zeroLoss: o?.zeroLoss, zeroPrediction: o?.zeroPrediction, stallLoss: o?.stallLoss, flatLoss: o?.flatLoss, fitLoss: o?.fitLoss };
}

export function limitOfResult(r: Result, data?: { x: ArrayLike<number>; y: ArrayLike<number>; n: number; d: number }): LimitClassification {
  if (r.diagnostics) return r.diagnostics.limit;
  // inline and generated data are rebuilt from the spec (f32 storage of x as in Simulation); data files must be passed in
  if (!data && isLoadedData(r.spec.data)) throw new Error("samlab: limitOfResult needs the run's data set for a Result without diagnostics (the spec reads a data file)");
  let ds = data ?? makeDataset(r.spec.data, r.spec.seed);
  if (!data && r.spec.precision?.x === "f32") ds = { ...ds, x: Float64Array.from(ds.x, Math.fround) };
  const refs: LimitReferences = {};
  if (r.spec.loss === "squared") {
    const l2 = minL2Interpolator(ds.x, ds.y, ds.n, ds.d);
    const ls = l2 ? undefined : leastSquares(ds.x, ds.y, ds.n, ds.d);
    if (l2) refs.l2 = l2;
    if (ls) refs.leastSquares = ls;
  }
  return classifyLimit({ beta0: r.initialBeta, betaMid: r.lookBack.beta, beta: r.final.beta, data: ds, depth: r.spec.depth, lossKind: r.spec.loss }, refs, limitTolerances(r.spec));
}
