/**
 * Checkpoints of discrete runs: the exact state of a {@link Simulation} as versioned JSON, so that a
 * run stopped at step s and resumed gives a Result equal, bit for bit, to the uninterrupted run's
 * (final w and β and every trajectory column; only `timing` differs). docs/CHECKPOINTS.md describes
 * the format. Pure functions: the CLI does the file I/O (atomic writes).
 *
 * What makes resumption exact: w is stored as the shortest round-trip decimal of each double (JS's
 * own `String(x)`; −0 and non-finite values as strings), the recorded rows as the little-endian bytes
 * of their doubles (base64), and the engine's whole clock (see `EngineClock`), not just (step, t).
 */
import { REC, type Algo, type EngineClock, type EngineName, type Loss } from "../engine/types.js";
import { sha256 } from "../math/sha256.js";
import { MAX_NESTING, canonicalJson, tooDeep } from "../spec/guards.js";
import { SpecError, oneLine } from "../spec/errors.js";
import { LIMITS } from "../spec/limits.js";
import { dataDimension } from "../spec/schema-data.js";
import { parseSpec, type Spec } from "../spec/schema.js";

export const CHECKPOINT_FORMAT = "samlab.checkpoint/1";

/**
 * The parts of a checkpoint document that carry a content hash (`integrity.<part>`), each over the
 * canonical JSON of the listed fields, and how a message names them.
 */
const INTEGRITY_PARTS = {
  spec: { fields: ["spec"], what: "the spec" },
  clock: { fields: ["engine", "step", "t", "clock", "lookBack"], what: "the step count and clock (step, t, clock, lookBack)" },
  hyper: { fields: ["hyper"], what: "the hyper-parameters (hyper)" },
  w: { fields: ["w"], what: "the weights (w)" },
  records: { fields: ["records"], what: "the recorded points (records)" },
  timing: { fields: ["timing", "every"], what: "the timing and checkpoint interval (timing, every)" },
} as const;

function partHash(doc: Record<string, unknown>, fields: readonly string[]): string {
  return sha256(canonicalJson(fields.map((f) => doc[f] ?? null)));
}

/** Checks one part's content hash; throws a CheckpointError naming the part. */
function checkPart(doc: Record<string, unknown>, integrity: Record<string, unknown>, k: keyof typeof INTEGRITY_PARTS): void {
  const part = INTEGRITY_PARTS[k];
  if (typeof integrity[k] !== "string") throw new CheckpointError(`integrity.${k}`, 'required: expected a content hash "sha256:…" (checkpoints of samlab 0.2 carry none: resume those with 0.2, or start the run again)');
  if (integrity[k] !== partHash(doc, part.fields)) {
    throw new CheckpointError(`integrity.${k}`, `${part.what} does not match its content hash: the checkpoint was edited or damaged after it was written; refusing to resume from it`);
  }
}

/** Caps on what a checkpoint may hold (it is a loader of outside data). */
export const CHECKPOINT_LIMITS = {
  /** Characters of checkpoint JSON accepted by {@link parseCheckpointJson}. */
  maxChars: 256 * 1024 * 1024,
} as const;

/** The exact, in-memory state of a discrete run between two chunks (see `Simulation.state`). */
export interface SimulationState {
  /** The parsed spec (defaults filled in), as echoed by a Result. */
  spec: Spec;
  engine: EngineName;
  /** The engine's clock; `clock.step` is the number of steps taken. */
  clock: EngineClock;
  /** t at `clock.step` (informational: the clock determines it). */
  t: number;
  /** The hyper-parameters in force (they equal the spec's unless changed mid-run). */
  hyper: { algo: Algo; loss: Loss; lr: number; rho: number };
  /** L×d parameters, layer-major. */
  w: Float64Array;
  /** The record rows written so far, `stride` doubles each (REC layout). */
  rows: Float64Array;
  stride: number;
  /** Engine time and steps so far (they add up across resumes in the Result's `timing`). */
  computeMs: number;
  stepsDone: number;
  /** The interval the checkpoints were taken at (a default for `samlab resume`), if any. */
  every?: number;
  /** β at step ⌊steps/2⌋ (the limit classifier's look-back point), once the run has passed it. */
  lookBack?: { step: number; t: number; beta: number[] };
  /** The content hash of a data file or named source ("sha256:…" of its bytes as read), checked again on resume. */
  dataHash?: string;
}

