/**
 * The `data` part of a spec: the zod schemas of inline data, the generators, data files, named
 * sources and test sets; their parsing (which schema applies, the checks across fields); and what a
 * data spec implies (dimension, count, whether it must be loaded). docs/SPEC.md, "data".
 */
import { z } from "zod";
import { didYouMean } from "./suggest.js";
import { SpecError, check, isObject } from "./errors.js";
import { LIMITS, finite, int, label, precheckMatrix, seedSchema } from "./limits.js";

/** Inline data of a regression (squared-loss) run: y any finite real numbers. */
export const DataInlineRegressionSchema = z.strictObject({
  x: z
    .array(z.array(finite(), { error: "expected an array of numbers (one example)" }), {
      error: "expected an array of examples (arrays of numbers)",
    })
    .min(1, { error: "expected at least one example" }),
  y: z.array(finite(), { error: "expected an array of finite numbers (regression targets)" }).optional(),
});

export const DataInlineSchema = z.strictObject({
  x: z
    .array(z.array(finite(), { error: "expected an array of numbers (one example)" }), {
      error: "expected an array of examples (arrays of numbers)",
    })
    .min(1, { error: "expected at least one example" }),
  y: z.array(label, { error: "expected an array of labels −1 or +1" }).optional(),
});

export const DataSingleSchema = z.strictObject({
  generator: z.literal("single"),
  /** x = scale · (1, 2, …, d). */
  d: int(1, LIMITS.maxD, "an integer dimension d ≥ 1"),
  scale: finite().optional(),
  y: label.optional(),
});

export const DataGaussianSchema = z.strictObject({
  generator: z.literal("gaussian-sparse"),
  n: int(1, LIMITS.maxN, "an integer n ≥ 1"),
  d: int(1, LIMITS.maxD, "an integer d ≥ 1"),
  /** Non-zeros in the ground truth β*. */
  k: int(1, LIMITS.maxD, "an integer sparsity k ≥ 1").optional(),
  /** Points with |<β*, x>| below this (β* unit ℓ2 norm) are redrawn. */
  minMargin: z.number({ error: "expected a number ≥ 0" }).min(0, { error: "expected a number ≥ 0" }).max(10, { error: "expected a number ≤ 10" }).optional(),
  seed: seedSchema.optional(),
});

/**
 * Regression data (the squared loss): x ~ N(0, I_d), a k-sparse β* at seeded positions (unit ℓ2
 * norm), y = <β*, x> + noise·N(0, 1); `test` more examples drawn the same way form the test set.
 */
export const DataSparseRegressionSchema = z.strictObject({
  generator: z.literal("sparse-regression"),
  n: int(1, LIMITS.maxN, "an integer n ≥ 1"),
  d: int(1, LIMITS.maxD, "an integer d ≥ 1"),
  k: int(1, LIMITS.maxD, "an integer sparsity k ≥ 1").optional(),
  noise: z.number({ error: "expected a number ≥ 0" }).min(0, { error: "expected a number ≥ 0" }).max(1e6, { error: "expected a number ≤ 1e6" }).optional(),
  /** Test examples drawn after the training ones (0: no test set). */
  test: int(0, LIMITS.maxN, "an integer test-set size ≥ 0").optional(),
  seed: seedSchema.optional(),
});

/** An inline test set `{ x, y }` (never trained on): labels ±1, or real targets for the squared loss. */
const TestSetSchema = z.strictObject({
  x: z
    .array(z.array(finite(), { error: "expected an array of numbers (one example)" }), { error: "expected an array of examples (arrays of numbers)" })
    .min(1, { error: "expected at least one example" }),
  y: z.array(finite(), { error: "expected an array of numbers (one per example)" }),
});

/**
 * The test set of a data file or named source: a seeded fraction of the selected rows held out
 * (`fraction`), or a second file of the same format and options (`file`, plus `labels` for IDX, and
 * an optional seeded subsample `n`). Preprocessing uses the training rows' statistics.
 */
const LoadedTestSchema = z.strictObject({
  fraction: z.number({ error: "expected a number in (0, 1)" }).gt(0, { error: "expected a number in (0, 1)" }).lt(1, { error: "expected a number in (0, 1)" }).optional(),
  file: z.string({ error: "expected a path or URL" }).min(1, { error: "expected a path or URL" }).optional(),
  labels: z.string({ error: "expected a path or URL" }).min(1, { error: "expected a path or URL" }).optional(),
  n: int(1, LIMITS.maxN, "an integer n ≥ 1").optional(),
  seed: seedSchema.optional(),
});

