/**
 * The page's state is one spec (version 1, the same JSON the API and the CLI read). This file turns
 * URLs into specs and back, and enforces the web caps: a crafted URL can name a huge run, so every
 * spec that comes from outside is validated by @samlab/sim's `parseSpec`, then clamped to WEB_LIMITS
 * (with a message per clamped field), never rendered as markup. Pure functions: no DOM access.
 */
import { parseSpec, SpecError, dataDimension, dataCount, type DataGaussian, type DataInline, type DataSingle, type DataSource, type DataSparseRegression, type Spec } from "@samlab/sim";

/**
 * The data a web page can run: inline examples, the seeded generators (sparse regression too), and the vendored named data
 * sets `digits` and `iris` (shipped with the page, bounded size). Not data files and not
 * `fashion-mnist`: a browser has no file system to read them from.
 */
export type WebData = DataInline | DataSingle | DataGaussian | DataSparseRegression | WebSource;
/** The named data sets the web page ships (vendored in @samlab/sim, loaded by the worker). */
export const WEB_SOURCES = ["digits", "iris"] as const;
export type WebSource = DataSource & { source: (typeof WEB_SOURCES)[number] };
export function webData(spec: Spec): WebData {
  return spec.data as WebData;
}
import { DEFAULT_PRESET, presetById } from "./presets.js";

/** Caps for runs started from the web page (the API's own LIMITS are far larger). */
export const WEB_LIMITS = {
  maxN: 2000,
  maxD: 200,
  /** n·d */
  maxCells: 40_000,
  maxDepth: 16,
  maxSteps: 100_000_000,
  /** steps·(n·d + L·d): about a minute of compute at the slowest. */
  maxWork: 2e11,
  maxPoints: 5000,
  /** Length of the `spec` URL parameter, in characters. */
  maxSpecChars: 100_000,
} as const;

export interface Loaded {
  spec: Spec;
  /** Visible one-line notes: each clamped field, or why the URL's spec was rejected. */
  messages: string[];
  /** Set when the URL's spec was rejected (and a default was loaded instead). */
  error?: { field: string; message: string };
  source: "spec" | "preset" | "default" | "attribute";
  presetId?: string;
}

const fmt = (v: number) => (Math.abs(v) >= 1e5 ? v.toExponential().replace("e+", "e") : String(v));

/** Clamps a validated spec to WEB_LIMITS. Throws SpecError for what cannot be clamped (inline data too large). */
export function clampSpec(spec: Spec): { spec: Spec; messages: string[] } {
  const s: Spec = structuredClone(spec);
  const messages: string[] = [];
  const note = (field: string, from: number, to: number) => messages.push(`${field}: ${fmt(from)} is above the web cap; clamped to ${fmt(to)}`);
  const raw = s.data as unknown as Record<string, unknown>;
  if ("file" in raw) throw new SpecError("data.file", "data files need the CLI (samlab run --spec FILE); the web page runs inline examples, the seeded generators and the digits and iris data sets");
  if ("source" in raw && !(WEB_SOURCES as readonly unknown[]).includes(raw.source))
    throw new SpecError("data.source", `${String(raw.source)} needs the CLI (samlab run): not available in a browser; the web page has the digits and iris data sets`);
  if ("source" in raw && "dir" in raw) throw new SpecError("data.dir", "a data folder needs the CLI (samlab run); digits and iris ship with the page");
  const data = s.data as WebData;
  if ("source" in data) {
    // Vendored and bounded (digits: 1797 × 64, iris: 150 × 4): within the caps whatever n says.
  } else if ("x" in data) {
    if (data.x.length > WEB_LIMITS.maxN) throw new SpecError("data.x", `expected at most ${WEB_LIMITS.maxN} examples in the web page, got ${data.x.length}`);
    const d = data.x[0]!.length;
    if (d > WEB_LIMITS.maxD) throw new SpecError("data.x[0]", `expected at most ${WEB_LIMITS.maxD} coordinates in the web page, got ${d}`);
    if (d * data.x.length > WEB_LIMITS.maxCells) throw new SpecError("data.x", `expected at most ${WEB_LIMITS.maxCells} numbers (n·d) in the web page`);
  } else {
    if (data.d > WEB_LIMITS.maxD) {
      note("data.d", data.d, WEB_LIMITS.maxD);
      data.d = WEB_LIMITS.maxD;
    }
    if ("n" in data) {
      // gaussian-sparse and sparse-regression: n examples of d features
      const maxN = Math.min(WEB_LIMITS.maxN, Math.floor(WEB_LIMITS.maxCells / data.d));
      if (data.n > maxN) {
        note("data.n", data.n, maxN);
        data.n = maxN;
      }
      if (data.k !== undefined && data.k > data.d) data.k = data.d;
    }
  }
  const d = dataDimension(s.data);
  const n = dataCount(s.data);
  // Per-coordinate initializations follow a clamped d.
  if ("alpha" in s.init && Array.isArray(s.init.alpha) && s.init.alpha.length > d) s.init = { alpha: s.init.alpha.slice(0, d) };
  if ("values" in s.init) s.init = { values: s.init.values.map((row) => row.slice(0, d)) };
  if (s.depth > WEB_LIMITS.maxDepth) {
    if ("values" in s.init) throw new SpecError("depth", `expected depth ≤ ${WEB_LIMITS.maxDepth} in the web page, got ${s.depth}`);
    note("depth", s.depth, WEB_LIMITS.maxDepth);
    s.depth = WEB_LIMITS.maxDepth;
  }
  const perStep = n * d + s.depth * d;
  const maxSteps = Math.max(1, Math.min(WEB_LIMITS.maxSteps, Math.floor(WEB_LIMITS.maxWork / perStep)));
  const flow = s as Spec & { mode?: string; maxSteps?: number };
  if (flow.mode === "flow") {
    // A flow's length is tMax (already fixed by parseSpec); its work is capped through maxSteps.
    const maxFlow = Math.min(10_000_000, maxSteps);
    if ((flow.maxSteps ?? 0) > maxFlow) {
      note("maxSteps", flow.maxSteps!, maxFlow);
      flow.maxSteps = maxFlow;
    }
  } else if (s.steps > maxSteps) {
    note("steps", s.steps, maxSteps);
    s.steps = maxSteps;
  }
  if (s.record.points > WEB_LIMITS.maxPoints) {
    note("record.points", s.record.points, WEB_LIMITS.maxPoints);
    s.record = { ...s.record, points: WEB_LIMITS.maxPoints };
  }
  if (s.record.every !== undefined && Math.floor(s.steps / s.record.every) + 2 > s.record.points) {
    const every = Math.ceil(s.steps / Math.max(1, s.record.points - 2));
    note("record.every", s.record.every, every);
    s.record = { ...s.record, every };
  }
  return { spec: parseSpec(s), messages };
}

