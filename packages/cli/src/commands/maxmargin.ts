/**
 * `samlab maxmargin`: the exact ℓ1 / ℓ2 / ℓ∞ max-margin directions (no bias) of a data set — the
 * yardsticks of the implicit-bias diagnostics (docs/DIAGNOSTICS.md). Data from a spec file (its
 * `data`) or inline JSON (--x, --y). Exit codes: 0, 1 (internal), 2 (bad input).
 */
import { isLoadedData, parseSpec } from "@samlab/sim";
import { MAX_MARGIN_NORMS, MaxMarginInputError, loadSolver, type MaxMarginNorm, type MaxMarginSolution } from "@samlab/sim/analysis";
import { loadDataset, makeDataset, type Dataset } from "@samlab/sim/data";
import { Command } from "commander";
import { CliError, reportError } from "../errors.js";
import { readJsonFile } from "../io.js";

interface MaxMarginOptions {
  spec?: string;
  x?: string;
  y?: string;
  norm: string;
  json?: boolean;
}

const NORM_NAMES: Record<MaxMarginNorm, string> = { l1: "ℓ1", l2: "ℓ2", linf: "ℓ∞" };

function parseJsonFlag(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${flag}: expected JSON (${(e as Error).message}) or the run format, e.g. "1,2;3,-1"`);
  }
}

/** A number from the run-style text format, or a CliError naming the flag. */
function num(text: string, flag: string): number {
  const t = text.trim();
  const v = Number(t);
  if (t === "" || !Number.isFinite(v)) throw new CliError(`${flag}: expected a finite number, got "${t}"`);
  return v;
}

/**
 * --x as JSON ([[1,2],[3,-1]]; a flat [1,2] is one example) or in samlab run's format
 * ("1,2;3,-1": coordinates by ",", rows by ";" or "|").
 */
function parseRows(text: string): unknown[] {
  const t = text.trim();
  if (t.startsWith("[")) {
    const v = parseJsonFlag("--x", t);
    if (Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === "number")) return [v];
    if (!Array.isArray(v) || v.length === 0 || !v.every((r) => Array.isArray(r))) throw new CliError("--x: expected a non-empty JSON array of rows (arrays of numbers), e.g. [[1,2],[3,-1]]");
    return v;
  }
  const rows = t.split(/[;|]/).filter((r) => r.trim() !== "");
  if (rows.length === 0) throw new CliError('--x: expected examples, e.g. "1,2;3,-1" or [[1,2],[3,-1]]');
  return rows.map((r) => r.split(",").map((c) => num(c, "--x")));
}

/** --y as JSON ([1,-1]) or "1,-1". */
function parseLabels(text: string): unknown[] {
  const t = text.trim();
  if (t.startsWith("[")) {
    const v = parseJsonFlag("--y", t);
    if (!Array.isArray(v)) throw new CliError("--y: expected a JSON array of labels −1 or +1, e.g. [1,-1]");
    return v;
  }
  return t.split(",").map((c) => num(c, "--y"));
}

/** The data set named by the options: --spec FILE (its data, generators and files included) or --x/--y. */
async function dataFrom(opts: MaxMarginOptions): Promise<Dataset> {
  if (opts.spec !== undefined) {
    if (opts.x !== undefined || opts.y !== undefined) throw new CliError("--spec: give either --spec FILE or --x/--y, not both");
    const spec = parseSpec(readJsonFile(opts.spec));
    return isLoadedData(spec.data) ? await loadDataset(spec.data, spec.seed) : makeDataset(spec.data, spec.seed);
  }
  if (opts.x === undefined) throw new CliError("--x: required (or --spec FILE): the examples, e.g. --x '[[1,2],[3,-1]]' or --x '1,2;3,-1'");
  const x = parseRows(opts.x);
  const y = opts.y === undefined ? undefined : parseLabels(opts.y);
  const n = x.length;
  const d = (x[0] as unknown[]).length;
  if (d === 0) throw new CliError("--x: row 0 is empty");
  const flat = new Float64Array(n * d);
  (x as unknown[][]).forEach((row, i) => {
    if (row.length !== d) throw new CliError(`--x: row ${i} has ${row.length} numbers, row 0 has ${d}`);
    row.forEach((v, j) => {
      if (typeof v !== "number" || !Number.isFinite(v)) throw new CliError(`--x: row ${i}, column ${j}: expected a finite number, got ${JSON.stringify(v)}`);
      flat[i * d + j] = v;
    });
  });
  const labels = y ?? new Array<number>(n).fill(1);
  if (labels.length !== n) throw new CliError(`--y: expected ${n} labels (one per row of --x), got ${labels.length}`);
  labels.forEach((v, i) => {
    if (v !== 1 && v !== -1) throw new CliError(`--y: label ${i}: expected −1 or +1, got ${JSON.stringify(v)}`);
  });
  return { n, d, x: flat, y: Float64Array.from(labels as number[]) };
}

function parseNorms(text: string): MaxMarginNorm[] {
  if (text === "all") return [...MAX_MARGIN_NORMS];
  const norms = text.split(",").map((s) => s.trim());
  for (const s of norms) if (!(MAX_MARGIN_NORMS as readonly string[]).includes(s)) throw new CliError(`--norm: expected l1, l2, linf or all, got "${s}"`);
  return norms as MaxMarginNorm[];
}

const fmt = (v: number) => (v === 0 ? "0" : Math.abs(v) >= 1e-4 && Math.abs(v) < 1e6 ? String(Number(v.toPrecision(10))) : v.toExponential(9));
const list = (a: number[], max = 20) => `${a.slice(0, max).join(", ")}${a.length > max ? `, … (${a.length} in all)` : ""}`;

/** The human report of one norm's solution. */
export function describeSolution(s: MaxMarginSolution, d: number): string {
  const name = NORM_NAMES[s.norm];
  if (!s.separable) return `${name}: NOT linearly separable through the origin (best margin 0 ≤ 0; separability tolerance ${fmt(s.separationTol)})\n`;
  const shown = d <= 20 ? `[${s.beta.map(fmt).join(", ")}]` : `(${s.support.length} nonzero of ${d}) ${s.support.slice(0, 20).map((j) => `β${j}=${fmt(s.beta[j]!)}`).join(" ")}`;
  const lines = [
    `${name} max-margin (‖β‖${s.norm === "linf" ? "∞" : s.norm === "l1" ? "₁" : "₂"} = 1)`,
    `  beta     ${shown}`,
    `  margin   ${fmt(s.margin)}   (min_i y_i <β, x_i>; duality gap ${s.gap.toExponential(1)})`,
    `  support  coordinates ${list(s.support)}`,
    `  active   examples ${list(s.active)}`,
  ];
  if (!s.unique) lines.push("  note     the optimum is not unique: this is its minimum-ℓ2-norm element");
  if (!s.polished) lines.push("  note     the exact re-solve did not settle: HiGHS's own solution (~1e-7)");
  return lines.join("\n") + "\n";
}

export function maxmarginCommand(): Command {
  const cmd = new Command("maxmargin")
    .description("exact ℓ1 / ℓ2 / ℓ∞ max-margin directions (no bias) of a data set, solved by HiGHS")
    .option("--spec <file>", 'a spec file: its "data" is used ("-" reads stdin)')
    .option("--x <rows>", `the examples: JSON rows '[[1,2],[3,-1]]' or, as in samlab run, "1,2;3,-1"`)
    .option("--y <labels>", "the labels −1/+1: '[1,-1]' or \"1,-1\" (default: all +1)")
    .option("--norm <norm>", "l1, l2, linf, a comma list, or all", "all")
    .option("--json", 'print { "l1": { "beta", "margin", "separable", … }, … } on stdout');
  cmd.addHelpText(
    "after",
    `
Each direction has unit norm in its own norm; margin = min_i y_i <beta, x_i>. Non-separable data
is reported as such (separable false, beta all zeros, margin 0). When an optimum is not unique
(ties in |x_j|, unused coordinates) the minimum-ℓ2-norm optimal point is returned.

Examples:
  samlab maxmargin --x '[[4,1],[1,2],[-2,-2]]' --y '[1,1,-1]'
  samlab maxmargin --x "4,1;1,2;-2,-2" --y "1,1,-1" --json
  samlab maxmargin --spec run.json --norm l1 --json`,
  );
  cmd.action(async (opts: MaxMarginOptions) => {
    try {
      const norms = parseNorms(opts.norm);
      const data = await dataFrom(opts);
      const solver = await loadSolver();
      const sols = solver.solveAll({ x: data.x, y: data.y, n: data.n, d: data.d }, norms);
      if (opts.json) {
        const out: Record<string, unknown> = {};
        for (const p of norms) {
          const s = sols[p];
          out[p] = { beta: s.beta, margin: s.margin, separable: s.separable, unique: s.unique, support: s.support, active: s.active, gap: s.gap };
        }
        process.stdout.write(JSON.stringify(out) + "\n");
        return;
      }
      process.stdout.write(`samlab maxmargin · n=${data.n} d=${data.d}\n`);
      for (const p of norms) process.stdout.write(describeSolution(sols[p], data.d));
    } catch (e) {
      process.exitCode = reportError(e instanceof MaxMarginInputError ? new CliError(`invalid data: ${e.message}`) : e);
    }
  });
  return cmd;
}
