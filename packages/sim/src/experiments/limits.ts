/**
 * Claims 1, 2 and 4: where the direction of β goes at depth 1 and 2 (GD, ℓ2-SAM, ℓ∞-SAM), measured
 * as the angle to the exact ℓ1 and ℓ2 max-margin directions (HiGHS, maxmargin.ts).
 *
 * Directional convergence under the logistic loss is slow in t (the angle falls like 1/log t, and at
 * depth 2 even slower), so each limit is read from runs with the "rescaled" step-size schedule:
 * η / mean|ℓ'(z̃)|, the Euler step of the rescaled flow the paper analyses (docs/MODEL.md, "Step sizes"). Its time
 * τ = η·step is the rescaled time; the path is the algorithm's own, re-timed. Constant-η runs of the
 * same specs are shown beside them for the finite-time picture.
 */
import { makeDataset } from "../data/generators.js";
import type { MaxMarginSolution } from "../analysis/maxmargin/problem.js";
import { maxMargin } from "../analysis/maxmargin/solver.js";
import type { Result } from "../run/result.js";
import type { DataSpec } from "../spec/schema-data.js";
import type { SpecInput } from "../spec/schema.js";
import type { Check, Experiment, ExperimentContext, LineFigure } from "./types.js";
import { angleDeg, finalDirection, fmt } from "./util.js";

/** One example, x = (1, 2): ℓ2 max-margin x/‖x‖, ℓ1 max-margin e₂. */
export const ONE_EXAMPLE: DataSpec = { x: [[1, 2]], y: [1] };
/** 12 Gaussian points in R^6 whose ℓ1 and ℓ2 max-margin directions are 39.9° apart. */
export const MULTI_EXAMPLE: DataSpec = { generator: "gaussian-sparse", n: 12, d: 6, k: 6, minMargin: 0.3, seed: 5 };

/**
 * Rescaled time reached by the limit runs. At depth 1 ‖w‖ grows like τ, so τ = 1000 is cheap; at
 * depth 2 weights grow like e^{x_j τ}, so one example (x₂ = 2) stops at τ = 60 (β ≈ e^{240}) and the
 * multi-example set, whose softmax-weighted velocity grows slower, at τ = 100.
 */
export function tauFor(depth: number, single: boolean): number {
  return depth === 1 ? 1000 : single ? 60 : 100;
}

export async function references(data: DataSpec): Promise<{ l1: MaxMarginSolution; l2: MaxMarginSolution }> {
  const ds = makeDataset(data, 1);
  const mm = { x: ds.x, y: ds.y, n: ds.n, d: ds.d };
  return { l1: await maxMargin(mm, "l1"), l2: await maxMargin(mm, "l2") };
}

export function limitSpec(data: DataSpec, depth: number, algo: "gd" | "sam-l2" | "sam-linf", alpha: number, rescaled: boolean, quick: boolean): SpecInput {
  const single = "x" in data && data.x.length === 1;
  const tau = tauFor(depth, single);
  const eta = depth === 1 ? 0.1 : 0.01;
  return {
    version: 1,
    name: `${algo}, L = ${depth}, ${single ? "one example" : "multi-example"}${rescaled ? ", rescaled steps" : ""}`,
    data,
    depth,
    init: single ? { alpha } : { random: "gaussian", alpha, seed: 3 },
    loss: "logistic",
    algo,
    rho: algo === "gd" ? 0 : 0.05,
    lr: rescaled ? eta : 0.1,
    steps: rescaled ? Math.round(tau / eta) : quick ? 100_000 : 1_000_000,
    ...(rescaled ? { lrSchedule: "rescaled" as const } : {}),
    record: { points: 120, spacing: "log" },
    seed: 1,
  };
}

/** Angle to a reference along the recorded trajectory (degrees), skipping β = 0 points. */
function angleSeries(r: Result, ref: number[], label: string, dashed = false) {
  const tr = r.trajectory;
  const idx = tr.step.map((_, i) => i).filter((i) => i > 0 && tr.l2[i]! > 0 && Number.isFinite(tr.l2[i]!));
  return { label, x: idx.map((i) => (r.spec.lrSchedule === "rescaled" ? r.spec.lr * tr.step[i]! : tr.t[i]!)), y: idx.map((i) => angleDeg(tr.beta[i]!, ref)), dashed };
}

interface LimitCase {
  data: DataSpec;
  dataLabel: string;
  depth: number;
  algo: "gd" | "sam-l2" | "sam-linf";
  alpha: number;
  target: "l1" | "l2";
}

