/**
 * The spec's common fields as command-line flags. A flag overrides the same field of `--spec FILE`;
 * the merged object is validated by @samlab/sim's `parseSpec`, and a SpecError on a field that came
 * from a flag is reported under the flag's name.
 */
import type { Command } from "commander";
import { CliError } from "./errors.js";
import { readJsonFile } from "./io.js";

type Raw = Record<string, unknown>;

/** One flag: its commander declaration, the spec path it sets, and how to parse its text. */
interface FlagDef {
  flag: string;
  key: string;
  field: string;
  help: string;
  parse: (text: string, flag: string) => unknown;
}

function num(text: string, flag: string): number {
  const t = text.trim();
  const v = Number(t);
  // a well-formed decimal beyond ±1.8e308 is Infinity in JavaScript: say so, not "not a number"
  if (Number.isNaN(v) === false && !Number.isFinite(v) && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) throw new CliError(`${flag}: ${JSON.stringify(t)} is out of range: too large for a double (it overflows to Infinity; the largest double is about 1.8e308)`);
  if (t === "" || !Number.isFinite(v)) throw new CliError(`${flag}: expected a number, got "${text}"`);
  return v;
}

function numList(text: string, flag: string): number[] {
  return text.split(",").map((s) => num(s, flag));
}

/** "1,2;3,4" → [[1,2],[3,4]] (rows separated by ';' or '|'). */
function matrix(text: string, flag: string): number[][] {
  return text
    .split(/[;|]/)
    .filter((r) => r.trim() !== "")
    .map((r) => numList(r, flag));
}

const str = (text: string) => text;

