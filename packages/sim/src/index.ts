/**
 * @samlab/sim — the simulation API of samlab, for Node and browsers: specs in, Results out.
 *
 * ```ts
 * import { simulate } from "@samlab/sim";
 * const r = await simulate({ version: 1, data: { x: [[1, 2]], y: [1] }, depth: 2, algo: "sam-l2", rho: 0.05, lr: 0.01, steps: 1e5 });
 * r.final.beta; r.trajectory.loss; r.dominantSequence; r.diagnostics?.limit.kind;
 * ```
 *
 * The advanced pieces are subpath exports (docs/API.md): `@samlab/sim/engine` (the engines),
 * `@samlab/sim/data` (generators and loaders), `@samlab/sim/analysis` (max-margin references,
 * diagnostics, the limit classifier), `@samlab/sim/run` (result and schedule building blocks),
 * `@samlab/sim/sweep`, `@samlab/sim/experiments` and `@samlab/sim/math`.
 *
 * @packageDocumentation
 */
// running a spec
export { simulate, simulateStream, resume, resumeStream, type SimulateOptions, type Progress, type StreamEvent } from "./run/stream.js";
export { createSimulation, Simulation } from "./run/simulation.js";
export { simulateBatch, type BatchOptions, type BatchResult } from "./run/batch.js";
// the spec
export { SpecError, oneLine } from "./spec/errors.js";
export { LIMITS } from "./spec/limits.js";
export { dataDimension, dataCount, isLoadedData, formatFromName, DATA_FORMATS, DATA_SOURCES } from "./spec/schema-data.js";
export { SPEC_VERSION, parseSpec, parseSpecJson } from "./spec/schema.js";
export type { DataSpec, DataInline, DataSingle, DataGaussian, DataSparseRegression, DataTestSet, DataFile, DataSource } from "./spec/schema-data.js";
export type { Spec, SpecInput, InitSpec, RecordSpec } from "./spec/schema.js";
export { SAMLAB_VERSION } from "./spec/version.js";
export { MAX_NESTING, tooDeep } from "./spec/guards.js";
export { isFlowSpec, type FlowSpec } from "./flows/flow.js";
// the Result
export { RESULT_FORMAT, TRAJECTORY_COLUMNS, CURVATURE_COLUMNS, curvatureColumns, trajectoryToCsv, trajectoryCsvHeader, trajectoryCsvRow, trajectoryFromRows, rowsToColumns } from "./run/result.js";
export type { Result, Trajectory, FinalState, DominantChange } from "./run/result.js";
export { REC } from "./engine/types.js";
export type { EngineName, FlowStats } from "./engine/types.js";
export type { DataInfo, Separability } from "./data/dataset.js";
export type { Diagnostics, DiagnosticsOptions, ReferenceDirection } from "./analysis/diagnostics.js";
export type { AmplificationOrder, NoLeader } from "./analysis/amplification.js";
export type { LimitClassification, LimitKind, LimitTolerances } from "./analysis/limit.js";
export { limitLabel, subscript } from "./analysis/limit.js";
export { limitSentence } from "./run/describe.js";
export type { KktResult } from "./analysis/kkt.js";
export { limitOfResult } from "./run/limit.js";
// checkpoints
export { CHECKPOINT_FORMAT, CHECKPOINT_LIMITS, CheckpointError, checkpointToJson, parseCheckpoint, parseCheckpointJson, type SimulationState } from "./run/checkpoint.js";
// the error thrown for bad data files
export { DataError } from "./data/loaders/errors.js";
