/**
 * A worker thread of `samlab reproduce` (tinypool): runs one experiment by id and returns its
 * Outcome (plain JSON: checks, figures, notes). Called once per experiment.
 */
import { runExperiment, type Outcome } from "@samlab/sim/experiments";

export default async function runOne(task: { id: string; quick: boolean }): Promise<Outcome> {
  return runExperiment(task.id, { quick: task.quick });
}
