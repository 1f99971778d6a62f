/**
 * Shared by slurm.test.ts and parallel.test.ts: the sweep they run, the `samlab` on the PATH the
 * docs ask for, the documented blocks of docs/SCALING.md, and the comparison of a merged sweep with
 * the same sweep run on one machine.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { expect } from "vitest";

export const REPO = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
export const CLI = join(REPO, "packages/cli/dist/cli.js");

/** 36 runs (3 ρ × 3 α × 4 algorithms), short: the point is the plumbing, not the runs. */
export const SWEEP = {
  version: 1,
  name: "cluster recipe",
  base: { version: 1, data: { x: [[1, 2, 3], [2, -1, 0.5]], y: [1, -1] }, depth: 2, algo: "sam-l2", lr: 0.05, steps: 500, record: { points: 20 } },
  grid: { rho: [0.01, 0.05, 0.1], "init.alpha": [0.05, 0.2, 0.5] },
  list: [{ algo: "sam-l2" }, { algo: "gd" }, { algo: "sam-linf" }, { algo: "usam" }],
};
export const RUNS = 36;

/** Is `cmd` on the PATH? */
export function have(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

/**
 * A folder with sweep.json and bin/samlab, the two-line wrapper docs/SCALING.md tells users to put
 * on the PATH. Returns the environment the recipes run in.
 */
export function workspace(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  mkdirSync(join(dir, "bin"), { recursive: true });
  writeFileSync(join(dir, "sweep.json"), JSON.stringify(SWEEP, null, 2));
  const wrapper = join(dir, "bin", "samlab");
  writeFileSync(wrapper, `#!/bin/sh\nexec ${process.execPath} ${CLI} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return { ...process.env, ...extra, NO_COLOR: "1", PATH: `${join(dir, "bin")}:${process.env.PATH}` };
}

/** The samlab CLI, run in `cwd`. */
export function samlab(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
}

/** The fenced block that follows `<!-- tested: NAME ... -->` in docs/SCALING.md. */
export function docsBlock(name: string): string {
  const md = readFileSync(join(REPO, "docs/SCALING.md"), "utf8");
  const m = new RegExp(`<!-- tested: ${name}\\b[^>]*-->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\n`).exec(md);
  if (!m) throw new Error(`docs/SCALING.md: no block marked <!-- tested: ${name} -->`);
  return m[1]!;
}

/** Runs a documented shell block as written (bash, stop at the first failing command) in `cwd`. */
export function runBlock(block: string, cwd: string, env: NodeJS.ProcessEnv) {
  return spawnSync("bash", ["-euo", "pipefail", "-c", block], { cwd, env, encoding: "utf8" });
}

export const seconds = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

/** A Result file's text with the two timing numbers (the only fields that differ between runs of one spec) blanked. */
function untimed(text: string, file: string): string {
  let n = 0;
  const out = text.replace(/"(ms|nsPerStep)":\s*-?[0-9][0-9.eE+-]*/g, (_, k) => (n++, `"${k}":0`));
  expect(n, `${file}: timing.ms and timing.nsPerStep`).toBe(2);
  return out;
}

/** runs.csv's lines with the cells of the timing columns ms and nsPerStep blanked. */
function csvUntimed(dir: string): string[] {
  const [header, ...rows] = readFileSync(join(dir, "runs.csv"), "utf8").split("\n");
  const cols = header!.split(",");
  const drop = new Set(["ms", "nsPerStep"].map((c) => cols.indexOf(c)));
  expect(drop.has(-1)).toBe(false);
  return [header!, ...rows.map((r) => (r === "" ? r : r.split(",").map((c, i) => (drop.has(i) ? "" : c)).join(",")))];
}

async function parquetRows(dir: string) {
  const buf = readFileSync(join(dir, "runs.parquet"));
  const rows = await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) });
  return rows.map(({ ms: _ms, nsPerStep: _ns, ...rest }) => rest);
}

/**
 * `merged` holds the same sweep as `whole` (run on one machine), bit for bit: runs.csv byte for
 * byte and every Result file byte for byte apart from the timing numbers; runs.parquet decodes to
 * the same values; sweep.json says the same apart from timing and mergedFrom.
 */
export async function expectSameSweep(merged: string, whole: string): Promise<void> {
  const a = csvUntimed(merged);
  expect(a).toHaveLength(RUNS + 2); // header, 36 rows, the final empty line
  expect(a).toEqual(csvUntimed(whole));
  expect(await parquetRows(merged)).toEqual(await parquetRows(whole));
  const files = readdirSync(join(merged, "results")).sort();
  expect(files).toEqual(readdirSync(join(whole, "results")).sort());
  expect(files).toHaveLength(RUNS);
  for (const f of files) {
    const m = join(merged, "results", f);
    const w = join(whole, "results", f);
    expect(untimed(readFileSync(m, "utf8"), m), f).toBe(untimed(readFileSync(w, "utf8"), w));
  }
  const { timing: _t1, mergedFrom, ...mm } = JSON.parse(readFileSync(join(merged, "sweep.json"), "utf8"));
  const { timing: _t2, ...mw } = JSON.parse(readFileSync(join(whole, "sweep.json"), "utf8"));
  expect(mergedFrom).toHaveLength(readdirSync(join(merged, "..")).filter((d) => d.startsWith("shard-")).length);
  expect(mm).toEqual(mw);
}

/** Every process below `pid` (children first found through /proc), for a kill of the whole tree. */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent) if (pp === p) (out.push(c), walk(c));
  };
  walk(pid);
  return out;
}

export const sh = (cmd: string, env?: NodeJS.ProcessEnv) => execFileSync("sh", ["-c", cmd], { encoding: "utf8", env });
