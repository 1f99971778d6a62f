/**
 * The worker of `samlab sweep` (a worker_threads thread, started by tinypool). Called once per run:
 * it runs the spec with @samlab/sim's `simulate`, writes the Result file itself (so the big JSON is
 * built and written in parallel, never cloned to the main thread) and returns only the run's row.
 */
import { simulate, type Spec } from "@samlab/sim";
import { writeFileAtomic } from "./io.js";
import { rowOf, type RunRow } from "./sweep-output.js";

export interface SweepTask {
  index: number;
  spec: Spec;
  /** Absolute path of the Result file to write, or undefined (--no-results). */
  resultPath?: string;
}

export default async function runTask(task: SweepTask): Promise<RunRow> {
  try {
    const r = await simulate(task.spec);
    if (task.resultPath) writeFileAtomic(task.resultPath, JSON.stringify(r) + "\n");
    return rowOf(task.index, r);
  } catch (e) {
    return { index: task.index, status: "error", message: (e as Error).message?.split("\n")[0] ?? String(e) };
  }
}
