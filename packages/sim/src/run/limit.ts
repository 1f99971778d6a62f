/**
 * The limit kind of a Result: its diagnostics' kind when it has them, else the same classifier on
 * its start, look-back and final β with the spec's thresholds (Simulation.result() carries no
 * diagnostics). The data is needed to compute predictions and the loss from β.
 */
import { classifyLimit, type LimitClassification, type LimitTolerances } from "../analysis/limit.js";
import { makeDataset } from "../data/generators.js";
import { isLoadedData } from "../spec/schema-data.js";
import type { Spec } from "../spec/schema.js";
import type { Result } from "./result.js";

/** The spec's `diagnostics` thresholds as classifier options. */
export function limitTolerances(spec: Pick<Spec, "diagnostics">): Partial<LimitTolerances> {
  const o = spec.diagnostics;
  return { tolerance: o?.limitTolerance, zeroLoss: o?.zeroLoss, zeroPrediction: o?.zeroPrediction, stallLoss: o?.stallLoss, flatLoss: o?.flatLoss };
}

export function limitOfResult(r: Result, data?: { x: ArrayLike<number>; y: ArrayLike<number>; n: number; d: number }): LimitClassification {
  if (r.diagnostics) return r.diagnostics.limit;
  // inline and generated data are rebuilt from the spec (f32 storage of x as in Simulation); data files must be passed in
  if (!data && isLoadedData(r.spec.data)) throw new Error("samlab: limitOfResult needs the run's data set for a Result without diagnostics (the spec reads a data file)");
  let ds = data ?? makeDataset(r.spec.data, r.spec.seed);
  if (!data && r.spec.precision?.x === "f32") ds = { ...ds, x: Float64Array.from(ds.x, Math.fround) };
  return classifyLimit({ beta0: r.initialBeta, betaMid: r.lookBack.beta, beta: r.final.beta, data: ds, depth: r.spec.depth, lossKind: r.spec.loss }, {}, limitTolerances(r.spec));
}
