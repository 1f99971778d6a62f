/**
 * `@samlab/sim/sweep`: grid and list sweeps of specs (expansion, shards, canonical JSON) and a pool
 * of browser workers that runs many specs.
 */
export { SWEEP_VERSION, SWEEP_LIMITS, SweepError, expandSweep, expandSweepJson, parseShard, shardIndices, canonicalJson, parsePath, getPath } from "./sweep.js";
export type { Sweep, SweepInput, SweepRun, Shard } from "./sweep.js";
export { runPool, servePoolWorker, type PoolWorker, type RunPoolOptions } from "./pool-browser.js";
