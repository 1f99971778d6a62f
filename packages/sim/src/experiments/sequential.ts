/**
 * Claims 5, 6 and 7: sequential feature amplification of ℓ2-SAM at depth 2 — in time, in the
 * initialization scale — and USAM as the control that shows the normalization is the cause.
 *
 * Why it happens (balanced L = 2, one example, y = +1, w₁ = w₂ = u): ℓ2-SAM's perturbation is
 * ε = −ρ (x⊙u)/(√2‖x⊙u‖₂) on both layers, so the perturbed weight is ũ_j = u_j (1 − ρ x_j / (√2‖x⊙u‖₂)),
 * and u_j grows at rate ∝ x_j ũ_j / u_j = x_j (1 − x_j / c) with c = √2‖x⊙u‖₂/ρ. Coordinates with
 * x_j > c shrink; the fastest grower is x_j ≈ c/2. As ‖u‖ grows, c grows and the lead passes from
 * minor to major coordinates. A larger α starts with a larger c (claim 6); too small an α starts with
 * the major coordinates shrinking, which lowers ‖x⊙u‖ and c further: β collapses. USAM's perturbation
 * ρ∇L has no normalization: its factor (1 − ρ|ℓ'(z)| x_j) does not depend on the scale of u and
 * tends to 1 as the loss falls, so GD's major-first order is kept (for ρ|ℓ'(0)| x_max < 1/2).
 */
import type { Result } from "../run/result.js";
import type { SpecInput } from "../spec/schema.js";
import type { Experiment, ExperimentContext, LineFigure } from "./types.js";
import { collapsed, dominantAt, firstTakeovers, fmt, logspace, nonDecreasing, shareSeries } from "./util.js";

export const SEQ_X = [1, 2, 3, 4, 5];
export const SEQ_RHO = 0.15;
export const SEQ_LR = 0.01;
/** The fixed time at which claim 6 reads the dominant coordinate. */
export const SEQ_T_STAR = 1;

export function seqSpec(algo: "sam-l2" | "usam" | "gd", alpha: number, quick: boolean): SpecInput {
  return {
    version: 1,
    name: `sequential amplification: ${algo}, α = ${alpha}`,
    data: { x: [SEQ_X], y: [1] },
    depth: 2,
    init: { alpha },
    loss: "logistic",
    algo,
    rho: algo === "gd" ? 0 : SEQ_RHO,
    lr: SEQ_LR,
    steps: quick ? 50_000 : 200_000,
    record: { points: 400, spacing: "log" },
    seed: 1,
  };
}

const mag = (r: Result, coords: number[]) => coords.map((c) => r.data.magnitudes[c]!);
const seqText = (r: Result) => firstTakeovers(r).map((c) => `x${c + 1}`).join(" → ") || "(none)";

/** Claim 5's primary run. */
export const SEQ_ALPHA = 0.07;

