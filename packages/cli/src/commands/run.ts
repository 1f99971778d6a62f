/**
 * `samlab run`: one spec, to the end; a summary, the Result as JSON, or files. With `--checkpoint
 * FILE` the exact state is written atomically every `--every N` steps, and `samlab resume FILE`
 * (./resume.ts) continues it bit for bit. Ctrl-C (SIGINT) writes the partial Result and a
 * checkpoint, then exits 130.
 */
import { checkpointToJson, isFlowSpec, parseSpec, simulateStream, trajectoryToCsv, type Result, type SimulationState, type Spec } from "@samlab/sim";
import { Command } from "commander";
import { CliError, EXIT, reportError } from "../errors.js";
import { existsSync } from "node:fs";
import { checkOutputs, checkWritable, removeStaleTemps, writeFileAtomic } from "../io.js";
import { ProgressBar } from "../progress.js";
import { addSpecOptions, specFromOptions } from "../spec-flags.js";
import { humanSummary } from "../summary.js";
import { TrajectoryStream, trajectoryToJsonLines } from "../stream.js";

const OUT_FORMATS = /\.(json|jsonl|csv)$/;
const outError = (path: string) => new CliError(`--out ${path}: expected a file name ending in .json (the Result), .jsonl (the trajectory as JSON Lines) or .csv (the trajectory)`);

/** Writes a Result to `path`: .json → the Result, .csv → the trajectory, .jsonl → the trajectory, one JSON object per point. */
export function writeResult(path: string, r: Result): void {
  if (path.endsWith(".csv")) writeFileAtomic(path, trajectoryToCsv(r));
  else if (path.endsWith(".jsonl")) writeFileAtomic(path, trajectoryToJsonLines(r));
  else if (path.endsWith(".json")) writeFileAtomic(path, JSON.stringify(r) + "\n");
  else throw outError(path);
}

/** Output options shared by `run` and `resume`. */
export interface RunOutputOptions {
  json?: boolean;
  out?: string;
  stream?: string;
  quiet?: boolean;
  checkpoint?: string;
  /** Steps between checkpoints (text, as typed). */
  checkpointEvery?: string;
  /** Threads for this one run (text, as typed): "1" or "2". */
  threads?: string;
  /** Overwrite outputs that exist already. */
  force?: boolean;
}

/**
 * Adds the output and checkpoint options shared by `run` and `resume`. `run` has `--every` from its
 * spec flags (record.every), so there `--every` means the checkpoint interval only together with
 * `--checkpoint` (see runCommand); `--checkpoint-every` is unambiguous everywhere.
 */
export function addOutputOptions(cmd: Command, checkpointHelp: string, withEvery: boolean): Command {
  cmd
    .option("--json", "print the Result as one JSON document on stdout")
    .option("--out <file>", "also write the Result (.json), or the trajectory (.csv, or .jsonl: one JSON object per point)")
    .option("--stream <file>", "append each recorded point to FILE.jsonl or FILE.csv as the run goes")
    .option("--checkpoint <file>", checkpointHelp)
    .option("--checkpoint-every <steps>", "steps between checkpoints (default: a tenth of the run)");
  if (withEvery) cmd.option("--every <steps>", "the same as --checkpoint-every");
  cmd.option("--force", "overwrite --out, --stream and --checkpoint files that exist already (refused otherwise)");
  cmd.option("--threads <n>", "threads for this one run, 1 or 2: with 2 a second thread takes half of the row blocks of every gradient (bit-identical results; pays from n > 128 examples on, for large n·d)");
  return cmd.option("-q, --quiet", "no summary and no progress bar");
}

/** `--every` as a positive integer (1e5 style accepted). */
function parseEvery(text: string): number {
  const v = Number(text.trim());
  if (text.trim() === "" || !Number.isInteger(v) || v < 1 || v > 1e15) throw new CliError(`--checkpoint-every: expected an integer number of steps ≥ 1, got "${text}"`);
  return v;
}

/** `--threads` as 1 or 2. */
function parseThreads(text: string): number {
  const t = text.trim();
  if (t !== "1" && t !== "2") throw new CliError(`--threads: expected 1 or 2 (threads for one run), got "${text}"`);
  return Number(t);
}

/**
 * Where Ctrl-C writes its checkpoint when no --checkpoint was given: next to --out, else in the
 * working directory; a file that exists already (an earlier interruption's) is kept, and the next
 * free name NAME-2.checkpoint.json, NAME-3… is taken (unless --force).
 */
