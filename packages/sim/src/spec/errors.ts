/**
 * SpecError and how a zod issue becomes one: a one-line message naming the field by its dotted path
 * ("init.values[1]") and what was expected, with a "did you mean" for a misspelt field or value.
 */
import type { z } from "zod";
import { didYouMean } from "./suggest.js";

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

/** Validates `value` with `schema`; the first issue becomes a SpecError whose field starts with `prefix`. */
export function check<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
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

/** A plain object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
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
