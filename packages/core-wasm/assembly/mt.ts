// Entry of the threaded build (dist/core-mt.wasm: --enable threads --importMemory --sharedMemory):
// the whole core, plus two threads for one run's data pass (threads.ts). Used by @samlab/sim when a
// run asks for threads > 1; results are bit-identical to the ordinary build.
export * from "./index";
export { mt_worker_loop } from "./threads";
import { helperChunks, mtDetach, mtEnable, mtStop } from "./threads";
import { fastPrepare } from "./fast";
import { n, d } from "./model";

/** Turns the second thread on (after `setup` and `prepare`); returns the control block for thread B. */
export function mt_enable(): usize {
  fastPrepare();
  return mtEnable(n, d);
}

/**
 * Sends thread B out of its loop and turns threads off (the run continues on one thread). Waits for
 * B's acknowledgement at most 2 s; returns 1 (acknowledged), 0 (B never answered: it had died or
 * never started) or -1 (threads were off).
 */
export function mt_stop(): i32 {
  return mtStop();
}

/** Sends thread B out of its loop without waiting (a browser's main thread must not block). */
export function mt_detach(): void {
  mtDetach();
}

/** Row blocks thread B has computed for this run (a count for tests: the results do not depend on it). */
export function mt_helper_chunks(): i32 {
  return helperChunks();
}
