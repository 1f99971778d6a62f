/**
 * Preprocessing shared by every loader, in this order: class selection (done while streaming),
 * seeded subsampling, scaling, standardization (docs/DATA.md, "Preprocessing").
 */
import { Rng, STREAM } from "../rng.js";
import { DataError } from "./errors.js";

/**
 * The indices of a seeded subsample of `n` out of `total` rows, ascending (partial Fisher–Yates on
 * the seed's data stream); every index when n is undefined. n > total is an error: a silently
 * smaller set would change an experiment.
 */
export function subsampleIndices(total: number, n: number | undefined, seed: number, file: string): number[] {
  if (n === undefined || n === total) return Array.from({ length: total }, (_, i) => i);
  if (n > total) throw new DataError(file, `n = ${n} rows requested but the selection has only ${total}`);
  const rng = new Rng(seed, STREAM.data);
  const p = Array.from({ length: total }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    const r = k + rng.below(total - k);
    const t = p[k]!;
    p[k] = p[r]!;
    p[r] = t;
  }
  return p.slice(0, n).sort((a, b) => a - b);
}

/** The RNG stream of held-out test rows (`data.test.fraction`), apart from the training subsample's. */
const TEST_STREAM = 11;

/**
 * The rows held out as a test set: round(fraction·total) of `total`, a seeded subsample on its own
 * stream, ascending. At least one row must be held out and one left for training.
 */
export function heldOutIndices(total: number, fraction: number, seed: number, file: string): number[] {
  const k = Math.round(fraction * total);
  if (k < 1 || k > total - 1) throw new DataError(file, `test fraction ${fraction} of ${total} selected rows holds out ${k}: expected at least one test row and one training row`);
  const rng = new Rng(seed, TEST_STREAM);
  const p = Array.from({ length: total }, (_, i) => i);
  for (let j = 0; j < k; j++) {
    const r = j + rng.below(total - j);
    const t = p[j]!;
    p[j] = p[r]!;
    p[r] = t;
  }
  return p.slice(0, k).sort((a, b) => a - b);
}

/** The complement of a subsample (the rows it leaves out), ascending. */
export function complementIndices(total: number, chosen: readonly number[]): number[] {
  const mask = new Uint8Array(total);
  for (const i of chosen) mask[i] = 1;
  const out: number[] = [];
  for (let i = 0; i < total; i++) if (!mask[i]) out.push(i);
  return out;
}

/** Rows `rows` of an n×d matrix, in that order. */
export function takeRows(x: Float64Array, d: number, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length * d);
  rows.forEach((i, k) => out.set(x.subarray(i * d, (i + 1) * d), k * d));
  return out;
}

/** Multiplies every entry by `s` in place. */
export function scaleInPlace(x: Float64Array, s: number): void {
  if (s !== 1) for (let k = 0; k < x.length; k++) x[k] = x[k]! * s;
}

/** Largest |x|, for `scale: "unit"` on data without a natural range. */
export function maxAbs(x: Float64Array): number {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * Standardizes each feature in place to mean 0 and standard deviation 1 over the rows given
 * (population std); constant features become 0. Returns the means and standard deviations used.
 */
export function standardizeInPlace(x: Float64Array, n: number, d: number): { mean: number[]; std: number[] } {
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j] = mean[j]! / n;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const c = x[i * d + j]! - mean[j]!;
      std[j] += c * c;
    }
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]! / n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const s = std[j]!;
      x[i * d + j] = s > 0 ? (x[i * d + j]! - mean[j]!) / s : 0;
    }
  return { mean, std };
}

/** Applies a standardization computed on other rows (the training rows' means and deviations) in place. */
export function standardizeWith(x: Float64Array, n: number, d: number, st: { mean: number[]; std: number[] }): void {
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const s = st.std[j]!;
      x[i * d + j] = s > 0 ? (x[i * d + j]! - st.mean[j]!) / s : 0;
    }
}
