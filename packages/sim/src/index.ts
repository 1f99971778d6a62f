/**
 * @samlab/sim — the simulation API of samlab, for Node and browsers.
 *
 * ```ts
 * import { simulate } from "@samlab/sim";
 * const r = await simulate({ version: 1, data: { x: [[1, 2]], y: [1] }, depth: 2, algo: "sam-l2", rho: 0.05, lr: 0.01, steps: 1e5 });
 * r.final.beta; r.trajectory.loss; r.dominantSequence;
 * ```
 */
export { SPEC_VERSION, LIMITS, SpecError, oneLine, parseSpec, parseSpecJson, dataDimension, dataCount } from "./spec/schema.js";
export type { Spec, SpecInput, DataSpec, InitSpec, RecordSpec, DataInline, DataSingle, DataGaussian } from "./spec/schema.js";
export { makeDataset, makeInit, featureMagnitudes, gaussianSparse, type Dataset } from "./data/generators.js";
export { recordSchedule } from "./run/schedule.js";
export { Rng } from "./data/rng.js";
export { simulate, simulateStream, createSimulation, rowsToColumns, Simulation, resume, resumeStream } from "./run/simulation.js";
export { CHECKPOINT_FORMAT, CHECKPOINT_LIMITS, CheckpointError, checkpointToJson, parseCheckpoint, parseCheckpointJson, type SimulationState } from "./run/checkpoint.js";
export type { SimulateOptions, Progress, StreamEvent } from "./run/simulation.js";
export { SAMLAB_VERSION } from "./spec/version.js";
export { RESULT_FORMAT, trajectoryToCsv, buildResult, trajectoryFromRows, TRAJECTORY_COLUMNS } from "./run/result.js";
export type { Result, Trajectory, FinalState, DominantChange } from "./run/result.js";
export { ReferenceRun, DiagonalNet, lossPrime, lossValue, perturb } from "./engine/reference.js";
export { WasmRun, loadWasm } from "./engine/wasm.js";
export { ALGO, LOSS, REC } from "./engine/types.js";
export type { Algo, Loss, EngineName, EngineInit, EngineRun, EngineClock } from "./engine/types.js";
export { LR_SCHEDULE, FLOW, TIME_SCALE } from "./engine/types.js";
export type { LrSchedule, FlowKind, TimeScale, FlowInit, FlowStats, FlowEngineRun, FlowRunStatus } from "./engine/types.js";
export { ReferenceFlowRun } from "./engine/flow-reference.js";
export { WasmFlowRun } from "./engine/flow-wasm.js";
export { ScaledGradient, lossPrimeScaled, lossValueScaled } from "./engine/logdomain.js";
export { flowRecordTimes, isFlowSpec, type FlowSpec } from "./flows/flow.js";
export { SWEEP_VERSION, SWEEP_LIMITS, SweepError, expandSweep, expandSweepJson, parseShard, shardIndices, canonicalJson, parsePath, getPath } from "./sweep/sweep.js";
export type { Sweep, SweepInput, SweepRun, Shard } from "./sweep/sweep.js";
export { EXPERIMENTS, findExperiment, runExperiment, type RunExperimentOptions } from "./experiments/registry.js";
export type { Experiment, ExperimentContext, Outcome, Check, Figure, LineFigure, HeatmapFigure, ImageFigure, Sabotage } from "./experiments/types.js";
export * as measure from "./experiments/util.js";
export { phaseSpec, phaseClass, predictedClass, PHASE_CLASSES, PHASE_RHO, PHASE_TAU, PHASE_X } from "./experiments/phase.js";
export { simulateBatch, classifyLimit } from "./run/batch.js";
export type { BatchOptions, BatchResult, LimitClass, ClassifyOptions } from "./run/batch.js";
export { runPool, servePoolWorker } from "./sweep/pool-browser.js";
export type { PoolWorker, RunPoolOptions } from "./sweep/pool-browser.js";
export { loadDataset, checkSeparability, type LoadedDataset, type LoadOptions, type DataInfo, type Separability } from "./data/loaders/load.js";
export { parseCsv, type CsvOptions, type RawTable } from "./data/loaders/csv.js";
export { parseLibsvm, type LibsvmOptions } from "./data/loaders/libsvm.js";
export { parseIdx, type IdxOptions, type IdxArray } from "./data/loaders/idx.js";
export { mapLabels, type LabelMapping } from "./data/loaders/labels.js";
export { DataError } from "./data/loaders/errors.js";
export { DataNotFoundError, openInput, fashionMnistDir, FASHION_MNIST_CLASSES, DEBIAN_DATA_DIR, type Opener } from "./data/loaders/sources.js";
export type { DataInput } from "./data/loaders/input.js";
export { DATA_FORMATS, DATA_SOURCES, isLoadedData, formatFromName, type DataFile, type DataSource } from "./spec/schema.js";
export { loadSolver, maxMargin, maxMarginAll, MaxMarginSolver, MaxMarginInputError, MAX_MARGIN_NORMS, SEPARATION_TOL, normOf, type MaxMarginNorm, type MaxMarginData, type MaxMarginSolution, type SolverLoadOptions } from "./analysis/maxmargin/solver.js";
export { computeDiagnostics, classifyFinal, amplificationOrder, cosine, diagnosticsOptions, DIAGNOSTICS_DEFAULTS } from "./analysis/diagnostics.js";
export type { Diagnostics, DiagnosticsOptions, ReferenceDirection, AmplificationOrder, LimitClassification, LimitKind } from "./analysis/diagnostics.js";
export { portableLog, portableExp, portableLog1p, portableSin, portableCos } from "./math/portable-math.js";
