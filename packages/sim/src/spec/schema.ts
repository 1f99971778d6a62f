/**
 * The experiment spec, version 1: one JSON format for the API, the CLI's files, the web page's URL
 * and every Result (which echoes the parsed spec). Validated with zod; every error names the field
 * and what was expected. docs/SPEC.md documents each field.
 */
import { z } from "zod";
import { didYouMean } from "./suggest.js";
import { MAX_NESTING, protoKey, tooDeep } from "./guards.js";

export const SPEC_VERSION = 1;

/** Caps that keep any spec (a crafted URL included) bounded in memory and time. */
export const LIMITS = {
  maxN: 1_000_000,
  maxD: 1_000_000,
  maxCells: 50_000_000, // n·d
  maxDepth: 64,
  maxSteps: 1e15,
  maxPoints: 1_000_000,
  /** β is recorded at every point when d ≤ this (unless record.beta says otherwise). */
  autoBetaMaxD: 2048,
} as const;

const finite = (what = "a finite number") => z.number({ error: `expected ${what}` }).refine(Number.isFinite, `expected ${what}`);
const int = (min: number, max: number, what: string) =>
  z
    .number({ error: `expected ${what}` })
    .int({ error: `expected ${what}` })
    .min(min, { error: `expected ${what}` })
    // a value above the cap says so (not just "expected d ≥ 1", which a d of 2·10⁶ satisfies)
    .max(max, { error: (iss) => `expected ${what}, at most ${max}${typeof iss.input === "number" ? ` (got ${iss.input})` : ""}` });
/** A threshold that is a fraction: a number in (0, 1). */
const fraction = () => z.number({ error: "expected a number in (0, 1)" }).gt(0, { error: "expected a number in (0, 1)" }).lt(1, { error: "expected a number in (0, 1)" }).optional();
const seedSchema = int(0, 4294967295, "an integer seed in [0, 2^32−1]");
const label = z.union([z.literal(1), z.literal(-1)], { error: "expected a label −1 or +1" });

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

export const InitAlphaSchema = z.strictObject({
  /** Every entry of every layer = alpha; an array gives one value per coordinate (all layers). */
  alpha: z.union([finite(), z.array(finite())], { error: "expected a number or an array of d numbers" }),
});
export const InitValuesSchema = z.strictObject({
  /** L rows of d numbers. */
  values: z.array(z.array(finite(), { error: "expected a row of d numbers" }), { error: "expected L rows of d numbers" }),
});
export const InitRandomSchema = z.strictObject({
  /** abs-gaussian: α·|N(0,1)|; gaussian: α·N(0,1); uniform: α·U(0,1). */
  random: z.enum(["abs-gaussian", "gaussian", "uniform"], { error: 'expected "abs-gaussian", "gaussian" or "uniform"' }),
  alpha: finite(),
  seed: seedSchema.optional(),
});

export const RecordSchema = z.strictObject({
  points: int(2, LIMITS.maxPoints, `an integer number of points in [2, ${LIMITS.maxPoints}]`).default(200),
  spacing: z.enum(["log", "linear"], { error: 'expected "log" or "linear"' }).default("log"),
  /** Record every k steps (overrides spacing); step 0 and the last step are always recorded. */
  every: int(1, LIMITS.maxSteps, "an integer k ≥ 1").optional(),
  /** Record β at every point: true, false, or "auto" (when d ≤ 2048). */
  beta: z.union([z.boolean(), z.literal("auto")], { error: 'expected true, false or "auto"' }).default("auto"),
  /** Record λ_max, λ_min (with their Lanczos residuals) and tr H of the Hessian at every point (docs/MODEL.md, "Curvature and balance"). */
  sharpness: z.boolean({ error: "expected true or false" }).optional(),
});

