/**
 * docs/SCALING.md's Slurm recipe, as written, on a one-node Slurm that scripts/slurm.sh brings up
 * (root and the Debian packages slurmctld, slurmd, slurm-client, munge: `bash scripts/setup.sh
 * --test`). The merged output must equal the same sweep run on one machine, bit for bit; a task
 * that fails must show in sbatch's exit status and in samlab merge, which writes nothing. Without
 * root or Slurm the file says so and skips (under CI=1 it fails instead). Slow (~30 s); times are
 * printed, never asserted.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docsBlock, expectSameSweep, have, REPO, runBlock, samlab, seconds, SWEEP, workspace } from "./cluster.js";

const missing = [process.getuid?.() === 0 ? "" : "root", ...["sbatch", "slurmctld", "slurmd", "munged"].filter((c) => !have(c))].filter(Boolean);
if (missing.length && process.env.CI) throw new Error(`slurm.test.ts: needs ${missing.join(", ")} in CI: run bash scripts/setup.sh --test as root`);
if (missing.length) console.log(`slurm.test.ts: skipped: needs ${missing.join(", ")} (bash scripts/setup.sh --test as root installs Slurm)`);

const tmp = mkdtempSync(join(tmpdir(), "samlab-slurm-"));
chmodSync(tmp, 0o755); // the munge and slurm users enter the cluster's state folder inside it
const state = join(tmp, "cluster");
const SCRIPT = join(REPO, "scripts/slurm.sh");
const cluster = (cmd: string) => spawnSync("bash", [SCRIPT, cmd], { encoding: "utf8", env: { ...process.env, SAMLAB_SLURM_DIR: state } });
let down = () => {};

/** The only change the test makes to the documented commands: this node has 2 cores, not 16 × 8. */
const LOCAL = "--shards 4 --workers 1";
const DOCS = "--shards 16 --workers 8";

