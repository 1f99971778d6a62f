/**
 * Stopping the helper thread never hangs: `mt_stop` waits at most 2 s for an acknowledgement that a
 * helper which died (or never started) cannot give, and `Helper.stop` does not wait at all once the
 * helper's worker has failed. Each case runs in a child process with a timeout, so a regression
 * fails here instead of hanging the test run (a blocked Atomics.wait cannot be interrupted).
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");

/** Runs an ES module script with the threaded core set up on a small run; returns its last stdout line as JSON. */
function child(body: string): { status: number | null; out: Record<string, unknown>; stderr: string } {
  const script = `
import { compileCoreThreaded, sharedMemory, instantiateCoreThreaded, loadHelperSupport, startHelper } from ${JSON.stringify(join(dist, "threads.js"))};
import { compileCore } from ${JSON.stringify(join(dist, "index.js"))};
const mod = await compileCoreThreaded();
const memory = sharedMemory();
const core = instantiateCoreThreaded(mod, memory);
const n = 300, d = 4;
core.setup(n, d, 2, 2, 0);
const f64 = (p, len) => new Float64Array(core.memory.buffer, p >>> 0, len);
f64(core.ptr_x(), n * d).forEach((_, k, a) => (a[k] = ((k * 37) % 11) / 11 - 0.5));
f64(core.ptr_y(), n).forEach((_, i, a) => (a[i] = i % 2 ? 1 : -1));
f64(core.ptr_w(), 2 * d).fill(0.3);
core.prepare();
core.configure(1, 0, 0.05, 0.05);
await loadHelperSupport();
${body}
`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
  const last = r.stdout.trim().split("\n").pop() ?? "";
  let out: Record<string, unknown> = {};
  try {
    out = JSON.parse(last) as Record<string, unknown>;
  } catch {
    /* reported through status and stderr */
  }
  return { status: r.status, out, stderr: r.stderr };
}

describe("stopping the helper thread", () => {
  it("mt_stop with no helper serving (it died or never started) returns 0 after its bounded wait, and the run goes on", () => {
    const r = child(`
const ctrl = core.mt_enable();
const t0 = Date.now();
const stopped = core.mt_stop();
const ms = Date.now() - t0;
const ran = core.run(20);
console.log(JSON.stringify({ stopped, ms, ran, again: core.mt_stop() }));`);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.out).toMatchObject({ stopped: 0, ran: 0, again: -1 });
    expect(r.out.ms as number).toBeGreaterThanOrEqual(1000); // it did wait for an answer first
  });

  it("a helper that serves acknowledges: mt_stop returns 1", () => {
    const r = child(`
const helper = startHelper(core, mod, memory, core.mt_enable());
await helper.ready;
core.run(50);
const stopped = core.mt_stop();
helper.stop();
console.log(JSON.stringify({ stopped, chunks: core.mt_helper_chunks() }));`);
    expect(r.status).toBe(0);
    expect(r.out).toMatchObject({ stopped: 1 });
  });

  it("Helper.stop returns when the helper's worker has failed (a module without its loop), and the run goes on", () => {
    const r = child(`
const helper = startHelper(core, await compileCore(), memory, core.mt_enable());
await helper.ready;
await new Promise((res) => setTimeout(res, 300)); // the worker's error and exit events
helper.stop();
console.log(JSON.stringify({ ran: core.run(20), after: core.mt_stop() }));`);
    expect(r.status).toBe(0);
    expect(r.out).toMatchObject({ ran: 0, after: -1 });
  });
});
