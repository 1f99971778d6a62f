/**
 * The WebAssembly core against the pure-TS reference engine: the same specs, the same final β to
 * 1e-12 relative after 10⁴ steps, over depths, algorithms, losses and data shapes.
 * The two engines use the same operation order, so agreement is typically exact; 1e-12 leaves room
 * for the few-ulp differences of exp/log1p between AssemblyScript's and V8's libm.
 */
import { describe, expect, it } from "vitest";
import { simulate, simulateBatch } from "../index.js";

const cases: { depth: number; algo: "gd" | "sam-l2" | "sam-linf" | "usam"; loss: "logistic" | "exponential"; n: number; d: number }[] = [];
for (const depth of [1, 2, 3, 5])
  for (const algo of ["gd", "sam-l2", "sam-linf", "usam"] as const)
    for (const loss of ["logistic", "exponential"] as const)
      for (const [n, d] of [
        [1, 2],
        [50, 37], // odd d: the vector loops' remainders (dot4's tail, the odd coordinate)
        [1, 100],
        [50, 2],
      ] as const)
        cases.push({ depth, algo, loss, n, d });

function specFor(c: (typeof cases)[number]) {
  const data = c.n === 1 ? { generator: "single" as const, d: c.d, scale: 1 / c.d } : { generator: "gaussian-sparse" as const, n: c.n, d: c.d, k: Math.min(3, c.d), minMargin: 0.1 };
  // step sizes kept in the stable regime of each depth (the parity claim is about arithmetic, not chaos)
  return {
    version: 1 as const,
    data,
    depth: c.depth,
    init: { random: "abs-gaussian" as const, alpha: c.depth === 1 ? 0.02 : c.depth >= 3 ? 0.6 : 0.3 },
    loss: c.loss,
    algo: c.algo,
    rho: 0.02,
    lr: 0.02,
    steps: 10_000,
    record: { points: 50 },
    seed: 7,
  };
}

describe("WASM engine vs reference engine", () => {
  it.each(cases)("L=$depth $algo $loss n=$n d=$d: final β within 1e-12 relative", async (c) => {
    const spec = specFor(c);
    const [a, b] = await Promise.all([simulate({ ...spec, engine: "wasm" }), simulate({ ...spec, engine: "reference" })]);
    expect(a.status.state).toBe("finished");
    expect(b.status.state).toBe("finished");
    const scale = Math.max(...b.final.beta.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    for (let j = 0; j < c.d; j++) expect(Math.abs(a.final.beta[j]! - b.final.beta[j]!)).toBeLessThanOrEqual(1e-12 * scale);
    // the recorded trajectories agree too (same schedule, same values)
    expect(a.trajectory.step).toEqual(b.trajectory.step);
    for (let i = 0; i < a.trajectory.loss.length; i++) {
      expect(Math.abs(a.trajectory.loss[i]! - b.trajectory.loss[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1e-300, Math.abs(b.trajectory.loss[i]!)));
    }
  });
});

/** Seeded regression data: x uniform in [-1, 1), real targets y = <β*, x> + noise (no ±1 anywhere). */
function regressionData(n: number, d: number, seed: number): { x: number[][]; y: number[] } {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const star = Array.from({ length: d }, (_, j) => (j < 3 ? 1.5 - 0.4 * j : 0));
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: d }, u);
    x.push(row);
    y.push(row.reduce((a, v, j) => a + v * star[j]!, 0) + 0.1 * u());
  }
  return { x, y };
}

const squaredCases: { depth: number; algo: "gd" | "sam-l2" | "sam-linf" | "usam"; n: number; d: number }[] = [];
for (const depth of [1, 2, 3, 4])
  for (const algo of ["gd", "sam-l2", "sam-linf", "usam"] as const)
    for (const [n, d] of [
      [1, 2],
      [7, 5],
      [300, 33],
    ] as const)
      squaredCases.push({ depth, algo, n, d });

