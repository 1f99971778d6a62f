/**
 * `samlab sweep FILE --out DIR`: expands a sweep file (a grid and/or a list over spec fields), checks
 * every run's spec, runs the runs (or one shard of them) on a pool of worker threads, and writes
 * DIR/runs.csv, DIR/results/run-NNNNN.json and DIR/sweep.json. docs/SWEEP.md is the manual.
 */
import { existsSync, readdirSync, unlinkSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { MessageChannel } from "node:worker_threads";
import { SAMLAB_VERSION } from "@samlab/sim";
import { expandSweep, getPath, parseShard, shardIndices, SWEEP_LIMITS, SweepError, type Shard, type Sweep } from "@samlab/sim/sweep";
import cliProgress from "cli-progress";
import { Command } from "commander";
import Tinypool from "tinypool";
import { emitScript, parseEngine } from "../emit.js";
import { CliError, EXIT, reportError } from "../errors.js";
import { checkWritable, readJsonFile, readTextFile, removeStaleTemps, writeFileAtomic } from "../io.js";
import { writeParquetFromCsv } from "../parquet.js";
import { betaColumns, csvHeader, csvRow, ManifestError, parseManifest, resultFile, sweepHash, SWEEP_OUTPUT_FORMAT, type RunRow, type SweepManifest, manifestJson } from "../sweep-output.js";
import { removeStaleResults } from "./merge.js";
import type { SweepTask } from "../sweep-worker.js";


/** Reads and expands a sweep file; every problem becomes a one-line CliError (exit 2). */
export function loadSweep(file: string): Sweep {
  const input = readJsonFile(file, "sweep");
  try {
    return expandSweep(input);
  } catch (e) {
    if (e instanceof SweepError) throw new CliError(`invalid sweep ${file}: ${e.message}`);
    throw e;
  }
}

/**
 * Progress on stderr: a cli-progress bar on a terminal; plain lines every 2 s with --progress. The
 * fraction counts steps (finished runs plus the running runs' latest step, which workers report at
 * most every 250 ms), so a sweep of a few long runs moves too.
 */
class SweepProgress {
  private bar?: cliProgress.SingleBar;
  private lastLine = 0;
  private readonly t0 = Date.now();
  private finishedSteps = 0;
  private runsDone = 0;
  private readonly partial = new Map<number, number>();
  private readonly finished = new Set<number>();

  constructor(
    private readonly runs: number,
    private readonly totalSteps: number,
    readonly mode: "bar" | "lines" | "off",
  ) {
    if (mode === "bar") {
      this.bar = new cliProgress.SingleBar(
        { format: "  {bar} {percentage}% | run {runsDone}/{runs} | eta {eta_formatted}", hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(1000, 0, { runsDone: 0, runs });
    }
  }

  /** A running run reached `step` (called at most every 250 ms per worker). */
  step(index: number, step: number): void {
    if (this.finished.has(index)) return; // a late message from a run already counted
    this.partial.set(index, step);
    this.show(false);
  }

  /** A run finished (called once per run). */
  finish(index: number, steps: number): void {
    this.partial.delete(index);
    this.finished.add(index);
    this.finishedSteps += Math.max(1, steps);
    this.runsDone++;
    this.show(this.runsDone === this.runs);
  }

  private show(last: boolean): void {
    let s = this.finishedSteps;
    for (const v of this.partial.values()) s += v;
    const f = this.totalSteps ? Math.min(1, s / this.totalSteps) : 1;
    if (this.bar) this.bar.update(Math.round(f * 1000), { runsDone: this.runsDone, runs: this.runs });
    else if (this.mode === "lines") {
      const now = Date.now();
      if (now - this.lastLine >= 2000 || last) {
        this.lastLine = now;
        const el = (now - this.t0) / 1000;
        const eta = f > 0 ? (el * (1 - f)) / f : NaN;
        process.stderr.write(`samlab sweep: ${this.runsDone}/${this.runs} runs, ${Math.floor(100 * f)}% of steps, ${el.toFixed(1)} s elapsed${!last && Number.isFinite(eta) ? `, eta ${eta.toFixed(0)} s` : ""}\n`);
      }
    }
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

function positiveInt(text: string, flag: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1 || v > 1024) throw new CliError(`${flag}: expected an integer from 1 to 1024, got "${text}"`);
  return v;
}

interface SweepOptions {
  out?: string;
  workers?: string;
  shard?: string;
  results: boolean;
  progress?: boolean;
  quiet?: boolean;
  force?: boolean;
  dryRun?: boolean;
  emit?: string;
  shards?: string;
  resume?: boolean;
}

/** What an interrupted sweep left in its folder: the rows finished (runs.csv lines by index) and its manifest. */
interface Previous {
  manifest: SweepManifest;
  lines: Map<number, string>;
}

/**
 * Reads the state an interrupted sweep left in `out` (sweep.json with complete: false, and runs.csv)
 * for `--resume`, checking it belongs to this sweep (the hash), this shard and this header.
 */
function readPrevious(out: string, shown: string, sweep: Sweep, shard: Shard | null, header: string): Previous {
  const mPath = join(out, "sweep.json");
  if (!existsSync(mPath)) throw new CliError(`--resume: ${shown} holds no sweep.json (no interrupted sweep to continue); run without --resume`);
  let manifest: SweepManifest;
  try {
    manifest = parseManifest(readJsonFile(mPath, "sweep output"), SWEEP_LIMITS.maxRuns);
  } catch (e) {
    if (e instanceof ManifestError) throw new CliError(`${join(shown, "sweep.json")}: ${e.message}`);
    throw e;
  }
  if (manifest.hash !== sweepHash(sweep)) throw new CliError(`--resume: ${shown} holds the output of a different sweep (its hash differs: the sweep file changed since)`);
  const a = manifest.shard ? `${manifest.shard.index}/${manifest.shard.count}` : "none";
  const b = shard ? `${shard.index}/${shard.count}` : "none";
  if (a !== b) throw new CliError(`--resume: ${shown} holds shard ${a}, this run is shard ${b}`);
  const text = readTextFile(join(out, "runs.csv"), "runs.csv").replace(/\n$/, "");
  const [head, ...rest] = text.split("\n");
  if (head !== header) throw new CliError(`--resume: ${join(shown, "runs.csv")}: its columns differ from this sweep's`);
  const lines = new Map<number, string>();
  for (const line of rest) {
    const index = Number(line.slice(0, line.indexOf(",")));
    if (!Number.isInteger(index) || index < 0 || index >= sweep.runs.length || lines.has(index)) throw new CliError(`--resume: ${join(shown, "runs.csv")}: a row with a bad or repeated run index`);
    lines.set(index, line);
  }
  return { manifest, lines };
}

export function sweepCommand(): Command {
  const cmd = new Command("sweep")
    .description("run every spec of a sweep file (a grid and/or list over spec fields) on all cores and write one table")
    .argument("<file>", "sweep JSON file (docs/SWEEP.md)")
    .option("--out <dir>", "output folder: runs.csv, runs.parquet, results/run-NNNNN.json, sweep.json")
    .option("--workers <n>", `worker threads (default: os.availableParallelism() = ${availableParallelism()})`)
    .option("--shard <i/N>", "run only shard i of N (runs with index ≡ i mod N); join shards with samlab merge")
    .option("--no-results", "write the table and sweep.json only, no per-run Result files")
    .option("--progress", "print plain progress lines on stderr when it is not a terminal")
    .option("-q, --quiet", "no progress and no summary")
    .option("--force", "overwrite a folder that already holds sweep output")
    .option("--dry-run", "validate and list the runs (of the shard), run nothing")
    .option("--emit <engine>", "print a script that runs the sweep as shards on slurm (a job array) or parallel (GNU parallel) and merges them; run nothing")
    .option("--shards <N>", "with --emit: the number of shards (default 4); --workers is then the threads per shard (default 1), --out the folder for out/shard-i and out/all (default out)")
    .option("--resume", "continue an interrupted sweep in --out: run only the runs its runs.csv lacks");
  cmd.addHelpText(
    "after",
    `
Examples:
  samlab sweep sweep.json --out runs/
  samlab sweep sweep.json --out shard-1 --shard 1/4 --workers 2
  samlab merge shard-0 shard-1 shard-2 shard-3 --out all
  samlab sweep sweep.json --emit slurm --shards 16 --workers 8 > sweep.sbatch

Exit codes: 0 every run completed (diverged runs are rows with status "nonfinite"), 1 a run failed
with an internal error, 2 bad input, 130 interrupted by SIGINT (Ctrl-C), 143 terminated by SIGTERM
(both write the runs finished so far; continue with the same command and --resume).`,
  );
  cmd.action(async (file: string, opts: SweepOptions) => {
    try {
      process.exitCode = await sweepAction(file, opts);
    } catch (e) {
      process.exitCode = reportError(e);
    }
  });
  return cmd;
}

async function sweepAction(file: string, opts: SweepOptions): Promise<number> {
  if (opts.emit !== undefined) return emitAction(file, opts);
  if (opts.shards !== undefined) throw new CliError("--shards: only with --emit (to run one shard: --shard i/N)");
  const workers = opts.workers === undefined ? availableParallelism() : positiveInt(opts.workers, "--workers");
  let shard: Shard | null = null;
  if (opts.shard !== undefined) {
    try {
      shard = parseShard(opts.shard);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  if (!opts.dryRun && opts.out === undefined) throw new CliError("--out <dir>: required (the folder for runs.csv, results/ and sweep.json)");
  const sweep = loadSweep(file);
  const total = sweep.runs.length;
  const indices = shard ? shardIndices(total, shard) : sweep.runs.map((r) => r.index);
  const shardText = shard ? ` (shard ${shard.index}/${shard.count}: ${indices.length} runs)` : "";

  if (opts.dryRun) {
    process.stdout.write(`${total} runs${shardText}; swept: ${sweep.keys.join(", ")}\n`);
    for (const i of indices) {
      const o = sweep.runs[i]!.overrides;
      process.stdout.write(`run ${i}  ${Object.entries(o).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join("  ")}\n`);
    }
    return EXIT.ok;
  }

  const out = resolve(opts.out!);
  const hash = sweepHash(sweep);
  const betaCols = betaColumns(sweep);
  const header = csvHeader(sweep.keys, betaCols);
  const existing = existsSync(join(out, "sweep.json")) || existsSync(join(out, "runs.csv"));
  if (opts.resume && opts.force) throw new CliError("--resume: continues the sweep in --out; --force would start it again: give one of them");
  if (existing && !opts.force && !opts.resume) throw new CliError(`--out ${opts.out}: already holds sweep output (sweep.json or runs.csv); use --force to overwrite it, --resume to continue it, or another folder`);
  const previous = opts.resume ? readPrevious(out, opts.out!, sweep, shard, header) : undefined;
  if (previous && previous.manifest.results !== opts.results) throw new CliError(`--resume: ${opts.out} was ${previous.manifest.results ? "written with" : "written without (--no-results)"} per-run Results; give the same choice`);
  if (previous?.manifest.complete) {
    if (!opts.quiet) process.stdout.write(`samlab sweep: ${opts.out} is complete already (${previous.manifest.runs} runs); nothing to resume\n`);
    return EXIT.ok;
  }
  // fail before running anything when the output folder cannot be written (read-only, /proc, a file)
  for (const f of ["runs.csv", "sweep.json", "runs.parquet"]) {
    checkWritable(join(out, f), "--out");
    removeStaleTemps(join(out, f));
  }
  if (opts.results) removeStaleResultTemps(join(out, "results"));
  const todo = previous ? indices.filter((i) => !previous.lines.has(i)) : indices;
  const startedAt = previous?.manifest.timing.startedAt ?? new Date().toISOString();
  const t0 = performance.now();
  const mode = opts.quiet ? "off" : process.stderr.isTTY ? "bar" : opts.progress ? "lines" : "off";
  const progress = new SweepProgress(todo.length, todo.reduce((a, i) => a + Math.max(1, sweep.runs[i]!.spec.steps), 0), mode);

  const threads = Math.max(1, Math.min(workers, Math.max(1, todo.length)));
  const pool = new Tinypool({ filename: new URL("../sweep-worker.js", import.meta.url).href, minThreads: threads, maxThreads: threads, idleTimeout: 1000 });
  const rows = new Map<number, RunRow>();
  let interrupted: "SIGINT" | "SIGTERM" | undefined;
  const onSignal = (name: "SIGINT" | "SIGTERM") => () => {
    if (interrupted) process.exit(name === "SIGINT" ? EXIT.interrupted : EXIT.terminated); // a second signal: stop now
    interrupted = name;
    void pool.destroy();
  };
  const onSigint = onSignal("SIGINT");
  const onSigterm = onSignal("SIGTERM");
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);

  // A bounded window of tasks in flight keeps memory flat for sweeps of many runs.
  let next = 0;
  const window = threads * 2;
  try {
    await new Promise<void>((done) => {
      let inFlight = 0;
      const pump = () => {
        if (interrupted) {
          if (inFlight === 0) done();
          return;
        }
        while (inFlight < window && next < todo.length) {
          const index = todo[next++]!;
          const task: SweepTask = { index, spec: sweep.runs[index]!.spec, ...(opts.results ? { resultPath: join(out, resultFile(index)) } : {}) };
          inFlight++;
          // Step-level progress through a port of this run's own, only when progress is shown.
          const channel = progress.mode === "off" ? undefined : new MessageChannel();
          channel?.port1.on("message", (step: number) => progress.step(index, step));
          const settled = () => {
            channel?.port1.close();
            progress.finish(index, sweep.runs[index]!.spec.steps);
          };
          pool.run(channel ? { ...task, port: channel.port2 } : task, channel ? { transferList: [channel.port2] } : {}).then(
            (row: RunRow) => {
              inFlight--;
              rows.set(index, row);
              settled();
              pump();
            },
            (e: unknown) => {
              // A worker that died (not a run that failed: those resolve with status "error").
              inFlight--;
              if (!interrupted) {
                rows.set(index, { index, status: "error", message: `worker failed: ${(e as Error)?.message ?? String(e)}` });
                settled();
              } else channel?.port1.close();
              pump();
            },
          );
        }
        if (inFlight === 0 && next >= todo.length) done();
      };
      pump();
    });
  } finally {
    progress.stop();
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
  }
  // The work ends with the last row; stopping the threads (~0.1–0.2 s) overlaps writing the files.
  const wallMs = performance.now() - t0;
  const stopped = interrupted ? Promise.resolve() : pool.destroy();

  // runs.csv, sorted by run index; then sweep.json (written last: its presence marks a finished folder).
  const done = indices.filter((i) => rows.has(i) || previous?.lines.has(i));
  const lines = [header];
  for (const i of done) {
    const row = rows.get(i);
    lines.push(row ? csvRow(row, sweep.keys.map((k) => (k in sweep.runs[i]!.overrides ? sweep.runs[i]!.overrides[k] : getPath(sweep.runs[i]!.spec, k))), betaCols) : previous!.lines.get(i)!);
  }
  const csv = lines.join("\n") + "\n";
  // a --force overwrite: the old sweep.json goes first (its presence marks a finished folder), old Results last
  if (existing && opts.force && existsSync(join(out, "sweep.json"))) unlinkSync(join(out, "sweep.json"));
  writeFileAtomic(join(out, "runs.csv"), csv);
  writeParquetFromCsv(join(out, "runs.parquet"), csv);
  const status: Record<string, number> = { ...(previous?.manifest.status ?? {}) };
  let runMsTotal = previous?.manifest.timing.runMsTotal ?? 0;
  for (const r of rows.values()) {
    status[r.status] = (status[r.status] ?? 0) + 1;
    runMsTotal += r.ms ?? 0;
  }
  const manifest: SweepManifest = {
    format: SWEEP_OUTPUT_FORMAT,
    sweep: sweep.input,
    hash,
    totalRuns: total,
    keys: sweep.keys,
    shard,
    runs: done.length,
    complete: done.length === indices.length,
    results: opts.results,
    status,
    timing: { startedAt, wallMs: Math.round(wallMs + (previous?.manifest.timing.wallMs ?? 0)), workers: threads, runMsTotal: Math.round(runMsTotal) },
    samlab: { version: SAMLAB_VERSION, node: process.version },
  };
  writeFileAtomic(join(out, "sweep.json"), manifestJson(manifest));
  if (existing && opts.force) removeStaleResults(out, opts.results ? new Set(done) : new Set());

  await stopped;

  if (!opts.quiet) {
    const counts = Object.entries(status).map(([k, v]) => `${v} ${k}`).join(", ");
    const resumed = previous ? ` (${previous.lines.size} from before --resume)` : "";
    process.stdout.write(`samlab sweep: ${done.length} run${done.length === 1 ? "" : "s"}${shardText}${resumed} in ${(wallMs / 1000).toFixed(1)} s on ${threads} worker${threads > 1 ? "s" : ""} (${counts || "none"}) → ${join(opts.out!, "runs.csv")}\n`);
  }
  if (interrupted) {
    const again = ["samlab sweep", file, "--out", opts.out!, ...(opts.shard ? ["--shard", opts.shard] : []), ...(opts.results ? [] : ["--no-results"]), "--resume"].join(" ");
    process.stderr.write(`samlab: interrupted (${interrupted}) after ${done.length} of ${indices.length} runs; ${join(opts.out!, "runs.csv")} holds those (sweep.json says complete: false) — continue with: ${again}\n`);
    return interrupted === "SIGINT" ? EXIT.interrupted : EXIT.terminated;
  }
  if (status.error) {
    const first = done.map((i) => rows.get(i)!).find((r) => r.status === "error")!;
    process.stderr.write(`samlab: ${status.error} run${status.error > 1 ? "s" : ""} failed; first: run ${first.index}: ${first.message}\n`);
    return EXIT.internal;
  }
  if (status.nonfinite && !opts.quiet) process.stderr.write(`samlab: ${status.nonfinite} run${status.nonfinite > 1 ? "s" : ""} diverged (status "nonfinite" in runs.csv)\n`);
  return EXIT.ok;
}

/** --emit: checks the sweep file (a bad one fails here, not on the cluster) and prints the script. */
function emitAction(file: string, opts: SweepOptions): number {
  const engine = parseEngine(opts.emit!);
  if (opts.shard !== undefined) throw new CliError("--shard: not with --emit (the script runs every shard; --shards sets how many)");
  if (opts.dryRun) throw new CliError("--dry-run: not with --emit (--emit runs nothing)");
  const shards = opts.shards === undefined ? 4 : positiveInt(opts.shards, "--shards");
  const workers = opts.workers === undefined ? 1 : positiveInt(opts.workers, "--workers");
  const runs = loadSweep(file).runs.length;
  if (shards > runs) throw new CliError(`--shards ${shards}: more shards than the sweep's ${runs} runs`);
  process.stdout.write(emitScript({ engine, file, shards, workers, out: opts.out ?? "out" }));
  return EXIT.ok;
}

/** Removes temporary Result files a killed sweep left in `dir` (`.run-NNNNN.json.<pid>.<ms>.tmp` of processes no longer alive). */
function removeStaleResultTemps(dir: string): void {
  if (!existsSync(dir)) return;
  const targets = new Set<string>();
  for (const f of readdirSync(dir)) {
    const m = /^\.(run-\d+\.json)\.\d+\.\d+\.tmp$/.exec(f);
    if (m) targets.add(m[1]!);
  }
  for (const t of targets) removeStaleTemps(join(dir, t));
}
