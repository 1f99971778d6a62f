/**
 * Faults around files, through the built CLI as a user meets them: a full disk (a file-size limit,
 * `ulimit -f`, stands in for it: no root needed), an output that exists already or is given twice,
 * `merge --force` on bad input, SIGTERM during a sweep and its resume, a named pipe as a data file,
 * a folder that takes no files (/proc), and checkpoints that were edited or whose data file changed.
 * Each case: a one-line error, the documented exit code, and nothing lost.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLI = new URL("../packages/cli/dist/cli.js", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "samlab-rel-"));
const env = { ...process.env, NO_COLOR: "1", SAMLAB_DEBUG: "" };
const cli = (args: string[], cwd: string, opts: { input?: string; timeout?: number } = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd, env, input: opts.input, timeout: opts.timeout ?? 120_000 });
/** The CLI under a file-size limit of `kib` KiB, with SIGXFSZ ignored: a write past the limit fails with EFBIG (or is short). */
const limited = (kib: number, args: string[], cwd: string) =>
  spawnSync("bash", ["-c", `trap '' XFSZ; ulimit -f ${kib}; exec "$0" "$@"`, process.execPath, CLI, ...args], { encoding: "utf8", cwd, env, timeout: 120_000 });
const folder = (name: string) => {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  return d;
};
const temps = (dir: string) => readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith(".tmp"));
const oneLine = (stderr: string) => expect(stderr.trimEnd().split("\n"), stderr).toHaveLength(1);

describe("a full disk (a file-size limit): every write is checked, nothing is committed truncated", () => {
  it("--out: exit 2 naming EFBIG, the previous file untouched, no temporary file left", () => {
    const dir = folder("efbig-out");
    writeFileSync(join(dir, "r.json"), "previous\n");
    const p = limited(8, ["run", "--x", "1,2,3", "--steps", "2000", "--points", "400", "--out", "r.json", "--force", "-q"], dir);
    expect(p.status, p.stderr).toBe(2);
    expect(p.stderr).toMatch(/^samlab: cannot write r\.json: EFBIG/);
    oneLine(p.stderr);
    expect(readFileSync(join(dir, "r.json"), "utf8")).toBe("previous\n");
    expect(temps(dir)).toEqual([]);
  });

  it("--checkpoint: exit 2 naming EFBIG, the previous checkpoint untouched, no temporary file left", () => {
    const dir = folder("efbig-ckpt");
    writeFileSync(join(dir, "c.json"), "previous checkpoint\n");
    const p = limited(8, ["run", "--x", "1,2,3", "--steps", "4000", "--points", "2000", "--spacing", "linear", "--checkpoint", "c.json", "--every", "3000", "--force", "-q"], dir);
    expect(p.status, p.stderr).toBe(2);
    expect(p.stderr).toMatch(/cannot write c\.json: EFBIG/);
    oneLine(p.stderr);
    expect(readFileSync(join(dir, "c.json"), "utf8")).toBe("previous checkpoint\n");
    expect(temps(dir)).toEqual([]);
  });

  it("--stream: exit 2 naming EFBIG; the file keeps whole lines only", () => {
    const dir = folder("efbig-stream");
    const p = limited(16, ["run", "--x", "1,2,3", "--steps", "20000", "--points", "2000", "--spacing", "linear", "--stream", "s.jsonl", "-q"], dir);
    expect(p.status, p.stderr).toBe(2);
    expect(p.stderr).toMatch(/^samlab: --stream s\.jsonl: cannot write: EFBIG/);
    oneLine(p.stderr);
    const text = readFileSync(join(dir, "s.jsonl"), "utf8");
    expect(text.length).toBeGreaterThan(0);
    expect(text.endsWith("\n")).toBe(true);
    for (const line of text.trimEnd().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
  });

  it("sweep: a Result file that cannot be written fails its run (non-zero exit, EFBIG named), no temporary file left", () => {
    const dir = folder("efbig-sweep");
    writeFileSync(join(dir, "s.json"), JSON.stringify({ version: 1, base: { version: 1, data: { x: [[1, 2, 3]] }, steps: 2000, record: { points: 1000, spacing: "linear" } }, grid: { rho: [0.01, 0.02] } }));
    const p = limited(16, ["sweep", "s.json", "--out", "o", "--workers", "1", "-q"], dir);
    expect(p.status, p.stderr).toBe(1);
    expect(p.stderr).toMatch(/run 0: cannot write .*run-00000\.json: EFBIG/);
    oneLine(p.stderr);
    expect(temps(dir)).toEqual([]);
  });
});

describe("one output policy", () => {
  it("run --out refuses an existing file unless --force", () => {
    const dir = folder("policy-out");
    writeFileSync(join(dir, "r.json"), "keep\n");
    const p = cli(["run", "--x", "1,2", "--steps", "10", "--out", "r.json", "-q"], dir);
    expect([p.status, p.stderr]).toEqual([2, "samlab: --out r.json: exists already; use --force to overwrite it, or another name\n"]);
    expect(readFileSync(join(dir, "r.json"), "utf8")).toBe("keep\n");
    const forced = cli(["run", "--x", "1,2", "--steps", "10", "--out", "r.json", "--force", "-q"], dir);
    expect(forced.status, forced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "r.json"), "utf8")).final.step).toBe(10);
  });

  it("refuses the same file for two outputs of one command, and an output over the checkpoint being resumed", () => {
    const dir = folder("policy-same");
    const p = cli(["run", "--x", "1,2", "--steps", "10", "--checkpoint", "x.json", "--out", "./x.json", "-q"], dir);
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/^samlab: --checkpoint x\.json: the same file as --out/);
    const s = cli(["run", "--x", "1,2", "--steps", "10", "--stream", "x.jsonl", "--out", "x.jsonl", "-q"], dir);
    expect(s.stderr).toMatch(/^samlab: --stream x\.jsonl: the same file as --out/);
    expect(readdirSync(dir)).toEqual([]);
    const c = cli(["run", "--x", "1,2", "--steps", "1000", "--checkpoint", "c.json", "--every", "300", "-q"], dir);
    expect(c.status, c.stderr).toBe(0);
    const r = cli(["resume", "c.json", "--out", "c.json", "--force", "-q"], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^samlab: --out c\.json: the same file as the checkpoint being resumed/);
  });
});