/** A checkpoint that cannot be used: `field` is a dotted path inside the checkpoint JSON. */
export class CheckpointError extends Error {
  constructor(
    readonly field: string,
    readonly expected: string,
  ) {
    super(oneLine(`${field}: ${expected}`, 1000));
    this.name = "CheckpointError";
  }
}

/** A double as JSON: a number when JSON keeps it exactly, else "-0", "NaN", "Infinity" or "-Infinity". */
function encodeNumber(x: number): number | string {
  if (Number.isFinite(x) && !Object.is(x, -0)) return x;
  return Object.is(x, -0) ? "-0" : String(x);
}

function decodeNumber(v: unknown, field: string): number {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (v === "-0") return -0;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  throw new CheckpointError(field, 'expected a number (or "-0", "NaN", "Infinity", "-Infinity")');
}

type BufferLike = { from(a: ArrayBufferLike | string, b?: number | string, c?: number): Uint8Array & { toString(enc: string): string } };
/** Node's Buffer when present (fast base64); browsers use btoa/atob. */
function nodeBuffer(): BufferLike | undefined {
  return (globalThis as { Buffer?: BufferLike }).Buffer;
}

/** Little-endian bytes of the doubles, base64 (btoa/atob exist in Node ≥ 16 and browsers; no Buffer). */
function f64ToBase64(a: Float64Array): string {
  const bytes = new Uint8Array(a.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat64(i * 8, a[i]!, true);
  const B = nodeBuffer();
  if (B) return B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"); // ~50× faster for big trajectories
  // in pieces of a multiple of 3 bytes (no padding inside), each small enough for fromCharCode's arguments
  const PIECE = 3 * 8192;
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += PIECE) parts.push(btoa(String.fromCharCode(...bytes.subarray(i, i + PIECE))));
  return parts.join("");
}

