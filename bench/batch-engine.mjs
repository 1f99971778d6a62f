// The batched WebAssembly kernel in the bench (B1): simulateBatch over the data file's runs, on one
// thread or on two worker threads. Timed by simulateBatch itself (kernel calls and, with threads,
// worker start-up; not the spec parsing).
import { simulateBatch } from "../packages/sim/dist/index.js";

export async function runBatchTimed(D, steps, threads) {
  const { n, d, L, R } = D;
  const x = Array.from({ length: n }, (_, i) => Array.from(D.x.subarray(i * d, (i + 1) * d)));
  const inits = Array.from({ length: R }, (_, r) => ({
    values: Array.from({ length: L }, (_, l) => Array.from(D.w0.subarray(r * L * d + l * d, r * L * d + (l + 1) * d))),
  }));
  const spec = { version: 1, data: { x, y: Array.from(D.y) }, depth: L, algo: D.algo, loss: D.loss, lr: D.lr, rho: D.rho, steps };
  const res = await simulateBatch({ spec, inits, threads });
  return { ns: res.timing.ms * 1e6, beta: res.beta.flat() };
}