/** A small sweep's shards 0/2 and 1/2, merged into all/. */
function shardsAndMerge(dir: string): void {
  writeFileSync(join(dir, "s.json"), JSON.stringify({ version: 1, base: { version: 1, data: { x: [[1, 2]] }, steps: 200 }, grid: { rho: [0.01, 0.02, 0.03, 0.04] } }));
  for (const i of [0, 1]) expect(cli(["sweep", "s.json", "--out", `p${i}`, "--shard", `${i}/2`, "--workers", "1", "-q"], dir).status).toBe(0);
  expect(cli(["merge", "p0", "p1", "--out", "all", "-q"], dir).status).toBe(0);
}

describe("merge validates everything before it replaces anything", () => {
  it("merge --force with a missing shard fails and leaves the existing output as it was", () => {
    const dir = folder("merge-force");
    shardsAndMerge(dir);
    const before = readdirSync(join(dir, "all"), { recursive: true }).map(String).sort();
    const csv = readFileSync(join(dir, "all/runs.csv"), "utf8");
    const p = cli(["merge", "p0", "--out", "all", "--force", "-q"], dir);
    expect(p.status).toBe(2);
    oneLine(p.stderr);
    expect(readdirSync(join(dir, "all"), { recursive: true }).map(String).sort()).toEqual(before);
    expect(before).toContain("results/run-00003.json");
    expect(readFileSync(join(dir, "all/runs.csv"), "utf8")).toBe(csv);
  });

  it("a crafted shard sweep.json (shard count 0, 3·10⁸ runs) is refused at once, naming the field", () => {
    const dir = folder("merge-crafted");
    shardsAndMerge(dir);
    const m = JSON.parse(readFileSync(join(dir, "p1/sweep.json"), "utf8"));
    for (const [name, edit, re] of [
      ["zero", { shard: { index: 0, count: 0 } }, /p1z\/sweep\.json: shard\.count: expected an integer from 1 to/],
      ["huge", { totalRuns: 3e8 }, /p1h\/sweep\.json: totalRuns: expected an integer from 1 to 100000, got 300000000/],
    ] as const) {
      const d = join(dir, `p1${name[0]}`);
      mkdirSync(d);
      writeFileSync(join(d, "runs.csv"), readFileSync(join(dir, "p1/runs.csv")));
      writeFileSync(join(d, "sweep.json"), JSON.stringify({ ...m, ...edit }));
      const p = cli(["merge", "p0", `p1${name[0]}`, "--out", `m-${name}`, "-q"], dir, { timeout: 20_000 });
      expect(p.status, p.stderr).toBe(2);
      expect(p.stderr).toMatch(re);
      oneLine(p.stderr);
    }
  });
});

