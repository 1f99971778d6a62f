/**
 * `samlab sweep --emit slurm|parallel`: what it refuses, and that the words it writes into the
 * scripts reach samlab intact through the shells that read them (bash for both; GNU parallel hands
 * its command to a second shell). The scripts themselves run in slurm.test.ts and parallel.test.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { samlab, SWEEP } from "./cluster.js";

const tmp = mkdtempSync(join(tmpdir(), "samlab-emit-"));
writeFileSync(join(tmp, "sweep.json"), JSON.stringify(SWEEP));
const odd = "my sweep's \"1\" $HOME.json";
writeFileSync(join(tmp, odd), JSON.stringify(SWEEP));

/** The words bash makes of `line` (each printed on its own line by printf). */
const words = (line: string) => spawnSync("bash", ["-c", `printf '%s\\n' ${line}`], { encoding: "utf8" }).stdout.split("\n").slice(0, -1);

describe("samlab sweep --emit", () => {
  it("refuses bad flags and a bad sweep file with one line, exit 2, printing no script", () => {
    writeFileSync(join(tmp, "bad.json"), JSON.stringify({ ...SWEEP, grid: { rho: [-1] } }));
    for (const [args, message] of [
      [["sweep.json", "--emit", "pbs"], /^samlab: --emit: expected one of slurm, parallel, got "pbs"$/],
      [["sweep.json", "--emit", "slurm", "--shards", "0"], /^samlab: --shards: expected an integer from 1 to 1024/],
      [["sweep.json", "--emit", "slurm", "--shards", "37"], /^samlab: --shards 37: more shards than the sweep's 36 runs$/],
      [["sweep.json", "--emit", "parallel", "--shard", "0/4"], /^samlab: --shard: not with --emit/],
      [["sweep.json", "--emit", "parallel", "--dry-run"], /^samlab: --dry-run: not with --emit/],
      [["sweep.json", "--out", "x", "--shards", "4"], /^samlab: --shards: only with --emit/],
      [["bad.json", "--emit", "slurm"], /^samlab: invalid sweep bad\.json: run 0: rho: expected a number ≥ 0/],
    ] as [string[], RegExp][]) {
      const p = samlab(["sweep", ...args], tmp);
      expect(p.status, args.join(" ")).toBe(2);
      expect(p.stdout).toBe("");
      expect(p.stderr.trim().split("\n")).toHaveLength(1);
      expect(p.stderr.trim()).toMatch(message);
    }
  });

  it("slurm: an odd file name and output folder reach samlab as they were given", () => {
    const p = samlab(["sweep", odd, "--emit", "slurm", "--shards", "3", "--workers", "2", "--out", "a b/c"], tmp);
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/^#SBATCH --array=0-2$/m);
    expect(p.stdout).toMatch(/^#SBATCH --cpus-per-task=2$/m);
    const cmd = p.stdout.slice(p.stdout.indexOf("samlab sweep ", p.stdout.indexOf("set -euo"))).replace(/\\\n/g, " ");
    const w = words(cmd.replace(/\$\{SLURM_ARRAY_TASK_ID\}/g, "1").replace(/\$\{SLURM_CPUS_PER_TASK\}/g, "2").replace(/^samlab /, ""));
    expect(w).toEqual(["sweep", odd, "--out", "a b/c/shard-1", "--shard", "1/3", "--workers", "2", "--progress", "--force"]);
  });

  it("parallel: the same through bash and then the shell parallel runs the command in", () => {
    const p = samlab(["sweep", odd, "--emit", "parallel", "--shards", "3", "--out", "a b"], tmp);
    expect(p.status, p.stderr).toBe(0);
    const line = p.stdout.split("\n").find((l) => l.trimStart().startsWith("samlab sweep "))!;
    // bash reads the script: parallel gets these words (its command, then ::: and the shard numbers)
    const first = words(line.trim().replace(/^samlab /, ""));
    expect(first.slice(-4)).toEqual([":::", "0", "1", "2"]);
    // parallel joins the command's words with spaces, puts in the shard number for {} and runs it in a shell
    const command = first.slice(0, -4).join(" ").replaceAll("{}", "2");
    expect(words(command)).toEqual(["sweep", odd, "--out", "a b/shard-2", "--shard", "2/3", "--workers", "1", "--force", "-q"]);
    expect(p.stdout).toContain("mkdir -p 'a b'\n");
    expect(p.stdout).toContain("samlab merge 'a b'/shard-* --out 'a b/all' --force\n");
  });
});
