/**
 * The limit class of a Result: its diagnostics' class when it has them, else the same classifier
 * on its final state with the spec's thresholds (Simulation.result() carries no diagnostics).
 */
import { classifyLimit, type LimitClassification } from "../analysis/limit.js";
import type { Result } from "./result.js";

export function limitOfResult(r: Result): LimitClassification {
  if (r.diagnostics) return r.diagnostics.limit;
  const o = r.spec.diagnostics;
  const final = { beta: r.final.beta, wNorm: r.final.wNorm, depth: r.spec.depth, loss: r.final.loss, lossKind: r.spec.loss };
  return classifyLimit(final, {}, { tolerance: o?.limitTolerance, zeroTolerance: o?.zeroTolerance });
}
