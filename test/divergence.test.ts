/**
 * Divergence: at too large a step size the run stops, reports the first non-finite step
 * and keeps the last finite state — also when w stays finite but β = w_1⊙…⊙w_L (or a margin)
 * overflows, which the engines alone do not see — and the CLI exits 3 suggesting a smaller lr.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { simulate, type Result } from "@samlab/sim";
import { describe, expect, it } from "vitest";

const CLI = join(new URL("..", import.meta.url).pathname, "packages/cli/dist/cli.js");
const finite = (r: Result) => [...r.final.w.flat(), ...r.final.beta, r.final.loss, ...r.trajectory.l1, ...r.trajectory.loss].every(Number.isFinite);

describe("divergence", () => {
  const cases = [
    { why: "w overflows (engine check)", spec: { version: 1, data: { x: [[1, 2]] }, depth: 1, loss: "exponential", algo: "gd", lr: 1e280, steps: 1000, init: { alpha: -30 } } },
    { why: "β overflows while w stays finite (huge lr)", spec: { version: 1, data: { x: [[1, 2]] }, depth: 2, algo: "gd", lr: 1e300, steps: 100 } },
    { why: "β overflows at depth 8 (lr 1e60)", spec: { version: 1, data: { x: [[1, 2]] }, depth: 8, algo: "gd", lr: 1e60, steps: 100 } },
    { why: "β overflows under ℓ2-SAM, reference engine", spec: { version: 1, data: { x: [[1, 2], [3, -1]], y: [1, 1] }, depth: 2, algo: "sam-l2", lr: 1e200, steps: 100, engine: "reference" } },
    { why: "a margin overflows after 515 steps of a 10⁶-step chunk (η/L(w))", spec: { version: 1, data: { x: [[1, 2]] }, depth: 2, algo: "gd", lrSchedule: "loss-normalized", lr: 0.5, steps: 1_000_000 } },
    { why: "β overflows after 77 steps at depth 3 (η/L(w))", spec: { version: 1, data: { x: [[1, 2]] }, depth: 3, algo: "gd", lrSchedule: "loss-normalized", lr: 0.1, steps: 1_000_000 } },
  ];
  for (const { why, spec } of cases) {
    it(`${why}: stops at the first bad step with the last finite state`, async () => {
      const r = await simulate(spec);
      expect(r.status.state).toBe("nonfinite");
      expect(r.status.ok).toBe(false);
      const at = r.status.nonfiniteStep!;
      expect(at).toBeGreaterThan(0);
      expect(r.final.step).toBe(at - 1);
      expect(r.status.message).toMatch(new RegExp(`^a non-finite value appeared at step ${at}\\b.*the final state is the last finite one \\(step ${at - 1}\\); try a smaller step size \\(lr\\) than ${String(spec.lr).replace("+", "\\+")}`));
      expect(finite(r)).toBe(true);
      expect(r.trajectory.step.at(-1)).toBe(at - 1);
      // the final state is exactly the uninterrupted run's state at that step
      const upTo = await simulate({ ...spec, steps: at - 1 });
      expect(upTo.status.state).toBe("finished");
      expect(r.final.w).toEqual(upTo.final.w);
      expect(r.final.beta).toEqual(upTo.final.beta);
    });
  }

  it("an initialization whose β overflows is reported at step 0", async () => {
    const r = await simulate({ version: 1, data: { x: [[1, 2]] }, depth: 30, algo: "gd", lr: 0.1, steps: 100, init: { alpha: 1e12 } });
    expect(r.status).toMatchObject({ ok: false, state: "nonfinite", nonfiniteStep: 0 });
    expect(r.status.message).toMatch(/initial state is not finite .*smaller initialization scale \(alpha\)/);
  });

  it("a large but finite run is not flagged (β ≈ 1e297 is finite)", async () => {
    const r = await simulate({ version: 1, data: { x: [[1, 2]] }, depth: 2, algo: "gd", lr: 1e150, steps: 100 });
    expect(r.status.state).toBe("finished");
    expect(finite(r)).toBe(true);
  });

  it("the CLI exits 3 with a one-line message and still writes the Result", () => {
    const p = spawnSync(process.execPath, [CLI, "run", "--x", "1,2", "--lr", "1e300", "--steps", "100", "--json"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(p.status).toBe(3);
    expect(p.stderr).toMatch(/^samlab: a non-finite value appeared at step 1 \(β = w_1⊙…⊙w_L overflowed, w still finite\); the final state is the last finite one \(step 0\); try a smaller step size \(lr\) than 1e\+300\n$/);
    const r = JSON.parse(p.stdout) as Result;
    expect(r.status.nonfiniteStep).toBe(1);
    expect(finite(r)).toBe(true);
  });
});
