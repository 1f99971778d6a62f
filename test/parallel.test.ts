/**
 * docs/SCALING.md's GNU parallel recipe, as written: the script `samlab sweep --emit parallel`
 * prints, killed part-way and run again (its joblog skips the shards that succeeded), then merged;
 * the result equals the same sweep run on one machine, bit for bit. Needs GNU parallel (`bash
 * scripts/setup.sh --test`); without it the file says so and skips (under CI=1 it fails instead).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { descendants, docsBlock, expectSameSweep, have, runBlock, samlab, seconds, SWEEP, workspace } from "./cluster.js";

const ok = have("parallel");
if (!ok && process.env.CI) throw new Error("parallel.test.ts: needs GNU parallel in CI: run bash scripts/setup.sh --test");
if (!ok) console.log("parallel.test.ts: skipped: needs GNU parallel (bash scripts/setup.sh --test installs it)");

const tmp = mkdtempSync(join(tmpdir(), "samlab-parallel-"));

/** The joblog's entries (without its header line): sequence number and exit value. */
function joblog(file: string): { seq: number; exit: number; command: string }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .slice(1)
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const c = l.split("\t");
      return { seq: Number(c[0]), exit: Number(c[6]), command: c[8]! };
    });
}

describe.skipIf(!ok)("the GNU parallel recipe of docs/SCALING.md", () => {
  const whole = join(tmp, "whole");

  beforeAll(() => {
    // the reference: the same sweep on this machine, one process
    mkdirSync(whole);
    writeFileSync(join(tmp, "sweep.json"), JSON.stringify(SWEEP));
    const p = samlab(["sweep", "sweep.json", "--out", "whole", "--workers", "2", "-q"], tmp);
    expect(p.status, p.stderr).toBe(0);
  });

  it("the documented script is what samlab sweep --emit parallel prints for the documented command", () => {
    const dir = join(tmp, "docs");
    workspace(dir);
    const emit = docsBlock("parallel-run").split("\n")[0]!;
    expect(emit).toBe("samlab sweep sweep.json --emit parallel --shards 4 > sweep-parallel.sh");
    const p = samlab(emit.replace(/^samlab /, "").replace(/ > sweep-parallel\.sh$/, "").split(" "), dir);
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toBe(docsBlock("parallel-script"));
  });

  it("killed after the first shard, run again: the joblog skips the finished shards, the merge has the bits of one machine", async () => {
    const dir = join(tmp, "run");
    const env = workspace(dir);
    const block = docsBlock("parallel-run");
    const log = join(dir, "out", "parallel.joblog");

    // First attempt: kill the whole process tree (bash, parallel, the samlab processes) with
    // SIGKILL as soon as one shard has ended, as a lost session or an OOM kill would.
    const t0 = performance.now();
    const first = spawn("bash", ["-euo", "pipefail", "-c", block], { cwd: dir, env, stdio: "ignore" });
    const ended = new Promise<void>((done) => first.on("exit", () => done()));
    for (let i = 0; i < 1200 && joblog(log).length === 0 && first.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
    const signal = (pids: number[], sig: NodeJS.Signals) => {
      for (const pid of pids) {
        try {
          process.kill(pid, sig);
        } catch {
          // already gone
        }
      }
    };
    // freeze the tree first (nothing new is started meanwhile), then kill all of it
    let tree = [first.pid!];
    for (let n = 0; n !== tree.length; ) {
      n = tree.length;
      signal(tree, "SIGSTOP");
      tree = [first.pid!, ...descendants(first.pid!)];
    }
    signal(tree, "SIGKILL");
    await ended;
    const done = joblog(log);
    // the kill came between the first and the last shard: the test of --resume-failed is not empty
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBeLessThan(4);
    expect(done.every((e) => e.exit === 0)).toBe(true);
    expect(existsSync(join(dir, "out", "all"))).toBe(false);
    const startedAt = (seq: number) => JSON.parse(readFileSync(join(dir, "out", `shard-${seq - 1}`, "sweep.json"), "utf8")).timing.startedAt;
    const before = new Map(done.map((e) => [e.seq, startedAt(e.seq)]));

    // Run again, as written.
    const again = runBlock(block, dir, env);
    expect(again.status, again.stderr).toBe(0);
    console.log(`parallel: killed run + rerun + merge ${seconds(t0)} s (${done.length} of 4 shards done before the kill)`);
    expect(again.stdout).toBe("samlab merge: 36 runs from 4 shards → out/all/runs.csv\n");
    const all = joblog(log);
    // every shard once in the joblog, each successful; the shards done before the kill were not run again
    expect(all.map((e) => e.seq).sort()).toEqual([1, 2, 3, 4]);
    expect(all.every((e) => e.exit === 0)).toBe(true);
    expect(all.find((e) => e.seq === 3)!.command).toBe("samlab sweep sweep.json --out out/shard-2 --shard 2/4 --workers 1 --force -q");
    for (const [seq, t] of before) expect(startedAt(seq), `shard ${seq - 1} ran again`).toBe(t);
    await expectSameSweep(join(dir, "out", "all"), whole);
  });
});