const TopSchema = z.strictObject({
  version: z.literal(SPEC_VERSION, { error: `expected 1 (the only spec version)` }),
  name: z.string({ error: "expected a string" }).max(200, { error: "expected at most 200 characters" }).optional(),
  data: z.unknown(),
  depth: int(1, LIMITS.maxDepth, `an integer depth L in [1, ${LIMITS.maxDepth}]`).default(2),
  init: z.unknown().optional(),
  loss: z.enum(["logistic", "exponential", "squared"], { error: 'expected "logistic", "exponential" or "squared"' }).default("logistic"),
  algo: z.enum(["gd", "sam-l2", "sam-linf", "usam", "asam"], { error: 'expected one of "gd", "sam-l2", "sam-linf", "usam", "asam"' }).default("gd"),
  rho: z.number({ error: "expected a number ≥ 0" }).min(0, { error: "expected a number ≥ 0" }).refine(Number.isFinite, "expected a finite number ≥ 0").default(0.05),
  /**
   * Options of the SAM rules (docs/MODEL.md, "Relatives"): `group` = m of m-SAM (absent = the batch,
   * ordinary SAM), `xi` = ASAM's ξ (default 0.01), `ascentSteps` = k of the k-step ascent (default 1).
   */
  sam: z
    .strictObject(
      {
        group: int(1, LIMITS.maxN, "an integer group size m ≥ 1").optional(),
        xi: z.number({ error: "expected a number ≥ 0" }).min(0, { error: "expected a number ≥ 0" }).refine(Number.isFinite, "expected a finite number ≥ 0").optional(),
        ascentSteps: int(1, 1000, "an integer number of ascent steps in [1, 1000]").optional(),
      },
      { error: "expected an object { group, xi, ascentSteps }" },
    )
    .optional(),
  /** Mini-batch size b: each epoch a seeded permutation cut into batches of b, one step per batch (b ≥ n: the full batch). */
  batch: int(1, LIMITS.maxN, "an integer batch size b ≥ 1").optional(),
  lr: z.number({ error: "expected a number > 0" }).gt(0, { error: "expected a number > 0" }).refine(Number.isFinite, "expected a finite number > 0").default(0.01),
  steps: int(0, LIMITS.maxSteps, "an integer number of steps in [0, 1e15]").default(10_000),
  record: RecordSchema.default({ points: 200, spacing: "log", beta: "auto" }),
  seed: seedSchema.default(1),
  engine: z.enum(["wasm", "reference"], { error: 'expected "wasm" or "reference"' }).default("wasm"),
  /** Storage precision of the data: x "f32" rounds every x_ij to f32 (arithmetic stays f64; half the memory traffic). */
  precision: z.strictObject({ x: z.enum(["f64", "f32"], { error: 'expected "f64" or "f32"' }).default("f64") }).optional(),
  // ---- continuous time and step-size schedules (docs/FLOWS.md); absent = discrete, constant η ----
  mode: z.enum(["discrete", "flow"], { error: 'expected "discrete" or "flow"' }).optional(),
  lrSchedule: z.enum(["constant", "loss-normalized", "inv-sqrt", "rescaled"], { error: 'expected "constant", "loss-normalized", "inv-sqrt" or "rescaled"' }).optional(),
  /** Radius schedule of discrete runs: ρ, or ρ·(1 − k/K) at step k of K = steps. */
  rhoSchedule: z.enum(["constant", "linear-decay"], { error: 'expected "constant" or "linear-decay"' }).optional(),
  /** From step s on the run continues with `algo` (and `rho` when given). */
  switch: z
    .strictObject({
      step: int(0, LIMITS.maxSteps, "an integer step s with 0 ≤ s ≤ steps"),
      algo: z.enum(["gd", "sam-l2", "sam-linf", "usam", "asam"], { error: 'expected one of "gd", "sam-l2", "sam-linf", "usam", "asam"' }),
      rho: z.number({ error: "expected a number ≥ 0" }).min(0, { error: "expected a number ≥ 0" }).refine(Number.isFinite, "expected a finite number ≥ 0").optional(),
    })
    .optional(),
  flow: z.enum(["gradient", "sam", "rescaled"], { error: 'expected "gradient", "sam" or "rescaled"' }).optional(),
  tMax: z.number({ error: "expected a number > 0" }).gt(0, { error: "expected a number > 0" }).max(1e300, { error: "expected a number ≤ 1e300" }).optional(),
  tMin: z.number({ error: "expected a number > 0" }).gt(0, { error: "expected a number > 0" }).max(1e300, { error: "expected a number ≤ 1e300" }).optional(),
  timeScale: z.enum(["log", "linear"], { error: 'expected "log" or "linear"' }).optional(),
  rtol: z.number({ error: "expected a number in [1e-14, 0.1]" }).min(1e-14, { error: "expected a number in [1e-14, 0.1]" }).max(0.1, { error: "expected a number in [1e-14, 0.1]" }).optional(),
  atol: z.number({ error: "expected a number in [0, 1]" }).min(0, { error: "expected a number in [0, 1]" }).max(1, { error: "expected a number in [0, 1]" }).optional(),
  maxSteps: int(1, 1e12, "an integer number of integrator steps in [1, 1e12]").optional(),
  // ---- implicit-bias diagnostics (docs/DIAGNOSTICS.md); absent = the defaults ----
  diagnostics: z
    .strictObject({
      maxMargin: z.union([z.boolean(), z.literal("auto")], { error: 'expected true, false or "auto"' }).optional(),
      maxCells: int(1, LIMITS.maxCells, `an integer n·d in [1, ${LIMITS.maxCells}]`).optional(),
      limitTolerance: z.number({ error: "expected a number in (0, 2]" }).gt(0, { error: "expected a number in (0, 2]" }).max(2, { error: "expected a number in (0, 2]" }).optional(),
      // the limit classifier's thresholds (analysis/limit.ts, docs/DIAGNOSTICS.md "Limit kind")
      zeroLoss: fraction(),
      zeroPrediction: fraction(),
      stallLoss: fraction(),
      flatLoss: fraction(),
    })
    .optional(),
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
export type InitSpec = z.infer<typeof InitAlphaSchema> | z.infer<typeof InitValuesSchema> | z.infer<typeof InitRandomSchema>;
export type RecordSpec = z.infer<typeof RecordSchema>;

/** A validated spec with every default filled in. */
export interface Spec extends Omit<z.infer<typeof TopSchema>, "data" | "init"> {
  data: DataSpec;
  init: InitSpec;
}

/** What a person may write: every field but `version` and `data` is optional. */
export type SpecInput = { version: 1; data: DataSpec; record?: Partial<RecordSpec> } & Partial<Omit<Spec, "version" | "data" | "record">> & Record<string, unknown>;

/** A spec that failed validation: `field` is a dotted path (e.g. "init.values[1]"). */
export class SpecError extends Error {
  constructor(
    readonly field: string,
    readonly expected: string,
  ) {
    super(oneLine(`${field}: ${expected}`, 1000));
    this.name = "SpecError";
  }
}

function pathString(prefix: string, path: readonly PropertyKey[]): string {
  let s = prefix;
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || "spec";
}

/** Whether `path` names a value present in `v` (zod's issues do not carry the input: absent and invalid look alike). */
function hasPath(v: unknown, path: readonly PropertyKey[]): boolean {
  let o = v;
  for (const p of path) {
    if (typeof o !== "object" || o === null || !Object.prototype.hasOwnProperty.call(o, p as PropertyKey) || (o as Record<PropertyKey, unknown>)[p as PropertyKey] === undefined) return false;
    o = (o as Record<PropertyKey, unknown>)[p as PropertyKey];
  }
  return true;
}

/** zod's internal definition of a schema (zod 4: `schema._zod.def`), enough to walk to a path's object keys. */
interface ZodDefLike {
  type: string;
  shape?: Record<string, { _zod: { def: ZodDefLike } }>;
  innerType?: { _zod: { def: ZodDefLike } };
  in?: { _zod: { def: ZodDefLike } };
  element?: { _zod: { def: ZodDefLike } };
  options?: { _zod: { def: ZodDefLike } }[];
}

/** The field names an object schema at `path` accepts (unions: every option's), for "did you mean". */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const walk = (def: ZodDefLike, i: number): string[] => {
    if (def.innerType) return walk(def.innerType._zod.def, i);
    if (def.type === "pipe" && def.in) return walk(def.in._zod.def, i);
    if (def.type === "union" && def.options) return [...new Set(def.options.flatMap((o) => walk(o._zod.def, i)))];
    if (def.type === "array" && def.element && typeof path[i] === "number") return walk(def.element._zod.def, i + 1);
    if (def.type === "object" && def.shape) {
      if (i === path.length) return Object.keys(def.shape);
      const next = def.shape[String(path[i])];
      return next ? walk(next._zod.def, i + 1) : [];
    }
    return [];
  };
  return walk((schema as unknown as { _zod: { def: ZodDefLike } })._zod.def, 0);
}

/** The value at `path` in `v` (undefined when absent). */
function valueAt(v: unknown, path: readonly PropertyKey[]): unknown {
  let o = v;
  for (const p of path) {
    if (typeof o !== "object" || o === null || !Object.prototype.hasOwnProperty.call(o, p)) return undefined;
    o = (o as Record<PropertyKey, unknown>)[p];
  }
  return o;
}

/** The message for a JSON number literal too large for a double (JSON.parse turns 1e999 into Infinity). */
export const OVERFLOW = "a number literal too large for a double (it overflows to Infinity; the largest double is about 1.8e308)";

function check<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const bad = valueAt(value, issue.path);
  if (typeof bad === "number" && !Number.isFinite(bad) && !Number.isNaN(bad)) throw new SpecError(pathString(prefix, issue.path), `expected a finite number, got ${OVERFLOW}`);
  if (issue.code === "unrecognized_keys") {
    const keys = (issue as { keys: string[] }).keys;
    throw new SpecError(pathString(prefix, [...issue.path, keys[0]!]), `unknown field${didYouMean(keys[0]!, knownKeys(schema, issue.path)) || " (check its spelling)"}`);
  }
  if (issue.code === "invalid_value") {
    const got = valueAt(value, issue.path);
    const values = ((issue as { values?: unknown[] }).values ?? []).filter((x): x is string => typeof x === "string");
    // the value is shown cut to 40 characters: a crafted one may be megabytes long
    const shown = typeof got !== "string" ? "" : got.length > 40 ? JSON.stringify(got.slice(0, 40)).slice(0, -1) + '…"' : JSON.stringify(got);
    if (typeof got === "string" && values.length > 0) throw new SpecError(pathString(prefix, issue.path), `${issue.message}, got ${shown}${didYouMean(got, values)}`);
  }
  if (issue.code === "invalid_type" && issue.path.length > 0 && !hasPath(value, issue.path)) {
    throw new SpecError(pathString(prefix, issue.path), `required: ${issue.message.replace(/^expected /, "expected ")}`);
  }
  throw new SpecError(pathString(prefix, issue.path), issue.message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseData(v: unknown, regression = false): DataSpec {
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

/**
 * Size caps on an array of rows, checked before zod walks (and copies) it, so that validation costs
 * O(rows) at most — a crafted `new Array(2 ** 32 - 1)` or a 10⁸-row matrix is refused at once.
 */
function precheckMatrix(m: unknown, field: string, maxRows: number, maxCols: number, rows: string, cols: string): void {
  if (!Array.isArray(m)) return;
  if (m.length > maxRows) throw new SpecError(field, `expected at most ${maxRows} ${rows}, got ${m.length}`);
  let cells = 0;
  for (let i = 0; i < m.length; i++) {
    const row: unknown = m[i];
    if (!Array.isArray(row)) continue;
    if (row.length > maxCols) throw new SpecError(`${field}[${i}]`, `expected at most ${maxCols} ${cols}, got ${row.length}`);
    cells += row.length;
    if (cells > LIMITS.maxCells) throw new SpecError(field, `expected at most ${LIMITS.maxCells} numbers in all`);
  }
}

function parseInit(v: unknown, depth: number, d: number): InitSpec {
  if (v === undefined) return { alpha: 0.1 };
  if (!isObject(v)) throw new SpecError("init", "expected { alpha }, { values } or { random, alpha }");
  if ("random" in v) return check(InitRandomSchema, v, "init");
  if ("values" in v) {
    precheckMatrix(v.values, "init.values", LIMITS.maxDepth, LIMITS.maxD, "rows (one per layer)", "numbers");
    const init = check(InitValuesSchema, v, "init");
    if (init.values.length !== depth) throw new SpecError("init.values", `expected ${depth} rows (one per layer, depth = ${depth}), got ${init.values.length}`);
    init.values.forEach((row, l) => {
      if (row.length !== d) throw new SpecError(`init.values[${l}]`, `expected ${d} numbers (the data dimension), got ${row.length}`);
    });
    return init;
  }
  if ("alpha" in v) {
    if (Array.isArray(v.alpha) && v.alpha.length > LIMITS.maxD) throw new SpecError("init.alpha", `expected at most ${LIMITS.maxD} numbers, got ${v.alpha.length}`);
    const init = check(InitAlphaSchema, v, "init");
    if (Array.isArray(init.alpha) && init.alpha.length !== d) {
      throw new SpecError("init.alpha", `expected a number or ${d} numbers (the data dimension), got ${init.alpha.length}`);
    }
    return init;
  }
  const unknown = Object.keys(v)[0];
  if (unknown !== undefined) {
    const hint = didYouMean(unknown, ["alpha", "values", "random", "seed"]);
    throw new SpecError(`init.${unknown}`, `unknown field${hint}: expected { alpha }, { values } or { random, alpha }`);
  }
  throw new SpecError("init", "expected { alpha }, { values } or { random, alpha }");
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

/**
 * Validates a spec (a parsed JSON value) and fills in defaults. Throws {@link SpecError} naming the
 * first offending field and what was expected.
 */
export function parseSpec(input: unknown): Spec {
  if (!isObject(input)) throw new SpecError("spec", "expected a JSON object");
  const deep = tooDeep(input);
  if (deep !== undefined) throw new SpecError(deep, `nested more than ${MAX_NESTING} levels deep (no spec field is)`);
  const proto = protoKey(input);
  if (proto !== undefined) throw new SpecError(proto, "a spec may not hold a __proto__ key");
  if (input.version === undefined) throw new SpecError("version", "required: expected 1");
  if (input.data === undefined) throw new SpecError("data", 'required: expected { x, y }, { generator, … }, { file, … } or { source, … } (docs/SPEC.md, "data")');
  const top = check(TopSchema, input, "");
  const data = parseData(top.data, top.loss === "squared");
  const d = dataDimension(data);
  const n = dataCount(data);
  // a data file: its dimension is known once loaded (loadDataset checks init and the caps then)
  const dKnown = !Number.isNaN(d);
  if (!dKnown && isObject(top.init) && ("values" in top.init || Array.isArray(top.init.alpha))) {
    throw new SpecError("init", "expected { alpha: number } or { random, alpha } with a data file (per-coordinate values need its dimension)");
  }
  if (dKnown && Number.isFinite(n) && n * d > LIMITS.maxCells) throw new SpecError("data", `expected at most ${LIMITS.maxCells} numbers (n·d) in all, got ${n * d}`);
  if ("k" in data && data.k !== undefined && data.k > data.d) throw new SpecError("data.k", `expected k ≤ d = ${data.d}`);
  if (dKnown && top.depth * d > LIMITS.maxCells) throw new SpecError("depth", `expected depth·d ≤ ${LIMITS.maxCells}`);
  const init = parseInit(top.init, top.depth, dKnown ? d : 0);
  samFields(top);
  const rec = top.record;
  if (rec.every !== undefined) {
    const count = Math.floor(top.steps / rec.every) + 2;
    if (count > rec.points) {
      throw new SpecError(
        "record.every",
        `expected every ≥ ${Math.ceil(top.steps / Math.max(1, rec.points - 2))}: every ${rec.every} over ${top.steps} steps gives up to ${count} points, more than record.points = ${rec.points}`,
      );
    }
  }
  // init and the flow fields always come last, so that parsing a parsed spec gives the same JSON text
  // (a Result's echoed spec, a checkpoint's spec and a URL's spec re-parse to identical bytes)
  const { init: _init, ...rest } = top;
  for (const f of FLOW_ONLY) delete (rest as Record<string, unknown>)[f];
  return { ...rest, data, init, ...flowFields(top) } as Spec;
}

/**
 * The SAM family's options (docs/MODEL.md, "Relatives"). A group and the k-step ascent need a SAM
 * rule — the run's, or the one a switch leads to (GD, then 1-SAM: the engines take ordinary GD steps
 * until the switch) — ξ needs ASAM; all of them, ASAM and mini-batches need the plain discrete step
 * (no flow, no loss-normalized or rescaled step size: those are defined for the full-batch rules only).
 */
function samFields(top: z.infer<typeof TopSchema>): void {
  const switchAlgo = (top as { switch?: { algo?: string } }).switch?.algo;
  const algos = [top.algo, ...(switchAlgo !== undefined ? [switchAlgo] : [])];
  const sam = top.sam ?? {};
  const lossNormalized = top.lrSchedule === "loss-normalized" || top.lrSchedule === "rescaled";
  const plainOnly = (field: string, what: string): void => {
    if (top.mode === "flow") throw new SpecError(field, `applies to "mode": "discrete" only (${what})`);
    if (lossNormalized) throw new SpecError(field, `expected "lrSchedule": "constant" or "inv-sqrt" with ${what} (got "${top.lrSchedule}")`);
  };
  for (const f of ["group", "ascentSteps"] as const) {
    if (sam[f] === undefined) continue;
    if (algos.every((a) => a === "gd")) throw new SpecError(`sam.${f}`, 'applies to the SAM rules only ("sam-l2", "sam-linf", "usam", "asam"), not "gd" (unless a switch leads to one)');
    plainOnly(`sam.${f}`, f === "group" ? "a group (the flows are n-SAM)" : "a k-step ascent");
  }
  if (sam.xi !== undefined && !algos.includes("asam")) throw new SpecError("sam.xi", 'applies to "algo": "asam" only (or a switch to it)');
  if (top.algo === "asam") plainOnly("algo", '"asam"');
  if (switchAlgo === "asam") plainOnly("switch.algo", '"asam"');
  if (top.batch !== undefined) plainOnly("batch", "mini-batches");
}

const FLOW_ONLY = ["flow", "tMax", "tMin", "timeScale", "rtol", "atol", "maxSteps"] as const;

/** Checks the fields of continuous-time runs and fills in their defaults (docs/FLOWS.md). */
function flowFields(top: z.infer<typeof TopSchema>): Partial<z.infer<typeof TopSchema>> {
  if (top.lrSchedule === "rescaled" && top.loss === "squared") throw new SpecError("lrSchedule", 'expected "constant", "loss-normalized" or "inv-sqrt" with "loss": "squared" (the rescaled step divides by mean −ℓ\', which is not positive for a residual)');
  if (top.switch && top.switch.step > top.steps) throw new SpecError("switch.step", `expected an integer step s with 0 ≤ s ≤ steps = ${top.steps}`);
  if (top.mode !== "flow") {
    for (const f of FLOW_ONLY) if (top[f] !== undefined) throw new SpecError(f, 'applies to "mode": "flow" only');
    return {};
  }
  if (top.lrSchedule !== undefined && top.lrSchedule !== "constant") throw new SpecError("lrSchedule", 'applies to "mode": "discrete" only (a flow has no step size)');
  if (top.rhoSchedule !== undefined && top.rhoSchedule !== "constant") throw new SpecError("rhoSchedule", 'applies to "mode": "discrete" only (a flow has no steps)');
  if (top.switch !== undefined) throw new SpecError("switch", 'applies to "mode": "discrete" only');
  if (top.record.every !== undefined) throw new SpecError("record.every", 'expected no "every" with "mode": "flow" (use record.points and record.spacing)');
  const flow = top.flow ?? (top.algo === "gd" ? "gradient" : "sam");
  // the rescaled flow divides by mean −ℓ'(z̃), a residual's sign is not fixed: only the gradient and SAM flows exist for regression
  if (flow === "rescaled" && top.loss === "squared") throw new SpecError("flow", 'expected "gradient" or "sam" with "loss": "squared" (the rescaled flow divides by mean −ℓ\', which is not positive for a residual)');
  if (flow === "gradient" && top.algo !== "gd") throw new SpecError("flow", `expected "sam" or "rescaled" with algo "${top.algo}" ("gradient" is the flow of GD)`);
  if (flow === "sam" && top.algo === "gd") throw new SpecError("flow", 'expected "gradient" or "rescaled" with algo "gd" ("sam" needs algo "sam-l2", "sam-linf" or "usam")');
  const tMax = top.tMax ?? top.lr * top.steps;
  if (!(tMax > 0) || !Number.isFinite(tMax)) throw new SpecError("tMax", "expected a number > 0 (the default, lr·steps, is 0 here)");
  const tMin = top.tMin ?? Math.min(top.lr, tMax / 10);
  if (tMin >= tMax) throw new SpecError("tMin", `expected a number < tMax = ${tMax}`);
  return { flow, tMax, tMin, timeScale: top.timeScale ?? "log", rtol: top.rtol ?? 1e-8, atol: top.atol ?? 1e-12, maxSteps: top.maxSteps ?? 1_000_000 };
}

/** Parses JSON text and validates it; JSON syntax errors become a SpecError too. */
export function parseSpecJson(text: string): Spec {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SpecError("spec", `expected valid JSON (${oneLine((e as Error).message)})`);
  }
  return parseSpec(value);
}

/**
 * An error text fit for one line of a terminal or a page: V8's JSON errors quote the input, which
 * may hold newlines and control characters (a crafted file could move the cursor or recolour the
 * terminal); those become \\uXXXX, and the text is cut at 200 characters.
 */
export function oneLine(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const t = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return t.length > max ? t.slice(0, max - 1) + "…" : t;
}
