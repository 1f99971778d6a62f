// The benchmark workloads of issue 7, made deterministically from seeds with @samlab/sim's own
// generators (so every engine sees identical data), and written to one binary file per workload
// that the C, NumPy and Node engines all read:
//   little-endian f64: n, d, L, algo, loss, lr, rho, R, then x (n·d, row-major), y (n), w0 (R·L·d).
// Called once per `pnpm bench` by bench/run.mjs (and by bench/engines.mjs to read a file back).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { makeDataset, makeInit } from "../packages/sim/dist/data/index.js";

// the engines' codes (packages/core-wasm/codes.json), also what bench/native/step.c and numpy_step.py read
import { ALGO, LOSS } from "../packages/core-wasm/dist/index.js";
export { ALGO, LOSS };

/** B1's grid of per-coordinate initial scales: 64 values per axis, log-spaced over [0.01, 1] (ρ = 0.1 in the middle). */
export function b1Grid(side = 64) {
  const a = Array.from({ length: side }, (_, k) => 0.01 * Math.pow(100, k / (side - 1)));
  const inits = [];
  for (const a1 of a) for (const a2 of a) inits.push([a1, a2]);
  return inits;
}

/**
 * The workloads. `steps` gives each engine's step count per timed repetition (chosen so one
 * repetition takes ~0.1–1 s); `check` is the common step count at which all engines' final β are
 * compared. `quick` shrinks everything for a smoke run.
 */
export function workloads(quick = false) {
  const q = (v) => (quick ? Math.max(1, Math.round(v / 20)) : v);
  return [
    {
      name: "W1",
      what: "x = (1, 2), y = +1; L = 2; ℓ2-SAM, ρ = 0.1, η = 0.05, α = 0.1",
      spec: { data: { x: [[1, 2]], y: [1] }, depth: 2, init: { alpha: 0.1 }, algo: "sam-l2", loss: "logistic", rho: 0.1, lr: 0.05, seed: 1 },
      steps: { c: q(2e7), wasm: q(2e7), reference: q(2e6), numpy: q(2e4) },
      check: q(2e4),
    },
    {
      name: "W2",
      what: "n = 200, d = 100, Gaussian, 5-sparse truth, margin ≥ 0.1; L = 2; ℓ2-SAM, ρ = 0.05, η = 0.05, α = 0.1",
      spec: { data: { generator: "gaussian-sparse", n: 200, d: 100, k: 5, minMargin: 0.1, seed: 2 }, depth: 2, init: { alpha: 0.1 }, algo: "sam-l2", loss: "logistic", rho: 0.05, lr: 0.05, seed: 2 },
      steps: { c: q(4e4), wasm: q(4e4), reference: q(1e4), numpy: q(2e4) },
      check: q(1e4),
      threads: true,
    },
    {
      name: "W3",
      what: "n = 2000, d = 784, Gaussian, 5-sparse truth, margin ≥ 0.1; L = 3; ℓ2-SAM, ρ = 0.05, η = 0.05, α = 0.1",
      spec: { data: { generator: "gaussian-sparse", n: 2000, d: 784, k: 5, minMargin: 0.1, seed: 3 }, depth: 3, init: { alpha: 0.1 }, algo: "sam-l2", loss: "logistic", rho: 0.05, lr: 0.05, seed: 3 },
      steps: { c: q(200), wasm: q(200), reference: q(40), numpy: q(200) },
      check: q(40),
      threads: true,
      f32: true,
    },
    {
      name: "B1",
      what: "ℓ∞-SAM phase diagram: x = (1, 2), L = 2, ρ = 0.1, η = 0.05, 64 × 64 grid of per-coordinate α in [0.01, 1], 10⁵ steps each",
      spec: { data: { x: [[1, 2]], y: [1] }, depth: 2, algo: "sam-linf", loss: "logistic", rho: 0.1, lr: 0.05, seed: 4 },
      batch: b1Grid(),
      // run-steps per repetition = R · steps; the batched kernel runs the full 10⁵ steps
      steps: { c: q(1e4), wasm: q(1e4), batch: q(1e5), reference: q(1e3), numpy: q(1e4) },
      check: q(1e3),
    },
  ];
}

/** Materializes a workload's data and initial parameters. */
export function materialize(w) {
  const { n, d, x, y } = makeDataset(w.spec.data, w.spec.seed);
  const L = w.spec.depth;
  const inits = w.batch ?? [null];
  const w0 = new Float64Array(inits.length * L * d);
  inits.forEach((a, r) => w0.set(makeInit(a ? { alpha: a } : w.spec.init, L, d, w.spec.seed), r * L * d));
  return { n, d, L, R: inits.length, x, y, w0 };
}

/** Writes the workload's data file; returns its path. */
export function writeData(w, dir) {
  mkdirSync(dir, { recursive: true });
  const m = materialize(w);
  const s = w.spec;
  const head = [m.n, m.d, m.L, ALGO[s.algo], LOSS[s.loss], s.lr, s.rho, m.R];
  const all = new Float64Array(8 + m.x.length + m.y.length + m.w0.length);
  all.set(head, 0);
  all.set(m.x, 8);
  all.set(m.y, 8 + m.x.length);
  all.set(m.w0, 8 + m.x.length + m.y.length);
  const path = join(dir, `${w.name}.bin`);
  writeFileSync(path, new Uint8Array(all.buffer));
  return path;
}

/** Reads a data file back (the Node engines use the same bytes as C and NumPy). */
export function readData(path) {
  const buf = readFileSync(path);
  const all = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const [n, d, L, algo, loss, lr, rho, R] = Array.from(all.subarray(0, 8));
  let o = 8;
  const x = all.slice(o, (o += n * d));
  const y = all.slice(o, (o += n));
  const w0 = all.slice(o, (o += R * L * d));
  const names = (map, code) => Object.keys(map).find((k) => map[k] === code);
  return { n, d, L, algo: names(ALGO, algo), loss: names(LOSS, loss), lr, rho, R, x, y, w0 };
}
