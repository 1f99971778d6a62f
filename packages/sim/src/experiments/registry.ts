/**
 * The experiments registry: every claim of the paper as a checked experiment (issue 5), run by
 * `samlab reproduce` and tested in packages/sim/src/experiments/*.test.ts.
 */
import { simulateBatch } from "../run/batch.js";
import { simulate } from "../run/stream.js";
import { depthExperiment } from "./depth.js";
import { depthLinf } from "./depth-linf.js";
import { flatness } from "./flatness.js";
import { depthOne, depthTwoGd, depthTwoSam } from "./limits.js";
import { linfPhase } from "./phase.js";
import { realDigits, realFashion } from "./realdata.js";
import { samFamily } from "./sam-family.js";
import { sparseRegression } from "./sparse-regression.js";
import { sequentialInAlpha, sequentialInTime, usamControl } from "./sequential.js";
import type { Experiment, Outcome, Sabotage } from "./types.js";

/** In the order of the paper's claims (docs/MODEL.md, "The paper's claims"). */
export const EXPERIMENTS: Experiment[] = [depthOne, depthTwoGd, linfPhase, depthTwoSam, sequentialInTime, sequentialInAlpha, usamControl, depthExperiment, depthLinf, sparseRegression, samFamily, flatness, realDigits, realFashion];

export function findExperiment(id: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.id === id);
}

export interface RunExperimentOptions {
  quick?: boolean;
  sabotage?: Sabotage;
  log?: (message: string) => void;
}

/** Runs one experiment and returns its Outcome (checks, figures, notes, timing). */
export async function runExperiment(exp: Experiment | string, options: RunExperimentOptions = {}): Promise<Outcome> {
  const e = typeof exp === "string" ? findExperiment(exp) : exp;
  if (!e) throw new Error(`unknown experiment "${String(exp)}" (expected one of: ${EXPERIMENTS.map((x) => x.id).join(", ")})`);
  const t0 = Date.now();
  let runs = 0;
  const sabotaged = (spec: unknown) => {
    const s = spec as Record<string, unknown>;
    const swap = options.sabotage?.algo?.[s.algo as keyof NonNullable<Sabotage["algo"]>];
    const depth = options.sabotage?.depth?.[(s.depth as number | undefined) ?? 2];
    return { ...s, ...(swap ? { algo: swap, rho: s.rho ?? 0.05 } : {}), ...(depth ? { depth } : {}) };
  };
  const body = await e.execute({
    quick: options.quick ?? false,
    log: options.log ?? (() => {}),
    async run(spec) {
      runs++;
      return simulate(sabotaged(spec));
    },
    async batch(opts) {
      runs += opts.inits.length;
      return simulateBatch({ ...opts, spec: sabotaged(opts.spec) });
    },
  });
  return {
    id: e.id,
    title: e.title,
    claim: e.claim,
    ...body,
    pass: body.checks.every((c) => !c.skipped && (c.pass || c.informational === true)),
    ms: Date.now() - t0,
    runs,
  };
}
