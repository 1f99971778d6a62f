/**
 * Flows of the squared loss (docs/FLOWS.md): the gradient flow on an orthogonal design against its
 * closed forms (L = 1: each coordinate approaches the least-squares solution exponentially; balanced
 * L = 2: a logistic equation per coordinate), the WebAssembly flow against the reference flow, and
 * the refusals of what has no flow (the rescaled flow; the discrete-only options).
 *
 * Design: x_1 = (2, 0), x_2 = (0, 1), y = (1, 0.25). Then (1/n) XᵀX = diag(s) with s = (2, 0.5) and the
 * least-squares solution is β* = (0.5, 0.25); ∂L/∂β_j = s_j (β_j − β*_j), coordinates decoupled.
 */
import { describe, expect, it } from "vitest";
import { parseSpec, simulate, SpecError } from "../index.js";

const engines = ["wasm", "reference"] as const;
const data = { x: [[2, 0], [0, 1]], y: [1, 0.25] };
const s = [2, 0.5];
const star = [0.5, 0.25];
const maxAbs = (a: number[]) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe.each(engines)("squared-loss gradient flow on engine %s", (engine) => {
  it("L = 1: β_j(t) = β*_j + (β_j(0) − β*_j)·e^{−s_j t} (an exponential approach)", async () => {
    const b0 = [-0.3, 1.2];
    const r = await simulate({ version: 1, data, depth: 1, init: { values: [b0] }, loss: "squared", mode: "flow", tMax: 30, tMin: 1e-3, rtol: 1e-11, atol: 1e-14, record: { points: 40 }, engine });
    expect(r.status.state).toBe("finished");
    let worst = 0;
    r.trajectory.t.forEach((t, i) => {
      const want = star.map((b, j) => b + (b0[j]! - b) * Math.exp(-s[j]! * t));
      worst = Math.max(worst, maxAbs(r.trajectory.beta[i]!.map((v, j) => v - want[j]!)));
    });
    // a contracting linear flow: the global error is below the sum of the local tolerances
    expect(worst).toBeLessThan(1e-9);
    expect(r.trajectory.t.at(-1)).toBeCloseTo(30, 12);
  });

  it("balanced L = 2 (w₁ = w₂ = u): β_j' = −2 s_j β_j (β_j − β*_j), so β_j(t) = β*_j β_j(0) / (β_j(0) + (β*_j − β_j(0)) e^{−2 s_j β*_j t})", async () => {
    const a = [0.1, 0.9]; // β(0) = (0.01, 0.81): one coordinate grows to β*, the other shrinks to it
    const r = await simulate({ version: 1, data, depth: 2, init: { alpha: a }, loss: "squared", mode: "flow", tMax: 80, tMin: 1e-3, rtol: 1e-11, atol: 1e-14, record: { points: 40 }, engine });
    expect(r.status.state).toBe("finished");
    let worst = 0;
    r.trajectory.t.forEach((t, i) => {
      const want = star.map((b, j) => {
        const b0 = a[j]! * a[j]!;
        return (b * b0) / (b0 + (b - b0) * Math.exp(-2 * s[j]! * b * t));
      });
      worst = Math.max(worst, maxAbs(r.trajectory.beta[i]!.map((v, j) => v - want[j]!)));
    });
    expect(worst).toBeLessThan(1e-8);
    expect(maxAbs(r.final.beta.map((v, j) => v - star[j]!))).toBeLessThan(1e-6);
  });
});

describe("squared-loss flows: the engines agree", () => {
  it.each([
    ["gd", "gradient", 2],
    ["sam-l2", "sam", 2],
    ["sam-l2", "sam", 3],
    ["usam", "sam", 2],
    ["sam-linf", "sam", 3],
  ] as const)("%s %s flow, depth %i, sparse regression: WebAssembly and reference within 1e-8 relative", async (algo, flow, depth) => {
    // up to t = 5 (before any coordinate slides: near an interpolator the ℓ2-SAM flow's
    // perturbation direction turns discontinuous and the integrator grinds, see docs/FLOWS.md)
    const spec = { version: 1 as const, data: { generator: "sparse-regression" as const, n: 8, d: 5, k: 2, test: 10, seed: 9 }, depth, init: { random: "abs-gaussian" as const, alpha: 0.6, seed: 4 }, algo, rho: 0.01, loss: "squared" as const, mode: "flow" as const, flow, tMax: 5, rtol: 1e-9, record: { points: 20 } };
    const [a, b] = await Promise.all([simulate({ ...spec, engine: "wasm" }), simulate({ ...spec, engine: "reference" })]);
    expect(a.status.state).toBe("finished");
    expect(b.status.state).toBe("finished");
    expect(a.trajectory.t).toEqual(b.trajectory.t);
    const scale = maxAbs(b.final.beta);
    expect(maxAbs(a.final.beta.map((v, j) => v - b.final.beta[j]!))).toBeLessThanOrEqual(1e-8 * scale + 2 * b.flow!.accepted * 1e-9 * scale);
    // the flow trains: the loss falls, and a test set is evaluated along it
    expect(a.final.loss).toBeLessThan(a.trajectory.loss[0]!);
    expect(a.final.testLoss).toBeGreaterThan(0);
  });
});

describe("squared-loss flows in the spec", () => {
  const base = { version: 1 as const, data: { x: [[1, 2]], y: [0.5] }, loss: "squared" as const, mode: "flow" as const };
  const fieldOf = (spec: Record<string, unknown>) => {
    try {
      parseSpec(spec);
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      return { field: (e as SpecError).field, message: (e as Error).message };
    }
    return undefined;
  };
  it("accepts the gradient and SAM flows", () => {
    expect(parseSpec(base).flow).toBe("gradient");
    expect(parseSpec({ ...base, algo: "sam-l2" }).flow).toBe("sam");
  });
  it("refuses the rescaled flow with one line naming the field", () => {
    expect(fieldOf({ ...base, algo: "sam-l2", flow: "rescaled" })).toEqual({
      field: "flow",
      message: `flow: expected "gradient" or "sam" with "loss": "squared" (the rescaled flow divides by mean −ℓ', which is not positive for a residual)`,
    });
  });
  it("says that the discrete-only options are discrete-only", () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ algo: "sam-l2", sam: { group: 1 } }, "sam.group", /discrete/],
      [{ rhoSchedule: "linear-decay" }, "rhoSchedule", /discrete/],
      [{ switch: { step: 1, algo: "sam-l2" } }, "switch", /discrete/],
      [{ lrSchedule: "inv-sqrt" }, "lrSchedule", /discrete/],
    ];
    for (const [extra, field, text] of cases) {
      const got = fieldOf({ ...base, ...extra });
      expect(got?.field).toBe(field);
      expect(got?.message).toMatch(text);
    }
  });
});
