/**
 * Claim 3: at depth 2, ℓ∞-SAM's limit depends on the initialization — 0 or any basis vector, the
 * minor one included. A phase diagram over per-coordinate initial scales (α₁, α₂) for x = (1, 2).
 *
 * Why (balanced layers, w₁ = w₂ = u > 0, one example, y = +1): every gradient entry is negative, so
 * ε = −ρ on every entry and the rescaled flow is du_j/dτ = x_j (u_j − ρ). Hence
 * u_j − ρ = (α_j − ρ) e^{x_j τ}: a coordinate survives iff α_j > ρ; a dying one reaches 0 and stays
 * there (the sign of its gradient flips each time it crosses 0: a sliding mode). Among the survivors
 * the largest x_j wins. Prediction: e₂ if α₂ > ρ; e₁ (the minor coordinate) if α₁ > ρ ≥ α₂; 0 if both
 * α_j < ρ. GD (ρ = 0) keeps both coordinates and always ends at e₂.
 */
import { basisLabel, coordColor, REGIME_COLOR, REGIME_LABEL } from "../analysis/labels.js";
import type { LimitClassification } from "../analysis/limit.js";
import { limitOfResult } from "../run/limit.js";
import type { Result } from "../run/result.js";
import type { SpecInput } from "../spec/schema.js";
import type { Experiment, ExperimentContext, HeatmapFigure, HeatmapOverlay } from "./types.js";
import { fmt, logspace } from "./util.js";

export const PHASE_X = [1, 2];
export const PHASE_RHO = 0.1;
/** Rescaled time of each run (τ = η·steps with the rescaled schedule). */
export const PHASE_TAU = 30;

/** The cell classes of every phase diagram (CLI, report and page), indexed by {@link phaseIndex}. */
export const PHASE_CLASSES: { label: string; color: string }[] = [
  { label: `${basisLabel(0)} (minor)`, color: coordColor(0) },
  { label: `${basisLabel(1)} (major)`, color: coordColor(1) },
  { label: `${REGIME_LABEL.zero} (β → 0)`, color: REGIME_COLOR.zero },
  { label: `${REGIME_LABEL.stalled} (β → ρᴸ)`, color: REGIME_COLOR.stalled },
  { label: REGIME_LABEL["not-converged"], color: REGIME_COLOR["not-converged"] },
];

export function phaseSpec(algo: "sam-linf" | "gd", alpha: [number, number], depth = 2): SpecInput {
  return {
    version: 1,
    name: `phase diagram cell: ${algo}, α = (${alpha.map((a) => fmt(a)).join(", ")})`,
    data: { x: [PHASE_X], y: [1] },
    depth,
    init: { alpha },
    loss: "logistic",
    algo,
    rho: algo === "gd" ? 0 : PHASE_RHO,
    lr: 0.01,
    lrSchedule: "rescaled",
    steps: Math.round(PHASE_TAU / 0.01),
    record: { points: 20, spacing: "log" },
    seed: 1,
  };
}

/**
 * What a phase-diagram cell shows, read from the limit classifier's verdict — the one place the
 * experiments translate the classifier's kinds: a basis vector e_j (kind `basis`, or a max-margin
 * kind whose direction is e_j: the classifier sets `coord` whenever the direction is ±e_j), `zero`,
 * `stalled`, or `not-converged` (anything else).
 */
export type CellKind = { kind: "basis"; coord: number } | { kind: "zero" } | { kind: "stalled" } | { kind: "not-converged" };

export function cellKind(c: LimitClassification): CellKind {
  if (c.kind === "zero") return { kind: "zero" };
  if (c.kind === "stalled") return { kind: "stalled" };
  if (c.kind !== "not-converged" && c.coord !== undefined) return { kind: "basis", coord: c.coord };
  return { kind: "not-converged" };
}

/** The index of a cell kind in {@link PHASE_CLASSES} (a basis vector beyond e₂ counts as not converged). */
export function phaseIndex(k: CellKind): number {
  if (k.kind === "basis") return k.coord <= 1 ? k.coord : 4;
  return k.kind === "zero" ? 2 : k.kind === "stalled" ? 3 : 4;
}

/**
 * The phase-diagram class of a run (an index into {@link PHASE_CLASSES}): the run's limit
 * ({@link limitOfResult}, the classifier of its diagnostics) read as a cell by {@link cellKind}
 * (with one example, the ℓ1 max-margin direction is e₂).
 */
export function phaseClass(r: Result): number {
  return phaseIndex(cellKind(limitOfResult(r)));
}

/**
 * The limit the depth-L ℓ∞-SAM rule predicts for one example x = μ > 0 (y = +1), balanced start
 * w_{l,j} = α_j (docs/MODEL.md, "Depth-L ℓ∞-SAM"): A = {j : α_j > ρ}; if A is non-empty, e_{j*} with
 * j* = argmax_{j∈A} μ_j (α_j − ρ)^{L−2} (the first index on an exact tie — a boundary); if A is
 * empty, β → 0 for even L and every β_j → ρ^L, a stalled run, for odd L. L = 2: the largest μ_j in A.
 */
