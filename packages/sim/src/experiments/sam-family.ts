/**
 * Claim 5 across the SAM family: does sequential feature amplification (minor first, major last)
 * survive when ℓ2-SAM's one perturbation is replaced by per-group perturbations (m-SAM, 1-SAM), by a
 * multi-step ascent, or by ASAM's adaptive perturbation?
 *
 * - One example (x = (1,…,5), the sequential-time setting): a group of m ≥ 1 examples is the whole
 *   batch, so 1-SAM is n-SAM by definition (docs/MODEL.md, "Relatives"); the experiment checks that
 *   the runs agree to the bit.
 * - Several examples, so that m-SAM differs from n-SAM: n = 4 positive examples
 *   x_i = x ⊙ (1 + 0.2·z_i), z_i ~ N(0, I) seeded, y_i = +1 — the same feature scales, jittered, so
 *   "minor" and "major" keep their meaning (magnitude = mean_i |x_ij|). Each group's perturbation is
 *   normalized on its own; with nearly parallel examples the group directions stay close to the batch
 *   one, and the question is whether the per-group normalization alone changes the order.
 *
 * Measured over 8 seeds (3 under --quick): n-SAM, 2-SAM, 1-SAM and 2-step ascent (n-SAM and 1-SAM)
 * keep the minor-first order at every seed; ASAM (ξ = 0.01) at the same ρ starts on the major
 * coordinate at every seed, as GD does — each row checks what held at every seed.
 */
import { Rng } from "../data/rng.js";
import type { Result } from "../run/result.js";
import type { SpecInput } from "../spec/schema.js";
import { SEQ_ALPHA, SEQ_LR, SEQ_RHO, SEQ_X, seqSpec } from "./sequential.js";
import type { Check, Experiment, ExperimentContext, LineFigure } from "./types.js";
import { firstTakeovers, fmt, shareSeries } from "./util.js";

/** The multi-example set: n examples, relative jitter, its own seeded stream. */
export const FAMILY_DATA = { n: 4, jitter: 0.2, stream: 101 } as const;
export const FAMILY_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
export const FAMILY_QUICK_SEEDS = [1, 2, 3];

/** n positive examples x_i = SEQ_X ⊙ (1 + jitter·z_i), floored at 5 % of SEQ_X, y = +1. */
export function familyData(seed: number): { x: number[][]; y: number[] } {
  const rng = new Rng(seed, FAMILY_DATA.stream);
  const x = Array.from({ length: FAMILY_DATA.n }, () => SEQ_X.map((v) => v * Math.max(0.05, 1 + FAMILY_DATA.jitter * rng.normal())));
  return { x, y: new Array<number>(FAMILY_DATA.n).fill(1) };
}

/** A row: a label, the fields it changes in the ℓ2-SAM spec, and whether its order is a checked claim. */
export interface FamilyRow {
  id: string;
  label: string;
  patch: Record<string, unknown>;
  /**
   * What is checked at every seed: "minor-first" (ℓ2-SAM's order: the first leader is not the major
   * coordinate, later leaders are larger) or "major-first" (the order of GD).
   */
  expect: "minor-first" | "major-first";
}

export const FAMILY_ROWS: FamilyRow[] = [
  { id: "n-sam", label: "n-SAM (ℓ2)", patch: {}, expect: "minor-first" },
  { id: "2-sam", label: "2-SAM (ℓ2, groups of 2)", patch: { sam: { group: 2 } }, expect: "minor-first" },
  { id: "1-sam", label: "1-SAM (ℓ2)", patch: { sam: { group: 1 } }, expect: "minor-first" },
  { id: "ascent-2", label: "ℓ2-SAM, 2 ascent steps", patch: { sam: { ascentSteps: 2 } }, expect: "minor-first" },
  { id: "1-sam-ascent-2", label: "1-SAM, 2 ascent steps", patch: { sam: { group: 1, ascentSteps: 2 } }, expect: "minor-first" },
  // ASAM's radius is ρ·(|w| + ξ) per entry: ≈ ρ(α + ξ) = 0.012 at the start, far below ρ — it starts like GD
  { id: "asam", label: "ASAM (ξ = 0.01, the same ρ)", patch: { algo: "asam", sam: { xi: 0.01 } }, expect: "major-first" },
];

function familySpec(row: FamilyRow | "gd", seed: number, quick: boolean): SpecInput {
  const base = seqSpec(row === "gd" ? "gd" : "sam-l2", SEQ_ALPHA, quick);
  return { ...base, name: `SAM family: ${row === "gd" ? "GD" : row.label}, n = ${FAMILY_DATA.n}, seed ${seed}`, data: familyData(seed), seed, ...(row === "gd" ? {} : row.patch) };
}

const order = (r: Result) => firstTakeovers(r).map((c) => `x${c + 1}`).join(" → ") || "(none)";

/** Minor first, then larger: ≥ 2 takeovers, the first not the largest-magnitude coordinate, the last of larger magnitude than the first. */
function minorFirst(r: Result): boolean {
  const seq = firstTakeovers(r);
  const m = r.data.magnitudes;
  const major = m.indexOf(Math.max(...m));
  return seq.length >= 2 && seq[0] !== major && m[seq.at(-1)!]! > m[seq[0]!]!;
}

/** GD's order: the first dominant coordinate is the major one. */
function majorFirst(r: Result): boolean {
  const m = r.data.magnitudes;
  return firstTakeovers(r)[0] === m.indexOf(Math.max(...m));
}

function relDiff(a: number[], b: number[]): number {
  let num = 0;
  let den = 0;
  for (let j = 0; j < a.length; j++) {
    num += (a[j]! - b[j]!) ** 2;
    den += b[j]! ** 2;
  }
  return Math.sqrt(num / den);
}

