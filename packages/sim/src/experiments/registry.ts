/**
 * The experiments registry: every claim of the paper as a checked experiment (issue 5), run by
 * `samlab reproduce` and tested in packages/sim/src/experiments/*.test.ts.
 */
import { simulate } from "../simulate.js";
import { sequentialInAlpha, sequentialInTime, usamControl } from "./sequential.js";
import type { Experiment, Outcome, Sabotage } from "./types.js";

export const EXPERIMENTS: Experiment[] = [sequentialInTime, sequentialInAlpha, usamControl];

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
  const body = await e.execute({
    quick: options.quick ?? false,
    log: options.log ?? (() => {}),
    async run(spec) {
      runs++;
      const s = spec as Record<string, unknown>;
      const swap = options.sabotage?.algo?.[s.algo as keyof NonNullable<Sabotage["algo"]>];
      return simulate(swap ? { ...s, algo: swap } : s);
    },
  });
  return {
    id: e.id,
    title: e.title,
    claim: e.claim,
    ...body,
    pass: body.checks.every((c) => c.pass),
    ms: Date.now() - t0,
    runs,
  };
}
