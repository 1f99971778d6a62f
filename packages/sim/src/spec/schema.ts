/**
 * The experiment spec, version 1: one JSON format for the API, the CLI's files, the web page's URL
 * and every Result (which echoes the parsed spec). Validated with zod; every error names the field
 * and what was expected. docs/SPEC.md documents each field. This file holds the top level (version,
 * algorithm, schedules, flows, diagnostics), init and record, and parseSpec; the data part is in
 * schema-data.ts, the caps and primitive fields in limits.ts, SpecError in errors.ts.
 */
import { z } from "zod";
import { didYouMean } from "./suggest.js";
import { MAX_NESTING, protoKey, tooDeep } from "./guards.js";
import { SpecError, check, isObject, oneLine } from "./errors.js";
import { LIMITS, finite, fraction, int, precheckMatrix, seedSchema } from "./limits.js";
import { type DataSpec, dataCount, dataDimension, parseData } from "./schema-data.js";

export const SPEC_VERSION = 1;

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
      fitLoss: fraction(),
    })
    .optional(),
});

export type InitSpec = z.infer<typeof InitAlphaSchema> | z.infer<typeof InitValuesSchema> | z.infer<typeof InitRandomSchema>;
export type RecordSpec = z.infer<typeof RecordSchema>;

/** A validated spec with every default filled in. */
export interface Spec extends Omit<z.infer<typeof TopSchema>, "data" | "init"> {
  data: DataSpec;
  init: InitSpec;
}

/** What a person may write: every field but `version` and `data` is optional. */
export type SpecInput = { version: 1; data: DataSpec; record?: Partial<RecordSpec> } & Partial<Omit<Spec, "version" | "data" | "record">> & Record<string, unknown>;

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