/** Preprocessing shared by data files and named sources (docs/DATA.md). */
const classPair = z
  .array(z.union([z.string({ error: "expected a class label" }), z.number({ error: "expected a class label" })]), { error: "expected two class labels, e.g. [0, 1]" })
  .length(2, { error: "expected exactly two class labels, e.g. [0, 1]" });
const dataPrep = {
  /** Keep rows of these two classes; the first becomes −1, the second +1. */
  classes: classPair.optional(),
  /** A seeded subsample of n rows (after class selection). */
  n: int(1, LIMITS.maxN, "an integer n ≥ 1").optional(),
  seed: seedSchema.optional(),
  /** Multiply every value by a number, or "unit": pixels to [0, 1] (÷255 for IDX bytes, ÷16 for digits), else ÷ max|x|. */
  scale: z.union([z.number().gt(0).refine(Number.isFinite), z.literal("unit"), z.literal("none")], { error: 'expected a number > 0, "unit" or "none"' }).optional(),
  /** Each feature to mean 0, standard deviation 1 over the loaded rows. */
  standardize: z.boolean({ error: "expected true or false" }).optional(),
  /** Run the separability LP before training (default true). */
  separability: z.boolean({ error: "expected true or false" }).optional(),
};

export const DATA_FORMATS = ["csv", "libsvm", "idx"] as const;
export const DataFileSchema = z.strictObject({
  /** A path (Node) or URL. */
  file: z.string({ error: "expected a path or URL" }).min(1, { error: "expected a path or URL" }),
  /** Default: from the extension (.csv/.tsv/.txt → csv, .libsvm/.svm/.svmlight → libsvm, idx3-ubyte / .idx → idx). */
  format: z.enum(DATA_FORMATS, { error: 'expected "csv", "libsvm" or "idx"' }).optional(),
  /** IDX: the labels file (an IDX file with one label per record). */
  labels: z.string({ error: "expected a path or URL" }).min(1).optional(),
  /** CSV: the label column, a header name or a 0-based index (negative from the end). */
  label: z.union([z.string(), z.number().int()], { error: "expected a column name or index" }).optional(),
  /** CSV: whether the first line is a header (default "auto"). */
  header: z.union([z.boolean(), z.literal("auto")], { error: 'expected true, false or "auto"' }).optional(),
  delimiter: z.string({ error: "expected a string" }).min(1).max(4).optional(),
  /** LIBSVM: the dimension (default: the largest index). */
  d: int(1, LIMITS.maxD, "an integer dimension d ≥ 1").optional(),
  ...dataPrep,
});

export const DATA_SOURCES = ["fashion-mnist", "digits", "iris"] as const;
export const DataSourceSchema = z.strictObject({
  source: z.enum(DATA_SOURCES, { error: 'expected "fashion-mnist", "digits" or "iris"' }),
  /** fashion-mnist: the official split; digits, iris: "test" is the rows the same n and seed leave out of "train". */
  split: z.enum(["train", "test"], { error: 'expected "train" or "test"' }).optional(),
  /** fashion-mnist: the folder with its four .gz files (default $SAMLAB_DATA_DIR/fashion-mnist, else /usr/share/datasets/fashion-mnist). */
  dir: z.string({ error: "expected a folder path or URL" }).min(1).optional(),
  ...dataPrep,
});

/** Inline data: labels ±1 for classification, any finite targets for the squared loss. */
export type DataInline = z.infer<typeof DataInlineRegressionSchema>;
export type DataSingle = z.infer<typeof DataSingleSchema>;
export type DataGaussian = z.infer<typeof DataGaussianSchema>;
export type DataFile = z.infer<typeof DataFileSchema>;
export type DataSource = z.infer<typeof DataSourceSchema>;
export type DataSparseRegression = z.infer<typeof DataSparseRegressionSchema>;
/** A test set given inline (`data.test`): x rows of the training dimension, one y per row. */
export type DataTestSet = z.infer<typeof TestSetSchema>;
/** The test set of a data file or named source (`data.test`): `{ fraction, seed? }` or `{ file, labels?, n?, seed? }`. */
export type DataLoadedTest = z.infer<typeof LoadedTestSchema>;
export type DataSpec = ((DataInline | DataSingle | DataGaussian) & { test?: DataTestSet }) | DataSparseRegression | ((DataFile | DataSource) & { test?: DataLoadedTest });

