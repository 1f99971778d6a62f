/**
 * Sweeps: one file that names many runs. A sweep (version 1) is a `base` spec plus a `grid` (every
 * combination of the listed values) and/or a `list` (explicit override sets), keyed by dotted paths
 * into the spec ("rho", "init.alpha", "data.x[0][1]"). Expansion is pure and deterministic:
 *
 * - grid: the cartesian product in the order the keys are written, the LAST key varying fastest
 *   (nested for-loops, first key outermost);
 * - list and grid together: every list entry combined with every grid point, list entries outermost;
 * - run index = listIndex · gridSize + gridIndex, counting from 0.
 *
 * Every run's spec is validated with {@link parseSpec} during expansion, so a bad value is reported
 * (with its run index and field) before anything runs. Pure: no Node or browser imports; called once
 * per sweep by the CLI, the web page and the tests. docs/SWEEP.md documents the format.
 */
import { z } from "zod";
import { FORBIDDEN_KEYS, MAX_NESTING, canonicalJson, protoKey, tooDeep } from "../spec/guards.js";
import { SpecError } from "../spec/errors.js";
import { parseSpec, type Spec } from "../spec/schema.js";

export { canonicalJson };

export const SWEEP_VERSION = 1;

/** Caps that keep an expanded sweep bounded in memory. */
export const SWEEP_LIMITS = {
  maxRuns: 100_000,
  maxKeys: 32,
  /** JSON characters of all expanded specs together (runs × (base + overrides)), estimated before expanding. */
  maxExpandedChars: 256 * 1024 * 1024,
} as const;

/** A sweep that failed validation: `field` names the sweep-file field or, for a run, the spec field. */
export class SweepError extends Error {
  constructor(
    /** A dotted path in the sweep file ("grid.rho", 'list[2]["init.alpha"]') or, with `run`, in the run's spec. */
    readonly field: string,
    readonly expected: string,
    /** The index of the run whose spec is invalid (absent for errors in the sweep file itself). */
    readonly run?: number,
    /** Where the offending value came from ("grid.rho", "list[1].rho", or "base"). */
    readonly source?: string,
  ) {
    super(run === undefined ? `${field}: ${expected}` : `run ${run}: ${field}: ${expected}${source ? ` (set by ${source})` : ""}`);
    this.name = "SweepError";
  }
}

const identifier = /^[A-Za-z_$][\w$]*$/;
const keyString = (k: PropertyKey) => (typeof k === "number" ? `[${k}]` : identifier.test(String(k)) ? `.${String(k)}` : `[${JSON.stringify(String(k))}]`);
function pathString(path: readonly PropertyKey[]): string {
  const s = path.map(keyString).join("");
  return s.startsWith(".") ? s.slice(1) : s || "sweep";
}

const SweepSchema = z.strictObject({
  version: z.literal(SWEEP_VERSION, { error: "expected 1 (the only sweep version)" }),
  name: z.string({ error: "expected a string" }).max(200, { error: "expected at most 200 characters" }).optional(),
  base: z.record(z.string(), z.unknown(), { error: "expected a spec object (the fields every run shares)" }),
  grid: z
    .record(z.string(), z.array(z.unknown(), { error: "expected an array of values" }).min(1, { error: "expected at least one value" }), {
      error: 'expected an object of dotted spec paths to arrays of values, e.g. { "rho": [0.01, 0.05] }',
    })
    .optional(),
  list: z
    .array(z.record(z.string(), z.unknown(), { error: 'expected an object of dotted spec paths to values, e.g. { "algo": "gd" }' }), {
      error: "expected an array of override objects",
    })
    .min(1, { error: "expected at least one entry" })
    .optional(),
});

/** What a person may write. */
export type SweepInput = z.infer<typeof SweepSchema>;

