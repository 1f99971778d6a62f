// One benchmark engine in its own process (spawned by bench/run.mjs, so every engine starts cold
// and cannot disturb another's JIT or heap):
//   node bench/engines.mjs <engine> single|batch <data.bin> <steps> <reps>
// engine: wasm | wasm-2t | wasm-f32 | wasm-f32-2t | reference | wasm-batch (the batched kernel, one
// thread) | wasm-batch-2t (two workers)
// Prints one JSON line {"ns": [wall, per rep], "cpu": [process CPU, per rep], "beta": [final β, d per run]}.
// Setup and a warm-up (a tenth of the steps, untimed) are not timed.
import { performance } from "node:perf_hooks";
import { ReferenceRun, WasmRun, loadWasm } from "../packages/sim/dist/engine/index.js";
import { readData } from "./workloads.mjs";

const [engine, mode, path, stepsArg, repsArg] = process.argv.slice(2);
const steps = Number(stepsArg);
const reps = Number(repsArg);
const D = readData(path);
const { n, d, L, R } = D;
const LD = L * d;

function betaOf(w) {
  const b = new Array(d);
  for (let j = 0; j < d; j++) {
    let p = w[j];
    for (let l = 1; l < L; l++) p *= w[l * d + j];
    b[j] = p;
  }
  return b;
}

// wasm variants: -2t = two threads on one run; -f32 = x rounded to f32 and stored as f32 in the hot loop
function makeRun(kind, w0) {
  const f32 = kind.includes("f32");
  const x = f32 ? Float64Array.from(D.x, Math.fround) : D.x;
  const init = { x, y: D.y, n, d, depth: L, w0, schedule: Float64Array.of(0, steps), recordBeta: false, algo: D.algo, loss: D.loss, lr: D.lr, rho: D.rho };
  if (kind === "reference") return new ReferenceRun(init);
  return new WasmRun(init, { threads: kind.includes("2t") ? 2 : 1, xF32: f32 });
}

async function main() {
  await loadWasm({ threads: engine.includes("2t") });
  const ns = [];
  const cpu = []; // process CPU time (all threads of the process)
  let beta = [];
  if (engine.startsWith("wasm") && !engine.startsWith("wasm-batch") || engine === "reference") {
    const runs = mode === "batch" ? R : 1;
    // untimed warm-up on a throwaway instance, so the timed run uses optimized (TurboFan) code from
    // its first step rather than V8's baseline tier (the compiled module is shared by instances)
    const warm = makeRun(engine, D.w0.subarray(0, LD));
    warm.run(Math.max(1, Math.ceil(steps / 10)));
    warm.dispose?.();
    for (let rep = 0; rep < reps; rep++) {
      const made = Array.from({ length: runs }, (_, r) => makeRun(engine, D.w0.subarray(r * LD, (r + 1) * LD)));
      // two threads: time from when the helper thread serves (starting a worker takes tens of ms)
      for (const run of made) await run.ready?.();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (const run of made) if (!run.run(steps)) console.error(`non-finite at step ${run.nonfiniteStep()}`);
      ns.push((performance.now() - t0) * 1e6);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) * 1e3);
      beta = made.flatMap((run) => betaOf(run.readW()));
      for (const run of made) run.dispose?.();
    }
  } else if (engine === "wasm-batch" || engine === "wasm-batch-2t") {
    const { runBatchTimed } = await import("./batch-engine.mjs");
    await runBatchTimed({ ...D, R: Math.min(R, 64), w0: D.w0.subarray(0, Math.min(R, 64) * LD) }, Math.max(1, Math.ceil(steps / 10)), engine === "wasm-batch-2t" ? 2 : 1); // warm-up
    for (let rep = 0; rep < reps; rep++) {
      const c0 = process.cpuUsage();
      const r = await runBatchTimed(D, steps, engine === "wasm-batch-2t" ? 2 : 1);
      const c = process.cpuUsage(c0);
      ns.push(r.ns);
      cpu.push((c.user + c.system) * 1e3);
      beta = r.beta;
    }
  } else {
    throw new Error(`unknown engine ${engine}`);
  }
  process.stdout.write(JSON.stringify({ ns, cpu, beta }) + "\n");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
