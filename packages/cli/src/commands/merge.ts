/**
 * `samlab merge DIR… --out DIR`: joins the output folders of `samlab sweep --shard i/N` into one
 * sweep output, after checking that they come from the same sweep (the hash in sweep.json), that
 * every shard 0…N−1 is there once and complete, and that each holds exactly its runs.
 */
import { copyFileSync, existsSync, readdirSync, renameSync, unlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { SWEEP_LIMITS, shardIndices } from "@samlab/sim/sweep";
import { Command } from "commander";
import { CliError, EXIT, reportError } from "../errors.js";
import { makeDir, readJsonFile, readTextFile, writeErrorText, writeFileAtomic } from "../io.js";
import { writeParquetFromCsv } from "../parquet.js";
import { ManifestError, parseManifest, resultFile, type SweepManifest, manifestJson } from "../sweep-output.js";

interface Part {
  dir: string;
  manifest: SweepManifest;
  header: string;
  /** runs.csv lines (without the header) by run index. */
  lines: Map<number, string>;
}

const short = (h: string) => h.slice(0, 19) + "…";

function readPart(dir: string): Part {
  const mPath = join(dir, "sweep.json");
  if (!existsSync(mPath)) throw new CliError(`${dir}: no sweep.json (not the output folder of samlab sweep, or the sweep has not finished)`);
  let manifest: SweepManifest;
  try {
    manifest = parseManifest(readJsonFile(mPath, "sweep output"), SWEEP_LIMITS.maxRuns);
  } catch (e) {
    if (e instanceof ManifestError) throw new CliError(`${mPath}: ${e.message}`);
    throw e;
  }
  const cPath = join(dir, "runs.csv");
  if (!existsSync(cPath)) throw new CliError(`${dir}: no runs.csv`);
  const text = readTextFile(cPath, "runs.csv").replace(/\n$/, "");
  const [header, ...rest] = text.split("\n");
  const lines = new Map<number, string>();
  rest.forEach((line, i) => {
    const index = Number(line.slice(0, line.indexOf(",")));
    if (!Number.isInteger(index) || index < 0) throw new CliError(`${cPath}: line ${i + 2}: expected a run index in the first column`);
    if (lines.has(index)) throw new CliError(`${cPath}: run ${index} appears twice`);
    lines.set(index, line);
  });
  return { dir, manifest, header: header ?? "", lines };
}

/** Copies a file atomically (copy to a temporary name in the target folder, then rename). */
function copyFileAtomic(from: string, to: string): void {
  const tmp = `${to}.${process.pid}.tmp`;
  try {
    copyFileSync(from, tmp);
    renameSync(tmp, to);
  } catch (e) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw new CliError(`cannot copy ${from} to ${to}: ${writeErrorText(e)}`);
  }
}

const listSome = (xs: number[]) => (xs.length > 5 ? `${xs.slice(0, 5).join(", ")}, … (${xs.length} in all)` : xs.join(", "));

