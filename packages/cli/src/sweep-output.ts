/**
 * The files a sweep writes and merge reads: `runs.csv` (one tidy row per run), `results/run-NNNNN.json`
 * (each run's Result) and `sweep.json` (the sweep echoed, its fingerprint, the shard, timing).
 * docs/SWEEP.md documents every column and field.
 */
import { createHash } from "node:crypto";
import { dataDimension, limitOfResult, type LimitClassification, type Result } from "@samlab/sim";
import { canonicalJson, type Sweep } from "@samlab/sim/sweep";

export const SWEEP_OUTPUT_FORMAT = "samlab.sweep-output/1";

/** runs.csv carries the final β as columns beta_0 … beta_{d−1} when every run has d ≤ this. */
export const MAX_BETA_COLUMNS = 16;

/** What a worker sends back for one run: the row's numbers, never the whole Result. */
export interface RunRow {
  index: number;
  status: Result["status"]["state"] | "error";
  message?: string;
  engine?: string;
  d?: number;
  steps?: number;
  finalStep?: number;
  t?: number;
  loss?: number;
  l1?: number;
  l2?: number;
  wNorm?: number;
  minMargin?: number;
  marginL1?: number;
  marginL2?: number;
  marginW?: number;
  /** The final layer balance, and with `record.sharpness` the final λ_max (its Lanczos residual), λ_min and tr H. */
  balance?: number;
  lambdaMax?: number;
  lambdaMaxRes?: number;
  lambdaMin?: number;
  traceH?: number;
  /** argmax_j |β_j| at the end, as people name it: "x3" (1-based). */
  dominant?: string;
  /** Coordinates in the order they took the lead, 1-based: "x2>x3>x5" (the Result's dominantSequence). */
  dominantSequence?: string;
  /** The first recorded step of the points that decided each takeover, "36>153>663". */
  takeoverSteps?: string;
  /** The limit kind (the classifier of every Result's diagnostics.limit): zero, stalled, basis, l1-max-margin, … */
  limit?: string;
  /** The basis vector of the final direction when it is one, 1-based: "e2" (also for a max-margin kind that is e_j). */
  limitBasis?: string;
  ms?: number;
  nsPerStep?: number;
  beta?: number[];
}

/** The row of one finished run (called once per run, in the worker). */
export function rowOf(index: number, r: Result): RunRow {
  const f = r.final;
  return {
    index,
    status: r.status.state,
    ...(r.status.message ? { message: r.status.message } : {}),
    engine: r.engine,
    d: r.data.d,
    steps: r.spec.steps,
    finalStep: f.step,
    t: f.t,
    loss: f.loss,
    l1: f.l1,
    l2: f.l2,
    wNorm: f.wNorm,
    minMargin: f.minMargin,
    marginL1: f.marginL1,
    marginL2: f.marginL2,
    marginW: f.marginW,
    balance: f.balance,
    ...(f.lambdaMax !== undefined ? { lambdaMax: f.lambdaMax, lambdaMaxRes: f.lambdaMaxRes, lambdaMin: f.lambdaMin, traceH: f.traceH } : {}),
    dominant: `x${f.dominant + 1}`,
    dominantSequence: r.dominantSequence.map((c) => `x${c.coord + 1}`).join(">"),
    takeoverSteps: r.dominantSequence.map((c) => c.step).join(">"),
    ...limitCells(limitOfResult(r)),
    ms: r.timing.ms,
    nsPerStep: r.timing.nsPerStep,
    beta: r.data.d <= MAX_BETA_COLUMNS ? f.beta : [],
  };
}

/** The limit columns: the kind, and e_j (1-based) when the final direction is ±e_j. */
function limitCells(l: LimitClassification): Pick<RunRow, "limit" | "limitBasis"> {
  return { limit: l.kind, ...(l.coord !== undefined ? { limitBasis: `${l.sign === -1 ? "-" : ""}e${l.coord + 1}` } : {}) };
}

