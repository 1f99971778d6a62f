/**
 * Related result 8 (docs/MODEL.md): Andriushchenko & Flammarion (2022) — on sparse regression with
 * β = u ⊙ v (u₀ = α, v₀ = 0), full-batch 1-SAM reaches a far lower test loss than GD and n-SAM; and
 * their "switch" run, GD first and 1-SAM from the middle of training on, which still ends sparse.
 *
 * Why 1-SAM and not n-SAM: with one example per perturbation, each example's ε_i = ρ∇ℓ_i/‖∇ℓ_i‖ keeps
 * its full radius however small its residual, so near an interpolator the perturbations do not fade
 * as the batch loss does; their second-order effect (an ℓ1-like penalty on the diagonal network's
 * weights, in A&F's analysis) keeps pulling β towards a sparse interpolator. n-SAM's single
 * normalized ε follows the mean gradient and, at this ρ, keeps the run bouncing around an
 * interpolator that is no sparser than GD's. USAM (no normalization) fades like GD — the sabotage.
 *
 * The setting lives in {@link SPARSE_SETTING} / {@link sparseRegressionSpec} so that other
 * experiments (curvature at the end of the same runs) reuse it.
 */
import type { Result } from "../run/result.js";
import { parseSpec, type SpecInput } from "../spec/schema.js";
import type { Check, Experiment, ExperimentContext, LineFigure } from "./types.js";
import { fmt } from "./util.js";

/** Andriushchenko & Flammarion's sparse-regression setting, as this lab runs it. */
export const SPARSE_SETTING = {
  n: 20,
  d: 30,
  /** Non-zeros of β* (unit ℓ2 norm, docs/SPEC.md "sparse-regression"). */
  k: 3,
  noise: 0,
  /** Test examples drawn from the same distribution (never trained on). */
  test: 1000,
  depth: 2,
  rho: 0.1,
  lr: 0.05,
  steps: 20_000,
  /** The GD → 1-SAM switch step (half-way: GD has interpolated the training data by then). */
  switchStep: 10_000,
  /** The α grid and seeds of the full run and of `--quick`. */
  alphas: [0.01, 0.05, 0.1, 0.2, 0.5, 1],
  quickAlphas: [0.1, 0.5],
  seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  quickSeeds: [1, 2, 3, 4],
  /** The claim's α range: at α ≤ 0.05 (below ρ/2) the SAM runs collapse to β = 0 on most seeds. */
  claimAlphaMin: 0.1,
} as const;

/** The rows of the experiment: GD, n-SAM (ℓ2), 1-SAM (ℓ2, `sam.group: 1`), GD then 1-SAM. */
export type SparseAlgo = "gd" | "n-sam" | "1-sam" | "switch";
export const SPARSE_ALGOS: readonly SparseAlgo[] = ["gd", "n-sam", "1-sam", "switch"];
const LABEL: Record<SparseAlgo, string> = { gd: "GD", "n-sam": "n-SAM (ℓ2)", "1-sam": "1-SAM (ℓ2)", switch: `GD → 1-SAM at step ${SPARSE_SETTING.switchStep}` };

/**
 * One run of the setting: u₀ = α (layer 1), v₀ = 0 (layer 2), data and test set from `seed`.
 * `steps` defaults to the setting's; `record` to 60 log-spaced points.
 */
export function sparseRegressionSpec(algo: SparseAlgo, alpha: number, seed: number, opts: { steps?: number; points?: number } = {}): SpecInput {
  const s = SPARSE_SETTING;
  const sam = algo !== "gd" ? { rho: s.rho } : { rho: 0 };
  return {
    version: 1,
    name: `sparse regression: ${LABEL[algo]}, α = ${alpha}, seed ${seed}`,
    data: { generator: "sparse-regression", n: s.n, d: s.d, k: s.k, noise: s.noise, test: s.test, seed },
    depth: s.depth,
    init: { values: [new Array<number>(s.d).fill(alpha), new Array<number>(s.d).fill(0)] },
    loss: "squared",
    algo: algo === "n-sam" || algo === "1-sam" ? "sam-l2" : "gd",
    ...sam,
    ...(algo === "1-sam" || algo === "switch" ? { sam: { group: 1 } } : {}),
    ...(algo === "switch" ? { switch: { step: s.switchStep, algo: "sam-l2", rho: s.rho } } : {}),
    lr: s.lr,
    steps: opts.steps ?? s.steps,
    record: { points: opts.points ?? 60, spacing: "log" },
    seed,
  };
}

