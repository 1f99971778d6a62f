/**
 * Binary labels: every loader turns its raw labels (numbers or class names) into y ∈ {−1, +1} with
 * one explicit, reported mapping (docs/DATA.md, "Labels"):
 * - `classes: [a, b]` given: rows labelled a get −1, rows labelled b get +1, other rows are dropped;
 * - otherwise exactly two distinct labels must occur: {−1, +1} is kept as is, {0, 1} maps 0 → −1,
 *   any other pair maps the smaller (numerically, else alphabetically) to −1;
 * - a single label −1 or +1 is kept (one-class data, e.g. one example).
 */
import { DataError } from "./errors.js";
import { parseNumber } from "./input.js";

/** How raw labels became ±1 (reported as `result.data.labels`). */
export interface LabelMapping {
  /** The raw label mapped to −1 and to +1 (as written in the file, numbers canonicalized). */
  negative: string | null;
  positive: string | null;
  /** Human-readable rule, e.g. `{0, 1} → {−1, +1}` or `classes ["7", "9"] → {−1, +1}`. */
  rule: string;
  /** Rows with each sign after selection. */
  counts: { negative: number; positive: number };
}

/** "1.0" → "1", "+1" → "1"; names are kept (trimmed, surrounding quotes removed). */
export function canonicalLabel(raw: string): string {
  let t = raw.trim();
  if (t.length >= 2 && t[0] === '"' && t.at(-1) === '"') t = t.slice(1, -1).replace(/""/g, '"');
  const v = parseNumber(t);
  return v === undefined ? t : String(v);
}

/**
 * The two selected classes of a spec's `data.classes`, canonicalized and checked once, on the way
 * in: the parsers keep only rows with these labels and `mapLabels` maps them to −1 and +1.
 */
export interface LabelSelection {
  /** The canonical labels mapped to −1 and to +1. */
  negative: string;
  positive: string;
  /** Whether a canonical label is one of the two (the parsers' row filter). */
  keep(label: string): boolean;
}

/** The selection of `classes` (undefined: keep every row); throws a DataError naming `file` unless two different classes are given. */
export function selectClasses(classes: readonly (string | number)[] | undefined, file: string): LabelSelection | undefined {
  if (!classes) return undefined;
  if (classes.length !== 2) throw new DataError(file, `expected two classes, got ${classes.length}`);
  const [negative, positive] = classes.map((c) => canonicalLabel(String(c))) as [string, string];
  if (negative === positive) throw new DataError(file, `expected two different classes, got ${negative} twice`);
  return { negative, positive, keep: (l) => l === negative || l === positive };
}

/** The row filter of a parser's `classes` option (any number of labels; applied while streaming, so unselected rows cost nothing). */
export function classFilter(classes: readonly (string | number)[] | undefined): ((label: string) => boolean) | undefined {
  if (!classes) return undefined;
  const set = new Set(classes.map((c) => canonicalLabel(String(c))));
  return (l) => set.has(l);
}

/**
 * A misspelt class must not train on the other class alone: throws a DataError naming each selected
 * class that no row has, with the labels there are (`available`, else those of `labels`).
 */
export function checkClassesPresent(selection: LabelSelection, labels: Iterable<string>, file: string, available?: readonly string[]): void {
  const have = new Set(labels);
  const missing = [selection.negative, selection.positive].filter((c) => !have.has(c));
  if (!missing.length) return;
  const what = missing.length === 2 ? `no row has label ${missing[0]} or ${missing[1]}` : `no row has label ${JSON.stringify(missing[0])} (one of "classes")`;
  throw new DataError(file, `${missing.length === 2 ? "empty selection: " : ""}${what}; the labels are: ${listLabels(available?.length ? available : have)}`);
}

/** Distinct labels for a message, sorted, at most 20 shown. */
export function listLabels(labels: Iterable<string>): string {
  const all = [...new Set(labels)].sort(byValue);
  return all.length > 20 ? `${all.slice(0, 20).map((l) => JSON.stringify(l)).join(", ")}, … (${all.length} in all)` : all.map((l) => JSON.stringify(l)).join(", ");
}

const byValue = (a: string, b: string) => {
  const x = parseNumber(a);
  const y = parseNumber(b);
  return x !== undefined && y !== undefined ? x - y : a < b ? -1 : a > b ? 1 : 0;
};

/**
 * Maps canonical labels (already filtered to the selection when there is one) to ±1. `file` names
 * the input in errors. `classes` is a {@link LabelSelection}, or raw classes (selected here).
 */
export function mapLabels(labels: readonly string[], classes: LabelSelection | readonly (string | number)[] | undefined, file: string, available?: readonly string[]): { y: Float64Array; mapping: LabelMapping } {
  let neg: string | null;
  let pos: string | null;
  let rule: string;
  const selection = classes === undefined || "keep" in classes ? classes : selectClasses(classes, file);
  if (selection) {
    ({ negative: neg, positive: pos } = selection);
    if (labels.length === 0) throw new DataError(file, `empty selection: no row has label ${neg} or ${pos}${available?.length ? `; the labels are: ${listLabels(available)}` : ""}`);
    if (available) checkClassesPresent(selection, labels, file, available);
    rule = `classes [${neg}, ${pos}] → [−1, +1]`;
  } else {
    const distinct = [...new Set(labels)].sort(byValue);
    if (labels.length === 0) throw new DataError(file, "empty selection: no data rows");
    if (distinct.length > 2) {
      const shown = distinct.length > 8 ? [...distinct.slice(0, 8), "…"] : distinct;
      throw new DataError(file, `${distinct.length} classes (${shown.join(", ")}) where two are needed: choose two with "classes": [a, b]`);
    }
    if (distinct.length === 1) {
      const only = distinct[0]!;
      if (only !== "1" && only !== "-1") throw new DataError(file, `one class (${only}) where two are needed (or labels −1/+1)`);
      neg = only === "-1" ? only : null;
      pos = only === "1" ? only : null;
      rule = "labels are already ±1";
    } else {
      [neg, pos] = distinct as [string, string];
      rule = neg === "-1" && pos === "1" ? "labels are already ±1" : neg === "0" && pos === "1" ? "{0, 1} → {−1, +1}" : `${neg} → −1, ${pos} → +1 (sorted order)`;
    }
  }
  const y = new Float64Array(labels.length);
  let nNeg = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === neg) {
      y[i] = -1;
      nNeg++;
    } else y[i] = 1;
  }
  return { y, mapping: { negative: neg, positive: pos, rule, counts: { negative: nNeg, positive: labels.length - nNeg } } };
}

/**
 * Test-set labels under the training set's mapping: the training classes map as they did; with
 * labels already ±1, −1 and +1 keep their sign. Any other label is an error naming `file`.
 */
export function applyMapping(labels: readonly string[], mapping: LabelMapping, file: string): Float64Array {
  const y = new Float64Array(labels.length);
  const plain = mapping.rule === "labels are already ±1";
  labels.forEach((l, i) => {
    if (l === mapping.negative || (plain && l === "-1")) y[i] = -1;
    else if (l === mapping.positive || (plain && l === "1")) y[i] = 1;
    else throw new DataError(file, `test row ${i + 1}: label ${l} is not one of the training classes (${[mapping.negative, mapping.positive].filter((c) => c !== null).join(", ")})`);
  });
  return y;
}