const NUMERIC = ["steps", "finalStep", "t", "loss", "l1", "l2", "wNorm", "minMargin", "marginL1", "marginL2", "marginW", "balance", "lambdaMax", "lambdaMaxRes", "lambdaMin", "traceH"] as const;

/** Quotes a CSV field when it needs it (RFC 4180); newlines become spaces so every row is one line. */
export function csvField(s: string): string {
  const one = s.replace(/[\r\n]+/g, " ");
  return /[",]/.test(one) ? `"${one.replace(/"/g, '""')}"` : one;
}

/** A swept value as CSV text: numbers and strings as they are, anything else as JSON. */
function cell(v: unknown): string {
  if (v === undefined) return "";
  if (typeof v === "string") return csvField(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return csvField(JSON.stringify(v));
}

/** The number of beta_j columns for a sweep: the largest d when all d ≤ MAX_BETA_COLUMNS, else 0. */
export function betaColumns(sweep: Sweep): number {
  let max = 0;
  for (const r of sweep.runs) max = Math.max(max, dataDimension(r.spec.data));
  return max <= MAX_BETA_COLUMNS ? max : 0;
}

export function csvHeader(keys: string[], betaCols: number): string {
  return [
    "run",
    ...keys.map(csvField),
    "status",
    "engine",
    ...NUMERIC,
    "dominant",
    "dominantSequence",
    "takeoverSteps",
    "limit",
    "limitBasis",
    "ms",
    "nsPerStep",
    // 1-based like x₁ … x_d in the paper and in the summary (JSON keeps 0-based arrays)
    ...Array.from({ length: betaCols }, (_, j) => `beta_${j + 1}`),
    "message",
  ].join(",");
}

/** One runs.csv line. The swept values come from the run's overrides (every key is set for every run). */
export function csvRow(row: RunRow, values: unknown[], betaCols: number): string {
  const num = (v: number | undefined) => (v === undefined ? "" : String(v));
  return [
    String(row.index),
    ...values.map(cell),
    row.status,
    row.engine ?? "",
    ...NUMERIC.map((k) => num(row[k])),
    row.dominant ?? "",
    row.dominantSequence ?? "",
    row.takeoverSteps ?? "",
    csvField(row.limit ?? ""),
    row.limitBasis ?? "",
    row.ms === undefined ? "" : row.ms.toFixed(3),
    row.nsPerStep === undefined ? "" : row.nsPerStep.toFixed(2),
    ...Array.from({ length: betaCols }, (_, j) => num(row.beta?.[j])),
    csvField(row.message ?? ""),
  ].join(",");
}

/** The result file of run `index`, relative to the output folder. */
export const resultFile = (index: number) => `results/run-${String(index).padStart(5, "0")}.json`;

/**
 * The fingerprint of an expanded sweep: SHA-256 of the canonical JSON of every run's validated spec
 * (defaults filled in), in run order. Shards of one sweep share it; merge checks it.
 */
export function sweepHash(sweep: Sweep): string {
  return "sha256:" + createHash("sha256").update(canonicalJson(sweep.runs.map((r) => r.spec))).digest("hex");
}

/** sweep.json. */
export interface SweepManifest {
  format: typeof SWEEP_OUTPUT_FORMAT;
  /** The sweep file as given. */
  sweep: unknown;
  hash: string;
  /** Runs in the whole sweep, and the swept paths (runs.csv's columns after "run"). */
  totalRuns: number;
  keys: string[];
  /** Which runs this folder holds: shard i of N (round-robin, index ≡ i mod N); null for the whole sweep or a merge. */
  shard: { index: number; count: number } | null;
  runs: number;
  /** False when the sweep was interrupted: runs.csv then holds only the runs that finished. */
  complete: boolean;
  results: boolean;
  status: Record<string, number>;
  timing: { startedAt: string; wallMs: number; workers: number; runMsTotal: number };
  samlab: { version: string; node: string };
  /** For a merge: the folders joined. */
  mergedFrom?: string[];
}

/** sweep.json's text: indented, except the echoed sweep file, which stays on one line (its data can be large). */
export function manifestJson(m: SweepManifest): string {
  const mark = "\u0000sweep\u0000";
  return JSON.stringify({ ...m, sweep: mark }, null, 2).replace(JSON.stringify(mark), () => JSON.stringify(m.sweep)) + "\n";
}

/** A sweep.json that cannot be used (merge, sweep --resume): `field` is a dotted path in it. */
export class ManifestError extends Error {
  constructor(
    readonly field: string,
    readonly expected: string,
  ) {
    super(`${field}: ${expected}`);
    this.name = "ManifestError";
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const intIn = (v: unknown, field: string, min: number, max: number): number => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new ManifestError(field, `expected an integer from ${min} to ${max}, got ${JSON.stringify(v)?.slice(0, 40)}`);
  return v;
};
const finiteIn = (v: unknown, field: string): number => {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new ManifestError(field, "expected a number ≥ 0");
  return v;
};

/**
 * Validates a parsed sweep.json like a spec (it is outside input: a crafted shard with 3·10⁸ runs
 * or a shard count of 0 must be refused, never iterated): every field `merge` and `sweep --resume`
 * use, its type and its bounds. Returns it typed.
 */
export function parseManifest(v: unknown, maxRuns: number): SweepManifest {
  if (tooDeepValue(v)) throw new ManifestError("sweep.json", "nested too deeply");
  if (!isObj(v)) throw new ManifestError("sweep.json", "expected a JSON object");
  if (v.format !== SWEEP_OUTPUT_FORMAT) throw new ManifestError("format", `expected "${SWEEP_OUTPUT_FORMAT}", got ${JSON.stringify(v.format)?.slice(0, 60)}`);
  if (typeof v.hash !== "string" || !/^sha256:[0-9a-f]{64}$/.test(v.hash)) throw new ManifestError("hash", 'expected "sha256:" and 64 hex digits');
  const totalRuns = intIn(v.totalRuns, "totalRuns", 1, maxRuns);
  if (!Array.isArray(v.keys) || v.keys.length > 64 || !v.keys.every((k) => typeof k === "string" && k.length < 1000)) throw new ManifestError("keys", "expected an array of swept paths");
  let shard: SweepManifest["shard"] = null;
  if (v.shard !== null) {
    if (!isObj(v.shard)) throw new ManifestError("shard", "expected null or { index, count }");
    const count = intIn(v.shard.count, "shard.count", 1, totalRuns);
    shard = { index: intIn(v.shard.index, "shard.index", 0, count - 1), count };
  }
  const runs = intIn(v.runs, "runs", 0, totalRuns);
  if (typeof v.complete !== "boolean") throw new ManifestError("complete", "expected true or false");
  if (typeof v.results !== "boolean") throw new ManifestError("results", "expected true or false");
  if (!isObj(v.status) || !Object.values(v.status).every((c) => Number.isInteger(c) && (c as number) >= 0 && (c as number) <= totalRuns)) throw new ManifestError("status", "expected an object of run counts");
  if (!isObj(v.timing)) throw new ManifestError("timing", "expected an object");
  const t = v.timing;
  if (typeof t.startedAt !== "string" || t.startedAt.length > 64) throw new ManifestError("timing.startedAt", "expected a date string");
  const timing = { startedAt: t.startedAt, wallMs: finiteIn(t.wallMs, "timing.wallMs"), workers: intIn(t.workers, "timing.workers", 0, 1 << 20), runMsTotal: finiteIn(t.runMsTotal, "timing.runMsTotal") };
  if (!isObj(v.samlab)) throw new ManifestError("samlab", "expected { version, node }");
  return { ...(v as unknown as SweepManifest), totalRuns, shard, runs, timing, status: v.status as Record<string, number> };
}

/** Whether a JSON value nests more than 80 levels (walked iteratively). */
function tooDeepValue(v: unknown): boolean {
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, depth] = stack.pop()!;
    if (typeof x !== "object" || x === null) continue;
    if (depth > 80) return true;
    for (const c of Object.values(x)) if (typeof c === "object" && c !== null) stack.push([c, depth + 1]);
  }
  return false;
}