/** One run of an expanded sweep. */
export interface SweepRun {
  /** 0-based position in the expansion order (stable: the same file always gives the same indices). */
  index: number;
  /** The swept paths and the values this run gives them (grid and list together). */
  overrides: Record<string, unknown>;
  /** Where each override came from: "grid.rho", "list[1].algo". */
  sources: Record<string, string>;
  /** The validated spec, defaults filled in. */
  spec: Spec;
}

export interface Sweep {
  input: SweepInput;
  /** Every swept path: grid keys in file order, then list keys in order of first appearance. */
  keys: string[];
  /** Number of grid points (1 without a grid). */
  gridSize: number;
  runs: SweepRun[];
}

type Segment = string | number;

/**
 * Parses "init.values[1][0]" into ["init", "values", 1, 0]; null when malformed. Segments that reach
 * a prototype ("__proto__", "constructor", "prototype") make a path malformed: a sweep must never
 * write into Object.prototype.
 */
export function parsePath(path: string): Segment[] | null {
  const out: Segment[] = [];
  const re = /^(?:\.?([A-Za-z_$][\w$]*)|\[(\d+)\])/;
  let rest = path;
  if (!/^[A-Za-z_$]/.test(rest)) return null;
  while (rest.length) {
    const m = re.exec(rest);
    if (!m) return null;
    if (m[1] !== undefined && FORBIDDEN_KEYS.has(m[1])) return null;
    out.push(m[1] !== undefined ? m[1] : Number(m[2]));
    rest = rest.slice(m[0].length);
  }
  return out;
}

/** Sets a value at a parsed path, creating objects (for names) and arrays (for indices) on the way. */
function setAt(root: Record<string, unknown>, path: Segment[], value: unknown): void {
  let o: Record<string | number, unknown> = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    // own properties only: an inherited one (a prototype) is never walked into
    const next = Object.prototype.hasOwnProperty.call(o, seg) ? o[seg] : undefined;
    if (typeof next !== "object" || next === null) o[seg] = typeof path[i + 1] === "number" ? [] : {};
    o = o[seg] as Record<string | number, unknown>;
  }
  o[path[path.length - 1]!] = value;
}

/** The value at a dotted path of any object (undefined when absent). */
export function getPath(root: unknown, path: string): unknown {
  const segs = parsePath(path);
  if (!segs) return undefined;
  let o: unknown = root;
  for (const s of segs) {
    if (typeof o !== "object" || o === null) return undefined;
    o = (o as Record<string | number, unknown>)[s];
  }
  return o;
}

