/**
 * `@samlab/sim/run`: the building blocks under `simulate` — record schedules, the flow's record
 * times and engine choice, Result assembly, and a Result's limit class.
 */
export { recordSchedule } from "./schedule.js";
export { flowRecordTimes, createFlowRun } from "../flows/flow.js";
export { buildResult, trajectoryFromRows, rowsToColumns, type BuildInput } from "./result.js";
export { limitOfResult } from "./limit.js";