describe("SIGTERM during a sweep", () => {
  it("writes the rows finished so far and a resumable state, exits 143; --resume completes it to the uninterrupted table", async () => {
    const dir = folder("sweep-term");
    const sweep = { version: 1, base: { version: 1, data: { x: [[1, 2, 3]] }, steps: 400_000, algo: "sam-l2", lr: 0.05 }, grid: { rho: [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08] } };
    writeFileSync(join(dir, "s.json"), JSON.stringify(sweep));
    const child = spawn(process.execPath, [CLI, "sweep", "s.json", "--out", "o", "--workers", "1", "-q"], { cwd: dir, env });
    let err = "";
    child.stderr.on("data", (b) => (err += b));
    for (let i = 0; i < 2400 && !existsSync(join(dir, "o/results/run-00001.json")); i++) await new Promise((r) => setTimeout(r, 25));
    child.kill("SIGTERM");
    const code = await new Promise((r) => child.on("close", r));
    expect(code, err).toBe(143);
    expect(err).toMatch(/interrupted \(SIGTERM\) after \d+ of 8 runs; .* continue with: samlab sweep s\.json --out o --resume/);
    const partial = readFileSync(join(dir, "o/runs.csv"), "utf8").trimEnd().split("\n");
    expect(partial.length - 1).toBeGreaterThanOrEqual(2);
    expect(partial.length - 1).toBeLessThan(8);
    expect(JSON.parse(readFileSync(join(dir, "o/sweep.json"), "utf8"))).toMatchObject({ complete: false, runs: partial.length - 1 });
    const resumed = cli(["sweep", "s.json", "--out", "o", "--workers", "2", "--resume", "-q"], dir);
    expect(resumed.status, resumed.stderr).toBe(0);
    const fresh = cli(["sweep", "s.json", "--out", "fresh", "--workers", "2", "-q"], dir);
    expect(fresh.status, fresh.stderr).toBe(0);
    // every column but the timing ones (ms, nsPerStep) equals the uninterrupted sweep's
    const table = (f: string) => {
      const [head, ...rows] = readFileSync(join(dir, f), "utf8").trimEnd().split("\n");
      const drop = ["ms", "nsPerStep"].map((c) => head!.split(",").indexOf(c));
      return rows.map((r) => r.split(",").filter((_, j) => !drop.includes(j)).join(","));
    };
    expect(table("o/runs.csv")).toEqual(table("fresh/runs.csv"));
    expect(JSON.parse(readFileSync(join(dir, "o/sweep.json"), "utf8"))).toMatchObject({ complete: true, runs: 8, status: { finished: 8 } });
    expect(readdirSync(join(dir, "o/results")).filter((f) => f.endsWith(".json"))).toHaveLength(8);
    expect(temps(dir)).toEqual([]);
  });
});