export const SPEC_FLAGS: FlagDef[] = [
  { flag: "--x <rows>", key: "x", field: "data.x", help: 'examples, coordinates by "," and rows by ";" (e.g. "1,2;3,-1")', parse: matrix },
  { flag: "--y <labels>", key: "y", field: "data.y", help: 'labels ±1, e.g. "1,-1" (default: all +1); real targets with --loss squared', parse: numList },
  { flag: "--gen <name>", key: "gen", field: "data.generator", help: 'data generator: "single" (x = (1,…,d)), "gaussian-sparse" or "sparse-regression" (needs --loss squared)', parse: str },
  { flag: "--n <n>", key: "n", field: "data.n", help: "examples (gaussian-sparse, sparse-regression)", parse: num },
  { flag: "--d <d>", key: "d", field: "data.d", help: "dimension (generators)", parse: num },
  { flag: "--k <k>", key: "k", field: "data.k", help: "non-zeros of the ground truth (gaussian-sparse, sparse-regression)", parse: num },
  { flag: "--min-margin <m>", key: "minMargin", field: "data.minMargin", help: "minimum |<β*,x>| (gaussian-sparse)", parse: num },
  { flag: "--noise <s>", key: "noise", field: "data.noise", help: "target noise: y = <β*,x> + s·N(0,1) (sparse-regression; default 0)", parse: num },
  { flag: "--test-size <m>", key: "testSize", field: "data.test", help: "held-out test examples (sparse-regression; default 0)", parse: num },
  { flag: "--depth <L>", key: "depth", field: "depth", help: "network depth L ≥ 1 (default 2)", parse: num },
  { flag: "--algo <algo>", key: "algo", field: "algo", help: "gd | sam-l2 | sam-linf | usam | asam (adaptive SAM, discrete only; default gd)", parse: str },
  { flag: "--loss <loss>", key: "loss", field: "loss", help: "logistic | exponential | squared (regression: real-valued y; discrete, gradient and SAM flows; no rescaled flow or schedule; default logistic)", parse: str },
  { flag: "--rho <rho>", key: "rho", field: "rho", help: "SAM radius ρ (default 0.05)", parse: num },
  { flag: "--sam-group <m>", key: "samGroup", field: "sam.group", help: "m-SAM: each group of m consecutive examples takes its own perturbation (1 = 1-SAM; default: all n, ordinary SAM)", parse: num },
  { flag: "--sam-xi <xi>", key: "samXi", field: "sam.xi", help: "ASAM: ξ ≥ 0 in T = |w| + ξ (--algo asam; default 0.01)", parse: num },
  { flag: "--ascent-steps <k>", key: "ascentSteps", field: "sam.ascentSteps", help: "SAM rules: k ascent steps of radius ρ/k each (1–1000; k + 1 gradients per step; default 1)", parse: num },
  { flag: "--batch <b>", key: "batch", field: "batch", help: "discrete: mini-batches of b examples from a seeded permutation per epoch, one step per batch (default: all n)", parse: num },
  { flag: "--lr <eta>", key: "lr", field: "lr", help: "step size η (default 0.01)", parse: num },
  { flag: "--alpha <a>", key: "alpha", field: "init.alpha", help: 'initial scale: every entry = α, or one α per coordinate "a1,a2,…" (default 0.1)', parse: numList },
  { flag: "--init-values <rows>", key: "initValues", field: "init.values", help: 'explicit initialization: L rows of d numbers, "a,b;c,d"', parse: matrix },
  { flag: "--steps <k>", key: "steps", field: "steps", help: "number of steps (default 10000; 1e6 style accepted)", parse: num },
  { flag: "--points <p>", key: "points", field: "record.points", help: "recorded points, at most (default 200)", parse: num },
  { flag: "--spacing <s>", key: "spacing", field: "record.spacing", help: "log | linear (default log)", parse: str },
  { flag: "--every <k>", key: "every", field: "record.every", help: "record every k steps instead", parse: num },
  { flag: "--sharpness", key: "sharpness", field: "record.sharpness", help: "record λ_max, λ_min and tr H of the Hessian at every point (Lanczos on exact Hessian-vector products)", parse: () => true },
  { flag: "--seed <s>", key: "seed", field: "seed", help: "seed for generators and random inits (default 1)", parse: num },
  { flag: "--engine <e>", key: "engine", field: "engine", help: "wasm | reference (default wasm)", parse: str },
  // continuous time and step-size schedules (docs/FLOWS.md)
  { flag: "--mode <m>", key: "mode", field: "mode", help: "discrete | flow (default discrete)", parse: str },
  { flag: "--flow <f>", key: "flow", field: "flow", help: "gradient | sam | rescaled (default: gradient for gd, else sam)", parse: str },
  { flag: "--tmax <t>", key: "tmax", field: "tMax", help: "flow: integrate to time t (default lr·steps; e.g. 1e50)", parse: num },
  { flag: "--tmin <t>", key: "tmin", field: "tMin", help: "flow: first log-spaced record time; log time starts here (default min(lr, tMax/10))", parse: num },
  { flag: "--time-scale <s>", key: "timeScale", field: "timeScale", help: "flow: log | linear integration variable (default log)", parse: str },
  { flag: "--rtol <r>", key: "rtol", field: "rtol", help: "flow: relative tolerance per step (default 1e-8)", parse: num },
  { flag: "--atol <a>", key: "atol", field: "atol", help: "flow: absolute tolerance per step (default 1e-12)", parse: num },
  { flag: "--max-steps <k>", key: "maxSteps", field: "maxSteps", help: "flow: integrator step budget (default 1e6)", parse: num },
  { flag: "--lr-schedule <s>", key: "lrSchedule", field: "lrSchedule", help: "discrete: constant | loss-normalized | inv-sqrt | rescaled (default constant; docs/FLOWS.md)", parse: str },
  { flag: "--rho-schedule <s>", key: "rhoSchedule", field: "rhoSchedule", help: "discrete: constant | linear-decay (ρ_k = ρ·(1 − k/steps); default constant)", parse: str },
  { flag: "--switch-step <s>", key: "switchStep", field: "switch.step", help: "discrete: from step s on, continue with --switch-algo (0 ≤ s ≤ steps)", parse: num },
  { flag: "--switch-algo <algo>", key: "switchAlgo", field: "switch.algo", help: "the algorithm after --switch-step: gd | sam-l2 | sam-linf | usam | asam", parse: str },
  { flag: "--switch-rho <rho>", key: "switchRho", field: "switch.rho", help: "the radius ρ after --switch-step (default: unchanged)", parse: num },
];

/** Declares --spec and every spec flag on a command. */
export function addSpecOptions(cmd: Command): Command {
  cmd.option("--spec <file>", 'spec JSON file ("-" reads stdin); flags override its fields');
  for (const f of SPEC_FLAGS) cmd.option(f.flag, f.help);
  return cmd;
}

