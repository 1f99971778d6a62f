/**
 * The single-file embed build: the worker is inlined into samlab-explorer.js and started from a
 * Blob URL, so a host page needs one script and no same-origin worker file.
 */
import SimWorker from "./worker.ts?worker&inline";

export function createWorker(): Worker {
  return new SimWorker({ name: "samlab-sim" });
}
