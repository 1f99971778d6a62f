/**
 * Checkpoint and resume: a resumed run's Result equals the uninterrupted run's bit for bit
 * (everything but `timing`), through the API and through the built CLI — after a checkpoint taken
 * at a multiple of --every, after Ctrl-C (SIGINT) at an arbitrary step, and after SIGKILL midway,
 * which must leave no half-written file behind. Measured numbers go to test-artifacts/checkpoint.json.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkpointToJson, parseCheckpointJson, resume, simulate, simulateStream, type Result, type SimulationState } from "@samlab/sim";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;
const CLI = join(ROOT, "packages/cli/dist/cli.js");
const tmp = mkdtempSync(join(tmpdir(), "samlab-ckpt-"));
const metrics: Record<string, unknown> = {};
const env = { ...process.env, NO_COLOR: "1", SAMLAB_DEBUG: "" };
const cli = (args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: opts.cwd ?? tmp, input: opts.input, env: opts.env ?? env, maxBuffer: 256 << 20 });

/** A Result without its timing, as canonical text: equal text ⇔ equal doubles (shortest round-trip form), up to the sign of zero. */
const comparable = (r: Result) => JSON.stringify({ ...r, timing: null });
/** The raw bytes of the final doubles (w, β): −0 and NaN payloads included. */
const finalBytes = (r: Result) => Buffer.from(Float64Array.from([...r.final.w.flat(), ...r.final.beta, r.final.t, r.final.loss]).buffer).toString("hex");

function expectSame(a: Result, b: Result): void {
  expect(b.status).toEqual(a.status);
  expect(finalBytes(b)).toBe(finalBytes(a));
  expect(b.trajectory.step.length).toBe(a.trajectory.step.length);
  expect(comparable(b)).toBe(comparable(a));
}

afterAll(() => {
  mkdirSync(join(ROOT, "test-artifacts"), { recursive: true });
  writeFileSync(join(ROOT, "test-artifacts/checkpoint.json"), JSON.stringify(metrics, null, 2) + "\n");
});

