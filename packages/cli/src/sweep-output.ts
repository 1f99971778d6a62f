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