describe("inputs that are not regular files, and folders that take no files", () => {
  it("a named pipe as a data file is refused at once (no hang, no read)", () => {
    const dir = folder("fifo");
    expect(spawnSync("mkfifo", [join(dir, "pipe.csv")]).status).toBe(0);
    writeFileSync(join(dir, "spec.json"), JSON.stringify({ version: 1, data: { file: "pipe.csv" }, steps: 1 }));
    const p = cli(["run", "--spec", "spec.json", "-q"], dir, { timeout: 30_000 });
    expect(p.status, p.stderr).toBe(2);
    expect(p.stderr).toBe("samlab: bad data: pipe.csv: is not a regular file (a named pipe): data files must be regular files\n");
  });

  it("an output in /proc is a one-line error before the run starts", () => {
    const dir = folder("proc");
    // a run this long would time the test out if it started
    const p = cli(["run", "--x", "1,2", "--steps", "1e12", "--out", "/proc/samlab-out.json", "-q"], dir, { timeout: 30_000 });
    expect(p.status, p.stderr).toBe(2);
    expect(p.stderr).toMatch(/^samlab: --out \/proc\/samlab-out\.json: cannot write there \(ENOENT/);
    oneLine(p.stderr);
    writeFileSync(join(dir, "s.json"), JSON.stringify({ version: 1, base: { version: 1, data: { x: [[1, 2]] }, steps: 1e12 }, grid: { rho: [0.1] } }));
    const s = cli(["sweep", "s.json", "--out", "/proc/samlab-sweep", "-q"], dir, { timeout: 30_000 });
    expect(s.status, s.stderr).toBe(2);
    expect(s.stderr).toMatch(/^samlab: --out \/proc\/samlab-sweep\/runs\.csv: cannot write there/);
    oneLine(s.stderr);
  });
});

describe("checkpoint integrity through the CLI", () => {
  it("an edited checkpoint (a weight, spec.rho, spec.steps, the hyper-parameters, the step) is refused, naming the part", () => {
    const dir = folder("ckpt-edit");
    const good = cli(["run", "--x", "1,2", "--steps", "1000", "--algo", "sam-l2", "--rho", "0.05", "--checkpoint", "c.json", "--every", "300", "-q"], dir);
    expect(good.status, good.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, "c.json"), "utf8"));
    const edits: [string, (d: typeof doc) => void, RegExp][] = [
      ["w", (d) => (d.w[0][1] = d.w[0][1] * 1.5), /integrity\.w: the weights \(w\) does not match its content hash/],
      ["rho", (d) => (d.spec.rho = 0.06), /integrity\.spec: the spec does not match its content hash/],
      ["steps", (d) => (d.spec.steps = 2000), /integrity\.spec: the spec does not match/],
      ["hyper", (d) => (d.hyper.lr = 0.02), /integrity\.hyper: the hyper-parameters \(hyper\) does not match/],
      ["step", (d) => ((d.step = 600), (d.clock.stepBase = 0)), /integrity\.clock: the step count and clock/],
    ];
    for (const [name, edit, re] of edits) {
      const d = JSON.parse(JSON.stringify(doc));
      edit(d);
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(d));
      const p = cli(["resume", `${name}.json`, "-q"], dir);
      expect(p.status, `${name}: ${p.stderr}`).toBe(2);
      expect(p.stderr, name).toMatch(re);
      oneLine(p.stderr);
    }
  });

  it("a data file changed between checkpoint and resume is refused, naming the data", () => {
    const dir = folder("ckpt-data");
    writeFileSync(join(dir, "d.csv"), "a,b,label\n1,2,1\n2,-1,0\n");
    writeFileSync(join(dir, "spec.json"), JSON.stringify({ version: 1, data: { file: "d.csv" }, steps: 1000 }));
    expect(cli(["run", "--spec", "spec.json", "--checkpoint", "c.json", "--every", "300", "-q"], dir).status).toBe(0);
    const same = cli(["resume", "c.json", "--checkpoint", "c2.json", "-q"], dir);
    expect(same.status, same.stderr).toBe(0);
    writeFileSync(join(dir, "d.csv"), "a,b,label\n1,2,1\n2,-1.5,0\n");
    const p = cli(["resume", "c.json", "-q"], dir);
    expect(p.status, p.stderr).toBe(2);
    expect(p.stderr).toMatch(/^samlab: invalid checkpoint: data: the data \(d\.csv\) changed since the checkpoint was written/);
    oneLine(p.stderr);
  });
});

