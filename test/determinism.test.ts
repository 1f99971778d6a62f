/**
 * Determinism: the same spec gives bit-identical results run after run, from the CLI
 * (`samlab run --json`), the API (`simulate()` in Node, twice, and with two threads) and a browser
 * — for the fast kernels and for the general plain step (mini-batches, ASAM, k-step ascent, 1-SAM) —
 * (the built explorer page in headless Chromium, `window.samlab.result`). Compared by SHA-256 of
 * the little-endian Float64 bytes of the final state (w, β, t, loss) and of the whole trajectory
 * (every column), each hash computed where the numbers live (the page hashes with crypto.subtle).
 * −0 is hashed as +0 everywhere, because the CLI's JSON cannot carry the sign of zero.
 * Then the whole Result as JSON text (diagnostics and all, but `timing`) must match too.
 * The hashes go to test-artifacts/determinism.json.
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { simulate, TRAJECTORY_COLUMNS, type Result } from "@samlab/sim";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./web/browser.js";
import { serveStatic, type StaticServer } from "./web/server.js";

const ROOT = new URL("..", import.meta.url).pathname;
const CLI = join(ROOT, "packages/cli/dist/cli.js");

/** The numbers hashed, in a fixed order: final w (layer-major), β, t, loss; then each trajectory column; then β at each point. */
function stateNumbers(r: Result, columns: readonly string[]): number[] {
  const t = r.trajectory as unknown as Record<string, number[]>;
  return [...r.final.w.flat(), ...r.final.beta, r.final.t, r.final.loss, r.final.step, ...columns.flatMap((c) => t[c]!), ...r.trajectory.beta.flat()];
}

function sha256(nums: number[]): string {
  const a = Float64Array.from(nums, (v) => (Object.is(v, -0) ? 0 : v));
  const bytes = new Uint8Array(a.length * 8);
  const view = new DataView(bytes.buffer);
  a.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return createHash("sha256").update(bytes).digest("hex");
}

/** The same hash, computed inside the page on its own Result object. */
async function pageHash(page: Page, columns: readonly string[]): Promise<string> {
  return page.evaluate(async (cols) => {
    const r = window.samlab.result!;
    const t = r.trajectory as unknown as Record<string, number[]>;
    const nums = [...r.final.w.flat(), ...r.final.beta, r.final.t, r.final.loss, r.final.step, ...cols.flatMap((c) => t[c]!), ...r.trajectory.beta.flat()];
    const bytes = new Uint8Array(nums.length * 8);
    const view = new DataView(bytes.buffer);
    nums.forEach((v, i) => view.setFloat64(i * 8, Object.is(v, -0) ? 0 : v, true));
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }, columns as string[]);
}

const SPECS = [
  { version: 1, name: "det: ℓ2-SAM, x=(1,2,3,4)", data: { x: [[1, 2, 3, 4]] }, depth: 2, algo: "sam-l2", rho: 0.05, lr: 0.01, steps: 20_000, init: { alpha: 0.02 } },
  { version: 1, name: "det: GD, gaussian-sparse (seeded data and init)", data: { generator: "gaussian-sparse", n: 30, d: 10, k: 3, seed: 11 }, depth: 3, algo: "gd", lr: 0.05, steps: 8000, init: { random: "abs-gaussian", alpha: 0.2, seed: 5 } },
  { version: 1, name: "det: ℓ∞-SAM, per-coordinate init", data: { x: [[1, 2], [2, -1]], y: [1, -1] }, depth: 2, algo: "sam-linf", rho: 0.1, lr: 0.01, steps: 10_000, init: { alpha: [0.05, 0.3] } },
  { version: 1, name: "det: USAM, exponential loss, inv-sqrt", data: { x: [[1, -2, 0.5], [0.3, 1, -1]], y: [1, -1] }, depth: 2, loss: "exponential", algo: "usam", rho: 0.02, lr: 0.05, lrSchedule: "inv-sqrt", steps: 6000 },
  // the general plain step (one thread whatever `threads` says): a mini-batch run and a 1-SAM run
  // (n > 128: two row blocks, so `threads: 2` would split a full-batch gradient; no LP diagnostics, to keep the test short)
  { version: 1, name: "det: mini-batch ASAM, 2-step ascent", data: { generator: "gaussian-sparse", n: 300, d: 20, k: 3, seed: 4 }, depth: 2, algo: "asam", batch: 32, sam: { ascentSteps: 2, xi: 0.05 }, rho: 0.05, lr: 0.05, steps: 2000, init: { alpha: 0.1 }, diagnostics: { maxMargin: false } },
  { version: 1, name: "det: 1-SAM, gaussian-sparse", data: { generator: "gaussian-sparse", n: 160, d: 10, k: 3, seed: 6 }, depth: 2, algo: "sam-l2", sam: { group: 1 }, rho: 0.05, lr: 0.05, steps: 600, init: { alpha: 0.1 }, diagnostics: { maxMargin: false } },
  { version: 1, name: "det: reference engine", data: { generator: "single", d: 5, scale: 0.5 }, depth: 2, algo: "sam-l2", rho: 0.05, lr: 0.01, steps: 3000, engine: "reference" },
];

let server: StaticServer;
let browser: Browser;
const table: Record<string, Record<string, string>> = {};

describe("determinism: CLI, API and browser give the same bits", () => {
  beforeAll(async () => {
    server = await serveStatic(join(ROOT, "packages/web/dist"));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    mkdirSync(join(ROOT, "test-artifacts"), { recursive: true });
    writeFileSync(join(ROOT, "test-artifacts/determinism.json"), JSON.stringify(table, null, 2) + "\n");
  });

  it("run after run, through the API (one and two threads), the CLI and the explorer page", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    for (const spec of SPECS) {
      const cols = TRAJECTORY_COLUMNS;
      const api1 = await simulate(spec);
      expect(api1.status.state, spec.name).toBe("finished");
      const api2 = await simulate(spec);
      const apiThreads = spec.engine === "reference" ? api2 : await simulate(spec, { threads: 2 });
      const cli = spawnSync(process.execPath, [CLI, "run", "--spec", "-", "--json", "-q"], { input: JSON.stringify(spec), encoding: "utf8", maxBuffer: 256 << 20 });
      expect(cli.status, cli.stderr).toBe(0);
      const cliResult = JSON.parse(cli.stdout) as Result;
      await page.goto(`${server.url}/?spec=${encodeURIComponent(JSON.stringify(spec))}`);
      await page.waitForFunction((name) => window.samlab?.result?.spec?.name === name && window.samlab.result.status.state !== "running", spec.name, { timeout: 60_000 });
      const row = {
        api: sha256(stateNumbers(api1, cols)),
        apiAgain: sha256(stateNumbers(api2, cols)),
        apiTwoThreads: sha256(stateNumbers(apiThreads, cols)),
        cli: sha256(stateNumbers(cliResult, cols)),
        browser: await pageHash(page, cols),
      };
      table[spec.name] = row;
      for (const [where, h] of Object.entries(row)) expect(h, `${spec.name}: ${where}`).toBe(row.api);
      // and the whole Result (diagnostics, dominant sequence, …) as text, all but the timing
      const text = (r: Result) => JSON.stringify({ ...r, timing: null });
      expect(text(cliResult), `${spec.name}: CLI Result`).toBe(text(api1));
      expect(await page.evaluate(() => JSON.stringify({ ...window.samlab.result!, timing: null })), `${spec.name}: page Result`).toBe(text(api1));
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000); // seven specs × five routes (a busy machine needs more than the default two minutes)
});