export function predictedLimit(mu: readonly number[], alpha: readonly number[], rho: number, depth: number): CellKind {
  let best = -1;
  let score = -Infinity;
  for (let j = 0; j < mu.length; j++) {
    if (!(alpha[j]! > rho)) continue;
    const s = mu[j]! * (alpha[j]! - rho) ** (depth - 2);
    if (s > score) {
      best = j;
      score = s;
    }
  }
  if (best >= 0) return { kind: "basis", coord: best };
  return depth % 2 === 0 ? { kind: "zero" } : { kind: "stalled" };
}

/**
 * The predicted boundaries of {@link predictedLimit} for two coordinates over [lo, hi]² (α axes),
 * as heatmap overlays: α₁ = ρ below α₂ = ρ (e₁ against the A = ∅ region); α₂ = ρ left of α₁ = ρ
 * (e₂ against A = ∅), and, where both coordinates survive, the winner boundary
 * μ₁(α₁ − ρ)^{L−2} = μ₂(α₂ − ρ)^{L−2}, i.e. α₂ = ρ + (α₁ − ρ)(μ₁/μ₂)^{1/(L−2)} (L ≥ 3). At L = 2 the
 * larger μ_j wins wherever it survives, so its α = ρ line runs across the whole plot instead.
 */
export function predictedBoundaries(mu: readonly [number, number], rho: number, depth: number, lo: number, hi: number): HeatmapOverlay[] {
  const major = mu[1] >= mu[0] ? 1 : 0;
  const zeroName = depth % 2 === 0 ? "0" : "stalled";
  const out: HeatmapOverlay[] = [];
  // each line ends where its label goes (renderers put a line's label at its last point)
  if (depth === 2) {
    // the major coordinate's line spans the plot; the minor one's stops where the major survives
    out.push(major === 1 ? { kind: "line", label: "α₂ = ρ", points: [[lo, rho], [hi, rho]] } : { kind: "line", label: "α₁ = ρ", points: [[rho, lo], [rho, hi]] });
    out.push(major === 1 ? { kind: "line", label: "α₁ = ρ", points: [[rho, rho], [rho, lo]] } : { kind: "line", label: "α₂ = ρ", points: [[rho, rho], [lo, rho]] });
  } else {
    out.push({ kind: "line", label: "α₁ = ρ", points: [[rho, rho], [rho, lo]] });
    out.push({ kind: "line", label: "α₂ = ρ", points: [[rho, rho], [lo, rho]] });
    const c = (mu[0] / mu[1]) ** (1 / (depth - 2));
    const pts: [number, number][] = [];
    // log-spaced in α₁ − ρ so the curve is smooth on log axes near (ρ, ρ)
    const n = 60;
    for (let k = 0; k <= n; k++) {
      const a1 = rho + (hi - rho) * 1e-3 ** (1 - k / n);
      const a2 = rho + (a1 - rho) * c;
      if (a2 <= hi) pts.push([a1, a2]);
    }
    const pow = depth === 3 ? "" : String(depth - 2).replace(/\d/g, (d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(d)]!);
    out.push({ kind: "line", label: `μ₁(α₁−ρ)${pow} = μ₂(α₂−ρ)${pow}`, points: [[rho, rho], ...pts] });
  }
  const mid = (a: number, b: number) => Math.sqrt(a * b);
  out.push({ kind: "text", text: `${zeroName} predicted`, at: [mid(lo, rho), mid(lo, rho)] });
  if (depth === 2) {
    const e = ["e₁", "e₂"];
    out.push({ kind: "text", text: `${e[major]} predicted`, at: [mid(lo, hi), mid(rho, hi)] });
    out.push({ kind: "text", text: `${e[1 - major]} predicted`, at: [mid(rho, hi), mid(lo, rho)] });
  } else {
    out.push({ kind: "text", text: "e₂ predicted", at: [mid(lo, rho), mid(rho, hi)] });
    out.push({ kind: "text", text: "e₁ predicted", at: [mid(rho, hi), mid(lo, rho)] });
  }
  return out;
}

/** The class the rescaled-flow analysis predicts (boundaries at α_j = ρ). */
export function predictedClass(a1: number, a2: number, rho = PHASE_RHO): number {
  if (a2 > rho) return 1;
  if (a1 > rho) return 0;
  return 2;
}

async function grid(ctx: ExperimentContext, algo: "sam-linf" | "gd", alphas: number[], depth = 2) {
  const cells: number[][] = [];
  let sample: Result | undefined;
  for (let iy = 0; iy < alphas.length; iy++) {
    const row: number[] = [];
    for (let ix = 0; ix < alphas.length; ix++) {
      const r = await ctx.run(phaseSpec(algo, [alphas[ix]!, alphas[iy]!], depth));
      sample ??= r;
      row.push(phaseClass(r));
    }
    cells.push(row);
  }
  return { cells, sample: sample! };
}

/** The outer cell edges of a log-spaced grid (half a step beyond the first and last values): where boundary lines start and end. */
export function gridEdges(alphas: number[]): [number, number] {
  const half = Math.sqrt(alphas[1]! / alphas[0]!);
  return [alphas[0]! / half, alphas.at(-1)! * half];
}