/** Runs each case (rescaled limit run + constant-η run) and checks the angle to its target. */
async function limitChecks(ctx: ExperimentContext, cases: LimitCase[], tol: number, idPrefix: string) {
  const checks: Check[] = [];
  const figures: LineFigure[] = [];
  const refsByData = new Map<string, Awaited<ReturnType<typeof references>>>();
  for (const c of cases) {
    const key = JSON.stringify(c.data);
    if (!refsByData.has(key)) refsByData.set(key, await references(c.data));
    const refs = refsByData.get(key)!;
    const lim = await ctx.run(limitSpec(c.data, c.depth, c.algo, c.alpha, true, ctx.quick));
    const fin = await ctx.run(limitSpec(c.data, c.depth, c.algo, c.alpha, false, ctx.quick));
    const other = c.target === "l1" ? "l2" : "l1";
    const dir = finalDirection(lim);
    const tau = lim.spec.lr * lim.final.step;
    const aT = angleDeg(dir, refs[c.target].beta);
    const aO = angleDeg(dir, refs[other].beta);
    const fT = angleDeg(fin.final.beta, refs[c.target].beta);
    const finite = dir.some((v) => v !== 0);
    checks.push({
      name: `${c.algo}, L = ${c.depth}, ${c.dataLabel}: → the ${c.target} max-margin direction`,
      measured: `angle to ${c.target}: ${fmt(aT)}° at τ = ${fmt(tau)} (to ${other}: ${fmt(aO)}°); constant η at t = ${fmt(fin.final.t)}: ${fmt(fT)}°`,
      criterion: `angle to the ${c.target} max-margin direction ≤ ${tol}° at the end of the rescaled run, and at least 3× smaller than to the ${other} one (${fmt(angleDeg(refs.l1.beta, refs.l2.beta))}° apart)`,
      pass: finite && aT <= tol && aO >= 3 * aT,
    });
    figures.push({
      kind: "line",
      id: `${idPrefix}-${c.algo}-L${c.depth}-${c.dataLabel.replace(/\W+/g, "-")}`,
      title: `${c.algo}, L = ${c.depth}, ${c.dataLabel}: angle to the ℓ1 and ℓ2 max-margin directions`,
      caption: `Angle between β and the exact ℓ1 / ℓ2 max-margin directions. Solid: rescaled steps (x axis: rescaled time τ); dashed: constant η = ${fin.spec.lr} (x axis: t = η·step).`,
      x: { label: "τ (rescaled) / t (constant η)", log: true },
      y: { label: "angle (degrees)", log: true },
      series: [
        angleSeries(lim, refs.l1.beta, "to ℓ1 max-margin (rescaled)"),
        angleSeries(lim, refs.l2.beta, "to ℓ2 max-margin (rescaled)"),
        angleSeries(fin, refs.l1.beta, "to ℓ1 max-margin (constant η)", true),
        angleSeries(fin, refs.l2.beta, "to ℓ2 max-margin (constant η)", true),
      ],
      specs: [lim.spec, fin.spec],
    });
  }
  return { checks, figures };
}

/** The same run on the one-example and the 12-example data set. */
function onBothDataSets(depth: number, algo: LimitCase["algo"], alpha: number, target: LimitCase["target"]): LimitCase[] {
  return [
    { data: ONE_EXAMPLE, dataLabel: "one example", depth, algo, alpha, target },
    { data: MULTI_EXAMPLE, dataLabel: "12 examples", depth, algo, alpha, target },
  ];
}

export const depthOne: Experiment = {
  id: "depth1-l2-margin",
  title: "L = 1: GD, ℓ2-SAM and ℓ∞-SAM all find the ℓ2 max-margin direction",
  claim: "1. L = 1: GD, ℓ∞-SAM and ℓ2-SAM all converge in direction to the ℓ2 max-margin classifier (one example and multi-example data).",
  cost: 3,
  async execute(ctx) {
    const cases = (["gd", "sam-l2", "sam-linf"] as const).flatMap((algo) => onBothDataSets(1, algo, 0.01, "l2"));
    const { checks, figures } = await limitChecks(ctx, cases, 1, "depth1");
    return { checks, figures: figures.filter((f) => f.id.includes("sam-l2") || f.id.includes("gd")), notes: [`ρ = 0.05. For L = 1 the SAM perturbations are bounded while ‖w‖ grows, so their effect on the direction vanishes.`] };
  },
};

export const depthTwoGd: Experiment = {
  id: "depth2-gd",
  title: "L = 2, GD: the basis vector of the dominant coordinate; the ℓ1 max-margin direction",
  claim: "2. L = 2, even with a single example: GD's limit direction is the basis vector of the dominant data coordinate (the ℓ1 max-margin solution); on multi-example data, the ℓ1 max-margin direction.",
  cost: 2,
  async execute(ctx) {
    const { checks, figures } = await limitChecks(ctx, onBothDataSets(2, "gd", 0.01, "l1"), 1, "depth2-gd");
    return { checks, figures, notes: ["Multi-example runs start from α·N(0,1) (seeded) so that β can take any sign pattern; a constant positive init keeps β ≥ 0 at depth 2."] };
  },
};

export const depthTwoSam: Experiment = {
  id: "depth2-l2sam-limit",
  title: "L = 2, ℓ2-SAM: the same limit as GD, the ℓ1 max-margin direction",
  claim: "4. L = 2, ℓ2-SAM: the limit direction matches the ℓ1 max-margin solution, as for GD (where it does not collapse).",
  cost: 2,
  async execute(ctx) {
    const { checks, figures } = await limitChecks(ctx, onBothDataSets(2, "sam-l2", 0.1, "l1"), 1, "depth2-sam");
    return { checks, figures, notes: ["ρ = 0.05, α = 0.1: above the collapse boundary (see the α sweep of the sequential-amplification experiment)."] };
  },
};