/** Validates `data` (`regression`: the squared loss, so real-valued targets are allowed). */
export function parseData(v: unknown, regression = false): DataSpec {
  if (v === undefined) throw new SpecError("data", "required: expected { x, y } or { generator: \"single\" | \"gaussian-sparse\" | \"sparse-regression\", … }");
  if (!isObject(v)) throw new SpecError("data", "expected an object: { x, y } or { generator, … }");
  if (v.generator === "sparse-regression") {
    if (!regression) throw new SpecError("data.generator", '"sparse-regression" makes real-valued targets: expected "loss": "squared"');
    const g = check(DataSparseRegressionSchema, v, "data");
    if (g.k !== undefined && g.k > g.d) throw new SpecError("data.k", `expected k ≤ d = ${g.d}`);
    return g;
  }
  if (!("test" in v)) return parseTrainingData(v, regression);
  const { test, ...rest } = v;
  if ("file" in rest || "source" in rest) {
    const loaded = parseTrainingData(rest, regression) as DataFile | DataSource;
    return { ...loaded, test: parseLoadedTest(test, loaded) };
  }
  const data = parseTrainingData(rest, regression) as DataInline | DataSingle | DataGaussian;
  return { ...data, test: parseTestSet(test, dataDimension(data), regression) };
}

function parseLoadedTest(v: unknown, data: DataFile | DataSource): DataLoadedTest {
  if (!isObject(v)) throw new SpecError("data.test", "expected an object { fraction, seed } or { file } (the test set)");
  if ("x" in v || "y" in v) throw new SpecError("data.test", "expected { fraction, seed } or { file } with a data file or named source (an inline { x, y } set would skip the file's preprocessing)");
  const t = check(LoadedTestSchema, v, "data.test");
  if ((t.fraction === undefined) === (t.file === undefined)) throw new SpecError("data.test", "expected exactly one of fraction (held-out rows) or file (a second file)");
  if (t.fraction !== undefined) {
    for (const k of ["labels", "n"] as const) if (t[k] !== undefined) throw new SpecError(`data.test.${k}`, "applies to { file } only (the fraction sets the held-out rows)");
    if ("source" in data && data.split === "test") throw new SpecError("data.test", 'expected no test set with "split": "test" (the training rows are already the test split)');
    return t;
  }
  if ("source" in data) throw new SpecError("data.test.file", "applies to data files only (a named source: use { fraction })");
  if (data.format === "idx" && t.labels === undefined) throw new SpecError("data.test.labels", "required: expected the IDX labels file of the test images (format idx)");
  if (data.format !== "idx" && t.labels !== undefined) throw new SpecError("data.test.labels", 'applies to "format": "idx" only');
  return t;
}

function parseTestSet(v: unknown, d: number, regression: boolean): DataTestSet {
  if (!isObject(v)) throw new SpecError("data.test", "expected an object { x, y } (the test set)");
  precheckMatrix(v.x, "data.test.x", LIMITS.maxN, LIMITS.maxD, "examples", "coordinates");
  const t = check(TestSetSchema, v, "data.test");
  t.x.forEach((row, i) => {
    if (row.length !== d) throw new SpecError(`data.test.x[${i}]`, `expected ${d} numbers (the training data's dimension), got ${row.length}`);
  });
  if (t.x.length * d > LIMITS.maxCells) throw new SpecError("data.test.x", `expected at most ${LIMITS.maxCells} numbers in all`);
  if (t.y.length !== t.x.length) throw new SpecError("data.test.y", `expected ${t.x.length} targets (one per example), got ${t.y.length}`);
  if (!regression) t.y.forEach((y, i) => {
    if (y !== 1 && y !== -1) throw new SpecError(`data.test.y[${i}]`, "expected a label −1 or +1");
  });
  return t;
}

