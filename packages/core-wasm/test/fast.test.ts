/**
 * The fast kernels (assembly/fast.ts: registers for n = 1, d = 2, L = 2; row pairs and f64x2 for the
 * rest) against the plain model.ts step they replace: the same bits, step after step, over shapes that
 * exercise every tail (odd n, odd d, n mod 8, L = 1, 2, ≥ 3), every algorithm and every loss (the squared loss reads x and y apart).
 */
import { describe, expect, it } from "vitest";
import { ALGO, LOSS, compileCore, instantiateCore, type CoreExports } from "../dist/index.js";

type Fast = CoreExports;

/** Deterministic data: x uniform in [-1, 1), labels from a planted direction (separable). */
function data(n: number, d: number, seed: number) {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const star = Array.from({ length: d }, (_, j) => (j % 3 === 0 ? 1 : 0.3) * (j % 2 ? -1 : 1));
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < d; j++) m += star[j]! * (x[i * d + j] = u());
    y[i] = m >= 0 ? 1 : -1;
  }
  return { x, y };
}

function start(mod: WebAssembly.Module, fast: boolean, n: number, d: number, L: number, x: Float64Array, y: Float64Array, w0: number[], xF32 = false) {
  const core = instantiateCore(mod) as Fast;
  core.setup(n, d, L, 3, 0);
  core.set_fast_kernels(fast ? 1 : 0);
  core.set_x_f32(xF32 ? 1 : 0);
  new Float64Array(core.memory.buffer, core.ptr_x(), n * d).set(x);
  new Float64Array(core.memory.buffer, core.ptr_y(), n).set(y);
  new Float64Array(core.memory.buffer, core.ptr_w(), L * d).set(w0);
  new Float64Array(core.memory.buffer, core.ptr_schedule(), 1).set([0]);
  core.prepare();
  core.set_schedule_len(1);
  return core;
}

const bits = (core: CoreExports, len: number) => Array.from(new BigUint64Array(core.memory.buffer, core.ptr_w(), len));

const shapes: [number, number, number][] = [
  [1, 2, 2], [1, 3, 2], [1, 2, 1], [1, 2, 3], [2, 2, 2], [3, 1, 2], [7, 5, 3], [8, 4, 2], [9, 3, 1], [16, 7, 2], [17, 10, 5], [33, 16, 3], [50, 100, 2],
  [300, 9, 2], [529, 6, 3], // across row blocks (assembly/order.ts): 128 + 128 + 44 rows; 4 × 128 + 17
];

describe("fast kernels = plain step, bit for bit", () => {
  it.each(shapes)("n=%i d=%i L=%i, all algorithms and losses", async (n, d, L) => {
    const mod = await compileCore();
    const { x, y } = data(n, d, 11 * n + d);
    const w0 = Array.from({ length: L * d }, (_, k) => 0.2 + 0.05 * ((k * 7) % 5) - (k % 4 === 3 ? 0.3 : 0));
    for (const algo of ["gd", "sam-l2", "sam-linf", "usam"] as const)
      for (const loss of ["logistic", "exponential", "squared"] as const) {
        const a = start(mod, true, n, d, L, x, y, w0);
        const b = start(mod, false, n, d, L, x, y, w0);
        for (const c of [a, b]) c.configure(ALGO[algo], LOSS[loss], L >= 3 ? 0.05 : 0.1, 0.05);
        for (const until of [1, 2, 3, 50, 400]) {
          expect(a.run(until)).toBe(b.run(until));
          expect(bits(a, L * d), `${algo} ${loss} step ${until}`).toEqual(bits(b, L * d));
        }
      }
  });

  it.each(shapes.filter(([n]) => n > 1))("f32 storage of x rounded to f32 = f64 storage of the same x: n=%i d=%i L=%i", async (n, d, L) => {
    const mod = await compileCore();
    const { x, y } = data(n, d, 3 * n + d);
    const xr = Float64Array.from(x, Math.fround);
    const w0 = Array.from({ length: L * d }, (_, k) => 0.3 + 0.02 * (k % 7));
    for (const algo of ["gd", "sam-l2"] as const) {
      const a = start(mod, true, n, d, L, xr, y, w0, true);
      const b = start(mod, true, n, d, L, xr, y, w0, false);
      for (const c of [a, b]) c.configure(ALGO[algo], LOSS.logistic, 0.05, 0.05);
      expect(a.run(300)).toBe(b.run(300));
      expect(bits(a, L * d)).toEqual(bits(b, L * d));
    }
  });

  it("stops at the same step, with the same last finite parameters, when a value overflows", async () => {
    const mod = await compileCore();
    for (const [n, d, L] of [[1, 2, 2], [9, 3, 2]] as const) {
      const { x, y } = data(n, d, 5);
      const w0 = Array.from({ length: L * d }, (_, k) => (k % 2 ? -0.5 : 0.5));
      const a = start(mod, true, n, d, L, x, y, w0);
      const b = start(mod, false, n, d, L, x, y, w0);
      for (const c of [a, b]) c.configure(ALGO.gd, LOSS.exponential, 1e300, 0);
      expect(a.run(100)).toBe(1);
      expect(b.run(100)).toBe(1);
      expect(a.nonfinite_step()).toBe(b.nonfinite_step());
      expect(bits(a, L * d)).toEqual(bits(b, L * d));
    }
  });
});