export const samFamily: Experiment = {
  id: "sam-family",
  title: "Sequential feature amplification across the SAM family (1-SAM, m-SAM, multi-step ascent, ASAM)",
  claim:
    "5 (SAM family). L = 2, ℓ2-SAM's minor-first, major-last order under per-group perturbations: with one example 1-SAM is n-SAM; with several examples m-SAM, 1-SAM and 2-step ascent differ from n-SAM and the order survives; ASAM at the same ρ (a radius ρ(|w| + ξ) per entry) starts on the major coordinate, as GD.",
  cost: 2,
  async execute(ctx: ExperimentContext) {
    const checks: Check[] = [];
    const notes: string[] = [];
    // one example: 1-SAM is n-SAM
    const single = await ctx.run(seqSpec("sam-l2", SEQ_ALPHA, ctx.quick));
    const single1 = await ctx.run({ ...seqSpec("sam-l2", SEQ_ALPHA, ctx.quick), sam: { group: 1 } });
    const sameBits = single.final.w.every((row, l) => row.every((v, j) => Object.is(v, single1.final.w[l]![j])));
    checks.push({
      name: "one example: 1-SAM equals n-SAM (a group of one is the whole batch)",
      measured: `final weights ${sameBits ? "identical to the bit" : `differ (relative ${fmt(relDiff(single1.final.beta, single.final.beta), 2)})`}; order ${order(single1)}`,
      criterion: "bit-identical final weights",
      pass: sameBits,
    });

    // several examples
    const seeds = ctx.quick ? FAMILY_QUICK_SEEDS : FAMILY_SEEDS;
    const rows = FAMILY_ROWS;
    const runs = new Map<string, Result[]>();
    for (const seed of seeds) {
      for (const row of [...rows, "gd" as const]) {
        const key = row === "gd" ? "gd" : row.id;
        const r = await ctx.run(familySpec(row, seed, ctx.quick));
        runs.set(key, [...(runs.get(key) ?? []), r]);
      }
    }
    const gd = runs.get("gd")!;
    const gdMajorFirst = gd.map(majorFirst);
    checks.push({
      name: `n = ${FAMILY_DATA.n} examples: GD's first dominant coordinate is the major one`,
      measured: gd.map((r, k) => `seed ${seeds[k]}: ${order(r)}`).join("; "),
      criterion: "the largest-magnitude coordinate first, at every seed",
      pass: gdMajorFirst.every(Boolean),
    });
    const nsam = runs.get("n-sam")!;
    for (const row of rows) {
      const rs = runs.get(row.id)!;
      const minor = row.expect === "minor-first";
      const ok = rs.map(minor ? minorFirst : majorFirst);
      const diff = row.id === "n-sam" ? "" : `; final β vs n-SAM: relative difference ${rs.map((r, k) => fmt(relDiff(r.final.beta, nsam[k]!.final.beta), 2)).join(", ")}`;
      checks.push({
        name: `n = ${FAMILY_DATA.n} examples, ${row.label}: ${minor ? "minor first, then larger coordinates" : "the major coordinate first, as GD"}`,
        measured: rs.map((r, k) => `seed ${seeds[k]}: ${order(r)}`).join("; ") + diff,
        criterion: minor ? "≥ 2 takeovers, the first not the major coordinate, the last larger than the first, at every seed" : "the first dominant coordinate is the major one, at every seed",
        pass: ok.every(Boolean),
      });
    }
    for (const row of rows.filter((r) => r.id === "1-sam" || r.id === "2-sam")) {
      const d = runs.get(row.id)!.map((r, k) => relDiff(r.final.beta, nsam[k]!.final.beta));
      checks.push({
        name: `n = ${FAMILY_DATA.n} examples: ${row.label} is not n-SAM (the per-group normalization changes the run)`,
        measured: `relative difference of the final β from n-SAM's: min ${fmt(Math.min(...d), 2)} over ${d.length} seeds`,
        criterion: "> 1e-6 at every seed",
        pass: d.every((v) => v > 1e-6),
      });
    }
    notes.push("ASAM scales each entry's perturbation by T = |w| + ξ: from α = 0.07 its radius is about ρ(α + ξ) = 0.012, a twelfth of ℓ2-SAM's, and it starts on the major coordinate as GD does. The normalization alone does not make the order: its size relative to the weights does.");
    notes.push(
      `Setting: L = 2, α = ${SEQ_ALPHA}, ρ = ${SEQ_RHO}, η = ${SEQ_LR}, ${single.spec.steps} steps, the logistic loss; n = ${FAMILY_DATA.n} examples x_i = (1,…,5) ⊙ (1 + ${FAMILY_DATA.jitter}·z_i), y = +1, one data set per seed.`,
      "With nearly parallel examples every group's normalized perturbation points almost where the batch's does: 1-SAM and m-SAM change the run by a few percent, not its order. Examples with different supports would separate the groups further (not measured here).",
    );
    const shown = rows.find((r) => r.id === "1-sam") ?? rows[0]!;
    const r1 = runs.get(shown.id)![0]!;
    const figures: LineFigure[] = [
      {
        kind: "line",
        id: "sam-family-shares",
        title: `${shown.label} on n = ${FAMILY_DATA.n} jittered examples of x = (1,…,5), L = 2, ρ = ${SEQ_RHO}, α = ${SEQ_ALPHA}: coordinate shares`,
        caption: `Each coordinate's share |β_j|/‖β‖₁ against t = η·step (log axis), seed ${seeds[0]}. Takeovers: ${order(r1)}.`,
        x: { label: "t", log: true },
        y: { label: "|β_j| / ‖β‖₁", min: 0, max: 1 },
        series: shareSeries(r1),
        specs: [r1.spec],
      },
    ];
    return { checks, figures, notes };
  },
};
