/**
 * The phase diagram of the current spec: a grid over the initial scales (α₁, α₂) of the first two
 * coordinates, every other field of a cell's spec the current spec's (data, depth, ρ, loss, algorithm,
 * group/batch/ascent options, schedules, seed). The init becomes balanced per-coordinate α (that is
 * what the axes vary); coordinates 3…d keep the spec's α_j. Each cell is classified by the
 * reproduction experiment's `phaseClass` (e₁ / e₂ / zero / stalled / not converged), so a clicked cell
 * opens the same spec `samlab run --spec` runs, named as `samlab reproduce linf-phase` names it.
 *
 * With the reproduction experiment's spec (the linf-phase preset) the cells are exactly
 * `phaseSpec("sam-linf", [α₁, α₂])` of @samlab/sim. The prediction is `predictedLimit` of
 * @samlab/sim/experiments, only where its analysis holds (depth-L ℓ∞-SAM, one example, rescaled
 * steps, plain SAM); elsewhere the panel says there is none. Pure functions (the worker runs the cells).
 */
import type { Spec, SpecInput } from "@samlab/sim";
import { measure, phaseIndex, phaseSpec, predictedLimit, PHASE_CLASSES, PHASE_RHO } from "@samlab/sim/experiments";

/** Cells per axis at most (576 runs of ~1–2 ms each in the reproduction setup: about a second). */
export const PHASE_SIZE = 24;
/** α range of the reproduction experiment (log-spaced, per coordinate). */
export const PHASE_ALPHA_RANGE: [number, number] = [0.01, 1];
/**
 * Work budget of one diagram, in multiply-adds of the hot loop (steps · n · d · L summed over the
 * cells): the reproduction grid is 576 · 3000 · 4 ≈ 7e6; 8× that fills in a few seconds.
 */
export const PHASE_BUDGET = 6e7;
/** Fewer steps per cell than this and the diagram would show nothing but "not converged". */
export const PHASE_MIN_STEPS = 200;

export interface PhaseGrid {
  /** The α values of the cells on each axis: `measure.logspace(lo, hi, size)`, as in the experiment. */
  alphas: number[];
  /** Cell edges on each axis (geometric midpoints between the α values), size + 1 values. */
  edges: number[];
  size: number;
}

/** What the diagram runs for the current spec: the cell template, its grid and its prediction. */
export interface PhaseSetup {
  /** The cell spec without its α (and name): equal keys, equal diagrams. */
  key: string;
  template: Record<string, unknown>;
  /** α_j of every coordinate (the first two are replaced per cell). */
  base: number[];
  d: number;
  grid: PhaseGrid;
  /** Steps (integrator steps for flows) of each cell, and whether they were cut from the spec's to fit the budget. */
  cellSteps: number;
  capped: boolean;
  /** y·x of the single example, when the theory's prediction applies; `why` says why not otherwise. */
  mu?: number[];
  why?: string;
  /** x₁ and x₂ of the single example (axis titles), when there is one. */
  x?: [number, number];
}

export function phaseGrid(size = PHASE_SIZE, range: [number, number] = PHASE_ALPHA_RANGE): PhaseGrid {
  const alphas = measure.logspace(range[0], range[1], size);
  const half = Math.sqrt(alphas[1]! / alphas[0]!);
  const edges = [alphas[0]! / half, ...alphas.slice(1).map((a, k) => Math.sqrt(a * alphas[k]!)), alphas[size - 1]! * half];
  return { alphas, edges, size };
}

/** The single example (x, y) of inline or `single` data, else undefined. */
function singleExample(spec: Spec): { x: number[]; y: number } | undefined {
  const data = spec.data as { x?: number[][]; y?: number[] | number; generator?: string; d?: number; scale?: number };
  if (Array.isArray(data.x) && data.x.length === 1) return { x: data.x[0]!, y: Array.isArray(data.y) ? data.y[0]! : 1 };
  if (data.generator === "single" && data.d !== undefined) return { x: Array.from({ length: data.d }, (_, j) => (data.scale ?? 1) * (j + 1)), y: typeof data.y === "number" ? data.y : 1 };
  return undefined;
}

/** Why `predictedLimit` (depth-L ℓ∞-SAM, one example, rescaled flow) does not cover this spec, or undefined when it does. */
function noPrediction(spec: Spec, ex: { x: number[]; y: number } | undefined): string | undefined {
  const s = spec as Spec & { sam?: { group?: number; ascentSteps?: number }; batch?: number; mode?: string; lrSchedule?: string; rhoSchedule?: string; switch?: unknown };
  if (s.algo !== "sam-linf") return "the theory covers ℓ∞-SAM only";
  if (!ex) return "the theory covers one training example";
  if (!ex.x.every((v) => ex.y * v > 0)) return "the theory needs y·x_j > 0 for every coordinate";
  if (s.loss === "squared") return "the theory covers the logistic and exponential losses";
  if (s.mode === "flow" ? s.flow !== "rescaled" : s.lrSchedule !== "rescaled") return "the theory is for the rescaled flow (rescaled steps)";
  if ((s.sam?.ascentSteps ?? 1) !== 1 || s.switch !== undefined || (s.rhoSchedule ?? "constant") !== "constant") return "the theory covers one ascent step with a constant ρ";
  return undefined;
}

