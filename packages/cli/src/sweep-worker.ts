/**
 * The worker of `samlab sweep` (a worker_threads thread, started by tinypool). Called once per run:
 * it runs the spec with @samlab/sim's `simulate`, writes the Result file itself (so the big JSON is
 * built and written in parallel, never cloned to the main thread) and returns only the run's row.
 */
import type { MessagePort } from "node:worker_threads";
import { simulate, type Spec } from "@samlab/sim";
import { writeFileAtomic } from "./io.js";
import { rowOf, type RunRow } from "./sweep-output.js";

export interface SweepTask {
  index: number;
  spec: Spec;
  /** Absolute path of the Result file to write, or undefined (--no-results). */
  resultPath?: string;
  /** Where to post the current step (at most every 250 ms), when the sweep shows progress. */
  port?: MessagePort;
}

export default async function runTask(task: SweepTask): Promise<RunRow> {
  try {
    let last = 0;
    const port = task.port;
    const r = await simulate(task.spec, {
      onProgress: port
        ? (p) => {
            const now = Date.now();
            if (now - last >= 250) {
              last = now;
              port.postMessage(p.step);
            }
          }
        : undefined,
    });
    if (task.resultPath) writeFileAtomic(task.resultPath, JSON.stringify(r) + "\n");
    task.port?.close();
    return rowOf(task.index, r);
  } catch (e) {
    task.port?.close();
    return { index: task.index, status: "error", message: (e as Error).message?.split("\n")[0] ?? String(e) };
  }
}