/** True when one path is a prefix of the other ("init" and "init.alpha"; "data.x" and "data.x[0]"). */
function overlaps(a: Segment[], b: Segment[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The JSON length of a value (an API caller's cyclic or BigInt value: a nominal 16; its run's spec check reports it). */
function jsonChars(v: unknown): number {
  try {
    return (JSON.stringify(v) ?? "").length;
  } catch {
    return 16;
  }
}

/** A one-line rendering of an override value for messages. */
function show(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = typeof v === "bigint" ? `${v}n` : Object.prototype.toString.call(v); // cyclic or BigInt values from API callers
  }
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

function checkPaths(where: (k: string) => string, keys: string[], parsed: Map<string, Segment[]>, others: [string, string][]): void {
  for (const k of keys) {
    const p = parsePath(k);
    if (!p && /(^|[.[\]])(__proto__|constructor|prototype)($|[.[\]])/.test(k)) throw new SweepError(where(k), "a path may not contain __proto__, constructor or prototype");
    if (!p) throw new SweepError(where(k), 'expected a dotted spec path such as "rho", "init.alpha" or "data.x[0][1]"');
    if (p[0] === "version") throw new SweepError(where(k), "the spec version cannot be swept");
    for (const [other, otherWhere] of others) {
      if (overlaps(p, parsed.get(other)!)) throw new SweepError(where(k), `overlaps ${otherWhere} (each spec field may be set by one key only)`);
    }
    parsed.set(k, p);
    others.push([k, where(k)]);
  }
}

/**
 * Validates a sweep (a parsed JSON value), expands it and validates every run's spec. Throws
 * {@link SweepError}: for the sweep file itself with `field` a path in the file, for a run with
 * `run` its index, `field` the spec field and `source` the grid or list key that set it.
 */
export function expandSweep(input: unknown): Sweep {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new SweepError("sweep", "expected a JSON object");
  // before anything walks it recursively (structuredClone, zod): a 10⁵-deep value overflows the stack
  const deep = tooDeep(input, MAX_NESTING + 2);
  if (deep !== undefined) throw new SweepError(deep, `nested more than ${MAX_NESTING + 2} levels deep (no sweep field is)`);
  const proto = protoKey(input, MAX_NESTING + 2);
  if (proto !== undefined) throw new SweepError(proto, "a sweep may not hold a __proto__ key");
  if ((input as Record<string, unknown>).version === undefined) throw new SweepError("version", "required: expected 1");
  const r = SweepSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    if (issue.code === "unrecognized_keys") {
      throw new SweepError(pathString([...issue.path, (issue as { keys: string[] }).keys[0]!]), "unknown field (expected version, name, base, grid, list)");
    }
    const missing = issue.code === "invalid_type" && issue.path.reduce<unknown>((o, k) => (typeof o === "object" && o !== null ? (o as Record<PropertyKey, unknown>)[k] : undefined), input) === undefined;
    throw new SweepError(pathString(issue.path), `${missing ? "required: " : ""}${issue.message}`);
  }
  const sw = r.data;
  const grid = sw.grid ?? {};
  const list = sw.list ?? [{}];
  const gridKeys = Object.keys(grid);
  if (sw.grid === undefined && sw.list === undefined) throw new SweepError("sweep", "expected a grid and/or a list of runs");
  if (sw.grid !== undefined && gridKeys.length === 0) throw new SweepError("grid", "expected at least one key");

  const parsed = new Map<string, Segment[]>();
  checkPaths((k) => pathString(["grid", k]), gridKeys, parsed, []);
  const gridClaims: [string, string][] = gridKeys.map((k) => [k, pathString(["grid", k])]);
  const keys = [...gridKeys];
  list.forEach((entry, li) => {
    const entryKeys = Object.keys(entry);
    const local = new Map(parsed);
    checkPaths((k) => pathString(["list", li, k]), entryKeys, local, [...gridClaims]);
    for (const k of entryKeys) {
      parsed.set(k, local.get(k)!);
      if (!keys.includes(k)) keys.push(k);
    }
  });
  if (keys.length > SWEEP_LIMITS.maxKeys) throw new SweepError("sweep", `expected at most ${SWEEP_LIMITS.maxKeys} swept paths, got ${keys.length}`);

  const gridSize = gridKeys.reduce((s, k) => s * grid[k]!.length, 1);
  const total = gridSize * list.length;
  if (total > SWEEP_LIMITS.maxRuns) {
    throw new SweepError(sw.grid ? "grid" : "list", `expands to ${total} runs, more than the ${SWEEP_LIMITS.maxRuns} a sweep may have; split it into several sweeps`);
  }
  // every run holds its own copy of the base: a 60 KB base × 10⁵ runs would be gigabytes, so the
  // expanded size is estimated (from the JSON text) and capped before anything is copied
  const baseChars = jsonChars(sw.base);
  const gridChars = gridKeys.reduce((m, k) => m + grid[k]!.reduce((mx: number, v) => Math.max(mx, jsonChars(v)), 0), 0);
  const listChars = list.reduce((m, e) => Math.max(m, jsonChars(e)), 0);
  const expanded = total * (baseChars + gridChars + listChars);
  if (expanded > SWEEP_LIMITS.maxExpandedChars) {
    throw new SweepError(
      "sweep",
      `expands to ${total} runs of about ${baseChars + gridChars + listChars} characters each (${(expanded / 1048576).toFixed(0)} MiB of specs), more than the ${SWEEP_LIMITS.maxExpandedChars / 1048576} MiB a sweep may expand to; give large data as a file ("data": { "file": … }) or split the sweep`,
    );
  }

  const runs: SweepRun[] = [];
  for (let li = 0; li < list.length; li++) {
    const entry = list[li]!;
    for (let gi = 0; gi < gridSize; gi++) {
      const index = li * gridSize + gi;
      const overrides: Record<string, unknown> = {};
      const sources: Record<string, string> = {};
      for (const [k, v] of Object.entries(entry)) {
        overrides[k] = v;
        sources[k] = pathString(["list", li, k]);
      }
      // Odometer: the last grid key varies fastest.
      let rem = gi;
      for (let ki = gridKeys.length - 1; ki >= 0; ki--) {
        const k = gridKeys[ki]!;
        const vals = grid[k]!;
        const vi = rem % vals.length;
        rem = Math.floor(rem / vals.length);
        overrides[k] = vals[vi];
        sources[k] = `${pathString(["grid", k])}[${vi}]`;
      }
      const raw = structuredClone(sw.base) as Record<string, unknown>;
      for (const k of keys) if (k in overrides) setAt(raw, parsed.get(k)!, structuredClone(overrides[k]));
      let spec: Spec;
      try {
        spec = parseSpec(raw);
      } catch (e) {
        if (!(e instanceof SpecError)) throw e;
        const fieldSegs = parsePath(e.field.replace(/^spec$/, ""));
        const from = fieldSegs ? Object.keys(overrides).find((k) => overlaps(parsed.get(k)!, fieldSegs)) : undefined;
        throw new SweepError(e.field, e.expected, index, from !== undefined ? `${sources[from]} = ${show(overrides[from])}` : "base");
      }
      // Keep the overrides in column order.
      const ordered: Record<string, unknown> = {};
      const orderedSources: Record<string, string> = {};
      for (const k of keys) if (k in overrides) ((ordered[k] = overrides[k]), (orderedSources[k] = sources[k]!));
      runs.push({ index, overrides: ordered, sources: orderedSources, spec });
    }
  }
  return { input: sw, keys, gridSize, runs };
}

/** Parses a sweep from JSON text; syntax errors become a SweepError too. */
export function expandSweepJson(text: string): Sweep {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SweepError("sweep", `expected valid JSON (${(e as Error).message})`);
  }
  return expandSweep(value);
}