describe("specs that say too little, too much or too deep", () => {
  it("a spec file without data is an error; the flag form keeps its default", () => {
    const dir = folder("nodata");
    writeFileSync(join(dir, "spec.json"), JSON.stringify({ version: 1, steps: 10 }));
    const p = cli(["run", "--spec", "spec.json", "-q"], dir);
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/^samlab: invalid spec: data: required: expected \{ x, y \}/);
    expect(cli(["run", "--steps", "10", "-q"], dir).status).toBe(0);
  });

  it("a 10⁵-deep spec or sweep is a one-line error, never a stack overflow", () => {
    const dir = folder("deep");
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    writeFileSync(join(dir, "spec.json"), `{"version":1,"data":{"x":[[1]]},"name":${deep}}`);
    writeFileSync(join(dir, "sweep.json"), `{"version":1,"base":{"data":{"x":[[1]]},"name":${deep}},"grid":{"rho":[1]}}`);
    for (const args of [["run", "--spec", "spec.json"], ["sweep", "sweep.json", "--out", "o"]]) {
      const p = cli([...args, "-q"], dir);
      expect(p.status, p.stderr).toBe(2);
      expect(p.stderr).toMatch(/nested more than \d+ levels deep/);
      oneLine(p.stderr);
    }
  });

  it("a small sweep file that would expand to gigabytes is refused before expanding, with the count", () => {
    const dir = folder("expand");
    const x = Array.from({ length: 3000 }, (_, i) => [i % 7, 1]);
    writeFileSync(join(dir, "s.json"), JSON.stringify({ version: 1, base: { version: 1, data: { x } }, grid: { rho: Array.from({ length: 1000 }, (_, i) => i / 1000), lr: Array.from({ length: 100 }, (_, i) => (i + 1) / 100) } }));
    const p = cli(["sweep", "s.json", "--out", "o", "-q"], dir, { timeout: 60_000 });
    expect(p.status, p.stderr).toBe(2);
    expect(p.stderr).toMatch(/expands to 100000 runs of about \d+ characters each \(\d+ MiB of specs\), more than the 256 MiB/);
  });
});

describe("messages that name the actual cause", () => {
  it("a UTF-8 byte-order mark is accepted; 1e999 and a too-large d say so; a quoted newline in CSV is named", () => {
    const dir = folder("messages");
    writeFileSync(join(dir, "bom.json"), "\ufeff" + JSON.stringify({ version: 1, data: { x: [[1, 2]] }, steps: 10 }));
    const bom = cli(["run", "--spec", "bom.json", "-q"], dir);
    expect(bom.status, bom.stderr).toBe(0);
    writeFileSync(join(dir, "inf.json"), '{"version":1,"data":{"x":[[1,2]]},"rho":1e999}');
    expect(cli(["run", "--spec", "inf.json"], dir).stderr).toBe("samlab: invalid spec: rho: expected a finite number, got a number literal too large for a double (it overflows to Infinity; the largest double is about 1.8e308)\n");
    expect(cli(["run", "--lr", "1e999"], dir).stderr).toMatch(/^samlab: --lr: "1e999" is out of range: too large for a double/);
    expect(cli(["run", "--gen", "single", "--d", "2000000"], dir).stderr).toMatch(/data\.d\): expected an integer dimension d ≥ 1, at most 1000000 \(got 2000000\)/);
    writeFileSync(join(dir, "q.csv"), 'a,b,label\n"1\n2",3,1\n4,5,-1\n');
    writeFileSync(join(dir, "q.json"), JSON.stringify({ version: 1, data: { file: "q.csv" }, steps: 1 }));
    expect(cli(["run", "--spec", "q.json"], dir).stderr).toMatch(/^samlab: bad data: q\.csv: line 2: a quoted field \(field 1\) is still open at the end of the line: newlines inside quoted fields are not supported/);
  });
});
