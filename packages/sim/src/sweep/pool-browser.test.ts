/**
 * The browser pool's protocol and bookkeeping, in Node, with in-process worker doubles that run
 * the real worker side (`servePoolWorker`) behind asynchronous, cloning message passing.
 */
import { describe, expect, it } from "vitest";
import { simulate } from "../index.js";
import { runPool, servePoolWorker, type PoolWorker } from "./index.js";

function fakeWorker(stats: { created: number; live: number }): PoolWorker {
  let terminated = false;
  stats.created++;
  stats.live++;
  const scope: { onmessage: ((ev: { data: unknown }) => void) | null; postMessage(m: unknown): void } = {
    onmessage: null,
    postMessage(m) {
      if (!terminated) setTimeout(() => w.onmessage?.({ data: structuredClone(m) }));
    },
  };
  const w: PoolWorker = {
    onmessage: null,
    onerror: null,
    postMessage(m) {
      setTimeout(() => scope.onmessage?.({ data: structuredClone(m) }));
    },
    terminate() {
      if (!terminated) stats.live--;
      terminated = true;
    },
  };
  setTimeout(() => servePoolWorker(scope)); // the module loads later than the pool's first look
  return w;
}

const spec = (alpha: number) => ({ version: 1, data: { x: [[1, 2, 3]] }, algo: "sam-l2", lr: 0.05, steps: 2000, init: { alpha } });

describe("runPool", () => {
  it("runs every spec on `size` workers and returns the Results in spec order", async () => {
    const stats = { created: 0, live: 0 };
    const specs = [0.01, 0.02, 0.05, 0.1, 0.2].map(spec);
    const seen: number[] = [];
    const rs = await runPool(specs, { createWorker: () => fakeWorker(stats), size: 2, onResult: (i, _r, done) => seen.push(i) && expect(done).toBe(seen.length) });
    expect(stats).toEqual({ created: 2, live: 0 });
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
    for (let i = 0; i < specs.length; i++) expect(rs[i]!.final.beta).toEqual((await simulate(specs[i])).final.beta);
  });

  it("never starts more workers than specs, and resolves at once for none", async () => {
    const stats = { created: 0, live: 0 };
    expect(await runPool([], { createWorker: () => fakeWorker(stats), size: 4 })).toEqual([]);
    expect(await runPool([spec(0.1)], { createWorker: () => fakeWorker(stats), size: 4 })).toHaveLength(1);
    expect(stats).toEqual({ created: 1, live: 0 });
  });

  it("rejects naming the run when a spec is invalid, and terminates its workers", async () => {
    const stats = { created: 0, live: 0 };
    await expect(runPool([spec(0.1), { ...spec(0.1), rho: -1 }], { createWorker: () => fakeWorker(stats), size: 2 })).rejects.toThrow(/^run 1: rho: expected a number ≥ 0/);
    expect(stats.live).toBe(0);
  });

  it("aborts: rejects with the signal's reason and terminates every worker", async () => {
    const stats = { created: 0, live: 0 };
    const ac = new AbortController();
    const p = runPool([0.1, 0.2, 0.3].map(spec), { createWorker: () => fakeWorker(stats), size: 2, signal: ac.signal });
    ac.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
    expect(stats.live).toBe(0);
  });
});
