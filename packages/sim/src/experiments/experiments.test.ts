/**
 * Each reproduction experiment's pass criterion holds on its quick variant, and fails when fed a
 * deliberately wrong setting (the algorithm swapped behind the experiment's back), so no check is
 * vacuous.
 */
import { describe, expect, it } from "vitest";
import { EXPERIMENTS, runExperiment } from "./index.js";
import type { Sabotage } from "./types.js";

/** For each experiment, the swap that must break it. */
const SABOTAGE: Record<string, Sabotage> = {
  "depth1-l2-margin": { depth: { 1: 2 } },
  "depth2-gd": { depth: { 2: 1 } },
  "linf-phase": { algo: { "sam-linf": "gd" } },
  "depth2-l2sam-limit": { depth: { 2: 1 } },
  depth: { depth: { 3: 1, 4: 1 } },
  "depth-linf": { depth: { 3: 2, 4: 2, 5: 2 } },
  "sequential-time": { algo: { "sam-l2": "usam" } },
  "sequential-alpha": { algo: { "sam-l2": "usam" } },
  "usam-control": { algo: { usam: "sam-l2" } },
  flatness: { algo: { "sam-l2": "usam" } },
  "realdata-digits": { algo: { "sam-l2": "gd" } },
  "realdata-fashion-mnist": { algo: { "sam-l2": "usam" } },
  "sparse-regression": { algo: { "sam-l2": "usam" } },
  "sam-family": { algo: { "sam-l2": "usam" } },
};

describe.each(EXPERIMENTS.map((e) => [e.id, e] as const))("experiment %s", (id, exp) => {
  it("passes on the quick variant", async () => {
    const o = await runExperiment(exp, { quick: true });
    for (const c of o.checks) expect.soft(c.pass, `${c.name}: ${c.measured}`).toBe(true);
    expect(o.pass).toBe(true);
    expect(o.figures.length).toBeGreaterThan(0);
    for (const f of o.figures) expect(f.specs.length).toBeGreaterThan(0);
  }, 240_000); // the real-data experiments train on Fashion-MNIST; generous for a loaded 2-core machine

  it("fails when fed a deliberately wrong setting", async () => {
    const sabotage = SABOTAGE[id];
    expect(sabotage, `no sabotage defined for ${id}`).toBeDefined();
    const o = await runExperiment(exp, { quick: true, sabotage });
    expect(o.pass).toBe(false);
  }, 240_000);
});