/** Validates and clamps any value (from a URL, an attribute, a file). Throws SpecError. */
export function acceptSpec(value: unknown): { spec: Spec; messages: string[] } {
  return clampSpec(parseSpec(value));
}

/** Parses the `spec` text of a URL or attribute (JSON), with the length cap. Throws SpecError. */
export function acceptSpecText(text: string): { spec: Spec; messages: string[] } {
  if (text.length > WEB_LIMITS.maxSpecChars) throw new SpecError("spec", `expected at most ${WEB_LIMITS.maxSpecChars} characters, got ${text.length}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SpecError("spec", `expected valid JSON (${(e as Error).message.slice(0, 120)})`);
  }
  return acceptSpec(value);
}

export function presetSpec(id: string): Spec {
  const p = presetById(id) ?? presetById(DEFAULT_PRESET)!;
  return parseSpec(p.spec);
}

function errorFields(e: unknown): { field: string; message: string } {
  if (e instanceof SpecError) return { field: e.field, message: e.message };
  return { field: "spec", message: `spec: ${e instanceof Error ? e.message : String(e)}` };
}

/**
 * Reads the state from a query string: `?spec=<URL-encoded JSON>` (always accepted), else
 * `?preset=<id>`, else the default preset. A bad spec falls back to the default with a message.
 */
export function loadFromQuery(search: string, fallbackPreset = DEFAULT_PRESET): Loaded {
  const params = new URLSearchParams(search);
  const text = params.get("spec");
  if (text !== null) {
    try {
      const { spec, messages } = acceptSpecText(plusSafe(search, text));
      return { spec, messages, source: "spec" };
    } catch (e) {
      const error = errorFields(e);
      return { spec: presetSpec(fallbackPreset), messages: [`Link not loaded: ${error.message}`], error, source: "default", presetId: fallbackPreset };
    }
  }
  const preset = params.get("preset");
  if (preset !== null) {
    if (presetById(preset)) return { spec: presetSpec(preset), messages: [], source: "preset", presetId: preset };
    const error = { field: "preset", message: `preset: unknown preset (expected one of the listed presets)` };
    return { spec: presetSpec(fallbackPreset), messages: [error.message], error, source: "default", presetId: fallbackPreset };
  }
  return { spec: presetSpec(fallbackPreset), messages: [], source: "default", presetId: fallbackPreset };
}

/**
 * URLSearchParams turns "+" into a space (form encoding). A tool that writes `?spec=` with only
 * percent-encoding but a literal "+" (e.g. 1e+5) would then give invalid JSON; in that case the raw
 * parameter is percent-decoded without the "+" rule.
 */
function plusSafe(search: string, decoded: string): string {
  try {
    JSON.parse(decoded);
    return decoded;
  } catch {
    const raw = /[?&]spec=([^&]*)/.exec(search)?.[1];
    if (raw === undefined || !raw.includes("+")) return decoded;
    try {
      const alt = decodeURIComponent(raw);
      JSON.parse(alt);
      return alt;
    } catch {
      return decoded;
    }
  }
}

/** The query string the page writes: `?spec=<URL-encoded spec JSON>` (the documented, stable form). */
export function queryFor(spec: Spec): string {
  return `?spec=${encodeURIComponent(JSON.stringify(spec))}`;
}

/**
 * A shell command that runs the same spec with the CLI (the spec through stdin, single-quoted).
 * printf, not echo: dash's echo (Debian's /bin/sh) turns the `\n` of a JSON string into a newline.
 */
export function cliCommand(spec: Spec): string {
  const json = JSON.stringify(spec).replace(/'/g, `'\\''`);
  return `printf '%s\\n' '${json}' | samlab run --spec - --json`;
}