export const sequentialInTime: Experiment = {
  id: "sequential-time",
  title: "ℓ2-SAM amplifies features minor first, major last (in time)",
  claim: "5. L = 2, ℓ2-SAM, finite time: the predictor relies first on minor coordinates and shifts to larger ones as training proceeds; GD starts at the major one.",
  cost: 2,
  async execute(ctx: ExperimentContext) {
    const sam = await ctx.run(seqSpec("sam-l2", SEQ_ALPHA, ctx.quick));
    const gd = await ctx.run(seqSpec("gd", SEQ_ALPHA, ctx.quick));
    const samOrder = firstTakeovers(sam);
    const samMags = mag(sam, samOrder);
    const major = SEQ_X.length - 1;
    const gdFirst = firstTakeovers(gd)[0];
    const figures: LineFigure[] = [
      {
        kind: "line",
        id: "sequential-time-sam",
        title: `ℓ2-SAM, x = (1,…,5), L = 2, ρ = ${SEQ_RHO}, α = ${SEQ_ALPHA}: coordinate shares`,
        caption: "Each coordinate's share |β_j|/‖β‖₁ against t = η·step (log axis). The lead passes from x2 to x3, x4 and finally x5.",
        x: { label: "t", log: true },
        y: { label: "|β_j| / ‖β‖₁", min: 0, max: 1 },
        series: shareSeries(sam),
        specs: [sam.spec],
      },
      {
        kind: "line",
        id: "sequential-time-gd",
        title: `GD on the same data and initialization: coordinate shares`,
        caption: "GD's largest share is the major coordinate x5 from the first step on.",
        x: { label: "t", log: true },
        y: { label: "|β_j| / ‖β‖₁", min: 0, max: 1 },
        series: shareSeries(gd),
        specs: [gd.spec],
      },
    ];
    return {
      checks: [
        {
          name: "ℓ2-SAM's takeovers run from minor to major",
          measured: `${seqText(sam)} (magnitudes ${samMags.map((m) => fmt(m)).join(", ")}); final ‖β‖₁ = ${fmt(sam.final.l1)}`,
          criterion: "at least 3 distinct dominant coordinates, strictly increasing magnitudes, the first not the major one, the last the major one x5, no collapse",
          pass: samOrder.length >= 3 && nonDecreasing(samMags) && new Set(samMags).size === samMags.length && samOrder[0] !== major && samOrder.at(-1) === major && !collapsed(sam),
        },
        {
          name: "GD starts at the major coordinate",
          measured: `GD's takeovers: ${seqText(gd)}`,
          criterion: "GD's first dominant coordinate (after step 0) is x5",
          pass: gdFirst === major,
        },
      ],
      figures,
      notes: [
        `Discrete steps with η = ${SEQ_LR}, t up to ${fmt(sam.final.t)}. Step 0 is skipped: with a constant α every |β_j| is equal there.`,
        "Near the collapse boundary (smaller α) the discrete run is sensitive: ‖β‖ shrinks towards 0 and the dominant coordinate oscillates; see the α sweep.",
      ],
    };
  },
};

/** Claims 6 (ℓ2-SAM) and the USAM control over the same α grid. */
async function alphaSweep(ctx: ExperimentContext, algo: "sam-l2" | "usam") {
  const alphas = logspace(0.01, 0.5, ctx.quick ? 12 : 24);
  const runs: { alpha: number; r: Result }[] = [];
  for (const alpha of alphas) runs.push({ alpha, r: await ctx.run(seqSpec(algo, alpha, true)) });
  return runs;
}