/** Checks the parts and returns the merged manifest and runs.csv lines. Throws a one-line CliError. */
export function checkParts(parts: Part[]): { total: number; lines: string[] } {
  const first = parts[0]!;
  for (const p of parts.slice(1)) {
    if (p.manifest.hash !== first.manifest.hash) {
      throw new CliError(`${p.dir}: from a different sweep than ${first.dir} (hash ${short(p.manifest.hash)} vs ${short(first.manifest.hash)})`);
    }
    if (p.header !== first.header) throw new CliError(`${p.dir}/runs.csv: its columns differ from ${first.dir}/runs.csv`);
  }
  for (const p of parts) {
    const m = p.manifest;
    if (!m.complete) throw new CliError(`${p.dir}: incomplete (sweep.json has complete: false, ${m.runs} runs); run that shard again`);
    if (m.shard === null && parts.length > 1) throw new CliError(`${p.dir}: holds the whole sweep, not a shard; merge shards of one --shard i/N split`);
  }
  const total = first.manifest.totalRuns;
  const count = first.manifest.shard?.count ?? 1;
  const byShard = new Map<number, Part>();
  for (const p of parts) {
    const s = p.manifest.shard ?? { index: 0, count: 1 };
    if (s.count !== count) throw new CliError(`${p.dir}: shard ${s.index}/${s.count}, but ${first.dir} is shard ${first.manifest.shard!.index}/${count} (shards must come from one --shard i/N split)`);
    const dup = byShard.get(s.index);
    if (dup) throw new CliError(`shard ${s.index}/${count} given twice: ${dup.dir} and ${p.dir}`);
    byShard.set(s.index, p);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byShard.has(i));
  if (missing.length) throw new CliError(`missing shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${count}`).join(", ")} (have ${[...byShard.keys()].sort((a, b) => a - b).map((i) => `${i}/${count}`).join(", ")})`);

  const lines: string[] = new Array(total);
  for (const [i, p] of byShard) {
    const want = shardIndices(total, { index: i, count });
    const absent = want.filter((k) => !p.lines.has(k));
    if (absent.length) throw new CliError(`${p.dir}/runs.csv: missing run${absent.length > 1 ? "s" : ""} ${listSome(absent)} of shard ${i}/${count}`);
    const extra = [...p.lines.keys()].filter((k) => k >= total || k % count !== i);
    if (extra.length) throw new CliError(`${p.dir}/runs.csv: run${extra.length > 1 ? "s" : ""} ${listSome(extra)} do not belong to shard ${i}/${count}`);
    for (const k of want) lines[k] = p.lines.get(k)!;
  }
  return { total, lines };
}

interface MergeOptions {
  out: string;
  force?: boolean;
  quiet?: boolean;
}

export function mergeCommand(): Command {
  const cmd = new Command("merge")
    .description("join the output folders of samlab sweep --shard i/N into one (checks they are one sweep, complete and disjoint)")
    .argument("<dirs...>", "shard output folders (every shard 0/N … N−1/N once)")
    .requiredOption("--out <dir>", "folder for the merged runs.csv, runs.parquet, results/ and sweep.json")
    .option("--force", "overwrite a folder that already holds sweep output")
    .option("-q, --quiet", "no summary");
  cmd.addHelpText("after", `\nExample:\n  samlab merge shard-0 shard-1 shard-2 --out all\n\nExit codes: 0 merged, 2 the folders do not make one complete sweep (the message says why).`);
  cmd.action((dirs: string[], opts: MergeOptions) => {
    try {
      process.exitCode = mergeAction(dirs, opts);
    } catch (e) {
      process.exitCode = reportError(e);
    }
  });
  return cmd;
}

/** Removes the run-NNNNN.json files of `dir`/results that are not in `keep` (a --force overwrite's leftovers). */
export function removeStaleResults(out: string, keep: Set<number>): void {
  const res = join(out, "results");
  if (!existsSync(res)) return;
  for (const f of readdirSync(res)) {
    const m = /^run-(\d+)\.json$/.exec(f);
    if (m && !keep.has(Number(m[1]))) unlinkSync(join(res, f));
  }
}

/**
 * Validates everything first (every folder, every manifest, every result file), then writes the
 * new output, and only then removes what a --force overwrite leaves over: a merge that fails leaves
 * an existing output folder as it was.
 */
function mergeAction(dirs: string[], opts: MergeOptions): number {
  const out = resolve(opts.out);
  for (const d of dirs) if (resolve(d) === out) throw new CliError(`--out ${opts.out}: is one of the folders to merge; choose a new folder`);
  const existing = existsSync(join(out, "sweep.json")) || existsSync(join(out, "runs.csv"));
  if (existing && !opts.force) throw new CliError(`--out ${opts.out}: already holds sweep output (sweep.json or runs.csv); use --force to overwrite it, or another folder`);
  const parts = dirs.map(readPart);
  const { total, lines } = checkParts(parts);
  const withResults = parts.every((p) => p.manifest.results);
  if (withResults) {
    for (const p of parts) {
      for (const k of p.lines.keys()) {
        const from = join(p.dir, resultFile(k));
        if (!existsSync(from)) throw new CliError(`${from}: missing (the shard's sweep.json says it wrote results)`);
      }
    }
  }
  // sweep.json goes last (its presence marks a finished folder): remove an old one first, so that a
  // merge that fails while writing never leaves a folder that looks finished with mixed files
  if (existing) {
    try {
      unlinkSync(join(out, "sweep.json"));
    } catch {
      /* there was only runs.csv */
    }
  }
  if (withResults) {
    makeDir(join(out, "results"));
    for (const p of parts) for (const k of p.lines.keys()) copyFileAtomic(join(p.dir, resultFile(k)), join(out, resultFile(k)));
  }
  const csv = [parts[0]!.header, ...lines].join("\n") + "\n";
  writeFileAtomic(join(out, "runs.csv"), csv);
  writeParquetFromCsv(join(out, "runs.parquet"), csv);
  const status: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.manifest.status)) status[k] = (status[k] ?? 0) + v;
  const m0 = parts[0]!.manifest;
  const manifest: SweepManifest = {
    ...m0,
    shard: null,
    runs: total,
    complete: true,
    results: withResults,
    status,
    timing: {
      startedAt: parts.map((p) => p.manifest.timing.startedAt).sort()[0]!,
      wallMs: Math.max(...parts.map((p) => p.manifest.timing.wallMs)),
      workers: parts.reduce((s, p) => s + p.manifest.timing.workers, 0),
      runMsTotal: parts.reduce((s, p) => s + p.manifest.timing.runMsTotal, 0),
    },
    mergedFrom: dirs,
  };
  writeFileAtomic(join(out, "sweep.json"), manifestJson(manifest));
  if (existing) removeStaleResults(out, withResults ? new Set(lines.keys()) : new Set());
  if (!opts.quiet) {
    process.stdout.write(`samlab merge: ${total} runs from ${parts.length} shard${parts.length > 1 ? "s" : ""}${withResults ? "" : " (without per-run Results: a shard was run with --no-results)"} → ${join(opts.out, "runs.csv")}\n`);
  }
  return EXIT.ok;
}
