// The SAM family's costs at W2's size (bench/workloads.mjs: n = 200, d = 100, L = 2), side by side
// as ratios to ℓ2-SAM on the fast kernels, each with the code its steps run (WasmRun.stepPath): 1-SAM
// at depth 2 (onesam.ts: in closed form; ℓ∞ also in its fused fallback form) and through the per-example path (plain.ts), m-SAM, the
// k-step ascent (k + 1 gradients: ≈ (k + 1)/2 × ℓ2-SAM expected), ASAM, the squared loss against the
// logistic one, and mini-batches of b = 10, 50, 100, 200 (200 = n: the full batch, fast kernels).
// Printed, never asserted. Run by `pnpm bench` (bench/run.mjs) or alone: node bench/family.mjs [--quick]
import { WasmRun, loadWasm } from "../packages/sim/dist/engine/index.js";
import { materialize, workloads } from "./workloads.mjs";

const quick = process.argv.includes("--quick");
const reps = quick ? 2 : 9;
const windowSteps = quick ? 200 : 4000; // the timed steps of every variant: steps 0 … S − 1 of its run

const w2 = workloads(false).find((w) => w.name === "W2");
const D = materialize(w2);
const base = { x: D.x, y: D.y, n: D.n, d: D.d, depth: D.L, w0: D.w0.subarray(0, D.L * D.d), recordBeta: false, algo: "sam-l2", loss: "logistic", lr: w2.spec.lr, rho: w2.spec.rho };

const variants = [
  { name: "ℓ2-SAM (fast kernels)", init: {} },
  { name: "ℓ2-SAM, plain step forced", init: { forcePlain: true } },
  { name: "1-SAM (ℓ2, m = 1)", init: { group: 1 } },
  { name: "1-SAM (ℓ2), per-example path", init: { group: 1, perExampleOneSam: true } },
  { name: "1-SAM (ℓ∞, m = 1)", init: { group: 1, algo: "sam-linf" } },
  { name: "1-SAM (ℓ∞), fused fallback", init: { group: 1, algo: "sam-linf", fusedLinfOneSam: true } },
  { name: "1-SAM (ℓ∞), per-example path", init: { group: 1, algo: "sam-linf", perExampleOneSam: true } },
  { name: "ℓ∞-SAM (fast kernels)", init: { algo: "sam-linf" } },
  { name: "m-SAM (ℓ2, m = 10)", init: { group: 10 } },
  { name: "ℓ2-SAM k = 2 ascent steps", init: { ascentSteps: 2 } },
  { name: "ℓ2-SAM k = 4 ascent steps", init: { ascentSteps: 4 } },
  { name: "ASAM (full batch)", init: { algo: "asam" } },
  { name: "ℓ2-SAM, squared loss", init: { loss: "squared" } },
  { name: "GD, logistic", init: { algo: "gd" } },
  { name: "GD, squared loss", init: { algo: "gd", loss: "squared" } },
  { name: "ℓ2-SAM mini-batch b = 10", init: { batch: 10, batchSeed: 1 } },
  { name: "ℓ2-SAM mini-batch b = 50", init: { batch: 50, batchSeed: 1 } },
  { name: "ℓ2-SAM mini-batch b = 100", init: { batch: 100, batchSeed: 1 } },
  { name: "ℓ2-SAM mini-batch b = 200 (= n)", init: { batch: 200, batchSeed: 1 } },
];

/**
 * CPU ns per step (this process's CPU time: robust to a busy machine's scheduling) over the same window of steps [0, S) for every variant (a run's cost changes along its
 * trajectory: once margins are large the logistic tail's values turn subnormal), after an untimed
 * warm-up on a throwaway instance (optimized code from the first timed step).
 */
const paths = new Map(); // variant name → the code its steps run (WasmRun.stepPath)
function time(v) {
  const warm = new WasmRun({ ...base, ...v.init, schedule: Float64Array.of(0) });
  paths.set(v.name, warm.stepPath());
  warm.run(Math.max(5, windowSteps / 10));
  const run = new WasmRun({ ...base, ...v.init, schedule: Float64Array.of(0) });
  const c0 = process.cpuUsage();
  run.run(windowSteps);
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) * 1e3) / windowSteps;
}

