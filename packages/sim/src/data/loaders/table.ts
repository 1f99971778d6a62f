/**
 * The common output of the parsers (csv.ts, libsvm.ts, the IDX pairs of load.ts): numeric rows with
 * canonical raw labels, before label mapping and preprocessing.
 */

/** Rows of numeric features with raw (canonical) labels: what every loader produces before preprocessing. */
export interface RawTable {
  n: number;
  d: number;
  /** n×d row-major. */
  x: Float64Array;
  labels: string[];
  /** Column names (CSV with a header). */
  featureNames?: string[];
  /** Image shape [height, width] when the features are pixels (IDX, digits). */
  shape?: [number, number];
  /** Number of rows read before selection. */
  rowsRead: number;
  /** Rows with the selected classes, when the loader subsampled already (IDX pairs); default n. */
  selected?: number;
  /** The distinct labels of every row read (at most 1000), to name the available classes in messages. */
  labelsSeen?: string[];
  /** Whether the loader already checked that every selected class occurs (IDX pairs, before subsampling). */
  labelsChecked?: boolean;
}
