/**
 * Creates the simulation worker as a module Worker next to the page's scripts (the app build).
 * The single-file embed build swaps this module for worker-factory.inline.ts (see vite.config.ts).
 */
export function createWorker(): Worker {
  return new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: "samlab-sim" });
}