describe("checkpoint and resume through the API", () => {
  const specs = [
    { version: 1, data: { x: [[1, 2, 3, 4]] }, depth: 2, algo: "sam-l2", rho: 0.05, lr: 0.01, init: { alpha: 0.02 }, steps: 40_000 },
    { version: 1, data: { generator: "gaussian-sparse", n: 20, d: 6 }, depth: 3, algo: "sam-linf", rho: 0.01, lr: 0.07, steps: 12_000, record: { points: 300, spacing: "linear" } },
    { version: 1, data: { x: [[1, 2, 3]] }, depth: 2, algo: "usam", lrSchedule: "inv-sqrt", lr: 0.3, steps: 9_000 },
    { version: 1, data: { x: [[1, 2, 3], [2, -1, 1]], y: [1, -1] }, depth: 2, algo: "gd", lrSchedule: "loss-normalized", lr: 0.001, steps: 3_000, engine: "reference" },
    { version: 1, data: { x: [[1, 2, 3]] }, depth: 2, algo: "sam-l2", lrSchedule: "rescaled", lr: 0.02, steps: 4_000, record: { every: 100, points: 50 } },
    { version: 1, data: { x: [[0.5, 1.5]] }, depth: 1, loss: "exponential", algo: "gd", lr: 0.1, steps: 5_000, engine: "reference" },
  ];
  for (const spec of specs) {
    it(`${spec.algo}${spec.lrSchedule ? ` ${spec.lrSchedule}` : ""} (${spec.engine ?? "wasm"}): every checkpoint resumes to the same Result`, async () => {
      const full = await simulate(spec);
      expect(full.status.state).toBe("finished");
      const every = Math.floor(spec.steps / 7) + 1; // not a divisor of steps, and not aligned with the record schedule
      const texts: string[] = [];
      let plain: Result | undefined;
      for await (const ev of simulateStream(spec, { checkpointEvery: every, onCheckpoint: (s) => texts.push(checkpointToJson(s)) })) if (ev.type === "result") plain = ev.result;
      expectSame(full, plain!); // checkpointing does not change the run
      expect(texts.length).toBe(Math.ceil(spec.steps / every) - 1);
      for (const text of [texts[0]!, texts[texts.length >> 1]!, texts.at(-1)!]) {
        const state = parseCheckpointJson(text);
        expect(state.clock.step % every).toBe(0);
        expectSame(full, await resume(state));
      }
    });
  }

  it("a chain of resumes (resume, checkpoint again, resume) still equals the uninterrupted run", async () => {
    const spec = specs[1]!;
    const full = await simulate(spec);
    let state: SimulationState | undefined;
    for await (const _ of simulateStream(spec, { checkpointEvery: 1000, onCheckpoint: (s) => void (state ??= parseCheckpointJson(checkpointToJson(s))) }));
    for (let hop = 0; hop < 3; hop++) {
      let next: SimulationState | undefined;
      const from = state!.clock.step;
      for await (const _ of simulateStream(spec, { resume: state!, checkpointEvery: 2500, onCheckpoint: (s) => void (next ??= parseCheckpointJson(checkpointToJson(s))) }));
      expect(next!.clock.step).toBeGreaterThan(from);
      state = next;
    }
    expectSame(full, await resume(state!));
  });

  it("without Node's Buffer (the browser path: btoa/atob) the checkpoint text is the same and reads back the same", async () => {
    let state: SimulationState | undefined;
    for await (const _ of simulateStream(specs[1]!, { checkpointEvery: 5000, onCheckpoint: (s) => void (state ??= s) }));
    const withBuffer = checkpointToJson(state!);
    const g = globalThis as { Buffer?: unknown };
    const saved = g.Buffer;
    let withoutBuffer = "";
    let back: SimulationState;
    try {
      g.Buffer = undefined;
      withoutBuffer = checkpointToJson(state!);
      back = parseCheckpointJson(withBuffer);
      expect(() => parseCheckpointJson(withBuffer.replace(/"f64le":"(.)/, '"f64le":"*'))).toThrow(/records\.f64le: expected base64 text/);
    } finally {
      g.Buffer = saved;
    }
    expect(withoutBuffer).toBe(withBuffer);
    expect(Array.from(back.rows)).toEqual(Array.from(state!.rows));
    expect(Array.from(back.w)).toEqual(Array.from(state!.w));
  });

  it("flows are refused with a clear message", async () => {
    const flow = { version: 1, data: { x: [[1, 2]] }, mode: "flow", algo: "gd", tMax: 10 };
    let calls = 0;
    for await (const _ of simulateStream(flow, { checkpointEvery: 10, onCheckpoint: () => calls++ }));
    expect(calls).toBe(0);
    expect(() => parseCheckpointJson(JSON.stringify({ format: "samlab.checkpoint/1", spec: flow }))).toThrow(/flows/);
  });
});

describe("checkpoint and resume through the CLI", () => {
  // ~4 s uninterrupted on an idle core: long enough to be killed midway
  const LONG = ["--x", "1,2,3,4,5,6,7,8", "--depth", "3", "--algo", "sam-l2", "--rho", "0.05", "--lr", "0.01", "--alpha", "0.02", "--steps", "8000000"];

  /** The uninterrupted run, started once in the background (the CLI tests compare against it). */
  const uninterrupted: Promise<Result> = new Promise((res, rej) => {
    const p = spawn(process.execPath, [CLI, "run", ...LONG, "--json", "-q"], { env });
    let out = "";
    p.stdout.on("data", (b) => (out += b));
    p.on("error", rej);
    p.on("close", (code) => (code === 0 ? res(JSON.parse(out) as Result) : rej(new Error(`uninterrupted run exited ${code}`))));
  });

  /** Starts the long run with checkpoints; resolves once a checkpoint at ≥ `minStep` is on disk. */
  function startCheckpointed(dir: string, every: number, minStep: number) {
    mkdirSync(dir, { recursive: true });
    const child = spawn(process.execPath, [CLI, "run", ...LONG, "--checkpoint", "run.ckpt.json", "--every", String(every), "--out", "out.json", "-q"], { cwd: dir, env });
    let stderr = "";
    child.stderr.on("data", (b) => (stderr += b));
    const exited = new Promise<number | null>((r) => child.on("close", (code, sig) => r(code ?? (sig ? -1 : null))));
    const ready = (async () => {
      for (let i = 0; i < 600; i++) {
        await new Promise((r) => setTimeout(r, 25));
        const f = join(dir, "run.ckpt.json");
        if (existsSync(f)) {
          const step = (JSON.parse(readFileSync(f, "utf8")) as { step: number }).step;
          if (step >= minStep) return step;
        }
      }
      throw new Error(`no checkpoint at step ≥ ${minStep}: ${stderr}`);
    })();
    return { child, ready, exited, stderr: () => stderr };
  }

  it("SIGKILL midway (twice: the run, then its resumption) leaves only complete files; `samlab resume` finishes bit-identically", async () => {
    const dir = join(tmp, "kill");
    const every = 250_000;
    const run = startCheckpointed(dir, every, 2 * every);
    await run.ready;
    run.child.kill("SIGKILL");
    expect(await run.exited).toBe(-1);
    // nothing half-written: the checkpoint parses completely, the Result was never started
    const files = readdirSync(dir);
    expect(files).toContain("run.ckpt.json");
    expect(files).not.toContain("out.json");
    const state = parseCheckpointJson(readFileSync(join(dir, "run.ckpt.json"), "utf8"));
    expect(state.clock.step % every).toBe(0);
    const leftovers = files.filter((f) => f !== "run.ckpt.json");
    // a kill inside the few-ms write window can leave one `.run.ckpt.json.<pid>.<ms>.tmp` (never the
    // checkpoint itself half-written); the next writer of the same file removes it
    for (const f of leftovers) expect(f).toMatch(/^\.run\.ckpt\.json\.\d+\.\d+\.tmp$/);
    metrics.killedAtCheckpointStep = state.clock.step;
    metrics.tempFilesLeftByKill = leftovers.length;

    // kill the resumed run too, once it has written a later checkpoint
    const again = spawn(process.execPath, [CLI, "resume", "run.ckpt.json", "--out", "out.json", "-q"], { cwd: dir, env });
    const againExit = new Promise<number | null>((r) => again.on("close", (code, sig) => r(code ?? (sig ? -1 : null))));
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 25));
      const step = (JSON.parse(readFileSync(join(dir, "run.ckpt.json"), "utf8")) as { step: number }).step;
      if (step >= state.clock.step + 2 * every) break;
    }
    again.kill("SIGKILL");
    expect(await againExit).toBe(-1);
    const second = parseCheckpointJson(readFileSync(join(dir, "run.ckpt.json"), "utf8"));
    expect(second.clock.step).toBeGreaterThan(state.clock.step);
    expect(readdirSync(dir)).not.toContain("out.json");
    metrics.killedAgainAtCheckpointStep = second.clock.step;

    const t0 = performance.now();
    const p = cli(["resume", "run.ckpt.json", "--out", "resumed.json", "-q"], { cwd: dir, env: { ...env, SAMLAB_DEBUG: "1" } });
    metrics.resumeWallMs = Math.round(performance.now() - t0);
    expect(p.status, p.stderr).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const m = /(\d+) checkpoints, ([\d.]+) ms writing them \(([\d.]+) ms each\)/.exec(p.stderr);
    if (m) metrics.checkpointWriteMsEach = Number(m[3]);
    const resumed = JSON.parse(readFileSync(join(dir, "resumed.json"), "utf8")) as Result;
    const full = await uninterrupted;
    expectSame(full, resumed);
    expect(resumed.timing.steps).toBe(full.timing.steps);
    metrics.uninterruptedEngineMs = Math.round(full.timing.ms);
  });

  it("Ctrl-C (SIGINT) writes the partial Result and a checkpoint, exits 130; resume equals the uninterrupted run", async () => {
    const dir = join(tmp, "sigint");
    const run = startCheckpointed(dir, 1_000_000, 0);
    await run.ready;
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toMatch(/^samlab: interrupted \(SIGINT\) at step \d+; partial Result written to out\.json; checkpoint run\.ckpt\.json — continue with: samlab resume run\.ckpt\.json\n$/);
    const partial = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as Result;
    expect(partial.status.state).toBe("aborted");
    const state = parseCheckpointJson(readFileSync(join(dir, "run.ckpt.json"), "utf8"));
    expect(state.clock.step).toBe(partial.final.step); // the state at the interruption, not the last periodic checkpoint
    expect(partial.final.w.flat()).toEqual(Array.from(state.w));
    const p = cli(["resume", "run.ckpt.json", "--json", "-q", "--stream", "traj.jsonl"], { cwd: dir });
    expect(p.status, p.stderr).toBe(0);
    const resumed = JSON.parse(p.stdout) as Result;
    const full = await uninterrupted;
    expectSame(full, resumed);
    // the resumed stream holds the whole trajectory: the checkpoint's points, then the rest
    const lines = readFileSync(join(dir, "traj.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { step: number; loss: number; beta: number[] });
    expect(lines.map((l) => l.step)).toEqual(full.trajectory.step);
    expect(lines.map((l) => l.loss)).toEqual(full.trajectory.loss);
    expect(lines.at(-1)!.beta).toEqual(full.final.beta);
  });

  it("Ctrl-C without --checkpoint writes one next to --out (or samlab.checkpoint.json)", async () => {
    const dir = join(tmp, "sigint-default");
    mkdirSync(dir);
    // --stream tells when the run loop (and its SIGINT handler) is going: a fixed delay fails on a
    // loaded machine, where the signal can arrive during start-up and take the default action
    const child = spawn(process.execPath, [CLI, "run", ...LONG, "--out", "res.json", "--stream", "s.jsonl", "-q"], { cwd: dir, env });
    let err = "";
    child.stderr.on("data", (b) => (err += b));
    for (let i = 0; i < 2400 && !existsSync(join(dir, "s.jsonl")); i++) await new Promise((r) => setTimeout(r, 25));
    child.kill("SIGINT");
    const code = await new Promise((r) => child.on("close", r));
    expect(code, err).toBe(130);
    expect(readdirSync(dir).sort()).toEqual(["res.checkpoint.json", "res.json", "s.jsonl"]);
    expect(err).toMatch(/samlab resume res\.checkpoint\.json/);
  });

  it("bad checkpoints and bad options are one-line errors with exit 2", () => {
    const dir = join(tmp, "bad");
    mkdirSync(dir);
    const good = cli(["run", "--x", "1,2", "--steps", "1000", "--checkpoint", "c.json", "--every", "300", "-q"], { cwd: dir });
    expect(good.status, good.stderr).toBe(0);
    const text = readFileSync(join(dir, "c.json"), "utf8");
    const cases: [string, string, RegExp][] = [
      ["truncated.json", text.slice(0, text.length >> 1), /^samlab: invalid checkpoint truncated\.json: checkpoint: expected valid JSON/],
      ["result.json", JSON.stringify({ format: "samlab.result/1" }), /format: expected "samlab\.checkpoint\/1" \(this file is "samlab\.result\/1"\)/],
      ["w.json", text.replace(/"w":\[\[[^\]]*\]/, '"w":[[1]'), /invalid checkpoint w\.json: w\[0\]: expected 2 numbers/],
      ["rows.json", text.replace(/"count":(\d+)/, (_, c) => `"count":${Number(c) + 1}`), /records\.f64le: expected \d+ doubles in base64/],
      ["step.json", text.replace(/"step":(\d+)/, '"step":1e300'), /step: expected an integer in \[0, 1000\]/],
      ["spec.json", text.replace(/"lr":0\.01/, '"lr":-1'), /invalid checkpoint spec\.json: spec\.lr: expected a number > 0/],
    ];
    for (const [name, body, re] of cases) {
      writeFileSync(join(dir, name), body);
      const p = cli(["resume", name], { cwd: dir });
      expect(p.status, `${name}: ${p.stderr}`).toBe(2);
      expect(p.stderr).toMatch(re);
      expect(p.stderr.trim().split("\n")).toHaveLength(1);
    }
    const missing = cli(["resume", "nope.json"], { cwd: dir });
    expect([missing.status, missing.stderr]).toEqual([2, "samlab: cannot read checkpoint file nope.json: no such file\n"]);
    const flow = cli(["run", "--x", "1,2", "--checkpoint", "f.json", "--spec", "-"], { cwd: dir, input: JSON.stringify({ version: 1, data: { x: [[1, 2]] }, mode: "flow", tMax: 5 }) });
    expect(flow.status).toBe(2);
    expect(flow.stderr).toMatch(/^samlab: --checkpoint: flows \("mode": "flow"\) cannot be checkpointed/);
    const every = cli(["run", "--x", "1,2", "--checkpoint", "e.json", "--every", "0"], { cwd: dir });
    expect([every.status, every.stderr]).toEqual([2, 'samlab: --checkpoint-every: expected an integer number of steps ≥ 1, got "0"\n']);
    // a checkpoint through stdin
    const viaStdin = cli(["resume", "-", "--json", "-q"], { cwd: dir, input: text });
    expect(viaStdin.status, viaStdin.stderr).toBe(0);
    expect(JSON.parse(viaStdin.stdout).final.step).toBe(1000);
  });
});
