/**
 * `samlab run --sharpness` end to end: the summary prints the final λ_max, tr H and balance, the
 * Result and the CSV trajectory carry the curvature columns, and they equal the API's.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simulate } from "@samlab/sim";
import { parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";

const CLI = new URL("../packages/cli/dist/cli.js", import.meta.url).pathname;
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
const tmp = mkdtempSync(join(tmpdir(), "samlab-sharp-"));
const ARGS = ["run", "--gen", "sparse-regression", "--loss", "squared", "--n", "20", "--d", "30", "--k", "3", "--init-values", `${Array(30).fill(0.1).join(",")};${Array(30).fill(0).join(",")}`, "--algo", "sam-l2", "--rho", "0.1", "--lr", "0.05", "--steps", "2000", "--points", "20"];

describe("samlab run --sharpness", () => {
  it("prints the final λ_max, λ_min, tr H, the edges and the balance", () => {
    const p = run([...ARGS, "--sharpness"]);
    expect(p.status).toBe(0);
    expect(p.stdout).toMatch(/^curvature {9}λ_max [0-9.]+ \(residual [^)]+\) {3}λ_min -?[0-9.e-]+ {3}tr H [0-9.]+ {3}edges: 2\/η 40, ℓ2-SAM [0-9.]+$/m);
    expect(p.stdout).toMatch(/^ {18}balance [0-9.e-]+ \(max_j/m);
    // without the flag: the balance only
    const q = run(ARGS);
    expect(q.stdout).toMatch(/^curvature {9}balance [0-9.e-]+ .*record with --sharpness$/m);
  });

  it("--json and --out FILE.csv carry the curvature columns, equal to the API's", async () => {
    const p = run([...ARGS, "--sharpness", "--json"]);
    const r = JSON.parse(p.stdout);
    const api = await simulate(r.spec);
    expect(r.trajectory.lambdaMax).toEqual(api.trajectory.lambdaMax);
    expect(r.final.traceH).toBe(api.final.traceH);
    expect(r.final.balance).toBe(api.final.balance);
    const csv = join(tmp, "t.csv");
    expect(run([...ARGS, "--sharpness", "--out", csv]).status).toBe(0);
    const [head, ...rows] = readFileSync(csv, "utf8").trim().split("\n");
    const cols = head!.split(",");
    for (const c of ["balance", "lambdaMax", "lambdaMaxRes", "lambdaMin", "lambdaMinRes", "traceH", "edgeGD", "edgeSAM"]) expect(cols).toContain(c);
    const last = rows.at(-1)!.split(",");
    expect(Number(last[cols.indexOf("lambdaMax")])).toBe(api.trajectory.lambdaMax!.at(-1));
    expect(Number(last[cols.indexOf("balance")])).toBe(api.trajectory.balance.at(-1));
  });
});

describe("samlab sweep with record.sharpness", () => {
  it("runs.csv and runs.parquet carry the final balance, λ_max, its residual, λ_min and tr H of each run", async () => {
    const sweep = {
      version: 1,
      base: { version: 1, data: { generator: "gaussian-sparse", n: 10, d: 4, seed: 3 }, depth: 2, algo: "sam-l2", rho: 0.05, lr: 0.05, steps: 500, record: { points: 10, sharpness: true } },
      grid: { "init.alpha": [0.1, 0.4] },
    };
    const file = join(tmp, "sweep.json");
    writeFileSync(file, JSON.stringify(sweep));
    const out = join(tmp, "sweep-out");
    const p = spawnSync(process.execPath, [CLI, "sweep", file, "--out", out, "--workers", "1"], { encoding: "utf8" });
    expect(p.status, p.stderr).toBe(0);
    const [header, ...rows] = readFileSync(join(out, "runs.csv"), "utf8").trim().split("\n").map((l) => l.split(","));
    const col = (name: string) => header!.indexOf(name);
    const buf = readFileSync(join(out, "runs.parquet"));
    const pq = await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) });
    for (const [k, alpha] of [0.1, 0.4].entries()) {
      const r = await simulate({ ...sweep.base, init: { alpha } });
      expect(Number(rows[k]![col("lambdaMax")])).toBe(r.final.lambdaMax);
      expect(Number(rows[k]![col("lambdaMaxRes")])).toBe(r.final.lambdaMaxRes);
      expect(Number(rows[k]![col("lambdaMin")])).toBe(r.final.lambdaMin);
      expect(Number(rows[k]![col("traceH")])).toBe(r.final.traceH);
      expect(Number(rows[k]![col("balance")])).toBe(r.final.balance);
      expect(pq[k]!.lambdaMax).toBe(r.final.lambdaMax);
      expect(pq[k]!.traceH).toBe(r.final.traceH);
    }
  });
});
