/**
 * The data types every layer above shares: a concrete data set (x, y) and, for loaded files and
 * named sources, how it was made. Types only, so generators and loaders both build on them.
 */
import type { LabelMapping } from "./loaders/labels.js";

/** A concrete data set: x is n×d row-major; y in {−1, +1}. */
export interface Dataset {
  n: number;
  d: number;
  x: Float64Array;
  y: Float64Array;
  /** For generated data: the ground truth β* (unit ℓ2 norm). */
  betaStar?: number[];
  /** A held-out test set (never trained on): `data.test`, or the sparse-regression generator's `test` examples. */
  test?: { n: number; x: Float64Array; y: Float64Array };
  /** For data files and named sources: how the set was loaded (labels, selection, separability). */
  info?: DataInfo;
}

/** The separability check run before training (the ℓ1 max-margin LP of analysis/maxmargin). */
export interface Separability {
  separable: boolean;
  /** The ℓ1 max-margin value max_{‖β‖₁ ≤ 1} min_i y_i<β, x_i> (0 when not separable). */
  l1Margin: number;
  /** The ℓ1 max-margin direction (‖β‖₁ = 1; zeros when not separable). */
  l1Beta: number[];
  ms: number;
}

/** How a loaded data set was made (reported as `result.data`). */
export interface DataInfo {
  /** The file path/URL, or the source name. */
  origin: string;
  format: "csv" | "libsvm" | "idx";
  /** How raw labels became ±1. */
  labels: LabelMapping;
  /** Class names of the two classes where the source has them (e.g. Fashion-MNIST's). */
  classNames?: [string, string];
  /** Data rows in the file(s), rows with the selected classes, rows kept (after subsampling / split). */
  rowsRead: number;
  selected: number;
  /** The factor every value was multiplied by (1 = none). */
  scale: number;
  standardized: boolean;
  /** Image shape [height, width] when the features are pixels. */
  shape?: [number, number];
  featureNames?: string[];
  /** Where the test set came from (`data.test`), e.g. "40 of 200 selected rows held out (fraction 0.2, seed 1)". */
  testOrigin?: string;
  /** "sha256:…" of every byte read (as stored, compressed or not; both files of an IDX pair): checkpoints record it and resume checks it. */
  contentHash?: string;
  /** Absent when the check was switched off (data.separability: false). */
  separability?: Separability;
  loadMs: number;
}

export interface LoadedDataset extends Dataset {
  info: DataInfo;
}

