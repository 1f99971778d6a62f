// Resident memory of a long W1 run (issue 7: "a W1 run of 10⁹ steps keeps resident memory flat").
//   node bench/rss.mjs [steps=1e9]
// Runs W1 through the public API (simulateStream, default chunking and record schedule) and prints
// RSS samples over the run, then the peak (process.resourceUsage().maxRSS). Run it under
// `/usr/bin/time -v` for the kernel's own peak figure.
import { simulateStream } from "../packages/sim/dist/index.js";

const steps = Number(process.argv[2] ?? 1e9);
const spec = { version: 1, data: { x: [[1, 2]], y: [1] }, depth: 2, init: { alpha: 0.1 }, algo: "sam-l2", rho: 0.1, lr: 0.05, steps, record: { points: 200 } };
const mib = (b) => (b / 2 ** 20).toFixed(1);
const t0 = performance.now();
let next = 0;
const samples = [];
for await (const ev of simulateStream(spec)) {
  if (ev.type === "progress" && ev.progress.fraction >= next) {
    const rss = process.memoryUsage().rss;
    samples.push({ fraction: ev.progress.fraction, step: ev.progress.step, rssMiB: Number(mib(rss)) });
    console.log(`step ${ev.progress.step.toExponential(2)}  ${(100 * ev.progress.fraction).toFixed(0)}%  rss ${mib(rss)} MiB  ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    next += 0.1;
  }
  if (ev.type === "result") {
    const r = ev.result;
    console.log(`done: ${r.status.state}, ${r.trajectory.step.length} points, β = ${r.final.beta.map((v) => v.toPrecision(6)).join(", ")}`);
    console.log(`timing: ${(r.timing.ms / 1000).toFixed(1)} s compute, ${r.timing.nsPerStep.toFixed(1)} ns/step`);
  }
}
console.log(`peak RSS (resourceUsage.maxRSS): ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB; wall ${((performance.now() - t0) / 1000).toFixed(1)} s`);
console.log(JSON.stringify({ samples }));
