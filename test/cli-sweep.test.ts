/**
 * `samlab sweep`, `samlab merge` and `samlab run --stream` end to end, through the built CLI as a
 * user runs it (node packages/cli/dist/cli.js). Speed is never asserted here (see docs/SCALING.md).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simulate } from "@samlab/sim";
import { parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";

const CLI = new URL("../packages/cli/dist/cli.js", import.meta.url).pathname;
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
const tmp = mkdtempSync(join(tmpdir(), "samlab-sweep-"));

const sweep = {
  version: 1,
  name: "test sweep",
  base: { version: 1, data: { x: [[1, 2, 3]], y: [1] }, depth: 2, algo: "sam-l2", lr: 0.05, steps: 3000, record: { points: 50 } },
  grid: { rho: [0.01, 0.05], "init.alpha": [0.05, 0.5] },
  list: [{ algo: "sam-l2" }, { algo: "gd" }],
};
const sweepFile = join(tmp, "sweep.json");
writeFileSync(sweepFile, JSON.stringify(sweep));

/** runs.csv as rows of cells, without the timing columns (ms, nsPerStep), which differ between runs. */
function table(dir: string): string[][] {
  const [header, ...rows] = readFileSync(join(dir, "runs.csv"), "utf8").trim().split("\n").map((l) => l.split(","));
  const drop = new Set(["ms", "nsPerStep"].map((c) => header!.indexOf(c)));
  return [header!, ...rows].map((r) => r.filter((_, i) => !drop.has(i)));
}

/** runs.parquet as row objects. */
async function parquetRows(dir: string): Promise<Record<string, unknown>[]> {
  const buf = readFileSync(join(dir, "runs.parquet"));
  return parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) });
}

const noTmpFiles = (dir: string) => readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith(".tmp"));