function defaultCheckpointPath(out: string | undefined, force: boolean, taken: string[]): string {
  const stem = out ? out.replace(/\.(json|jsonl|csv)$/, "") : "samlab";
  for (let k = 1; ; k++) {
    const p = `${stem}${k > 1 ? `-${k}` : ""}.checkpoint.json`;
    if ((force || !existsSync(p)) && !taken.includes(p)) return p;
  }
}

/**
 * Runs a spec (or continues a checkpointed state) to its end with the shared outputs. Sets
 * process.exitCode: 0, 3 (diverged), 130 (SIGINT) or 143 (SIGTERM); throws CliError for bad options.
 */
export async function executeRun(start: { spec: unknown; flagOf?: (field: string) => string | undefined } | { state: SimulationState; file?: string }, opts: RunOutputOptions): Promise<void> {
  const flagOf = "spec" in start ? start.flagOf : undefined;
  let spec: Spec;
  try {
    spec = "spec" in start ? parseSpec(start.spec) : start.state.spec;
  } catch (e) {
    process.exitCode = reportError(e, flagOf);
    return;
  }
  if (opts.out !== undefined && !OUT_FORMATS.test(opts.out)) throw outError(opts.out);
  const flow = isFlowSpec(spec);
  const resumed = "state" in start ? start.state : undefined;
  if (opts.checkpointEvery !== undefined && opts.checkpoint === undefined && !resumed) throw new CliError("--checkpoint-every: needs --checkpoint FILE (where the checkpoints go)");
  if (flow && (opts.checkpoint !== undefined || opts.checkpointEvery !== undefined)) {
    throw new CliError('--checkpoint: flows ("mode": "flow") cannot be checkpointed (their adaptive integrator state is not saved); run them without --checkpoint');
  }
  const threads = opts.threads !== undefined ? parseThreads(opts.threads) : 1;
  const checkpointPath = opts.checkpoint;
  const every = opts.checkpointEvery !== undefined ? parseEvery(opts.checkpointEvery) : (resumed?.every ?? Math.max(1, Math.ceil(spec.steps / 10)));
  // one output policy (docs/CLI.md): no output overwrites an existing file without --force, no two outputs share a file,
  // and no output overwrites an input (but `resume FILE` continues its checkpoints in FILE itself)
  const resumedFrom = "state" in start && start.file !== undefined && start.file !== "-" ? start.file : undefined;
  checkOutputs(
    [
      [opts.out, "--out"],
      [opts.stream, "--stream"],
      [checkpointPath, "--checkpoint"],
    ],
    opts.force === true,
    resumedFrom !== undefined ? [[resumedFrom, "the checkpoint being resumed"]] : [],
    resumedFrom !== undefined ? [resumedFrom, "--checkpoint"] : undefined,
  );
  for (const [p, flag] of [[checkpointPath, "--checkpoint"], [opts.out, "--out"], [opts.stream, "--stream"]] as const) {
    if (!p) continue;
    checkWritable(p, flag);
    removeStaleTemps(p);
  }
  let checkpoints = 0;
  let checkpointMs = 0;
  const saveCheckpoint = (path: string, state: SimulationState) => {
    const t0 = performance.now();
    writeFileAtomic(path, checkpointToJson({ ...state, every }));
    checkpointMs += performance.now() - t0;
    checkpoints++;
  };

  const controller = new AbortController();
  let signal: "SIGINT" | "SIGTERM" | undefined;
  const onSignal = (name: "SIGINT" | "SIGTERM") => () => {
    if (signal) process.exit(name === "SIGINT" ? EXIT.interrupted : EXIT.terminated); // a second signal: stop now (files are written atomically)
    signal = name;
    controller.abort();
  };
  const onSigint = onSignal("SIGINT");
  const onSigterm = onSignal("SIGTERM");
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  // where the state goes when the run is interrupted
  const interruptPath = checkpointPath ?? defaultCheckpointPath(opts.out, opts.force === true, [opts.out, opts.stream].filter((p): p is string => p !== undefined));
  let interruptCheckpoint: string | undefined;

  let stream: TrajectoryStream | undefined;
  try {
    if (opts.stream !== undefined) {
      stream = new TrajectoryStream(opts.stream, spec.depth);
      // a resumed run's stream starts over with the points the checkpoint holds, so the file is whole
      if (resumed) stream.writeRows(resumed.rows, resumed.stride);
    }
  } catch (e) {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    process.exitCode = reportError(e, flagOf);
    return;
  }
  const bar = new ProgressBar(!opts.quiet && process.stderr.isTTY === true);
  let result: Result | undefined;
  try {
    const options = {
      signal: controller.signal,
      threads,
      ...(checkpointPath !== undefined && !flow ? { checkpointEvery: every } : {}),
      ...(!flow
        ? {
            onCheckpoint: (state: SimulationState) => {
              if (controller.signal.aborted) {
                saveCheckpoint(interruptPath, state);
                interruptCheckpoint = interruptPath;
              } else if (checkpointPath !== undefined) saveCheckpoint(checkpointPath, state);
            },
          }
        : {}),
      ...(resumed ? { resume: resumed } : {}),
    };
    for await (const ev of simulateStream(spec, options)) {
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
    process.off("SIGTERM", onSigterm);
  }
  bar.stop();
  const r = result!;
  stream?.finish(r);
  if (opts.out) writeResult(opts.out, r);
  if (opts.json) process.stdout.write(JSON.stringify(r) + "\n");
  else if (!opts.quiet) process.stdout.write(humanSummary(r));
  if (process.env.SAMLAB_DEBUG === "1" && checkpoints) {
    process.stderr.write(`samlab: ${checkpoints} checkpoints, ${checkpointMs.toFixed(1)} ms writing them (${(checkpointMs / checkpoints).toFixed(2)} ms each)\n`);
  }
  if (signal && r.status.state === "aborted") {
    const where = opts.out ? `written to ${opts.out}` : opts.json ? "printed" : "summarized above";
    const resumeHint = interruptCheckpoint ? `; checkpoint ${interruptCheckpoint} — continue with: samlab resume ${interruptCheckpoint}` : flow ? " (flows cannot be checkpointed)" : "";
    process.stderr.write(`samlab: interrupted (${signal}) at step ${r.final.step}; partial Result ${where}${resumeHint}\n`);
    process.exitCode = signal === "SIGINT" ? EXIT.interrupted : EXIT.terminated;
  } else if (r.status.state === "nonfinite") {
    process.stderr.write(`samlab: ${r.status.message}\n`);
    process.exitCode = EXIT.diverged;
  }
}

export function runCommand(): Command {
  const cmd = new Command("run").description("run one spec (a file and/or flags) and print its summary or its Result");
  addOutputOptions(cmd, "write the run's exact state to FILE (atomically) every --every steps; continue it with `samlab resume FILE`", false);
  addSpecOptions(cmd);
  const everyFlag = cmd.options.find((o) => o.long === "--every");
  if (everyFlag) everyFlag.description = "record every k steps instead (with --checkpoint: the steps between checkpoints)";
  cmd.addHelpText(
    "after",
    `
Examples:
  samlab run --x 1,2,3,4 --depth 2 --algo sam-l2 --rho 0.05 --lr 0.01 --alpha 0.02 --steps 100000
  samlab run --spec experiment.json --steps 1e6 --out result.json
  samlab run --gen gaussian-sparse --n 50 --d 100 --algo gd --json > result.json
  samlab run --spec long.json --checkpoint long.ckpt.json --every 1e6 --out long.json
  samlab resume long.ckpt.json --out long.json --force   (--force: Ctrl-C wrote a partial long.json)

Exit codes: 0 ok, 1 internal error, 2 bad input, 3 the run diverged (non-finite value),
130 interrupted by SIGINT (Ctrl-C), 143 terminated by SIGTERM (both write the partial Result and a checkpoint).`,
  );
  cmd.action(async (given: Record<string, string | undefined>) => {
    const opts = { ...given };
    // `--checkpoint FILE --every N`: N is the checkpoint interval (record.every then comes from the spec file)
    if (opts.checkpoint !== undefined && opts.every !== undefined) {
      if (opts.checkpointEvery !== undefined) {
        process.exitCode = reportError(new CliError("--every: with --checkpoint, --every is the checkpoint interval; give it once (--every or --checkpoint-every)"));
        return;
      }
      opts.checkpointEvery = opts.every;
      delete opts.every;
    }
    let fromFlags: ReturnType<typeof specFromOptions>;
    try {
      fromFlags = specFromOptions(opts);
    } catch (e) {
      process.exitCode = reportError(e);
      return;
    }
    try {
      await executeRun({ spec: fromFlags.spec, flagOf: fromFlags.flagOf }, opts as unknown as RunOutputOptions);
    } catch (e) {
      process.exitCode = reportError(e, fromFlags.flagOf);
    }
  });
  return cmd;
}
