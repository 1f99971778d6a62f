/**
 * `@samlab/sim/engine`: the engines behind `simulate` — the WebAssembly binding (one run, two
 * threads), the pure-TS reference engine (an independent re-implementation, the oracle of the
 * WebAssembly kernels), the flow integrators, the log-domain loss and gradient, and the numeric codes.
 */
export { ALGO, LOSS, REC, LR_SCHEDULE, FLOW, TIME_SCALE } from "./types.js";
export type { Algo, Loss, EngineName, EngineInit, EngineRun, EngineClock, LrSchedule, FlowKind, TimeScale, FlowInit, FlowStats, FlowEngineRun, FlowRunStatus } from "./types.js";
export { WasmRun, loadWasm } from "./wasm.js";
export { WasmFlowRun } from "./flow-wasm.js";
export { ReferenceRun, DiagonalNet, lossPrime, lossValue } from "./reference.js";
export { perturb } from "./perturb.js";
export { ReferenceFlowRun } from "./flow-reference.js";
export { ScaledGradient, lossPrimeScaled, lossValueScaled, type NetWorkspace } from "./logdomain.js";
export { Curvature, balanceOf, samEdge, lossSecond, tridiagEigen, type CurvatureValues, type CurvatureNet } from "./curvature.js";