/** The per-coordinate α of the spec's init (balanced layers); random or explicit inits give their scale. */
function baseAlphas(spec: Spec, d: number): number[] {
  const init = spec.init as { alpha?: number | number[]; values?: number[][] };
  if (Array.isArray(init.alpha)) return init.alpha.slice();
  if (typeof init.alpha === "number") return Array.from({ length: d }, () => Math.abs(init.alpha as number));
  const rows = init.values ?? [];
  return Array.from({ length: d }, (_, j) => rows.reduce((a, r) => a + Math.abs(r[j] ?? 0), 0) / Math.max(1, rows.length));
}

/**
 * The diagram for `spec` on data of n examples in d dimensions (known once the main run started), or
 * why there is none. The grid shrinks (24, 16, 12 cells per axis), then each cell's steps are cut,
 * to keep the work within {@link PHASE_BUDGET}.
 */
export function phaseSetup(spec: Spec, n: number, d: number): PhaseSetup | { unavailable: string } {
  if (d < 2) return { unavailable: "The phase diagram varies the first two coordinates: this data has one." };
  const flow = (spec as { mode?: string }).mode === "flow";
  const specSteps = flow ? ((spec as { maxSteps?: number }).maxSteps ?? 1e6) : spec.steps;
  const perStep = Math.max(1, n) * d * spec.depth * ((spec as { sam?: { ascentSteps?: number } }).sam?.ascentSteps ?? 1);
  let size = PHASE_SIZE;
  for (const s of [24, 16, 12]) {
    size = s;
    if (s * s * specSteps * perStep <= PHASE_BUDGET) break;
  }
  const cellSteps = Math.min(specSteps, Math.floor(PHASE_BUDGET / (size * size * perStep)));
  if (cellSteps < Math.min(specSteps, PHASE_MIN_STEPS)) {
    return { unavailable: `Too costly for a phase diagram: ${size * size} runs of n·d·L = ${n * d * spec.depth} would get ${cellSteps} steps each. Try fewer examples or coordinates.` };
  }
  const capped = cellSteps < specSteps;
  const { name: _name, init: _init, ...rest } = spec as Spec & Record<string, unknown>;
  const template: Record<string, unknown> = { ...rest, record: { points: 20, spacing: "log" } };
  if (capped) template[flow ? "maxSteps" : "steps"] = cellSteps;
  const base = baseAlphas(spec, d);
  const ex = singleExample(spec);
  const why = noPrediction(spec, ex);
  // The α range of the experiment, widened to keep ρ well inside it.
  const lo = Math.min(PHASE_ALPHA_RANGE[0], spec.rho / 10 || PHASE_ALPHA_RANGE[0]);
  const hi = Math.max(PHASE_ALPHA_RANGE[1], spec.rho * 10);
  return {
    key: JSON.stringify({ ...template, rest: base.slice(2) }),
    template,
    base,
    d,
    grid: phaseGrid(size, [lo, hi]),
    cellSteps,
    capped,
    ...(why === undefined ? { mu: ex!.x.map((v) => v * ex!.y) } : { why }),
    ...(ex ? { x: [ex.x[0]!, ex.x[1]!] as [number, number] } : {}),
  };
}

/** The spec of cell (i, j): α₁ = alphas[i] (x axis), α₂ = alphas[j] (y axis), the rest the template's. */
export function cellSpec(setup: PhaseSetup, i: number, j: number): SpecInput {
  const a: [number, number] = [setup.grid.alphas[i]!, setup.grid.alphas[j]!];
  const algo = String(setup.template.algo);
  // the reproduction experiment's cell name (phaseSpec), whatever the algorithm
  const name = phaseSpec("sam-linf", a).name!.replace("sam-linf", algo);
  return { ...setup.template, name, init: { alpha: [...a, ...setup.base.slice(2)] } } as SpecInput;
}

/** The class `predictedLimit` gives cell (i, j) (an index into PHASE_CLASSES), or undefined without a prediction. */
export function predictedCell(setup: PhaseSetup, i: number, j: number): number | undefined {
  if (!setup.mu) return undefined;
  const t = setup.template as { rho: number; depth: number };
  return phaseIndex(predictedLimit(setup.mu, [setup.grid.alphas[i]!, setup.grid.alphas[j]!, ...setup.base.slice(2)], t.rho, t.depth));
}

/** Class k of `phaseClass`: 0 = e₁, 1 = e₂, 2 = zero, 3 = stalled, 4 = not converged (`PHASE_CLASSES`). */
export function classLabel(k: number): string {
  return PHASE_CLASSES[k]?.label ?? "failed";
}
export function classColor(k: number): string {
  return PHASE_CLASSES[k]?.color ?? "#CC0000";
}

export { PHASE_CLASSES, PHASE_RHO };