function setPath(obj: Raw, path: string, value: unknown): void {
  const parts = path.split(".");
  // the paths are this file's own, but a setter never walks into a prototype whatever it is given
  if (parts.some((p) => p === "__proto__" || p === "constructor" || p === "prototype")) throw new CliError(`${path}: a spec path may not contain __proto__, constructor or prototype`);
  let o = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof o[p] !== "object" || o[p] === null || Array.isArray(o[p])) o[p] = {};
    o = o[p] as Raw;
  }
  o[parts[parts.length - 1]!] = value;
}

export interface SpecFromFlags {
  spec: Raw;
  /** The flag that set a spec field (or its parent), for error messages. */
  flagOf(field: string): string | undefined;
}

/**
 * Merges `--spec FILE` (or an empty spec) with the flags given. Without --spec and without data
 * flags the data defaults to x = (1, 2) with y = +1; a spec file must give its `data` (or a data flag).
 */
export function specFromOptions(opts: Record<string, string | undefined>, defaults: Raw = {}): SpecFromFlags {
  const base: Raw = opts.spec !== undefined ? (readJsonFile(opts.spec) as Raw) : { version: 1, ...defaults };
  if (typeof base !== "object" || base === null || Array.isArray(base)) throw new CliError(`${opts.spec}: expected a JSON object (a samlab spec)`);
  const spec: Raw = structuredClone(base);
  const setBy = new Map<string, string>();
  const given = SPEC_FLAGS.filter((f) => opts[f.key] !== undefined);
  const values = new Map(given.map((f) => [f.key, f.parse(opts[f.key]!, f.flag.split(" ")[0]!)]));
  const flagName = (key: string) => SPEC_FLAGS.find((f) => f.key === key)!.flag.split(" ")[0]!;

  // data: inline x/y, or a generator
  if (values.has("y")) setBy.set("data.y", "--y");
  if (values.has("x")) {
    spec.data = { x: values.get("x"), ...(values.has("y") ? { y: values.get("y") } : {}) };
    setBy.set("data", "--x");
  } else if (values.has("gen") || values.has("n") || values.has("d") || values.has("k") || values.has("minMargin") || values.has("noise") || values.has("testSize")) {
    const prev = (typeof spec.data === "object" && spec.data !== null && "generator" in (spec.data as Raw) ? spec.data : {}) as Raw;
    const gen = values.get("gen") ?? prev.generator ?? (values.has("n") ? "gaussian-sparse" : "single");
    const data: Raw = { ...prev, generator: gen };
    for (const k of ["n", "d", "k", "minMargin", "noise"]) if (values.has(k)) data[k] = values.get(k);
    if (values.has("testSize")) data.test = values.get("testSize");
    spec.data = data;
    setBy.set("data", values.has("gen") ? "--gen" : "--d");
  } else if (values.has("y")) {
    const prev = spec.data as Raw | undefined;
    if (!prev || !("x" in prev)) throw new CliError("--y: needs examples, from --x or the spec file's data.x");
    spec.data = { ...prev, y: values.get("y") };
  }
  if (spec.data === undefined && opts.spec === undefined) spec.data = { x: [[1, 2]], y: [1] };
  for (const k of ["x", "y", "n", "d", "k", "minMargin", "noise", "testSize", "gen"]) values.delete(k);

  if (values.has("alpha")) {
    const a = values.get("alpha") as number[];
    spec.init = { alpha: a.length === 1 ? a[0] : a };
    setBy.set("init", "--alpha");
    values.delete("alpha");
  }
  if (values.has("initValues")) {
    spec.init = { values: values.get("initValues") };
    setBy.set("init", "--init-values");
    values.delete("initValues");
  }
  for (const [key, v] of values) {
    const def = SPEC_FLAGS.find((f) => f.key === key)!;
    setPath(spec, def.field, v);
    setBy.set(def.field, flagName(key));
  }
  return {
    spec,
    flagOf(field: string) {
      const bare = field.replace(/\[\d+\].*$/, "");
      for (let f = bare; f; f = f.includes(".") ? f.slice(0, f.lastIndexOf(".")) : "") {
        const flag = setBy.get(f);
        if (flag) return flag;
      }
      return undefined;
    },
  };
}
