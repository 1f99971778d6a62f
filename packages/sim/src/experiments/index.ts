/**
 * `@samlab/sim/experiments`: the paper's claims as checked experiments (`samlab reproduce`), the
 * ℓ∞-SAM phase-diagram setup shared with the web page, and the measurement helpers they use.
 */
export { EXPERIMENTS, findExperiment, runExperiment, type RunExperimentOptions } from "./registry.js";
export type { Experiment, ExperimentContext, Outcome, Check, Figure, LineFigure, HeatmapFigure, HeatmapOverlay, ImageFigure, Sabotage } from "./types.js";
export * as measure from "./util.js";
export { phaseSpec, phaseClass, predictedClass, predictedLimit, predictedBoundaries, cellKind, phaseIndex, gridEdges, type CellKind, PHASE_CLASSES, PHASE_RHO, PHASE_TAU, PHASE_X } from "./phase.js";
export { SPARSE_SETTING, SPARSE_ALGOS, sparseRegressionSpec, type SparseAlgo } from "./sparse-regression.js";
export { samFamily, familyData, FAMILY_DATA, FAMILY_ROWS, type FamilyRow } from "./sam-family.js";