describe("samlab sweep", () => {
  const whole = join(tmp, "whole");

  it("runs a small grid × list sweep on 2 workers: one tidy row per run, per-run Results, sweep.json", async () => {
    const p = run(["sweep", sweepFile, "--out", whole, "--workers", "2"]);
    expect(p.stderr).toBe("");
    expect(p.status).toBe(0);
    expect(p.stdout).toMatch(/^samlab sweep: 8 runs in [\d.]+ s on 2 workers \(8 finished\)/);

    const t = table(whole);
    expect(t[0]!.slice(0, 5)).toEqual(["run", "rho", "init.alpha", "algo", "status"]);
    expect(t[0]).toEqual(expect.arrayContaining(["loss", "dominant", "dominantSequence", "takeoverSteps", "limit", "limitBasis", "beta_1", "beta_3", "message"]));
    expect(t.slice(1).map((r) => r[0])).toEqual(["0", "1", "2", "3", "4", "5", "6", "7"]);
    // list outermost, then the grid with its last key fastest
    expect(t.slice(1).map((r) => r.slice(1, 4).join(" "))).toEqual([
      "0.01 0.05 sam-l2",
      "0.01 0.5 sam-l2",
      "0.05 0.05 sam-l2",
      "0.05 0.5 sam-l2",
      "0.01 0.05 gd",
      "0.01 0.5 gd",
      "0.05 0.05 gd",
      "0.05 0.5 gd",
    ]);

    expect(readdirSync(join(whole, "results")).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `run-0000${i}.json`));
    const r5 = JSON.parse(readFileSync(join(whole, "results", "run-00005.json"), "utf8"));
    expect(r5.spec).toMatchObject({ algo: "gd", rho: 0.01, init: { alpha: 0.5 }, steps: 3000 });
    // A worker's Result equals the API's, bit for bit, and runs.csv's row carries its final state.
    const api = await simulate(r5.spec);
    expect(r5.final.beta).toEqual(api.final.beta);
    const header = t[0]!;
    const row5 = t[6]!;
    expect(Number(row5[header.indexOf("loss")])).toBe(api.final.loss);
    expect(Number(row5[header.indexOf("beta_2")])).toBe(api.final.beta[1]); // CSV headers are 1-based, JSON arrays 0-based
    expect(row5[header.indexOf("dominantSequence")]).toBe(api.dominantSequence.map((c) => `x${c.coord + 1}`).join(">"));
    expect(row5[header.indexOf("limit")]).toBe(api.diagnostics!.limit.kind); // the one limit classifier
    const coord = api.diagnostics!.limit.coord;
    expect(row5[header.indexOf("limitBasis")]).toBe(coord === undefined ? "" : `${api.diagnostics!.limit.sign === -1 ? "-" : ""}e${coord + 1}`);

    const m = JSON.parse(readFileSync(join(whole, "sweep.json"), "utf8"));
    expect(m).toMatchObject({ format: "samlab.sweep-output/1", totalRuns: 8, runs: 8, complete: true, shard: null, keys: ["rho", "init.alpha", "algo"], status: { finished: 8 } });
    expect(m.sweep).toEqual(sweep);
    expect(m.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(m.timing.workers).toBe(2);
    expect(noTmpFiles(whole)).toEqual([]);

    // runs.parquet holds the same table, typed.
    const pq = await parquetRows(whole);
    expect(pq).toHaveLength(8);
    expect(Object.keys(pq[0]!)).toEqual(readFileSync(join(whole, "runs.csv"), "utf8").split("\n")[0]!.split(","));
    expect(pq[5]).toMatchObject({ run: 5, rho: 0.01, "init.alpha": 0.5, algo: "gd", status: "finished", loss: api.final.loss, beta_2: api.final.beta[1] });
  });

  it("shard 0/2 + shard 1/2, merged, equal the unsharded sweep", async () => {
    const s0 = join(tmp, "s0");
    const s1 = join(tmp, "s1");
    const p0 = run(["sweep", sweepFile, "--out", s0, "--shard", "0/2", "--workers", "1", "--progress"]);
    expect(p0.status).toBe(0);
    // --progress without a terminal: plain lines, the last one complete
    expect(p0.stderr.trim().split("\n").at(-1)).toMatch(/^samlab sweep: 4\/4 runs, 100% of steps, [\d.]+ s elapsed$/);
    expect(p0.stdout).toMatch(/^samlab sweep: 4 runs \(shard 0\/2: 4 runs\) in /);
    expect(run(["sweep", sweepFile, "--out", s1, "--shard", "1/2", "--workers", "2", "-q"]).status).toBe(0);
    expect(table(s0).slice(1).map((r) => r[0])).toEqual(["0", "2", "4", "6"]);
    expect(JSON.parse(readFileSync(join(s1, "sweep.json"), "utf8")).shard).toEqual({ index: 1, count: 2 });

    const merged = join(tmp, "merged");
    const p = run(["merge", s1, s0, "--out", merged]);
    expect(p.stderr).toBe("");
    expect(p.status).toBe(0);
    expect(table(merged)).toEqual(table(whole));
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ ms: _ms, nsPerStep: _ns, ...rest }) => rest);
    expect(strip(await parquetRows(merged))).toEqual(strip(await parquetRows(whole)));
    const files = readdirSync(join(merged, "results")).sort();
    expect(files).toEqual(readdirSync(join(whole, "results")).sort());
    for (const f of files) {
      const a = JSON.parse(readFileSync(join(merged, "results", f), "utf8"));
      const b = JSON.parse(readFileSync(join(whole, "results", f), "utf8"));
      expect(a.final.beta).toEqual(b.final.beta);
      expect(a.trajectory.loss).toEqual(b.trajectory.loss);
    }
    const m = JSON.parse(readFileSync(join(merged, "sweep.json"), "utf8"));
    expect(m).toMatchObject({ shard: null, runs: 8, complete: true, mergedFrom: [s1, s0] });
    expect(m.hash).toBe(JSON.parse(readFileSync(join(whole, "sweep.json"), "utf8")).hash);
  });

  it("merge refuses missing, repeated, foreign and mismatched shards with one line, exit 2", () => {
    const s0 = join(tmp, "s0");
    const other = { ...sweep, grid: { ...sweep.grid, rho: [0.01, 0.02] } };
    const otherFile = join(tmp, "other.json");
    writeFileSync(otherFile, JSON.stringify(other));
    const o1 = join(tmp, "o1");
    const t3 = join(tmp, "t3");
    expect(run(["sweep", otherFile, "--out", o1, "--shard", "1/2", "-q"]).status).toBe(0);
    expect(run(["sweep", sweepFile, "--out", t3, "--shard", "1/3", "--no-results", "-q"]).status).toBe(0);
    const cases: [string[], RegExp][] = [
      [[s0], /^samlab: missing shard 1\/2 \(have 0\/2\)$/],
      [[s0, s0], /^samlab: shard 0\/2 given twice/],
      [[s0, o1], /^samlab: .*o1: from a different sweep than .*s0 \(hash sha256:/],
      [[s0, t3], /^samlab: .*t3: shard 1\/3, but .*s0 is shard 0\/2/],
      [[s0, join(tmp, "nowhere")], /^samlab: .*nowhere: no sweep\.json/],
    ];
    for (const [dirs, message] of cases) {
      const out = join(tmp, "bad-merge");
      const p = run(["merge", ...dirs, "--out", out]);
      expect(p.status, p.stderr).toBe(2);
      expect(p.stderr.trim().split("\n")).toHaveLength(1);
      expect(p.stderr.trim()).toMatch(message);
      expect(existsSync(join(out, "runs.csv"))).toBe(false);
    }
  });

  it("--dry-run lists the runs of a shard and runs nothing", () => {
    const p = run(["sweep", sweepFile, "--dry-run", "--shard", "1/3"]);
    expect(p.status).toBe(0);
    expect(p.stdout.split("\n")[0]).toBe("8 runs (shard 1/3: 3 runs); swept: rho, init.alpha, algo");
    expect(p.stdout).toContain('run 4  rho=0.01  init.alpha=0.05  algo="gd"');
  });

  it("refuses to overwrite an output folder without --force", () => {
    const p = run(["sweep", sweepFile, "--out", whole, "-q"]);
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/already holds sweep output .*--force/);
  });

  const base = { version: 1, data: { x: [[1, 2]] } };
  const bad: [string, unknown, RegExp][] = [
    ["unknown field", { version: 1, base, grids: { rho: [1] } }, /invalid sweep .*: grids: unknown field/],
    ["missing version", { base, grid: { rho: [1] } }, /invalid sweep .*: version: required/],
    ["grid value not an array", { version: 1, base, grid: { rho: 0.1 } }, /invalid sweep .*: grid\.rho: expected an array of values/],
    ["a run's spec invalid", { version: 1, base, grid: { lr: [0.1], rho: [0.1, -1] } }, /invalid sweep .*: run 1: rho: expected a number ≥ 0 \(set by grid\.rho\[1\] = -1\)$/],
    ["a misspelt spec field", { version: 1, base, list: [{ "init.alpah": 1 }] }, /invalid sweep .*: run 0: init\.alpah: unknown field \(did you mean "alpha"\?\): expected \{ alpha \}, .*\(set by list\[0\]\["init\.alpah"\] = 1\)$/],
    ["invalid JSON", "{ \"version\": 1,", /: invalid JSON/],
  ];
  it.each(bad)("a bad sweep file exits 2 with one line, writing nothing: %s", (name, content, message) => {
    const f = join(tmp, `bad-${name.replace(/\W+/g, "-")}.json`);
    writeFileSync(f, typeof content === "string" ? content : JSON.stringify(content));
    const out = join(tmp, `out-${name.replace(/\W+/g, "-")}`);
    const p = run(["sweep", f, "--out", out]);
    expect(p.status).toBe(2);
    const lines = p.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^samlab: /);
    expect(lines[0]).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it("bad flags exit 2 with one line", () => {
    for (const [args, message] of [
      [["sweep", sweepFile, "--out", join(tmp, "x"), "--shard", "2/2"], /--shard: expected i\/N/],
      [["sweep", sweepFile, "--out", join(tmp, "x"), "--workers", "0"], /--workers: expected an integer/],
      [["sweep", sweepFile], /--out <dir>: required/],
    ] as [string[], RegExp][]) {
      const p = run(args);
      expect(p.status).toBe(2);
      expect(p.stderr.trim().split("\n")).toHaveLength(1);
      expect(p.stderr).toMatch(message);
    }
  });
});

