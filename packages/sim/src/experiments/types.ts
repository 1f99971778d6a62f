/**
 * The reproduction experiments' vocabulary: an Experiment turns runs into Checks (claim → measured
 * → pass/fail with a stated tolerance) and Figures (declarative, rendered by the CLI in Node and by
 * the web page in browsers, both with chart.js).
 */
import type { Algo } from "../engine/types.js";
import type { BatchOptions, BatchResult } from "../run/batch.js";
import type { Result } from "../run/result.js";
import type { Spec } from "../spec/schema.js";

/** A line chart: one or more series over a shared x axis. */
export interface LineFigure {
  kind: "line";
  id: string;
  title: string;
  caption: string;
  x: { label: string; log?: boolean };
  y: { label: string; log?: boolean; min?: number; max?: number };
  series: { label: string; x: number[]; y: number[]; dashed?: boolean }[];
  /** The spec(s) behind the figure, so `samlab run --spec` re-runs them. */
  specs: Spec[];
}

/** A predicted boundary (a polyline with a label) or a region's name (`text` at one point). */
export type HeatmapOverlay =
  | { kind: "line"; label: string; points: [number, number][]; solid?: boolean }
  | { kind: "text"; text: string; at: [number, number] };

/** A categorical heatmap over a grid (e.g. limit classes over (α₁, α₂)). */
export interface HeatmapFigure {
  kind: "heatmap";
  id: string;
  title: string;
  caption: string;
  x: { label: string; values: number[]; log?: boolean };
  y: { label: string; values: number[]; log?: boolean };
  /** cells[iy][ix]: an index into `classes`. */
  cells: number[][];
  classes: { label: string; color: string }[];
  /**
   * What theory predicts, drawn over the cells: boundaries as polylines (points in data coordinates,
   * i.e. α values, not cell indices; dashed unless `solid`) and region names at data points. Renderers
   * clip to the plot area.
   */
  overlays?: HeatmapOverlay[];
  /** One representative spec; the grid varies `init.alpha` as described in the caption. */
  specs: Spec[];
}

/**
 * Images on a diverging colour scale (e.g. β as 28×28 pixels at several times): panels of
 * `height × width` values, row-major, drawn in a grid of `columns` panels, all on one scale
 * symmetric about 0 (blue negative, white 0, red positive) with |value| ≤ `range`.
 */
export interface ImageFigure {
  kind: "image";
  id: string;
  title: string;
  caption: string;
  width: number;
  height: number;
  columns: number;
  /** The colour scale covers [−range, range]; larger |values| saturate. */
  range: number;
  panels: { label: string; values: number[] }[];
  specs: Spec[];
}

export type Figure = LineFigure | HeatmapFigure | ImageFigure;

/** One checked statement: the claim, what was measured, the criterion and whether it held. */
export interface Check {
  name: string;
  measured: string;
  criterion: string;
  pass: boolean;
  /** A measurement reported without a pass/fail criterion (not counted in the outcome's pass). */
  informational?: boolean;
  /** The check could not run (e.g. its data set is not installed): shown as SKIP, and the outcome does not pass. */
  skipped?: boolean;
}

export interface Outcome {
  id: string;
  title: string;
  /** The paper's claim being tested (docs/MODEL.md numbering). */
  claim: string;
  checks: Check[];
  pass: boolean;
  figures: Figure[];
  /** What the measurement does not settle, and why. */
  notes: string[];
  ms: number;
  runs: number;
}

/** What an experiment may use. `run` and `batch` are the only ways experiments reach an engine. */
export interface ExperimentContext {
  quick: boolean;
  run(spec: unknown): Promise<Result>;
  /** Many runs of one spec from different initializations ({@link simulateBatch}: phase diagrams). */
  batch(opts: BatchOptions): Promise<BatchResult>;
  log(message: string): void;
}

export interface Experiment {
  id: string;
  title: string;
  claim: string;
  /** Rough relative cost (for scheduling the longest first). */
  cost: number;
  execute(ctx: ExperimentContext): Promise<Omit<Outcome, "id" | "title" | "claim" | "pass" | "ms" | "runs">>;
}

/**
 * Deliberately wrong settings, used by tests to show that no check is vacuous: the context
 * replaces every run's algorithm (e.g. ℓ∞-SAM → GD, ℓ2-SAM → USAM) without the experiment knowing.
 */
export interface Sabotage {
  algo?: Partial<Record<Algo, Algo>>;
  /** Replaces every run's depth L by depth[L]. */
  depth?: Record<number, number>;
}
