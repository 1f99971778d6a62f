/**
 * `samlab resume FILE`: continues a run from a checkpoint written by `samlab run --checkpoint FILE`
 * (or by Ctrl-C). The final Result equals the uninterrupted run's bit for bit — final w and β and
 * every trajectory column; only `timing` differs. Checkpoints continue to FILE at the same interval
 * unless --checkpoint / --every say otherwise.
 */
import { CheckpointError, parseCheckpointJson, type SimulationState } from "@samlab/sim";
import { Command } from "commander";
import { CliError, reportError } from "../errors.js";
import { readTextFile } from "../io.js";
import { addOutputOptions, executeRun, type RunOutputOptions } from "./run.js";

/** Reads and validates a checkpoint file; every problem is one CliError line naming the file and the field. */
export function readCheckpoint(path: string): SimulationState {
  const text = readTextFile(path, "checkpoint");
  try {
    return parseCheckpointJson(text);
  } catch (e) {
    if (e instanceof CheckpointError) throw new CliError(`invalid checkpoint ${path === "-" ? "stdin" : path}: ${e.message}`);
    throw e;
  }
}

export function resumeCommand(): Command {
  const cmd = new Command("resume").description("continue a checkpointed run (from `samlab run --checkpoint FILE` or Ctrl-C) to its end").argument("<checkpoint>", 'the checkpoint file ("-" reads stdin)');
  addOutputOptions(cmd, "where further checkpoints go (default: the checkpoint file itself; --every defaults to its interval)", true);
  cmd.addHelpText(
    "after",
    `
Examples:
  samlab run --spec long.json --checkpoint long.ckpt.json --every 1e6 --out long.json   (killed or Ctrl-C)
  samlab resume long.ckpt.json --out long.json --force   (--force: Ctrl-C wrote a partial long.json)

The resumed Result equals the uninterrupted run's bit for bit (all but "timing").
Exit codes: as for samlab run (0, 1, 2, 3, 130, 143).`,
  );
  cmd.action(async (file: string, given: RunOutputOptions & { every?: string }) => {
    try {
      const { every, ...opts } = given;
      if (every !== undefined && opts.checkpointEvery !== undefined) throw new CliError("--every: the same as --checkpoint-every; give it once");
      if (every !== undefined) opts.checkpointEvery = every;
      const state = readCheckpoint(file);
      const checkpoint = opts.checkpoint ?? (file === "-" ? undefined : file);
      await executeRun({ state, file }, { ...opts, ...(checkpoint !== undefined ? { checkpoint } : {}) });
    } catch (e) {
      process.exitCode = reportError(e);
    }
  });
  return cmd;
}