const testLoss = (r: Result) => r.final.testLoss ?? NaN;
const minOf = (v: number[]) => v.reduce((a, b) => Math.min(a, b), Infinity);
const geoMean = (v: number[]) => Math.exp(v.reduce((a, b) => a + Math.log(b), 0) / v.length);

export const sparseRegression: Experiment = {
  id: "sparse-regression",
  title: "Sparse regression (Andriushchenko & Flammarion): 1-SAM's test loss far below GD's and n-SAM's",
  claim:
    "8 (related). Sparse regression, β = u ⊙ v with u₀ = α, v₀ = 0, squared loss, n = 20, d = 30, 3-sparse β*: full-batch 1-SAM reaches a far lower test loss than GD and n-SAM, and GD followed by 1-SAM still does.",
  cost: 2,
  async execute(ctx: ExperimentContext) {
    const s = SPARSE_SETTING;
    const alphas = ctx.quick ? s.quickAlphas : s.alphas;
    const seeds = ctx.quick ? s.quickSeeds : s.seeds;
    /** loss[algo][alpha index][seed index] */
    const loss: Record<SparseAlgo, number[][]> = { gd: [], "n-sam": [], "1-sam": [], switch: [] };
    const recovered: Record<SparseAlgo, number> = { gd: 0, "n-sam": 0, "1-sam": 0, switch: 0 };
    let trajectories: Partial<Record<SparseAlgo, Result>> = {};
    for (const alpha of alphas) {
      for (const a of SPARSE_ALGOS) loss[a].push([]);
      for (const seed of seeds) {
        for (const a of SPARSE_ALGOS) {
          const r = await ctx.run(sparseRegressionSpec(a, alpha, seed));
          loss[a].at(-1)!.push(testLoss(r));
          if (alpha >= s.claimAlphaMin && r.diagnostics?.regression?.supportRecovered) recovered[a]++;
          if (alpha === s.quickAlphas[0] && seed === seeds[0]) trajectories = { ...trajectories, [a]: r };
        }
      }
      ctx.log(`sparse-regression: α = ${alpha} done`);
    }
    const inClaim = alphas.flatMap((a, i) => (a >= s.claimAlphaMin ? [i] : []));
    const ratios = (num: SparseAlgo, den: SparseAlgo) => inClaim.flatMap((i) => loss[num][i]!.map((v, k) => v / loss[den][i]![k]!));
    const perAlpha = (a: SparseAlgo) => inClaim.map((i) => `α=${alphas[i]}: ${fmt(geoMean(loss[a][i]!), 2)}`).join(", ");
    const claimRuns = inClaim.length * seeds.length;
    const gdOver1 = ratios("gd", "1-sam");
    const nOver1 = ratios("n-sam", "1-sam");
    const gdOverSwitch = ratios("gd", "switch");
    const claimAlphas = inClaim.map((i) => alphas[i]).join(", ");
    const checks: Check[] = [
      {
        name: "1-SAM's test loss is at most 0.1 × GD's, at every α and seed",
        measured: `GD/1-SAM test-loss ratio ≥ ${fmt(minOf(gdOver1), 3)} over ${claimRuns} (α, seed) pairs (α ∈ {${claimAlphas}}); geometric means: 1-SAM ${perAlpha("1-sam")}; GD ${perAlpha("gd")}`,
        criterion: "ratio ≥ 10 for every pair",
        pass: gdOver1.length > 0 && gdOver1.every((r) => r >= 10),
      },
      {
        name: "1-SAM's test loss is at most 0.1 × n-SAM's (same ρ), at every α and seed",
        measured: `n-SAM/1-SAM ratio ≥ ${fmt(minOf(nOver1), 3)} over ${claimRuns} pairs; n-SAM's geometric means: ${perAlpha("n-sam")}`,
        criterion: "ratio ≥ 10 for every pair",
        pass: nOver1.length > 0 && nOver1.every((r) => r >= 10),
      },
      {
        name: `GD, then 1-SAM from step ${s.switchStep} (the switch run): test loss at most 0.1 × GD's, at every α and seed`,
        measured: `GD/switch ratio ≥ ${fmt(minOf(gdOverSwitch), 3)} over ${claimRuns} pairs; switch's geometric means: ${perAlpha("switch")}`,
        criterion: "ratio ≥ 10 for every pair",
        pass: gdOverSwitch.length > 0 && gdOverSwitch.every((r) => r >= 10),
      },
      {
        name: "support of β* recovered (|β_j| ≥ 1 % of max|β| exactly on β*'s support)",
        measured: SPARSE_ALGOS.map((a) => `${LABEL[a]} ${recovered[a]}/${claimRuns}`).join(", "),
        criterion: "reported, not checked",
        pass: true,
        informational: true,
      },
    ];
    const small = alphas.flatMap((a, i) => (a < s.claimAlphaMin ? [i] : []));
    if (small.length > 0) {
      // β = 0 has test loss ½‖β*‖² = 0.5 (x ~ N(0, I)); a collapsed run sits near it
      const collapsedCount = (a: SparseAlgo, i: number) => loss[a][i]!.filter((v) => v > 0.25).length;
      checks.push({
        name: `below α = ${s.claimAlphaMin} (ρ = ${s.rho}): the SAM runs from the start collapse to β ≈ 0 on some seeds, GD and GD → 1-SAM do not`,
        measured: small
          .map((i) => `α=${alphas[i]}: test loss > 0.25 (β ≈ 0 gives 0.5) for GD ${collapsedCount("gd", i)}, n-SAM ${collapsedCount("n-sam", i)}, 1-SAM ${collapsedCount("1-sam", i)}, GD → 1-SAM ${collapsedCount("switch", i)} of ${seeds.length} seeds; GD's geometric mean ${fmt(geoMean(loss.gd[i]!), 2)}`)
          .join("; "),
        criterion: "reported, not checked",
        pass: true,
        informational: true,
      });
    }
    const algoSeries = (a: SparseAlgo) => ({ label: LABEL[a], x: [...alphas], y: alphas.map((_, i) => geoMean(loss[a][i]!)), dashed: a === "switch" });
    const figures: LineFigure[] = [
      {
        kind: "line",
        id: "sparse-regression-alpha",
        title: `Sparse regression (n = ${s.n}, d = ${s.d}, k = ${s.k}), u₀ = α, v₀ = 0: test loss after ${s.steps} steps against α`,
        caption: `Geometric mean over ${seeds.length} seeds (each seed draws the data, β* and the ${s.test}-example test set) of the final test loss ½·mean(<β, x> − y)²; ρ = ${s.rho}, η = ${s.lr}. β = 0 has test loss 0.5.`,
        x: { label: "α (initial scale of u)", log: true },
        y: { label: "test loss", log: true },
        series: SPARSE_ALGOS.map(algoSeries),
        specs: SPARSE_ALGOS.map((a) => parseSpec(sparseRegressionSpec(a, alphas[0]!, seeds[0]!))),
      },
    ];
    const tr = SPARSE_ALGOS.flatMap((a) => (trajectories[a]?.trajectory.testLoss ? [{ a, r: trajectories[a]! }] : []));
    if (tr.length > 0) {
      figures.push({
        kind: "line",
        id: "sparse-regression-time",
        title: `Test loss along training, α = ${s.quickAlphas[0]}, seed ${seeds[0]}`,
        caption: `The same runs over t = η·step (log axes). The switch run follows GD until step ${s.switchStep} (t = ${s.switchStep * s.lr}), then 1-SAM drives its test loss down.`,
        x: { label: "t", log: true },
        y: { label: "test loss", log: true },
        series: tr.map(({ a, r }) => ({ label: LABEL[a], x: r.trajectory.t.slice(1), y: r.trajectory.testLoss!.slice(1), dashed: a === "switch" })),
        specs: tr.map(({ r }) => r.spec),
      });
    }
    return {
      checks,
      figures,
      notes: [
        `Every method uses ρ = ${s.rho} and η = ${s.lr} (A&F tune ρ per method); at this ρ n-SAM ends above GD's test loss — its single normalized perturbation keeps the run moving around an interpolator — so the n-SAM comparison says "1-SAM at the same ρ", not "n-SAM at its best ρ".`,
        `At α ≤ ρ/2 the perturbation outweighs the weights and the SAM runs can collapse to β ≈ 0 (as ℓ2-SAM does on classification, claim 5/6); GD at small α is in its rich regime and already sparse. The claim is checked for α ≥ ${s.claimAlphaMin}.`,
        "USAM in place of ℓ2-SAM (no normalization) loses the effect: on the quick grid its 1-SAM test loss is within a factor 3 of GD's (the tests' sabotage).",
      ],
    };
  },
};