export const sequentialInAlpha: Experiment = {
  id: "sequential-alpha",
  title: "…and in the initialization scale; very small α collapses",
  claim: "5/6. L = 2, ℓ2-SAM: the dominant coordinate at a fixed time grows with the initialization scale α; at very small α, β vanishes.",
  cost: 3,
  async execute(ctx) {
    const runs = await alphaSweep(ctx, "sam-l2");
    const alive = runs.filter((x) => !collapsed(x.r));
    const dead = runs.filter((x) => collapsed(x.r));
    const domAt = alive.map((x) => dominantAt(x.r, SEQ_T_STAR));
    const distinct = new Set(domAt).size;
    const smallestAlive = alive.length ? alive[0]!.alpha : NaN;
    const largestDead = dead.length ? Math.max(...dead.map((x) => x.alpha)) : NaN;
    const predicted = SEQ_RHO / (Math.SQRT2 * Math.hypot(...SEQ_X));
    const fig: LineFigure = {
      kind: "line",
      id: "sequential-alpha",
      title: `ℓ2-SAM, x = (1,…,5), ρ = ${SEQ_RHO}: dominant coordinate at t = ${SEQ_T_STAR}, and final ‖β‖₁, against α`,
      caption: `Each point is one run of ${runs[0]!.r.spec.steps} steps (η = ${SEQ_LR}); the grid is α ∈ [0.01, 0.5], log-spaced. Collapsed runs (‖β‖₁ below its start and the loss still above ℓ(0)/2 at the end) are plotted at 0.`,
      x: { label: "α (initial scale)", log: true },
      y: { label: "index j of the dominant x_j at t = 1 (0 = collapsed)", min: 0, max: 5.5 },
      series: [{ label: "dominant coordinate at t = 1", x: runs.map((x) => x.alpha), y: runs.map((x) => (collapsed(x.r) ? 0 : dominantAt(x.r, SEQ_T_STAR) + 1)) }],
      specs: [runs[0]!.r.spec],
    };
    return {
      checks: [
        {
          name: "the dominant coordinate at t = 1 grows with α",
          measured: alive.map((x, i) => `α=${fmt(x.alpha, 2)}: x${domAt[i]! + 1}`).join(", "),
          criterion: "non-decreasing in α over the runs that do not collapse, with at least 3 distinct coordinates",
          pass: alive.length >= 3 && nonDecreasing(domAt) && distinct >= 3,
        },
        {
          name: "very small α collapses",
          measured: `collapsed: ${dead.map((x) => fmt(x.alpha, 2)).join(", ") || "none"}; smallest surviving α = ${fmt(smallestAlive, 3)}`,
          criterion: "the smallest α collapses, the largest does not, and every collapsed α is below every surviving one",
          pass: dead.length > 0 && collapsed(runs[0]!.r) && !collapsed(runs.at(-1)!.r) && largestDead < smallestAlive,
        },
      ],
      figures: [fig],
      notes: [
        `Predicted: at t = 0 coordinate j grows iff x_j < c = √2‖x⊙u‖₂/ρ; all shrink (immediate collapse) for α < ρ/(√2‖x‖₂) = ${fmt(predicted)}. ` +
          `Measured boundary: between α = ${fmt(largestDead, 3)} and ${fmt(smallestAlive, 3)} — higher, because the major coordinates (which dominate ‖x⊙u‖) shrink first and pull c down.`,
      ],
    };
  },
};

export const usamControl: Experiment = {
  id: "usam-control",
  title: "USAM (no normalization) shows no minor-first phase",
  claim: "6. The cause is the gradient normalization in ℓ2-SAM's perturbation: USAM on the same runs does not amplify minor coordinates first.",
  cost: 3,
  async execute(ctx) {
    const main = await ctx.run(seqSpec("usam", SEQ_ALPHA, ctx.quick));
    const runs = await alphaSweep(ctx, "usam");
    const major = SEQ_X.length - 1;
    const firsts = runs.map((x) => firstTakeovers(x.r)[0]);
    const allMajor = firsts.every((f) => f === major) && firstTakeovers(main)[0] === major;
    const domAt = runs.map((x) => dominantAt(x.r, SEQ_T_STAR));
    return {
      checks: [
        {
          name: "USAM's first dominant coordinate is the major one, in the claim-5 run and across the α sweep",
          measured: `claim-5 run: ${seqText(main)}; sweep first takeovers: ${firsts.map((f) => (f === undefined ? "–" : `x${f + 1}`)).join(", ")}`,
          criterion: "x5 first in every run",
          pass: allMajor,
        },
        {
          name: "USAM's dominant coordinate at t = 1 does not depend on α",
          measured: `${[...new Set(domAt)].map((c) => `x${c + 1}`).join(", ")}`,
          criterion: "x5 at every α",
          pass: domAt.every((c) => c === major),
        },
      ],
      figures: [
        {
          kind: "line",
          id: "usam-control",
          title: `USAM, same data, ρ = ${SEQ_RHO}, α = ${SEQ_ALPHA}: coordinate shares`,
          caption: "Without the normalization the perturbation ρ∇L fades with the gradient: the major coordinate leads throughout, as under GD.",
          x: { label: "t", log: true },
          y: { label: "|β_j| / ‖β‖₁", min: 0, max: 1 },
          series: shareSeries(main),
          specs: [main.spec],
        },
      ],
      notes: [`USAM keeps the major-first order for ρ|ℓ'(0)|·max_j x_j < 1/2 (here ${fmt(SEQ_RHO * 0.5 * 5)}); at larger ρ its fixed reweighting x_j(1 − ρ|ℓ'|x_j) also favours middle coordinates until the loss falls.`],
    };
  },
};