function parseTrainingData(v: Record<string, unknown>, regression: boolean): DataSpec {
  if ("generator" in v) {
    if (v.generator === "single") return check(DataSingleSchema, v, "data");
    if (v.generator === "gaussian-sparse") return check(DataGaussianSchema, v, "data");
    const hint = typeof v.generator === "string" ? `, got ${JSON.stringify(v.generator)}${didYouMean(v.generator, ["single", "gaussian-sparse", "sparse-regression"])}` : "";
    throw new SpecError("data.generator", `expected "single", "gaussian-sparse" or "sparse-regression"${hint}`);
  }
  if ("source" in v) return check(DataSourceSchema, v, "data");
  if ("file" in v) {
    const f = check(DataFileSchema, v, "data");
    const format = f.format ?? formatFromName(f.file);
    if (!format) throw new SpecError("data.format", `required: expected "csv", "libsvm" or "idx" (cannot tell from the name ${JSON.stringify(f.file)})`);
    if (format === "idx" && f.labels === undefined) throw new SpecError("data.labels", "required: expected the IDX labels file (format idx)");
    for (const k of ["label", "header", "delimiter"] as const) if (f[k] !== undefined && format !== "csv") throw new SpecError(`data.${k}`, 'applies to "format": "csv" only');
    if (f.d !== undefined && format !== "libsvm") throw new SpecError("data.d", 'applies to "format": "libsvm" only');
    if (f.labels !== undefined && format !== "idx") throw new SpecError("data.labels", 'applies to "format": "idx" only');
    return { ...f, format };
  }
  precheckMatrix(v.x, "data.x", LIMITS.maxN, LIMITS.maxD, "examples", "coordinates");
  if (Array.isArray(v.y) && v.y.length > LIMITS.maxN) throw new SpecError("data.y", `expected at most ${LIMITS.maxN} labels, got ${v.y.length}`);
  const data: DataInline = regression ? check(DataInlineRegressionSchema, v, "data") : check(DataInlineSchema, v, "data");
  const d = data.x[0]!.length;
  if (d < 1) throw new SpecError("data.x[0]", "expected at least one coordinate");
  data.x.forEach((row, i) => {
    if (row.length !== d) throw new SpecError(`data.x[${i}]`, `expected ${d} numbers like data.x[0], got ${row.length}`);
  });
  if (data.x.length > LIMITS.maxN) throw new SpecError("data.x", `expected at most ${LIMITS.maxN} examples`);
  if (data.x.length * d > LIMITS.maxCells) throw new SpecError("data.x", `expected at most ${LIMITS.maxCells} numbers in all`);
  if (data.y !== undefined && data.y.length !== data.x.length) {
    throw new SpecError("data.y", `expected ${data.x.length} labels (one per example), got ${data.y.length}`);
  }
  return data;
}

/** The format a data file's name implies (undefined when it does not tell). */
export function formatFromName(file: string): DataFile["format"] {
  const base = file.replace(/[?#].*$/, "").toLowerCase().replace(/\.gz$/, "");
  if (/\.(csv|tsv|txt)$/.test(base)) return "csv";
  if (/\.(libsvm|svm|svmlight)$/.test(base)) return "libsvm";
  if (/idx\d-ubyte$|\.idx\d?$|-ubyte$/.test(base)) return "idx";
  return undefined;
}

/** Dimensions of the named sources. */
const SOURCE_D: Record<DataSource["source"], number> = { "fashion-mnist": 784, digits: 64, iris: 4 };
/** Rows of the named sources with two classes (the most a pair can have). */
const SOURCE_PAIR_N: Record<DataSource["source"], number> = { "fashion-mnist": 12_000, digits: 366, iris: 100 };

/** Whether the data must be loaded (asynchronously) from a file or a named source. */
export function isLoadedData(data: DataSpec): data is DataFile | DataSource {
  return "file" in data || "source" in data;
}

/** The data dimension a data spec implies (NaN for a data file: known once loaded). */
export function dataDimension(data: DataSpec): number {
  if ("source" in data) return SOURCE_D[data.source];
  if ("file" in data) return data.d ?? NaN;
  return "x" in data ? data.x[0]!.length : data.d;
}

/** The number of examples a data spec implies (for files and sources: n, or an upper bound / NaN). */
export function dataCount(data: DataSpec): number {
  if ("source" in data) return data.n ?? SOURCE_PAIR_N[data.source];
  if ("file" in data) return data.n ?? NaN;
  if ("x" in data) return data.x.length;
  return data.generator === "single" ? 1 : data.n;
}
