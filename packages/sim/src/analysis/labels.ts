/**
 * How samlab names and colours what it shows — algorithms, coordinates and regimes (limit kinds) —
 * in one place, so the CLI's figures, the reports and the web page cannot drift apart: the page and
 * `packages/cli/src/figures.ts` both read these tables (a test checks that they do). Plain strings
 * and colours, no drawing library.
 *
 * Coordinates read as in the paper: x_j for a data coordinate (a feature), e_j for the basis
 * direction along it (a limit), 1-based with a subscript (`coordLabel(1)` = "x₂").
 */
/**
 * The regimes a run can end in (the limit classifier's kinds, analysis/limit.ts). A classification
 * (logistic, exponential loss) ends in zero, stalled, basis, a max-margin kind or not-converged; a
 * regression (squared loss) in zero, an interpolator kind, least-squares, stalled or not-converged.
 */
export type LimitKind =
  | "zero"
  | "stalled"
  | "basis"
  | "l1-max-margin"
  | "l2-max-margin"
  | "linf-max-margin"
  | "l1-interpolator"
  | "l2-interpolator"
  | "interpolating"
  | "least-squares"
  | "not-converged";

/** A person's name for a coordinate: 1-based with a subscript, as in the paper ("e₂" for coord 1). */
export function subscript(k: number): string {
  return String(k).replace(/\d/g, (c) => "₀₁₂₃₄₅₆₇₈₉"[Number(c)]!);
}

/**
 * The series palette: Okabe–Ito (colour-blind safe) first, then distinct extras. Coordinate j is
 * always `PALETTE[j mod 12]`, so x₁ has the same colour in every chart, every figure and the phase
 * diagram's e₁ cells.
 */
export const PALETTE: readonly string[] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#8C6D31", "#000000", "#F0E442", "#7F7F7F", "#9467BD", "#17BECF"];

/** Display names of the algorithms (the spec's `algo` values). */
export const ALGO_LABEL: Readonly<Record<string, string>> = { gd: "GD", "sam-l2": "ℓ2-SAM", "sam-linf": "ℓ∞-SAM", usam: "USAM", asam: "ASAM" };

/** One colour per algorithm (for series that are algorithms: comparisons, the flatness figures). */
export const ALGO_COLOR: Readonly<Record<string, string>> = { gd: "#000000", "sam-l2": "#D55E00", "sam-linf": "#0072B2", usam: "#CC79A7", asam: "#009E73" };

/** The display name of an algorithm id (the id itself when unknown). */
export function algoLabel(algo: string): string {
  return ALGO_LABEL[algo] ?? algo;
}

/** A data coordinate (feature), 0-based j: "x₁" for j = 0. */
export function coordLabel(j: number): string {
  return `x${subscript(j + 1)}`;
}

/** A basis direction (a limit), 0-based j: "e₁" for j = 0, "−e₂" with sign −1. */
export function basisLabel(j: number, sign?: 1 | -1): string {
  return `${sign === -1 ? "−" : ""}e${subscript(j + 1)}`;
}

/** The colour of coordinate j (0-based) wherever coordinates are drawn. */
export function coordColor(j: number): string {
  return PALETTE[((j % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

/** The regimes (limit kinds of analysis/limit.ts) as people read them; `limitLabel` adds the coordinate. */
export const REGIME_LABEL: Readonly<Record<LimitKind, string>> = {
  zero: "zero",
  stalled: "stalled",
  basis: "basis",
  "l1-max-margin": "ℓ1 max-margin",
  "l2-max-margin": "ℓ2 max-margin",
  "linf-max-margin": "ℓ∞ max-margin",
  "l1-interpolator": "min-ℓ1 interpolator",
  "l2-interpolator": "min-ℓ2 interpolator",
  interpolating: "interpolating",
  "least-squares": "least-squares minimum",
  "not-converged": "not converged",
};

/** Colours of the regimes that are not a coordinate (a basis limit e_j takes `coordColor(j)`). */
export const REGIME_COLOR = { zero: "#BBBBBB", stalled: "#5E4FA2", "not-converged": "#E7298A" } as const;

/**
 * A series colour from its label: an algorithm's label takes its algorithm's colour, a coordinate's
 * ("x₂ …", "e₂ …", "|β₂|") its coordinate's; anything else the `index`-th palette colour.
 */
export function seriesColor(label: string, index: number): string {
  for (const [id, name] of Object.entries(ALGO_LABEL)) if (label === name || label.startsWith(`${name} `) || label.startsWith(`${name},`)) return ALGO_COLOR[id]!;
  const m = /^(?:x|e|\|β)([₀-₉]+)/.exec(label);
  if (m) return coordColor(Number(m[1]!.replace(/[₀-₉]/g, (c) => String(c.charCodeAt(0) - 0x2080))) - 1);
  return PALETTE[index % PALETTE.length]!;
}