function squaredSpec(c: (typeof squaredCases)[number]) {
  return {
    version: 1 as const,
    data: regressionData(c.n, c.d, 100 * c.n + c.d),
    depth: c.depth,
    init: { random: "abs-gaussian" as const, alpha: c.depth === 1 ? 0.05 : c.depth >= 3 ? 0.7 : 0.4 },
    loss: "squared" as const,
    algo: c.algo,
    rho: 0.02,
    lr: 0.05,
    steps: 3000,
    record: { points: 30 },
    seed: 7,
  };
}

function expectClose(a: readonly number[], b: readonly number[]): void {
  const scale = Math.max(...b.map(Math.abs));
  expect(scale).toBeGreaterThan(0);
  for (let j = 0; j < b.length; j++) expect(Math.abs(a[j]! - b[j]!)).toBeLessThanOrEqual(1e-12 * scale);
}

describe("WASM engine vs reference engine, squared loss (real targets)", () => {
  it.each(squaredCases)("L=$depth $algo squared n=$n d=$d: final β within 1e-12 relative", async (c) => {
    const spec = squaredSpec(c);
    const [a, b] = await Promise.all([simulate({ ...spec, engine: "wasm" }), simulate({ ...spec, engine: "reference" })]);
    expect(a.status.state).toBe("finished");
    expect(b.status.state).toBe("finished");
    expectClose(a.final.beta, b.final.beta);
    expect(a.trajectory.step).toEqual(b.trajectory.step);
    for (let i = 0; i < a.trajectory.loss.length; i++) {
      expect(Math.abs(a.trajectory.loss[i]! - b.trajectory.loss[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1e-300, Math.abs(b.trajectory.loss[i]!)));
    }
    // it learned something: the training loss fell
    expect(b.final.loss).toBeLessThan(b.trajectory.loss[0]!);
  });

  it.each(["loss-normalized", "inv-sqrt"] as const)("the %s step-size schedule matches the reference", async (lrSchedule) => {
    for (const algo of ["gd", "sam-l2"] as const) {
      const spec = { ...squaredSpec({ depth: 2, algo, n: 7, d: 5 }), lrSchedule, lr: 0.01, steps: 500 };
      const [a, b] = await Promise.all([simulate({ ...spec, engine: "wasm" }), simulate({ ...spec, engine: "reference" })]);
      expect(a.status.state).toBe("finished");
      expectClose(a.final.beta, b.final.beta);
    }
  });

  it.each(["gd", "sam-l2", "sam-linf", "usam"] as const)("two threads and f32 storage of x match the reference (%s)", async (algo) => {
    const spec = { ...squaredSpec({ depth: 2, algo, n: 300, d: 33 }), data: regressionData(600, 9, 5), steps: 500 };
    const ref = await simulate({ ...spec, engine: "reference" });
    const two = await simulate({ ...spec, engine: "wasm" }, { threads: 2 });
    expectClose(two.final.beta, ref.final.beta);
    const f32 = { ...spec, precision: { x: "f32" as const } };
    const [a, b] = await Promise.all([simulate({ ...f32, engine: "wasm" }), simulate({ ...f32, engine: "reference" })]);
    expectClose(a.final.beta, b.final.beta);
  });

  it.each(["gd", "sam-l2", "sam-linf", "usam"] as const)("the batched kernel matches single reference runs (%s)", async (algo) => {
    for (const [data, depth] of [
      [{ x: [[1, 2]], y: [0.7] }, 2],
      [regressionData(9, 4, 3), 3],
    ] as const) {
      const d = data.x[0]!.length;
      const inits = [0.1, 0.25, 0.4].map((a) => Array.from({ length: d }, (_, j) => a + 0.03 * j));
      const base = { version: 1 as const, data, depth, loss: "squared" as const, algo, rho: 0.03, lr: 0.05, steps: 800 };
      const batch = await simulateBatch({ spec: base, inits });
      for (let r = 0; r < inits.length; r++) {
        const ref = await simulate({ ...base, init: { alpha: inits[r]! }, engine: "reference", record: { points: 2 } });
        expectClose(batch.beta[r]!, ref.final.beta);
      }
    }
  });
});