function base64ToF64(s: string, count: number, field: string): Float64Array {
  const chars = Math.ceil((count * 8) / 3) * 4;
  if (s.length !== chars) throw new CheckpointError(field, `expected ${count} doubles in base64 (${chars} characters), got ${s.length} characters`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new CheckpointError(field, "expected base64 text (A–Z, a–z, 0–9, +, / and = padding)");
  const B = nodeBuffer();
  if (B) {
    const buf = B.from(s, "base64");
    if (buf.length !== count * 8) throw new CheckpointError(field, `expected ${count} doubles in base64`);
    const out = new Float64Array(count);
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
    return out;
  }
  const bytes = new Uint8Array(count * 8);
  const PIECE = 4 * 8192; // a multiple of 4 characters
  let o = 0;
  for (let i = 0; i < s.length; i += PIECE) {
    let bin: string;
    try {
      bin = atob(s.slice(i, i + PIECE));
    } catch {
      throw new CheckpointError(field, "expected base64 text");
    }
    for (let k = 0; k < bin.length && o < bytes.length; k++) bytes[o++] = bin.charCodeAt(k);
  }
  if (o !== bytes.length) throw new CheckpointError(field, `expected ${count} doubles in base64`);
  const view = new DataView(bytes.buffer);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/** The checkpoint JSON of a state (one line of text, newline-terminated). Called once per checkpoint. */
export function checkpointToJson(s: SimulationState): string {
  const d = s.w.length / s.spec.depth;
  const w = Array.from({ length: s.spec.depth }, (_, l) => Array.from(s.w.subarray(l * d, (l + 1) * d), encodeNumber));
  const doc = {
    format: CHECKPOINT_FORMAT,
    spec: s.spec,
    engine: s.engine,
    step: s.clock.step,
    t: encodeNumber(s.t),
    clock: { stepBase: s.clock.stepBase, tBase: encodeNumber(s.clock.tBase), tAcc: encodeNumber(s.clock.tAcc) },
    hyper: { algo: s.hyper.algo, loss: s.hyper.loss, lr: s.hyper.lr, rho: s.hyper.rho },
    w,
    records: { stride: s.stride, count: s.stride ? s.rows.length / s.stride : 0, f64le: f64ToBase64(s.rows) },
    timing: { ms: s.computeMs, steps: s.stepsDone },
    ...(s.every !== undefined ? { every: s.every } : {}),
    ...(s.lookBack ? { lookBack: { step: s.lookBack.step, t: encodeNumber(s.lookBack.t), beta: s.lookBack.beta.map(encodeNumber) } } : {}),
  };
  const integrity: Record<string, string> = {};
  for (const [k, part] of Object.entries(INTEGRITY_PARTS)) integrity[k] = partHash(doc as Record<string, unknown>, part.fields);
  if (s.dataHash !== undefined) integrity.data = s.dataHash;
  return JSON.stringify({ ...doc, integrity }) + "\n";
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function obj(v: unknown, field: string): Record<string, unknown> {
  if (!isObject(v)) throw new CheckpointError(field, "expected an object");
  return v;
}

function intIn(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new CheckpointError(field, `expected an integer in [${min}, ${max}]`);
  return v;
}

function finiteNum(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new CheckpointError(field, "expected a finite number");
  return v;
}

function oneOf<T extends string>(v: unknown, field: string, options: readonly T[]): T {
  if (typeof v !== "string" || !(options as readonly string[]).includes(v)) throw new CheckpointError(field, `expected one of ${options.map((o) => JSON.stringify(o)).join(", ")}`);
  return v as T;
}

/**
 * Validates a parsed checkpoint document and returns the state it holds. Throws
 * {@link CheckpointError} naming the first bad field (a bad embedded spec as "spec.<field>").
 * Every size is checked against the spec before anything proportional to it is allocated.
 */
export function parseCheckpoint(value: unknown): SimulationState {
  const doc = obj(value, "checkpoint");
  const deep = tooDeep(doc, MAX_NESTING + 1);
  if (deep !== undefined) throw new CheckpointError(deep, `nested more than ${MAX_NESTING + 1} levels deep (no checkpoint field is)`);
  if (doc.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError("format", `expected "${CHECKPOINT_FORMAT}"${typeof doc.format === "string" && doc.format.startsWith("samlab.") ? ` (this file is "${doc.format}")` : " (is this a samlab checkpoint?)"}`);
  }
  let spec: Spec;
  try {
    spec = parseSpec(doc.spec);
  } catch (e) {
    if (e instanceof SpecError) throw new CheckpointError(e.field === "spec" ? "spec" : `spec.${e.field}`, e.expected);
    throw e;
  }
  if (spec.mode === "flow") throw new CheckpointError("spec.mode", 'expected a discrete run (flows, "mode": "flow", are not checkpointed)');
  // the spec's content hash before anything is checked against the spec: an edited spec is named as such
  const integrity = obj(doc.integrity, "integrity");
  checkPart(doc, integrity, "spec");
  const engine = oneOf(doc.engine, "engine", ["wasm", "reference"] as const);
  if (engine !== spec.engine) throw new CheckpointError("engine", `expected "${spec.engine}" (the spec's engine)`);
  const step = intIn(doc.step, "step", 0, spec.steps);
  const clockDoc = obj(doc.clock, "clock");
  const clock: EngineClock = {
    step,
    stepBase: intIn(clockDoc.stepBase, "clock.stepBase", 0, step),
    tBase: decodeNumber(clockDoc.tBase, "clock.tBase"),
    tAcc: decodeNumber(clockDoc.tAcc, "clock.tAcc"),
  };
  const t = decodeNumber(doc.t, "t");
  const h = obj(doc.hyper, "hyper");
  const lr = finiteNum(h.lr, "hyper.lr");
  if (!(lr > 0)) throw new CheckpointError("hyper.lr", "expected a number > 0");
  const rho = finiteNum(h.rho, "hyper.rho");
  if (!(rho >= 0)) throw new CheckpointError("hyper.rho", "expected a number ≥ 0");
  const hyper = { algo: oneOf(h.algo, "hyper.algo", ["gd", "sam-l2", "sam-linf", "usam", "asam"] as const), loss: oneOf(h.loss, "hyper.loss", ["logistic", "exponential", "squared"] as const), lr, rho };

  const L = spec.depth;
  if (!Array.isArray(doc.w) || doc.w.length !== L) throw new CheckpointError("w", `expected ${L} rows (one per layer)`);
  // a data file's dimension is known once loaded: take it from w (bounded), the run checks it again
  let d = dataDimension(spec.data);
  if (!Number.isFinite(d)) d = Array.isArray(doc.w[0]) ? Math.min(doc.w[0].length, LIMITS.maxD) : 0;
  if (L * d > LIMITS.maxCells) throw new CheckpointError("w", `expected at most ${LIMITS.maxCells} numbers`);
  const w = new Float64Array(L * d);
  doc.w.forEach((row: unknown, l) => {
    if (!Array.isArray(row) || row.length !== d) throw new CheckpointError(`w[${l}]`, `expected ${d} numbers (the data dimension)`);
    for (let j = 0; j < d; j++) {
      const x = decodeNumber(row[j], `w[${l}][${j}]`);
      if (!Number.isFinite(x)) throw new CheckpointError(`w[${l}][${j}]`, "expected a finite number (a checkpoint holds a finite state)");
      w[l * d + j] = x;
    }
  });

  const rec = obj(doc.records, "records");
  const recordBeta = spec.record.beta === "auto" ? d <= LIMITS.autoBetaMaxD : spec.record.beta;
  const stride = REC.FIXED + (recordBeta ? d : 0);
  if (rec.stride !== stride) throw new CheckpointError("records.stride", `expected ${stride} (the spec's record layout)`);
  const count = intIn(rec.count, "records.count", 0, Math.min(spec.record.points + 1, LIMITS.maxPoints + 1));
  if (typeof rec.f64le !== "string") throw new CheckpointError("records.f64le", "expected base64 text");
  const rows = base64ToF64(rec.f64le, count * stride, "records.f64le");

  const tm = obj(doc.timing, "timing");
  const computeMs = finiteNum(tm.ms, "timing.ms");
  const stepsDone = intIn(tm.steps, "timing.steps", 0, LIMITS.maxSteps);
  const every = doc.every === undefined ? undefined : intIn(doc.every, "every", 1, LIMITS.maxSteps);
  let lookBack: SimulationState["lookBack"];
  if (doc.lookBack !== undefined) {
    const lb = obj(doc.lookBack, "lookBack");
    const mid = Math.floor(spec.steps / 2);
    const lbStep = intIn(lb.step, "lookBack.step", mid, mid);
    if (lbStep > step) throw new CheckpointError("lookBack.step", `expected at most the checkpoint's step ${step}`);
    if (!Array.isArray(lb.beta) || lb.beta.length !== d) throw new CheckpointError("lookBack.beta", `expected ${d} numbers (the data dimension)`);
    lookBack = { step: lbStep, t: decodeNumber(lb.t, "lookBack.t"), beta: lb.beta.map((v: unknown, j: number) => decodeNumber(v, `lookBack.beta[${j}]`)) };
  }
  // The structure is valid (every size checked against the spec); now the content hashes: an edit that
  // keeps the structure (one weight, spec.rho, the step) is refused here, naming the part that changed.
  for (const k of Object.keys(INTEGRITY_PARTS) as (keyof typeof INTEGRITY_PARTS)[]) checkPart(doc, integrity, k);
  if (integrity.data !== undefined && (typeof integrity.data !== "string" || !/^sha256:[0-9a-f]{64}$/.test(integrity.data))) throw new CheckpointError("integrity.data", 'expected a content hash "sha256:…"');
  const dataHash = integrity.data as string | undefined;
  return { spec, engine, clock, t, hyper, w, rows, stride, computeMs, stepsDone, ...(every !== undefined ? { every } : {}), ...(lookBack ? { lookBack } : {}), ...(dataHash !== undefined ? { dataHash } : {}) };
}

/** Parses checkpoint JSON text (with a size cap) and validates it; JSON errors become a CheckpointError. */
export function parseCheckpointJson(text: string): SimulationState {
  if (text.length > CHECKPOINT_LIMITS.maxChars) throw new CheckpointError("checkpoint", `expected at most ${CHECKPOINT_LIMITS.maxChars} characters, got ${text.length}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError("checkpoint", `expected valid JSON (${oneLine((e as Error).message)})`);
  }
  return parseCheckpoint(value);
}