describe("samlab run --stream", () => {
  it("writes valid JSON Lines whose rows equal the final Result's trajectory", () => {
    const jsonl = join(tmp, "traj.jsonl");
    const out = join(tmp, "traj-result.json");
    // The CLI has no chunk-size flag; with n·d this small the adaptive chunker takes 10⁶ steps per chunk, so 5·10⁶ steps give 5 chunks.
    const p = run(["run", "--x", "1,2,3", "--algo", "sam-l2", "--rho", "0.05", "--lr", "0.05", "--alpha", "0.05", "--steps", "5e6", "--points", "300", "--stream", jsonl, "--out", out, "-q"]);
    expect(p.status, p.stderr).toBe(0);
    const r = JSON.parse(readFileSync(out, "utf8"));
    const lines = readFileSync(jsonl, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const t = r.trajectory;
    expect(lines).toHaveLength(t.step.length);
    const cols = Object.keys(t).filter((c) => c !== "beta");
    lines.forEach((row, i) => {
      for (const c of cols) expect(row[c], `${c}[${i}]`).toBe(t[c][i]);
      expect(row.beta).toEqual(t.beta[i]);
    });
  });

  it("--stream FILE.csv equals --out FILE.csv byte for byte; other extensions are refused", () => {
    const a = join(tmp, "stream.csv");
    const b = join(tmp, "out.csv");
    expect(run(["run", "--x", "1,2", "--steps", "1e5", "--stream", a, "--out", b, "-q"]).status).toBe(0);
    expect(readFileSync(a, "utf8")).toBe(readFileSync(b, "utf8"));
    const p = run(["run", "--x", "1,2", "--stream", join(tmp, "x.txt")]);
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/--stream .*x\.txt: expected a file name ending in \.jsonl .* or \.csv/);
  });
});
