/**
 * Continuous-time runs ("mode": "flow", docs/FLOWS.md): the record times, the engine init and the
 * engine choice. Simulation (simulate.ts) calls these once per run.
 */
import { ReferenceFlowRun } from "../engine/flow-reference.js";
import { WasmFlowRun } from "../engine/flow-wasm.js";
import type { EngineInit, FlowEngineRun, FlowInit } from "../engine/types.js";
import { portableExp, portableLog } from "../math/portable-math.js";
import type { RecordSpec, Spec } from "../spec/schema.js";

/** A flow spec has these filled in by parseSpec. */
export type FlowSpec = Spec & Required<Pick<Spec, "flow" | "tMax" | "tMin" | "timeScale" | "rtol" | "atol" | "maxSteps">>;

export function isFlowSpec(spec: Spec): spec is FlowSpec {
  return spec.mode === "flow";
}

/**
 * Record times of a flow: t = 0, then `points − 1` times up to tMax — geometric from tMin
 * ("log" spacing; uniform in s = log t) or uniform in t ("linear"). Strictly increasing.
 */
export function flowRecordTimes(tMax: number, tMin: number, rec: RecordSpec): Float64Array {
  const out: number[] = [0];
  const m = rec.points - 1;
  const push = (t: number) => {
    if (t > out[out.length - 1]! && t < tMax) out.push(t);
  };
  if (rec.spacing === "linear") {
    for (let k = 1; k < m; k++) push((k * tMax) / m);
  } else {
    const a = portableLog(tMin); // portable: the same record times in every JS engine
    const b = portableLog(tMax);
    for (let k = 0; k < m - 1; k++) push(portableExp(a + ((b - a) * k) / (m - 1)));
  }
  out.push(tMax);
  return Float64Array.from(out);
}

/** The engine of a flow spec (the WebAssembly core must be loaded for "wasm"). */
export function createFlowRun(spec: FlowSpec, base: EngineInit): FlowEngineRun {
  const init: FlowInit = { ...base, flow: spec.flow, timeScale: spec.timeScale, tLogFrom: spec.tMin, rtol: spec.rtol, atol: spec.atol };
  return spec.engine === "reference" ? new ReferenceFlowRun(init) : new WasmFlowRun(init);
}
