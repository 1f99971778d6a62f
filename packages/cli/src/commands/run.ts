/**
 * `samlab run`: one spec, to the end; a summary, the Result as JSON, or files.
 */
import { parseSpec, simulateStream, trajectoryToCsv, type Result } from "@samlab/sim";
import { Command } from "commander";
import { CliError, EXIT, reportError } from "../errors.js";
import { writeFileAtomic } from "../io.js";
import { ProgressBar } from "../progress.js";
import { addSpecOptions, specFromOptions } from "../spec-flags.js";
import { humanSummary } from "../summary.js";
import { TrajectoryStream } from "../stream.js";

/** Writes a Result to `path`: .json → the Result, .csv → the trajectory. */
export function writeResult(path: string, r: Result): void {
  if (path.endsWith(".csv")) writeFileAtomic(path, trajectoryToCsv(r));
  else if (path.endsWith(".json")) writeFileAtomic(path, JSON.stringify(r) + "\n");
  else throw new CliError(`--out ${path}: expected a file name ending in .json (the Result) or .csv (the trajectory)`);
}

export function runCommand(): Command {
  const cmd = new Command("run")
    .description("run one spec (a file and/or flags) and print its summary or its Result")
    .option("--json", "print the Result as one JSON document on stdout")
    .option("--out <file>", "also write the Result (.json) or the trajectory (.csv)")
    .option("--stream <file>", "append each recorded point to FILE.jsonl or FILE.csv as the run goes")
    .option("-q, --quiet", "no summary and no progress bar");
  addSpecOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Examples:
  samlab run --x 1,2,3,4 --depth 2 --algo sam-l2 --rho 0.05 --lr 0.01 --alpha 0.02 --steps 100000
  samlab run --spec experiment.json --steps 1e6 --out result.json
  samlab run --gen gaussian-sparse --n 50 --d 100 --algo gd --json > result.json

Exit codes: 0 ok, 2 bad input, 3 the run diverged (non-finite value), 130 interrupted.`,
  );
  cmd.action(async (opts: Record<string, string | undefined>) => {
    const { spec, flagOf } = (() => {
      try {
        return specFromOptions(opts);
      } catch (e) {
        process.exitCode = reportError(e);
        return { spec: undefined, flagOf: () => undefined };
      }
    })();
    if (!spec) return;
    if (opts.out !== undefined && !/\.(json|csv)$/.test(opts.out)) {
      process.exitCode = reportError(new CliError(`--out ${opts.out}: expected a file name ending in .json (the Result) or .csv (the trajectory)`));
      return;
    }
    const controller = new AbortController();
    let interrupted = false;
    const onSigint = () => {
      if (interrupted) process.exit(EXIT.interrupted);
      interrupted = true;
      controller.abort();
    };
    process.on("SIGINT", onSigint);
    let stream: TrajectoryStream | undefined;
    try {
      if (opts.stream !== undefined) stream = new TrajectoryStream(opts.stream, parseSpec(spec).depth);
    } catch (e) {
      process.exitCode = reportError(e, flagOf);
      return;
    }
    const bar = new ProgressBar(!opts.quiet && process.stderr.isTTY === true);
    let result: Result | undefined;
    try {
      for await (const ev of simulateStream(spec, { signal: controller.signal })) {
        if (ev.type === "progress") {
          bar.update(ev.progress.step, ev.progress.steps);
          stream?.writeRows(ev.rows, ev.stride);
        } else result = ev.result;
      }
    } catch (e) {
      bar.stop();
      stream?.close();
      process.exitCode = reportError(e, flagOf);
      return;
    } finally {
      process.off("SIGINT", onSigint);
    }
    bar.stop();
    const r = result!;
    stream?.finish(r);
    if (opts.out) writeResult(opts.out, r);
    if (opts.json) process.stdout.write(JSON.stringify(r) + "\n");
    else if (!opts.quiet) process.stdout.write(humanSummary(r));
    if (interrupted) {
      process.stderr.write(`samlab: interrupted at step ${r.final.step}; partial results ${opts.out ? `written to ${opts.out}` : "printed"}\n`);
      process.exitCode = EXIT.interrupted;
    } else if (r.status.state === "nonfinite") {
      process.stderr.write(`samlab: ${r.status.message}\n`);
      process.exitCode = EXIT.diverged;
    }
  });
  return cmd;
}
