/**
 * The files a sweep writes and merge reads: `runs.csv` (one tidy row per run), `results/run-NNNNN.json`
 * (each run's Result) and `sweep.json` (the sweep echoed, its fingerprint, the shard, timing).
 * docs/SWEEP.md documents every column and field.
 */
import { createHash } from "node:crypto";
import { dataDimension, limitOfResult, type Result } from "@samlab/sim";
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
  dominant?: number;
  /** Coordinates in the order they became dominant, "0>1>2". */
  dominantSequence?: string;
  /** The first recorded step at which each of them was dominant, "0>5400>120000". */
  takeoverSteps?: string;
  /** The limit class of the final state (the classifier of every Result's diagnostics.limit). */
  limit?: string;
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
    dominant: f.dominant,
    dominantSequence: r.dominantSequence.map((c) => c.coord).join(">"),
    takeoverSteps: r.dominantSequence.map((c) => c.step).join(">"),
    limit: limitOfResult(r).class,
    ms: r.timing.ms,
    nsPerStep: r.timing.nsPerStep,
    beta: r.data.d <= MAX_BETA_COLUMNS ? f.beta : [],
  };
}

const NUMERIC = ["steps", "finalStep", "t", "loss", "l1", "l2", "wNorm", "minMargin", "marginL1", "marginL2", "marginW", "dominant"] as const;

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
    "dominantSequence",
    "takeoverSteps",
    "limit",
    "ms",
    "nsPerStep",
    ...Array.from({ length: betaCols }, (_, j) => `beta_${j}`),
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
    row.dominantSequence ?? "",
    row.takeoverSteps ?? "",
    csvField(row.limit ?? ""),
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