/** A shard "i/N": this process runs shard `index` (0-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses "i/N" (0 ≤ i < N); throws SweepError("--shard", …). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new SweepError("--shard", `expected i/N with 0 ≤ i < N (e.g. 0/4), got "${text}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new SweepError("--shard", `expected i/N with 0 ≤ i < N (e.g. 0/4), got "${text}"`);
  return { index, count };
}

/**
 * The run indices of one shard: those with index ≡ shard.index (mod shard.count), ascending.
 * Round-robin rather than contiguous blocks, so a grid whose cost grows along an axis (steps, d)
 * still spreads evenly; shard sizes differ by at most one.
 */
export function shardIndices(total: number, shard: Shard): number[] {
  // a crafted shard (count 0: an endless loop; 3·10⁸ runs) is refused, never iterated
  if (!Number.isInteger(shard.count) || !Number.isInteger(shard.index) || shard.count < 1 || shard.index < 0 || shard.index >= shard.count) {
    throw new SweepError("shard", `expected i/N with 0 ≤ i < N, got ${shard.index}/${shard.count}`);
  }
  if (!Number.isInteger(total) || total < 0 || total > SWEEP_LIMITS.maxRuns) throw new SweepError("totalRuns", `expected an integer from 0 to ${SWEEP_LIMITS.maxRuns}, got ${total}`);
  const out: number[] = [];
  for (let i = shard.index; i < total; i += shard.count) out.push(i);
  return out;
}
