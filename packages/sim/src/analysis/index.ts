/**
 * `@samlab/sim/analysis`: pure functions of a run's final state and data — the exact max-margin
 * references (HiGHS), the implicit-bias diagnostics, the amplification order and the one limit
 * classifier. Nothing here runs an engine.
 */
export { MAX_MARGIN_NORMS, SEPARATION_TOL, MaxMarginInputError, normOf, type MaxMarginNorm, type MaxMarginData, type MaxMarginSolution } from "./maxmargin/problem.js";
export { loadSolver, maxMargin, maxMarginAll, MaxMarginSolver, type SolverLoadOptions } from "./maxmargin/solver.js";
export { computeDiagnostics, diagnosticsOptions, cosine, DIAGNOSTICS_DEFAULTS, KKT_OPTIONS } from "./diagnostics.js";
export type { Diagnostics, DiagnosticsOptions, DiagnosticsInput, DiagnosticsData, ReferenceDirection } from "./diagnostics.js";
export { amplificationOrder, dominantSequence, DOMINANCE_RULE, type AmplificationOrder, type DominantChange, type Dominance, type NoLeader } from "./amplification.js";
export { classifyLimit, basisOf, lossAtZero, limitLabel, subscript, LIMIT_DEFAULTS, ZERO_GROWTH, type LimitInput, type LimitTolerances, type LimitClassification, type LimitKind } from "./limit.js";
export { testMetrics, type TestSet, type TestLossKind } from "./testset.js";
export { minL2Interpolator, supportOf, distance as l2Distance, SUPPORT_TOL } from "./interpolators.js";
export { PALETTE, ALGO_LABEL, ALGO_COLOR, REGIME_LABEL, REGIME_COLOR, algoLabel, coordLabel, basisLabel, coordColor, seriesColor } from "./labels.js";
