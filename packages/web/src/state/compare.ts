/**
 * The side-by-side view's two runs: the current spec under each algorithm of the pair, every other
 * field the spec's (data, depth, ρ, loss, init, schedules, group/batch/ascent options). Options the
 * other algorithm does not take are dropped (ASAM's ξ, the SAM options for GD), and so is a switch
 * (the comparison is of the two algorithms). Pure functions.
 */
import type { Spec } from "@samlab/sim";
import { ALGO_LABEL } from "@samlab/sim/analysis";

export const COMPARE_ALGOS = Object.keys(ALGO_LABEL);

/** The pair compared by default: GD against the spec's algorithm (ℓ2-SAM when the spec is GD's). */
export function defaultPair(spec: Spec | undefined): [string, string] {
  const algo = spec?.algo;
  return ["gd", algo && algo !== "gd" ? algo : "sam-l2"];
}

/** The pair of a `compare` value ("gd,sam-linf"); undefined entries fall back to the default pair. */
export function parsePair(value: string | null | undefined, spec: Spec | undefined): [string, string] {
  const def = defaultPair(spec);
  if (!value) return def;
  const [a, b] = value.split(/[\s,]+/);
  const ok = (s: string | undefined, f: string) => (s && s in ALGO_LABEL ? s : f);
  return [ok(a, def[0]), ok(b, def[1])];
}

/** The spec of the comparison run under `algo`. */
export function compareSpec(spec: Spec, algo: string): Record<string, unknown> {
  const s: Record<string, unknown> = { ...spec, algo, name: `${spec.name ?? "run"} (${ALGO_LABEL[algo] ?? algo})` };
  delete s.switch;
  if (s.mode === "flow") delete s.flow; // re-derived from the algorithm
  const sam = spec.sam as { group?: number; xi?: number; ascentSteps?: number } | undefined;
  if (sam) {
    const kept = algo === "gd" ? {} : { ...sam };
    if (algo !== "asam") delete (kept as { xi?: number }).xi;
    if (Object.keys(kept).length) s.sam = kept;
    else delete s.sam;
  }
  return s;
}

/** One line on what both runs share (the panel's caption). */
export function sharedSetup(spec: Spec): string {
  const s = spec as Spec & { batch?: number; sam?: { group?: number; ascentSteps?: number }; lrSchedule?: string; mode?: string };
  const opts = [s.batch !== undefined ? `batch ${s.batch}` : "", s.sam?.group !== undefined ? `groups of ${s.sam.group}` : "", s.sam?.ascentSteps !== undefined && s.sam.ascentSteps > 1 ? `${s.sam.ascentSteps} ascent steps` : ""].filter(Boolean);
  const time = s.mode === "flow" ? "as flows" : `η = ${s.lr}${s.lrSchedule && s.lrSchedule !== "constant" ? ` (${s.lrSchedule})` : ""}, ${s.steps.toLocaleString("en-US")} steps`;
  return `L = ${s.depth}, ρ = ${s.rho}, ${s.loss} loss, ${time}${opts.length ? `, ${opts.join(", ")}` : ""}; same data and initialization`;
}