/** `predicted`: draw the L = 2 ℓ∞-SAM rule's boundaries (not for GD, whose limit is e₂ everywhere). */
export function phaseFigure(id: string, title: string, alphas: number[], cells: number[][], sample: Result, caption: string, predicted = true): HeatmapFigure {
  return {
    kind: "heatmap",
    id,
    title,
    caption,
    x: { label: "α₁ (initial scale of coordinate 1, x₁ = 1)", values: alphas, log: true },
    y: { label: "α₂ (initial scale of coordinate 2, x₂ = 2)", values: alphas, log: true },
    cells,
    classes: PHASE_CLASSES,
    ...(predicted ? { overlays: predictedBoundaries([PHASE_X[0]!, PHASE_X[1]!], PHASE_RHO, 2, ...gridEdges(alphas)) } : {}),
    specs: [sample.spec],
  };
}

export const linfPhase: Experiment = {
  id: "linf-phase",
  title: "L = 2, ℓ∞-SAM: the limit depends on the initialization (phase diagram)",
  claim: "3. L = 2, ℓ∞-SAM: the limit direction depends critically on the initialization; it can be 0 or any standard basis vector, including minor coordinates. GD on the same grid always ends at e₂.",
  cost: 10,
  async execute(ctx) {
    const size = ctx.quick ? 32 : 48;
    const alphas = logspace(0.01, 1, size);
    const sam = await grid(ctx, "sam-linf", alphas);
    const gd = await grid(ctx, "gd", alphas);
    const count = (cells: number[][], k: number) => cells.flat().filter((c) => c === k).length;
    let agree = 0;
    for (let iy = 0; iy < size; iy++) for (let ix = 0; ix < size; ix++) if (sam.cells[iy]![ix] === predictedClass(alphas[ix]!, alphas[iy]!)) agree++;
    const total = size * size;
    const caption = (algo: string) =>
      `${size} × ${size} runs of ${algo} on x = (1, 2), L = 2${algo === "GD" ? "" : `, ρ = ${PHASE_RHO}`}, α log-spaced in [0.01, 1] per coordinate, each to rescaled time τ = ${PHASE_TAU} ` +
      `(rescaled steps, η = 0.01). Cells are the runs' limit classes: e_j when β/‖β‖₂ is within 0.05 of e_j, 0 when the loss is still above ℓ(0)/2 at τ (β never grew).` +
      (algo === "GD" ? "" : " Dashed: the predicted boundaries (α₂ = ρ across the plot — e₂ wins wherever it survives; α₁ = ρ below it).");
    return {
      checks: [
        {
          name: "ℓ∞-SAM reaches e₂, e₁ (the minor coordinate) and 0",
          measured: `cells: e₁ ${count(sam.cells, 0)}, e₂ ${count(sam.cells, 1)}, 0 ${count(sam.cells, 2)}, stalled ${count(sam.cells, 3)}, not converged ${count(sam.cells, 4)} of ${total}`,
          criterion: "each of e₁, e₂ and 0 covers at least 5% of the grid",
          pass: [0, 1, 2].every((k) => count(sam.cells, k) >= 0.05 * total),
        },
        {
          name: "the boundaries are α₁ = ρ and α₂ = ρ",
          measured: `${agree} of ${total} cells (${fmt((100 * agree) / total)}%) match the prediction e₂ if α₂ > ρ, e₁ if α₁ > ρ ≥ α₂, 0 otherwise`,
          criterion: "≥ 99% of cells match",
          pass: agree >= 0.99 * total,
        },
        {
          name: "GD on the same grid ends at e₂ everywhere",
          measured: `cells: e₂ ${count(gd.cells, 1)} of ${total} (e₁ ${count(gd.cells, 0)}, 0 ${count(gd.cells, 2)}, stalled ${count(gd.cells, 3)}, not converged ${count(gd.cells, 4)})`,
          criterion: "every cell e₂",
          pass: count(gd.cells, 1) === total,
        },
      ],
      figures: [
        phaseFigure("linf-phase-sam", `ℓ∞-SAM, x = (1, 2), L = 2, ρ = ${PHASE_RHO}: limit direction over (α₁, α₂)`, alphas, sam.cells, sam.sample, caption("ℓ∞-SAM")),
        phaseFigure("linf-phase-gd", "GD on the same grid: limit direction over (α₁, α₂)", alphas, gd.cells, gd.sample, caption("GD"), false),
      ],
      notes: [
        `Boundaries explained: with ε = −ρ on every entry, du_j/dτ = x_j(u_j − ρ), so u_j − ρ = (α_j − ρ)e^{x_j τ}; coordinate j survives iff α_j > ρ = ${PHASE_RHO}, and the largest surviving x_j wins.`,
        "Constant-η runs agree on which coordinates survive, but when both survive the lead passes to e₂ only at τ = ln((α₁ − ρ)/(α₂ − ρ)), which constant steps reach only at astronomically large t (τ grows like log log t).",
      ],
    };
  },
};