await loadWasm();
for (const v of variants) time(v); // one untimed round: the module's code is optimized before the first timed variant
const ns = variants.map(() => []);
for (let r = 0; r < reps; r++) variants.forEach((v, i) => ns[i].push(time(v))); // round robin: load hits all alike
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
const med = ns.map(median);
const byName = (name) => med[variants.findIndex((v) => v.name === name)];
const l2 = byName("ℓ2-SAM (fast kernels)");
console.log(`\nSAM family at W2's size (n = ${D.n}, d = ${D.d}, L = ${D.L}), WASM, one thread, CPU time, steps 0–${windowSteps - 1} of each run, median of ${reps}:`);
const rows = variants.map((v, i) => ({ name: v.name, ns: med[i], ratio: med[i] / l2, path: paths.get(v.name) }));
for (const r of rows) console.log(`  ${r.name.padEnd(34)} ${(r.ns / 1000).toFixed(2).padStart(8)} µs/step  ${r.ratio.toFixed(2).padStart(6)} × ℓ2-SAM  ${paths.get(r.name)}`);
const ratio = (a, b) => (byName(a) / byName(b)).toFixed(2);
console.log(
  [
    `  1-SAM / ℓ2-SAM: ℓ2 ${ratio("1-SAM (ℓ2, m = 1)", "ℓ2-SAM (fast kernels)")}, ℓ∞ ${ratio("1-SAM (ℓ∞, m = 1)", "ℓ2-SAM (fast kernels)")} (target ≤ 3); per-example path / closed form: ℓ2 ${ratio("1-SAM (ℓ2), per-example path", "1-SAM (ℓ2, m = 1)")}, ℓ∞ ${ratio("1-SAM (ℓ∞), per-example path", "1-SAM (ℓ∞, m = 1)")} (ℓ∞'s fused fallback ${ratio("1-SAM (ℓ∞), fused fallback", "1-SAM (ℓ∞, m = 1)")})`,
    `k = 1, 2, 4 / ℓ2-SAM 1.00, ${ratio("ℓ2-SAM k = 2 ascent steps", "ℓ2-SAM (fast kernels)")}, ${ratio("ℓ2-SAM k = 4 ascent steps", "ℓ2-SAM (fast kernels)")} ((k + 1)/2: 1, 1.5, 2.5)`,
    `squared / logistic: SAM ${ratio("ℓ2-SAM, squared loss", "ℓ2-SAM (fast kernels)")}, GD ${ratio("GD, squared loss", "GD, logistic")}`,
    `mini-batch b = 10, 50, 100, 200 (= n, fast kernels): ${[10, 50, 100].map((b) => (byName(`ℓ2-SAM mini-batch b = ${b}`) / 1000).toFixed(2)).join(", ")}, ${(byName("ℓ2-SAM mini-batch b = 200 (= n)") / 1000).toFixed(2)} µs/step (b = 50, 100 over b = 10: ${ratio("ℓ2-SAM mini-batch b = 50", "ℓ2-SAM mini-batch b = 10")}, ${ratio("ℓ2-SAM mini-batch b = 100", "ℓ2-SAM mini-batch b = 10")}; ∝ b: 5, 10)`,
    miniBatchFit(),
  ].join("\n  "),
);

/** The mini-batch steps' cost as a + c·b (least squares over b = 10, 50, 100): proportional to b up to a fixed part a. */
function miniBatchFit() {
  const bs = [10, 50, 100];
  const ys = bs.map((b) => byName(`ℓ2-SAM mini-batch b = ${b}`) / 1000);
  const mb = bs.reduce((p, q) => p + q, 0) / bs.length;
  const my = ys.reduce((p, q) => p + q, 0) / ys.length;
  const c = bs.reduce((p, b, i) => p + (b - mb) * (ys[i] - my), 0) / bs.reduce((p, b) => p + (b - mb) ** 2, 0);
  const a = my - c * mb;
  const worst = Math.max(...bs.map((b, i) => Math.abs(a + c * b - ys[i]) / ys[i]));
  return `mini-batch cost ≈ ${a.toFixed(2)} µs + ${c.toFixed(3)} µs × b (fit over b = 10, 50, 100; worst residual ${(100 * worst).toFixed(0)} %)`;
}
process.stdout.write(JSON.stringify({ family: rows }) + "\n");
