/**
 * Golden results: the exact bits of a set of runs that covers every algorithm × loss × kernel path
 * (the register kernel for one example in two dimensions, the row-blocked kernel, two threads, f32
 * storage of x, the step-size schedules, the batched phase-grid kernel, the flows and the pure-TS
 * reference engine). Each case stores its final β and loss as hex floats and a SHA-256 of the whole
 * trajectory (every column, then β at every point). A change of structure must not change a bit.
 *
 * Regenerate (only when a change of numbers is intended, and say so in CHANGELOG.md):
 *   SAMLAB_GOLDEN_WRITE=1 pnpm --filter @samlab/test exec vitest run golden
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { simulate, TRAJECTORY_COLUMNS, type Result } from "@samlab/sim";
import { simulateBatch } from "@samlab/sim";
import { afterAll, describe, expect, it } from "vitest";

const FIXTURE = new URL("./fixtures/golden.json", import.meta.url);
const WRITE = process.env.SAMLAB_GOLDEN_WRITE === "1";

interface Golden {
  beta: string[];
  loss: string;
  trajectory: string;
}

function hex(v: number): string {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v);
  return b.getBigUint64(0).toString(16).padStart(16, "0");
}

function sha(nums: Iterable<number>): string {
  const a = Float64Array.from(nums);
  return createHash("sha256").update(new Uint8Array(a.buffer)).digest("hex");
}

function golden(r: Result): Golden {
  const t = r.trajectory as unknown as Record<string, number[] | undefined>;
  const nums: number[] = [];
  for (const c of TRAJECTORY_COLUMNS) nums.push(...(t[c] ?? []));
  for (const row of r.trajectory.beta) nums.push(...row);
  return { beta: r.final.beta.map(hex), loss: hex(r.final.loss), trajectory: sha(nums) };
}

const ALGOS = ["gd", "sam-l2", "sam-linf", "usam"] as const;
const LOSSES = ["logistic", "exponential"] as const;

/** Named specs; `threads` is passed to simulate. */
function cases(): { name: string; spec: Record<string, unknown>; threads?: number }[] {
  const out: { name: string; spec: Record<string, unknown>; threads?: number }[] = [];
  for (const algo of ALGOS) {
    for (const loss of LOSSES) {
      const base = { version: 1, algo, loss, rho: 0.08, lr: 0.05 };
      // the register kernel: n = 1, d = 2, L = 2
      out.push({ name: `tiny ${algo} ${loss}`, spec: { ...base, data: { x: [[1, 2]], y: [1] }, depth: 2, init: { alpha: [0.3, 0.12] }, steps: 3000 } });
      // the row-blocked kernel: n > 128 (two row blocks), odd d, L = 3
      out.push({ name: `rows ${algo} ${loss}`, spec: { ...base, data: { generator: "gaussian-sparse", n: 300, d: 7, k: 3, seed: 4 }, depth: 3, init: { alpha: 0.3 }, steps: 400 } });
      // L = 1 and L = 4
      out.push({ name: `L1 ${algo} ${loss}`, spec: { ...base, data: { generator: "gaussian-sparse", n: 20, d: 6, seed: 2 }, depth: 1, init: { alpha: 0.1 }, steps: 500 } });
      out.push({ name: `L4 ${algo} ${loss}`, spec: { ...base, data: { generator: "gaussian-sparse", n: 9, d: 5, seed: 3 }, depth: 4, init: { random: "abs-gaussian", alpha: 0.5, seed: 7 }, steps: 500 } });
      // the reference engine on the rows case
      out.push({ name: `reference ${algo} ${loss}`, spec: { ...base, engine: "reference", data: { generator: "gaussian-sparse", n: 300, d: 7, k: 3, seed: 4 }, depth: 3, init: { alpha: 0.3 }, steps: 200 } });
    }
    // two threads, f32 storage, schedules (logistic)
    const base = { version: 1, algo, rho: 0.08, lr: 0.05 };
    out.push({ name: `threads ${algo}`, threads: 2, spec: { ...base, data: { generator: "gaussian-sparse", n: 600, d: 9, seed: 5 }, depth: 2, init: { alpha: 0.2 }, steps: 300 } });
    out.push({ name: `f32 ${algo}`, spec: { ...base, precision: { x: "f32" }, data: { generator: "gaussian-sparse", n: 300, d: 8, seed: 6 }, depth: 2, init: { alpha: 0.2 }, steps: 300 } });
    for (const lrSchedule of ["inv-sqrt", "loss-normalized", "rescaled"]) {
      out.push({ name: `${lrSchedule} ${algo}`, spec: { ...base, lrSchedule, lr: lrSchedule === "loss-normalized" ? 0.002 : 0.05, data: { x: [[1, 2, 3]], y: [1] }, depth: 2, init: { alpha: 0.1 }, steps: lrSchedule === "loss-normalized" ? 300 : 2000 } });
    }
    // flows
    const flow = algo === "gd" ? "gradient" : "sam";
    out.push({ name: `flow ${flow} ${algo}`, spec: { ...base, mode: "flow", flow, data: { x: [[1, 2]], y: [1] }, depth: 2, init: { alpha: 0.1 }, tMax: 1e6 } });
    out.push({ name: `flow rescaled ${algo}`, spec: { ...base, mode: "flow", flow: "rescaled", data: { x: [[1, 2]], y: [1] }, depth: 2, init: { alpha: 0.1 }, tMax: 100 } });
    out.push({ name: `flow reference ${flow} ${algo}`, spec: { ...base, engine: "reference", mode: "flow", flow, data: { x: [[1, 2], [2, 0.5]], y: [1, 1] }, depth: 3, init: { alpha: 0.2 }, tMax: 1e4 } });
  }
  return out;
}

const stored: Record<string, unknown> = WRITE ? {} : (JSON.parse(readFileSync(FIXTURE, "utf8")) as Record<string, unknown>);
const written: Record<string, unknown> = {};

describe("golden results: the same bits as the recorded fixture", () => {
  for (const c of cases()) {
    it(c.name, async () => {
      const r = await simulate(c.spec, { threads: c.threads });
      expect(r.status.ok, JSON.stringify(r.status)).toBe(true);
      expect(r.final.step > 0 || r.final.t > 0).toBe(true); // the run advanced
      const g = golden(r);
      if (WRITE) written[c.name] = g;
      else expect(g).toEqual(stored[c.name]);
    });
  }

  // the batched phase-grid kernel: ℓ∞-SAM and ℓ2-SAM over a small grid of per-coordinate inits
  for (const algo of ["sam-linf", "sam-l2", "gd"] as const) {
    it(`batch ${algo}`, async () => {
      const inits: number[][] = [];
      for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) inits.push([0.02 + 0.04 * a, 0.03 + 0.04 * b]);
      const r = await simulateBatch({ spec: { version: 1, data: { x: [[1, 2]], y: [1] }, depth: 2, algo, rho: 0.1, lr: 0.05, steps: 2000 }, inits });
      const g = { w: sha(r.w), nonfiniteStep: r.nonfiniteStep };
      if (WRITE) written[`batch ${algo}`] = g;
      else expect(g).toEqual(stored[`batch ${algo}`]);
    });
  }

  afterAll(() => {
    if (WRITE) writeFileSync(FIXTURE, JSON.stringify(written, null, 1) + "\n");
  });
});
