/**
 * Presets: one per reproduction experiment of the paper (Moon, Si, Yun, ICLR 2026). Each is a plain
 * spec (version 1) plus which views tell its story best. Loadable as `?preset=<id>`.
 */
import type { SpecInput } from "@samlab/sim";
import { phaseSpec, sparseRegressionSpec, SPARSE_SETTING } from "@samlab/sim/experiments";

export interface Preset {
  id: string;
  title: string;
  /** One sentence: what to look for. */
  claim: string;
  spec: SpecInput;
  /** Views to highlight (a subset of VIEW_IDS). */
  views: string[];
}

export const PRESETS: readonly Preset[] = [
  {
    id: "l1-max-margin",
    title: "L = 1: GD and SAM find the ℓ2 max-margin direction",
    claim: "With a plain linear model every algorithm converges in direction to the ℓ2 max-margin classifier (claim 1).",
    spec: {
      version: 1,
      name: "L=1, ℓ2-SAM → ℓ2 max-margin",
      data: { x: [[1, 2, 0.5], [0.5, -1, 2], [2, 1, 1]], y: [1, -1, 1] },
      depth: 1,
      algo: "sam-l2",
      rho: 0.05,
      lr: 0.1,
      init: { alpha: 0 },
      steps: 100000,
    },
    views: ["shares", "cosine", "compare", "loss"],
  },
  {
    id: "l2-gd",
    title: "L = 2, GD, one example x = (1, 2): the major coordinate wins",
    claim: "Depth 2 changes GD's limit to the ℓ1 max-margin direction: all weight on the dominant data coordinate (claim 2).",
    spec: {
      version: 1,
      name: "L=2 GD, x=(1,2)",
      data: { x: [[1, 2]], y: [1] },
      depth: 2,
      algo: "gd",
      rho: 0,
      lr: 0.01,
      init: { alpha: 0.1 },
      steps: 100000,
    },
    views: ["shares", "dominant", "margins", "cosine"],
  },
  {
    id: "linf-phase",
    title: "L = 2, ℓ∞-SAM: the outcome depends on the initialization",
    claim: "ℓ∞-SAM's limit can be any basis vector, minor ones included, or 0, depending on each coordinate's initial size relative to ρ (claim 3). Here α₁ > ρ > α₂: the minor coordinate e₁ wins.",
    // The phase diagram's setup (phaseSpec of @samlab/sim: rescaled steps to τ = 30), with more recorded points.
    spec: { ...phaseSpec("sam-linf", [0.2, 0.05]), name: "L=2 ℓ∞-SAM, x=(1,2), α=(0.2, 0.05)", record: { points: 200, spacing: "log" } },
    views: ["phase", "shares", "margins"],
  },
  {
    id: "l2-sam-sequential",
    title: "L = 2, ℓ2-SAM on x = (1, 2, 3, 4, 5): minor first, major last",
    claim: "ℓ2-SAM leans on minor coordinates first and hands over to larger ones as training proceeds: sequential feature amplification (claims 4–5).",
    spec: {
      version: 1,
      name: "L=2 ℓ2-SAM, x=(1..5)",
      data: { x: [[1, 2, 3, 4, 5]], y: [1] },
      depth: 2,
      algo: "sam-l2",
      rho: 0.1,
      lr: 0.001,
      init: { alpha: 0.05 },
      steps: 200000,
    },
    views: ["shares", "dominant", "compare", "loss"],
  },
  {
    id: "usam-control",
    title: "Control: USAM (no gradient normalization) on the same data",
    claim: "Without the normalization in the perturbation there is no sequential amplification: the cause is the normalization (claim 6).",
    spec: {
      version: 1,
      name: "L=2 USAM, x=(1..5)",
      data: { x: [[1, 2, 3, 4, 5]], y: [1] },
      depth: 2,
      algo: "usam",
      rho: 0.1,
      lr: 0.001,
      init: { alpha: 0.05 },
      steps: 200000,
    },
    views: ["shares", "dominant", "compare", "loss"],
  },
  {
    id: "depth3",
    title: "Depth L = 3, ℓ2-SAM on x = (1, 2, 3, 4, 5)",
    claim: "Deeper networks show the same depth-induced bias (claim 7).",
    spec: {
      version: 1,
      name: "L=3 ℓ2-SAM, x=(1..5)",
      data: { x: [[1, 2, 3, 4, 5]], y: [1] },
      depth: 3,
      algo: "sam-l2",
      rho: 0.1,
      lr: 0.001,
      init: { alpha: 0.2 },
      steps: 200000,
    },
    views: ["shares", "dominant", "loss", "margins"],
  },
  {
    id: "digits",
    title: "Real data: handwritten digits 0 vs 1 (UCI, 8×8 images), L = 2, ℓ2-SAM",
    claim: "On real images the same depth-2 SAM dynamics play out pixel by pixel: watch β, drawn as an 8×8 image, evolve as the run plays (the reproduction experiment realdata-digits).",
    spec: {
      version: 1,
      name: "digits 0 vs 1, L=2 ℓ2-SAM",
      data: { source: "digits", classes: [0, 1], n: 200, seed: 1 },
      depth: 2,
      init: { random: "gaussian", alpha: 0.1, seed: 1 },
      loss: "logistic",
      algo: "sam-l2",
      rho: 0.3,
      lr: 0.02,
      steps: 20000,
      record: { points: 60, spacing: "log" },
      seed: 1,
    },
    views: ["image", "shares", "loss", "margins"],
  },
  {
    id: "sparse-regression",
    title: "Sparse regression: 1-SAM recovers the sparse β* that GD misses",
    claim: "Squared loss on 20 examples of a 3-sparse β* in d = 30 (Andriushchenko & Flammarion's setting), depth 2, u₀ = α, v₀ = 0: 1-SAM (one example per ascent) ends far sparser, with a test loss far below GD's and n-SAM's (the reproduction experiment sparse-regression).",
    // the experiment's own spec (α = 0.5, data seed 1): the web runs exactly what `samlab reproduce` runs
    spec: sparseRegressionSpec("1-sam", 0.5, 1),
    views: ["weights", "shares", "loss", "table"],
  },
  {
    id: "flatness",
    title: "Flatness: 1-SAM balances the layers and lowers tr H",
    claim: "The same sparse regression with λ_max and tr H recorded: GD keeps the balance u² − v² at α², 1-SAM drives it toward 0 and ends at a smaller trace of the Hessian (the reproduction experiment flatness).",
    // flatness's setting (FLAT_* of @samlab/sim's flatness experiment: 200 test examples, sharpness recorded)
    spec: {
      ...sparseRegressionSpec("1-sam", 0.5, 1),
      name: "flatness: 1-SAM, α = 0.5, data seed 1",
      data: { generator: "sparse-regression", n: SPARSE_SETTING.n, d: SPARSE_SETTING.d, k: SPARSE_SETTING.k, test: 200, seed: 1 },
      record: { points: 60, spacing: "log", sharpness: true },
    },
    views: ["sharpness", "balance", "weights", "loss"],
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

export const DEFAULT_PRESET = "l2-sam-sequential";