describe.skipIf(missing.length > 0)("the Slurm recipe of docs/SCALING.md on a one-node Slurm", () => {
  let env: Record<string, string>;
  const whole = join(tmp, "whole");

  beforeAll(() => {
    const t0 = performance.now();
    const up = cluster("up");
    // Whatever happens to the tests, the daemons go: afterAll, and the process's exit as a backstop.
    down = () => {
      cluster("down");
      down = () => {};
    };
    process.once("exit", () => down());
    expect(up.status, up.stderr).toBe(0);
    const conf = /^SLURM_CONF=(.*)$/m.exec(up.stdout)![1]!;
    env = { SLURM_CONF: conf };
    console.log(`slurm: bring-up ${seconds(t0)} s`);
    // the reference: the same sweep on this machine, one process
    mkdirSync(whole);
    writeFileSync(join(tmp, "sweep.json"), JSON.stringify(SWEEP));
    const p = samlab(["sweep", "sweep.json", "--out", "whole", "--workers", "2", "-q"], tmp);
    expect(p.status, p.stderr).toBe(0);
  });
  afterAll(() => {
    const t0 = performance.now();
    down();
    console.log(`slurm: tear-down ${seconds(t0)} s`);
  });

  it("the documented script is what samlab sweep --emit slurm prints for the documented command", () => {
    const dir = join(tmp, "docs");
    workspace(dir);
    const submit = docsBlock("slurm-submit");
    const emit = submit.split("\n")[0]!;
    expect(emit).toBe(`samlab sweep sweep.json --emit slurm ${DOCS} > sweep.sbatch`);
    const p = samlab(emit.replace(/^samlab /, "").replace(/ > sweep\.sbatch$/, "").split(" "), dir);
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toBe(docsBlock("slurm-script"));
  });

  it("sbatch --wait over the array, then samlab merge: the same bits as the sweep on one machine", async () => {
    const dir = join(tmp, "ok");
    const block = docsBlock("slurm-submit");
    expect(block).toContain(DOCS);
    const t0 = performance.now();
    const p = runBlock(block.replace(DOCS, LOCAL), dir, workspace(dir, env));
    expect(p.status, p.stdout + p.stderr).toBe(0);
    console.log(`slurm: array of 4 tasks + merge ${seconds(t0)} s`);
    expect(p.stdout).toMatch(/^Submitted batch job \d+\nsamlab merge: 36 runs from 4 shards → out\/all\/runs\.csv\n$/);
    const job = /job (\d+)/.exec(p.stdout)![1];
    // each task's log has samlab's progress lines (--progress, no terminal)
    for (let i = 0; i < 4; i++) expect(readFileSync(join(dir, "logs", `samlab-sweep-${job}_${i}.out`), "utf8")).toMatch(/samlab sweep: 9\/9 runs, 100% of steps/);
    await expectSameSweep(join(dir, "out", "all"), whole);
  });

  it("a task that fails on a bad spec: sbatch --wait exits with its status, merge names the missing shard and writes nothing; rerun and merge", async () => {
    const dir = join(tmp, "fail");
    const jobEnv = workspace(dir, env);
    const script = samlab(`sweep sweep.json --emit slurm ${LOCAL}`.split(" "), dir);
    expect(script.status, script.stderr).toBe(0);
    writeFileSync(join(dir, "sweep.sbatch"), script.stdout);
    mkdirSync(join(dir, "logs"));
    const sh = (cmd: string) => spawnSync("bash", ["-c", cmd], { cwd: dir, env: jobEnv, encoding: "utf8" });

    // Submit held; let tasks 0, 1, 3 run; then task 2 finds sweep.json with a bad spec (as when the
    // file is edited while a task is still queued).
    const sbatch = spawn("sbatch", ["--hold", "--wait", "--parsable", "sweep.sbatch"], { cwd: dir, env: jobEnv });
    let stdout = "";
    sbatch.stdout.on("data", (b: Buffer) => (stdout += b));
    const exit = new Promise<number | null>((done) => sbatch.on("exit", (code) => done(code)));
    const until = async (what: string, ok: () => boolean) => {
      for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
      expect(ok(), what).toBe(true);
    };
    await until("sbatch printed the job id", () => /^\d+\n/.test(stdout));
    const job = stdout.trim();
    expect(sh(`scontrol release ${job}_0 ${job}_1 ${job}_3`).status).toBe(0);
    await until("tasks 0, 1, 3 done", () => sh("squeue -h -r -o %i").stdout.trim() === `${job}_2`);
    const bad = { ...SWEEP, grid: { ...SWEEP.grid, rho: [0.01, -0.05, 0.1] } };
    writeFileSync(join(dir, "sweep.json"), JSON.stringify(bad));
    expect(sh(`scontrol release ${job}_2`).status).toBe(0);
    expect(await exit).toBe(2); // samlab's exit status for bad input, passed on by sbatch --wait
    expect(readFileSync(join(dir, "logs", `samlab-sweep-${job}_2.out`), "utf8")).toMatch(/^samlab: invalid sweep sweep\.json: run \d+: rho: expected a number ≥ 0/m);
    for (const i of [0, 1, 3]) expect(existsSync(join(dir, "out", `shard-${i}`, "sweep.json"))).toBe(true);

    const merge = sh("samlab merge out/shard-* --out out/all");
    expect(merge.status).toBe(2);
    expect(merge.stderr).toBe("samlab: missing shard 2/4 (have 0/4, 1/4, 3/4)\n");
    expect(existsSync(join(dir, "out", "all"))).toBe(false);

    // The documented repair: fix the file, run that task again, merge again.
    writeFileSync(join(dir, "sweep.json"), JSON.stringify(SWEEP, null, 2));
    const t0 = performance.now();
    const again = sh("sbatch --array=2 --wait sweep.sbatch && samlab merge out/shard-* --out out/all");
    expect(again.status, again.stderr).toBe(0);
    console.log(`slurm: one task again + merge ${seconds(t0)} s`);
    await expectSameSweep(join(dir, "out", "all"), whole);
  });

  it("scripts/slurm.sh down stops every daemon it started, and up/down are idempotent", () => {
    const pids = ["munged", "slurmctld", "slurmd"].map((d) => Number(readFileSync(join(state, "pids", d), "utf8")));
    const alive = (pid: number) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return !/^\S+ \(.*\) [ZX]/.test(stat);
      } catch {
        return false;
      }
    };
    expect(pids.every(alive)).toBe(true);
    const again = cluster("up"); // already up: nothing restarts
    expect(again.status).toBe(0);
    expect(["munged", "slurmctld", "slurmd"].map((d) => Number(readFileSync(join(state, "pids", d), "utf8")))).toEqual(pids);
    const t0 = performance.now();
    expect(cluster("down").status).toBe(0);
    console.log(`slurm: down ${seconds(t0)} s`);
    expect(pids.filter(alive)).toEqual([]);
    expect(cluster("down").status).toBe(0);
    const st = cluster("status");
    expect(st.status).toBe(3);
    expect(st.stdout).toBe("munged: not running\nslurmctld: not running\nslurmd: not running\n");
  });
});
