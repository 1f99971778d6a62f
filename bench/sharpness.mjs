// `pnpm bench` (last part), or alone: node bench/sharpness.mjs [--quick]
// What recording sharpness costs (docs/MODEL.md, "Curvature and balance"); printed, never asserted:
//   1. W2's problem (n = 200, d = 100, L = 2, ℓ2-SAM), 10⁵ steps with 200 recorded points, with and
//      without `record.sharpness` (λ_max, λ_min, tr H at every point): the added wall time;
//   2. one λ_max (with λ_min and tr H) at W3's size (n = 2000, d = 784, L = 3) in the WebAssembly engine,
//      at the initialization and after 40 ℓ2-SAM steps.
// Each timing is a fresh engine; repetitions alternate the variants so load drifts hit both alike.
import { performance } from "node:perf_hooks";
import { WasmRun, loadWasm } from "../packages/sim/dist/engine/index.js";
import { recordSchedule } from "../packages/sim/dist/run/schedule.js";
import { materialize, workloads } from "./workloads.mjs";

const quick = process.argv.includes("--quick");
const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

await loadWasm();
const byName = Object.fromEntries(workloads(false).map((w) => [w.name, w]));

function engineFor(w, steps, sharpness) {
  const m = materialize(w);
  const schedule = Float64Array.from(recordSchedule(steps, { points: 200, spacing: "log", beta: false }));
  return new WasmRun({ x: m.x, y: m.y, n: m.n, d: m.d, depth: m.L, w0: m.w0, schedule, recordBeta: false, algo: w.spec.algo, loss: w.spec.loss, lr: w.spec.lr, rho: w.spec.rho, sharpness });
}

// ---- 1. recording overhead at W2's size ----
const w2 = byName.W2;
const steps = quick ? 5000 : 100_000;
const reps = quick ? 1 : 3;
const times = { off: [], on: [] };
let products = [];
for (let r = 0; r < reps; r++) {
  for (const variant of ["off", "on"]) {
    const run = engineFor(w2, steps, variant === "on");
    const t0 = performance.now();
    run.run(steps);
    times[variant].push(performance.now() - t0);
    // the record has no product count: recompute the final point's once
    if (variant === "on" && r === 0) products = [run.curvature().products];
  }
}
const off = median(times.off);
const on = median(times.on);
console.log(`\nsharpness: W2 (n = 200, d = 100, L = 2, ℓ2-SAM), ${steps.toExponential(0)} steps, 200 recorded points, ${reps} rep(s)`);
console.log(`  without record.sharpness  ${(off / 1000).toFixed(3)} s   with  ${(on / 1000).toFixed(3)} s   added ${(((on - off) / off) * 100).toFixed(1)} %   (final point: ${products[0]} Hessian-vector products)`);

// ---- 2. one λ_max at W3's size ----
const w3 = byName.W3;
const run3 = engineFor(w3, 40, false);
const one = (label) => {
  const ts = [];
  let v;
  for (let r = 0; r < (quick ? 1 : 3); r++) {
    const t0 = performance.now();
    v = run3.curvature();
    ts.push(performance.now() - t0);
  }
  console.log(`  ${label.padEnd(28)} ${(median(ts) / 1000).toFixed(3)} s   λ_max ${v.lambdaMax.toPrecision(8)} (residual ${v.lambdaMaxRes.toExponential(1)}), λ_min ${v.lambdaMin.toPrecision(4)}, tr H ${v.traceH.toPrecision(6)}, ${v.products} products`);
  return median(ts);
};
console.log(`sharpness: one λ_max at W3's size (n = 2000, d = 784, L = 3), WebAssembly, first call includes allocation`);
one("at the initialization");
run3.run(quick ? 4 : 40);
one(`after ${quick ? 4 : 40} ℓ2-SAM steps`);
