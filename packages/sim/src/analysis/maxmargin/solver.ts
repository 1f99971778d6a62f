/**
 * Exact max-margin reference solutions (no bias term) for the ℓ1, ℓ2 and ℓ∞ norms:
 * `β*_p = argmax_{‖β‖_p ≤ 1} min_i y_i <β, x_i>` (MODEL.md, "Reference solutions").
 *
 * The optimization is done by HiGHS (LP: dual simplex; convex QP: active set) compiled to
 * WebAssembly (the `highs` package), then *polished*: the active set HiGHS reports is re-solved
 * exactly in float64 (a small dense KKT system) and checked against the optimality conditions, so
 * directions and margins are accurate to ~1e-12 rather than HiGHS's ~1e-7 tolerances.
 *
 * Every solution is the unique minimum-ℓ2-norm element of the optimal set (ℓ1 and ℓ∞ max-margin
 * solutions need not be unique: ties in |x_j|, coordinates no example uses). docs/DIAGNOSTICS.md
 * documents the formulations, tolerances and the loading of the .wasm in browsers.
 *
 * ```ts
 * const s = await maxMargin({ x: [[1, 2]], y: [1] }, "l1"); // s.beta = [0, 1], s.margin = 2
 * ```
 */
import highsModule from "highs";
import type { Highs, ModelData } from "highs";

export type MaxMarginNorm = "l1" | "l2" | "linf";
export const MAX_MARGIN_NORMS: readonly MaxMarginNorm[] = ["l1", "l2", "linf"];

/** Data for a max-margin problem: rows `x_i` (nested arrays, or n×d row-major) and labels ±1. */
export type MaxMarginData =
  | { x: readonly (readonly number[])[]; y?: ArrayLike<number> }
  | { x: ArrayLike<number>; y: ArrayLike<number>; n: number; d: number };

export interface MaxMarginSolution {
  norm: MaxMarginNorm;
  /** Strictly linearly separable through the origin (the best ℓ∞ margin exceeds `separationTol`). */
  separable: boolean;
  /**
   * The max-margin direction, unit norm in its own norm (‖β‖_p = 1); the minimum-ℓ2-norm element
   * of the optimal set when that set has more than one point. All zeros when not separable.
   */
  beta: number[];
  /** min_i y_i <beta, x_i>, computed from `beta` in float64; 0 when not separable (β = 0 is then optimal). */
  margin: number;
  /** Coordinates j with β_j ≠ 0 (|β_j| > 1e-9 · max|β|). */
  support: number[];
  /** Examples i whose margin is within 1e-7 (relative) of the minimum: the active constraints. */
  active: number[];
  /**
   * An upper bound on the optimal margin from a dual certificate λ ≥ 0, Σλ = 1:
   * `‖Σ_i λ_i y_i x_i‖_q` with q the dual norm (ℓ1 ↔ ℓ∞, ℓ2 ↔ ℓ2). `gap = dualBound − margin ≥ 0`
   * bounds the suboptimality of `margin` (up to rounding).
   */
  dualBound: number;
  gap: number;
  /** The certificate λ (λ_i ≥ 0, Σλ = 1; zeros on inactive examples), one per example. */
  dual: number[];
  /**
   * Whether the optimal direction is known to be unique: always for ℓ2 (strictly convex); for ℓ1
   * and ℓ∞ when the LP optimum is dual nondegenerate. When false, `beta` is the minimum-ℓ2-norm
   * optimal solution (a tie-break; other solvers may return another optimal point).
   */
  unique: boolean;
  /** Whether the exact re-solve on the active set succeeded (false: HiGHS's own solution, ~1e-7). */
  polished: boolean;
  /** The threshold on the best ℓ∞ margin below which the data counts as not separable (data units). */
  separationTol: number;
  /** HiGHS + polish time, milliseconds. */
  ms: number;
}

/** How to find `highs.wasm`. In Node nothing is needed (it is read next to the package's loader). */
export interface SolverLoadOptions {
  /**
   * Maps an asset name ("highs.wasm") to a URL. Needed in browsers/workers when a bundler does not
   * serve the .wasm next to `highs.mjs`, e.g. `locateFile: (f) => new URL(f, "https://host/assets/").href`.
   */
  locateFile?: (file: string) => string;
  /** The .wasm bytes, if you already have them. */
  wasmBinary?: ArrayBuffer | ArrayBufferView;
  /** A compiled module (skips compilation). */
  wasmModule?: WebAssembly.Module;
}

/** Relative tolerance: a data set whose best ℓ∞ margin is ≤ this × max_i ‖x_i‖₁ is "not separable". */
export const SEPARATION_TOL = 1e-9;

// `highs` ships CommonJS types with an ESM `default`; under NodeNext the default import is typed as
// the namespace, while at run time it is the loader itself (ESM) or has a `.default` (some bundlers).
type Loader = (opts?: SolverLoadOptions) => Promise<Highs>;
const highsLoader: Loader = (((highsModule as unknown as { default?: unknown }).default ?? highsModule) as Loader);

let cached: Promise<Highs> | undefined;

/**
 * Loads HiGHS once per realm (≈60 ms in Node; the .wasm is 3.5 MB). Later calls return the same
 * instance whatever their options. Fails with a message that says how to point at the .wasm.
 */
export function loadSolver(options: SolverLoadOptions = {}): Promise<MaxMarginSolver> {
  cached ??= highsLoader({ ...options }).catch((e: unknown) => {
    cached = undefined;
    throw new Error(
      `samlab: could not load the HiGHS solver (highs.wasm): ${(e as Error)?.message ?? String(e)}. ` +
        "In a browser or worker, pass loadSolver({ locateFile: (f) => URL_OF_ASSETS + f }) or { wasmBinary }.",
    );
  });
  return cached.then((h) => new MaxMarginSolver(h));
}

/** Solves one norm (loads the solver on first use). */
export async function maxMargin(data: MaxMarginData, norm: MaxMarginNorm): Promise<MaxMarginSolution> {
  return (await loadSolver()).solve(data, norm);
}

/** Solves several norms on the same data (one separability test). */
export async function maxMarginAll(data: MaxMarginData, norms: readonly MaxMarginNorm[] = MAX_MARGIN_NORMS): Promise<Record<MaxMarginNorm, MaxMarginSolution>> {
  return (await loadSolver()).solveAll(data, norms);
}

/** Thrown for malformed input (wrong shapes, labels other than ±1, non-finite numbers). */
export class MaxMarginInputError extends Error {
  constructor(
    readonly field: string,
    readonly expected: string,
  ) {
    super(`${field}: ${expected}`);
    this.name = "MaxMarginInputError";
  }
}

interface Problem {
  n: number;
  d: number;
  /** Original rows y_i x_i (n×d). */
  yx: Float64Array;
  /** Scaled rows m_i = y_i x_i / scale, with scale = max |x_ij| (1 if all zero). */
  m: Float64Array;
  scale: number;
}

function toProblem(data: MaxMarginData): Problem {
  let n: number;
  let d: number;
  let x: Float64Array;
  if ("n" in data) {
    ({ n, d } = data);
    if (!Number.isInteger(n) || n < 1) throw new MaxMarginInputError("n", "expected at least one example");
    if (!Number.isInteger(d) || d < 1) throw new MaxMarginInputError("d", "expected at least one coordinate");
    if (data.x.length !== n * d) throw new MaxMarginInputError("x", `expected n·d = ${n * d} numbers, got ${data.x.length}`);
    x = Float64Array.from(data.x);
  } else {
    const rows = data.x;
    n = rows.length;
    if (n < 1) throw new MaxMarginInputError("x", "expected at least one example");
    d = rows[0]!.length;
    if (d < 1) throw new MaxMarginInputError("x[0]", "expected at least one coordinate");
    x = new Float64Array(n * d);
    rows.forEach((r, i) => {
      if (!Array.isArray(r) && !ArrayBuffer.isView(r)) throw new MaxMarginInputError(`x[${i}]`, "expected an array of numbers");
      if (r.length !== d) throw new MaxMarginInputError(`x[${i}]`, `expected ${d} numbers like x[0], got ${r.length}`);
      x.set(r, i * d);
    });
  }
  for (let k = 0; k < x.length; k++) {
    if (typeof x[k] !== "number" || !Number.isFinite(x[k]!)) throw new MaxMarginInputError(`x[${Math.floor(k / d)}][${k % d}]`, "expected a finite number");
  }
  const yIn = data.y ?? new Array<number>(n).fill(1);
  if (yIn.length !== n) throw new MaxMarginInputError("y", `expected ${n} labels (one per example), got ${yIn.length}`);
  const yx = new Float64Array(n * d);
  let scale = 0;
  for (let i = 0; i < n; i++) {
    const yi = yIn[i];
    if (yi !== 1 && yi !== -1) throw new MaxMarginInputError(`y[${i}]`, `expected a label −1 or +1, got ${String(yi)}`);
    for (let j = 0; j < d; j++) {
      yx[i * d + j] = yi * x[i * d + j]!;
      scale = Math.max(scale, Math.abs(x[i * d + j]!));
    }
  }
  if (scale === 0) scale = 1;
  const m = yx.map((v) => v / scale);
  return { n, d, yx, m, scale };
}

/**
 * LPs: tolerances tightened from 1e-7 to 1e-10 (the minimum HiGHS accepts): the LP value fixes the
 * face that the QP stage then searches. QPs: HiGHS's defaults (tighter ones made its active-set QP
 * stop with errors on some instances); the polish makes the QP answer exact anyway.
 */
const HIGHS_LP_OPTIONS = {
  output_flag: false,
  primal_feasibility_tolerance: 1e-10,
  dual_feasibility_tolerance: 1e-10,
  optimality_tolerance: 1e-10,
  random_seed: 0,
} as const;
const HIGHS_QP_OPTIONS = { output_flag: false, random_seed: 0 } as const;

/** A loaded HiGHS instance. `solve` is synchronous (HiGHS blocks); run it in a worker in browsers. */
export class MaxMarginSolver {
  constructor(readonly highs: Highs) {}

  solve(data: MaxMarginData, norm: MaxMarginNorm): MaxMarginSolution {
    return this.solveAll(data, [norm])[norm];
  }

  solveAll(data: MaxMarginData, norms: readonly MaxMarginNorm[] = MAX_MARGIN_NORMS): Record<MaxMarginNorm, MaxMarginSolution> {
    for (const nm of norms) if (!MAX_MARGIN_NORMS.includes(nm)) throw new MaxMarginInputError("norm", `expected "l1", "l2" or "linf", got ${JSON.stringify(nm)}`);
    const p = toProblem(data);
    const t0 = now();
    const sep = this.linfStage1(p);
    const out = {} as Record<MaxMarginNorm, MaxMarginSolution>;
    let first = true;
    for (const norm of norms) {
      const t1 = first ? t0 : now();
      first = false;
      if (!sep.separable) {
        const dual = simplex(sep.lam);
        const dualBound = dualNormBound(p.yx, p.n, p.d, dual, norm);
        out[norm] = { norm, separable: false, beta: new Array<number>(p.d).fill(0), margin: 0, support: [], active: [], dualBound, gap: dualBound, dual, unique: false, polished: true, separationTol: sep.tol, ms: 0 };
      } else if (norm === "linf") out[norm] = this.linf(p, sep);
      else if (norm === "l1") out[norm] = this.l1(p, sep);
      else out[norm] = this.l2(p, sep);
      out[norm].ms = now() - t1;
    }
    return out;
  }

  /**
   * Stage 1 for ℓ∞ and the separability test: max t s.t. m_i·β ≥ t, −1 ≤ β_j ≤ 1 (scaled rows).
   * Returns an exactly feasible β (HiGHS's, clipped), its exact margin and the LP duals.
   */
  private linfStage1(p: Problem): Stage1 {
    const { n, d, m } = p;
    const inf = this.highs.infinity;
    const cols = d + 1; // β, t
    const A = denseToCsr(n, cols, (i, j) => (j < d ? m[i * d + j]! : -1));
    const model: ModelData = {
      numCols: cols,
      numRows: n,
      sense: this.highs.constants.objectiveSense.maximize,
      colCost: [...new Array<number>(d).fill(0), 1],
      colLower: [...new Array<number>(d).fill(-1), -inf],
      colUpper: [...new Array<number>(d).fill(1), inf],
      rowLower: new Array<number>(n).fill(0),
      rowUpper: new Array<number>(n).fill(inf),
      matrix: A,
    };
    const sol = this.run(model, "simplex", "ℓ∞ separability LP");
    const beta = Array.from(sol.colValue.subarray(0, d), (v) => Math.max(-1, Math.min(1, v)));
    const t = minMargin(m, n, d, beta);
    const lam = Array.from(sol.rowDual, Math.abs);
    let rowMax = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += Math.abs(m[i * d + j]!);
      rowMax = Math.max(rowMax, s);
    }
    const tol = SEPARATION_TOL * Math.max(rowMax, 1e-300);
    return { separable: t > tol, beta, t, tol: tol * p.scale, lam, unique: sol.unique === true };
  }

  /**
   * ℓ∞: the stage-1 vertex when it is the unique optimum; otherwise the tie-break
   * min ½‖β‖² s.t. m_i·β ≥ t̂, −1 ≤ β ≤ 1, with t̂ the exact margin of the stage-1 β.
   */
  private linf(p: Problem, s1: Stage1): MaxMarginSolution {
    const { n, d, m } = p;
    if (s1.unique) return finish(p, "linf", s1.beta, true, s1.lam, s1.tol, true);
    const qp = this.qp({ rows: n, cols: d, C: m, b: new Float64Array(n).fill(s1.t), lo: new Float64Array(d).fill(-1), hi: new Float64Array(d).fill(1), start: s1.beta }, "ℓ∞ minimum-norm QP");
    return finish(p, "linf", qp.z, qp.polished, s1.lam, s1.tol, false);
  }

  /**
   * ℓ1, stage 1: min Σ(u+v) s.t. m_i·(u−v) ≥ 1, u, v ≥ 0 (MODEL.md). Stage 2: min ½(‖u‖²+‖v‖²)
   * subject to the same rows and Σ(u+v) ≤ B̂, with B̂ the exact ℓ1 norm of the stage-1 solution
   * rescaled to margin 1.
   */
  private l1(p: Problem, s1: Stage1): MaxMarginSolution {
    const { n, d, m } = p;
    const inf = this.highs.infinity;
    const C = new Float64Array(n * 2 * d);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) {
        C[i * 2 * d + j] = m[i * d + j]!;
        C[i * 2 * d + d + j] = -m[i * d + j]!;
      }
    const lp: ModelData = {
      numCols: 2 * d,
      numRows: n,
      colCost: new Array<number>(2 * d).fill(1),
      colLower: new Array<number>(2 * d).fill(0),
      colUpper: new Array<number>(2 * d).fill(inf),
      rowLower: new Array<number>(n).fill(1),
      rowUpper: new Array<number>(n).fill(inf),
      matrix: denseToCsr(n, 2 * d, (i, j) => C[i * 2 * d + j]!),
    };
    const sol = this.run(lp, "simplex", "ℓ1 LP");
    const beta1 = Array.from({ length: d }, (_, j) => Math.max(0, sol.colValue[j]!) - Math.max(0, sol.colValue[d + j]!));
    const t1 = minMargin(m, n, d, beta1);
    const lam = Array.from(sol.rowDual, Math.abs);
    if (!(t1 > 0)) return finish(p, "l1", beta1, false, lam, s1.tol, false);
    if (sol.unique) return finish(p, "l1", beta1, true, lam, s1.tol, true);
    // Budget row −Σ(u+v) ≥ −B̂ appended to the margin rows.
    const budget = l1norm(beta1) / t1;
    const rows = n + 1;
    const C2 = new Float64Array(rows * 2 * d);
    C2.set(C);
    C2.fill(-1, n * 2 * d);
    const b = new Float64Array(rows).fill(1);
    b[n] = -budget;
    const start = new Array<number>(2 * d);
    for (let j = 0; j < d; j++) {
      start[j] = Math.max(0, beta1[j]!) / t1;
      start[d + j] = Math.max(0, -beta1[j]!) / t1;
    }
    const qp = this.qp({ rows, cols: 2 * d, C: C2, b, lo: new Float64Array(2 * d).fill(0), hi: new Float64Array(2 * d).fill(Infinity), start }, "ℓ1 minimum-norm QP");
    const beta = Array.from({ length: d }, (_, j) => qp.z[j]! - qp.z[d + j]!);
    return finish(p, "l1", beta, qp.polished, lam, s1.tol, false);
  }

  /** ℓ2: the hard-margin SVM without bias, min ½‖β‖² s.t. m_i·β ≥ 1; its multipliers are the certificate. */
  private l2(p: Problem, s1: Stage1): MaxMarginSolution {
    const { n, d, m } = p;
    const start = s1.beta.map((v) => v / s1.t);
    const q: QP = { rows: n, cols: d, C: m, b: new Float64Array(n).fill(1), lo: new Float64Array(d).fill(-Infinity), hi: new Float64Array(d).fill(Infinity), start };
    let qp = this.qp(q, "ℓ2 QP (SVM)");
    if (!qp.polished) qp = l2DualAscent(q) ?? qp;
    if (!qp.polished) {
      // Same feasible set, rows scaled to unit norm: different numerics for HiGHS's QP.
      const C = Float64Array.from(m);
      const bb = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let r = 0;
        for (let j = 0; j < d; j++) r += m[i * d + j]! ** 2;
        r = Math.sqrt(r) || 1;
        for (let j = 0; j < d; j++) C[i * d + j] = m[i * d + j]! / r;
        bb[i] = 1 / r;
      }
      const alt = this.qp({ ...q, C, b: bb }, "ℓ2 QP (SVM), rows normalized");
      if (alt.polished) qp = { ...alt, mu: alt.mu?.map((v, i) => v * bb[i]!) };
    }
    if (!qp.polished) qp = this.l2Dual(q) ?? qp;
    return finish(p, "l2", qp.z, qp.polished, qp.mu ? Array.from(qp.mu) : [], s1.tol, true);
  }

  /**
   * The ℓ2 problem's dual, min ½ αᵀ(M Mᵀ)α − Σα over α ≥ 0 (β = Mᵀα): a fallback for the rare
   * instances where HiGHS's active-set QP stops on the primal form ("non-convex" on an identity
   * Hessian, seen at n = 200, d = 100). Dense n×n Hessian, so only used when the primal fails.
   */
  private l2Dual(q: QP): { z: number[]; mu?: Float64Array; polished: boolean } | undefined {
    const { rows: n, cols: d, C: m } = q;
    const starts = [0];
    const indices: number[] = [];
    const values: number[] = [];
    for (let c = 0; c < n; c++) {
      for (let r = c; r < n; r++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += m[r * d + j]! * m[c * d + j]!;
        if (s !== 0) {
          indices.push(r);
          values.push(s);
        }
      }
      starts.push(indices.length);
    }
    const model: ModelData = {
      numCols: n,
      numRows: 0,
      colCost: new Array<number>(n).fill(-1),
      colLower: new Array<number>(n).fill(0),
      colUpper: new Array<number>(n).fill(this.highs.infinity),
      rowLower: [],
      rowUpper: [],
      matrix: { format: "csc", numRows: 0, numCols: n, starts: new Array<number>(n + 1).fill(0), indices: [], values: [] },
      hessian: { format: "triangular", dimension: n, starts, indices, values },
    };
    let alpha: Float64Array;
    try {
      alpha = this.run(model, "choose", "ℓ2 dual QP").colValue;
    } catch {
      return undefined;
    }
    const z = new Array<number>(d).fill(0);
    for (let i = 0; i < n; i++) if (alpha[i]! > 0) for (let j = 0; j < d; j++) z[j] += alpha[i]! * m[i * d + j]!;
    const pol = polishQP(q, z, { rowDual: alpha, colDual: new Float64Array(d) });
    return pol ? { z: pol.z, mu: pol.mu, polished: true } : undefined;
  }

  /** Runs HiGHS on one model; throws a plain message if it does not reach an optimum. */
  private run(model: ModelData, solver: "simplex" | "choose", what: string): { colValue: Float64Array; rowDual: Float64Array; colDual: Float64Array; unique?: boolean } {
    return this.highs.withModel(model, (mdl) => {
      // Limits: HiGHS's active-set QP can cycle on degenerate instances (seen: n = 300, d = 200);
      // a limit ends the attempt and the caller falls back (other scaling, the dual, HiGHS's answer).
      const size = model.numRows + model.numCols;
      const limits: Record<string, number> = solver === "simplex" ? { time_limit: 120 } : { time_limit: 10, qp_iteration_limit: 5 * size + 1000 };
      mdl.options.set({ ...(solver === "simplex" ? HIGHS_LP_OPTIONS : HIGHS_QP_OPTIONS), ...limits, solver });
      const r = mdl.run();
      if (r.modelStatus !== this.highs.constants.modelStatus.optimal) {
        throw new Error(`samlab: HiGHS did not solve the ${what} (model status ${statusName(this.highs, r.modelStatus)})`);
      }
      const s = mdl.getSolution();
      if (solver !== "simplex") return { colValue: s.colValue, rowDual: s.rowDual, colDual: s.colDual };
      const basis = mdl.getBasis();
      const vertex = polishVertex(model, s.colValue, basis.colStatus, basis.rowStatus);
      const colValue = vertex?.x ?? s.colValue;
      // Dual nondegeneracy (every nonbasic column and row has a nonzero reduced cost / dual) is
      // sufficient for the optimal vertex to be the unique optimum.
      let dmax = 1;
      for (const v of s.colDual) dmax = Math.max(dmax, Math.abs(v));
      for (const v of s.rowDual) dmax = Math.max(dmax, Math.abs(v));
      const tol = 1e-9 * dmax;
      let unique = true;
      basis.colStatus.forEach((st, j) => {
        if (st !== 1 && !(Math.abs(s.colDual[j]!) > tol)) unique = false;
      });
      basis.rowStatus.forEach((st, i) => {
        if (st !== 1 && !(Math.abs(s.rowDual[i]!) > tol)) unique = false;
      });
      return { colValue, rowDual: vertex?.rowDual ?? s.rowDual, colDual: s.colDual, unique };
    });
  }

  /**
   * min ½‖z‖² s.t. C z ≥ b, lo ≤ z ≤ hi, by HiGHS's QP solver, then polished on its active set.
   * `start` is an exactly feasible point (used if HiGHS fails on a degenerate instance).
   */
  private qp(q: QP, what: string): { z: number[]; mu?: Float64Array; polished: boolean } {
    const { rows, cols, C, b, lo, hi } = q;
    const inf = this.highs.infinity;
    const model: ModelData = {
      numCols: cols,
      numRows: rows,
      colCost: new Array<number>(cols).fill(0),
      colLower: Array.from(lo, (v) => (v === -Infinity ? -inf : v)),
      colUpper: Array.from(hi, (v) => (v === Infinity ? inf : v)),
      rowLower: Array.from(b),
      rowUpper: new Array<number>(rows).fill(inf),
      matrix: denseToCsr(rows, cols, (i, j) => C[i * cols + j]!),
      hessian: { format: "triangular", dimension: cols, starts: Array.from({ length: cols + 1 }, (_, j) => j), indices: Array.from({ length: cols }, (_, j) => j), values: new Array<number>(cols).fill(1) },
    };
    let z0: number[];
    let hint: { rowDual: Float64Array; colDual: Float64Array } | undefined;
    try {
      const sol = this.run(model, "choose", what);
      z0 = Array.from(sol.colValue);
      hint = sol;
    } catch {
      z0 = q.start;
    }
    const pol = (hint && polishQP(q, z0, hint)) ?? polishQP(q, z0);
    if (pol) return { z: pol.z, mu: pol.mu, polished: true };
    return { z: z0, polished: false };
  }
}

interface Stage1 {
  separable: boolean;
  /** Exactly feasible stage-1 β (|β_j| ≤ 1) and its exact scaled margin. */
  beta: number[];
  t: number;
  tol: number;
  unique: boolean;
  lam: number[];
}

interface QP {
  rows: number;
  cols: number;
  /** rows × cols, row-major. */
  C: Float64Array;
  b: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  start: number[];
}

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

function statusName(h: Highs, code: number): string {
  for (const [k, v] of Object.entries(h.constants.modelStatus)) if (v === code) return k;
  return String(code);
}

function denseToCsr(rows: number, cols: number, at: (i: number, j: number) => number): ModelData["matrix"] {
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = at(i, j);
      if (v !== 0) {
        indices.push(j);
        values.push(v);
      }
    }
    starts.push(indices.length);
  }
  return { format: "csr", numRows: rows, numCols: cols, starts, indices, values };
}

function minMargin(m: Float64Array, n: number, d: number, beta: readonly number[]): number {
  let t = Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += m[i * d + j]! * beta[j]!;
    t = Math.min(t, s);
  }
  return t;
}

function l1norm(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += Math.abs(x);
  return s;
}

export function normOf(v: ArrayLike<number>, norm: MaxMarginNorm): number {
  let s = 0;
  for (let j = 0; j < v.length; j++) {
    const a = Math.abs(v[j]!);
    if (norm === "l1") s += a;
    else if (norm === "linf") s = Math.max(s, a);
    else s += a * a;
  }
  return norm === "l2" ? Math.sqrt(s) : s;
}

const DUAL: Record<MaxMarginNorm, MaxMarginNorm> = { l1: "linf", l2: "l2", linf: "l1" };

/**
 * Weak duality: for λ ≥ 0 with Σλ = 1, max_{‖β‖_p ≤ 1} min_i m_i·β ≤ ‖Σ_i λ_i m_i‖_q.
 * Any λ gives a valid bound (it is normalized here); Infinity if λ = 0.
 */
function dualNormBound(m: Float64Array, n: number, d: number, lam: readonly number[], norm: MaxMarginNorm): number {
  if (!lam.some((l) => l > 0)) return Infinity;
  const g = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const li = lam[i]!;
    if (li) for (let j = 0; j < d; j++) g[j] += li * m[i * d + j]!;
  }
  return normOf(g, DUAL[norm]);
}

/** max(λ, 0) scaled to sum 1 (all zeros if nothing is positive). */
function simplex(lam: readonly number[]): number[] {
  let sum = 0;
  for (const l of lam) sum += Math.max(0, l);
  return lam.map((l) => (sum > 0 ? Math.max(0, l) / sum : 0));
}

/** Normalizes β to unit norm in its own norm and reads off margin, support and active set. */
function finish(p: Problem, norm: MaxMarginNorm, raw: readonly number[], polished: boolean, lam: readonly number[], separationTol: number, unique: boolean): MaxMarginSolution {
  const { n, d, yx } = p;
  const nb = normOf(raw, norm);
  const beta = raw.map((v) => (nb > 0 ? v / nb : 0));
  if (norm === "linf") {
    // Snap coordinates that are at the bound up to rounding, so ‖β‖∞ = 1 is exact.
    for (let j = 0; j < d; j++) if (Math.abs(Math.abs(beta[j]!) - 1) < 1e-14) beta[j] = Math.sign(beta[j]!);
  }
  const z = new Array<number>(n);
  let margin = Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += yx[i * d + j]! * beta[j]!;
    z[i] = s;
    margin = Math.min(margin, s);
  }
  let bmax = 0;
  for (const v of beta) bmax = Math.max(bmax, Math.abs(v));
  const support = beta.flatMap((v, j) => (Math.abs(v) > 1e-9 * bmax ? [j] : []));
  const active = z.flatMap((s, i) => (s - margin <= 1e-7 * Math.max(Math.abs(margin), 1e-300) ? [i] : []));
  const dual = simplex(lam.length === n ? lam : new Array<number>(n).fill(0));
  const dualBound = dualNormBound(yx, n, d, dual, norm);
  return { norm, separable: true, beta, margin, support, active, dualBound, gap: dualBound - margin, dual, unique, polished, separationTol, ms: 0 };
}

/**
 * Fallback for the ℓ2 problem when HiGHS's QP fails (it cycled or stopped on a few instances):
 * exact coordinate maximization of the dual max_{α ≥ 0} Σα_i − ½‖Σ α_i m_i‖² (each step solves
 * for one α_i in closed form; the dual is concave, so this converges), to a KKT violation of 1e-11
 * or a time budget of ~5 s, then the usual exact polish with α as the multiplier guess.
 */
function l2DualAscent(q: QP): { z: number[]; mu?: Float64Array; polished: boolean } | undefined {
  const { rows: n, cols: d, C: m } = q;
  const alpha = new Float64Array(n);
  const w = new Float64Array(d);
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sq[i] += m[i * d + j]! ** 2;
  const t0 = now();
  for (let sweep = 0; sweep < 1_000_000; sweep++) {
    let viol = 0;
    for (let i = 0; i < n; i++) {
      if (!(sq[i]! > 0)) continue;
      let s = 0;
      for (let j = 0; j < d; j++) s += m[i * d + j]! * w[j]!;
      const g = q.b[i]! - s;
      viol = Math.max(viol, alpha[i]! > 0 ? Math.abs(g) : Math.max(0, g));
      const a = Math.max(0, alpha[i]! + g / sq[i]!);
      const da = a - alpha[i]!;
      if (da !== 0) for (let j = 0; j < d; j++) w[j] += da * m[i * d + j]!;
      alpha[i] = a;
    }
    if (viol < 1e-11 || (sweep % 64 === 0 && now() - t0 > 5000)) break;
  }
  const pol = polishQP(q, Array.from(w), { rowDual: alpha, colDual: new Float64Array(d) });
  return pol ? { z: pol.z, mu: pol.mu, polished: true } : undefined;
}

/**
 * Re-solves an LP's optimal vertex exactly from the simplex basis: the nonbasic rows hold at their
 * bounds, the nonbasic columns sit at theirs, and the basic columns solve the square system that
 * remains (Gaussian elimination with partial pivoting, one step of refinement). Called once per LP.
 * Returns undefined when the system is singular or the result leaves the bounds by more than
 * 1e-9 (relative), in which case HiGHS's own values stand.
 */
function polishVertex(model: ModelData, x0: Float64Array, colStatus: Int32Array, rowStatus: Int32Array): { x: Float64Array; rowDual: Float64Array } | undefined {
  const { numCols: nc, numRows: nr, matrix } = model;
  if (matrix.format !== "csr") return undefined;
  const BASIC = 1;
  const basic: number[] = [];
  const x = Float64Array.from(x0);
  for (let j = 0; j < nc; j++) {
    const st = colStatus[j];
    if (st === BASIC) basic.push(j);
    else if (st === 0) x[j] = model.colLower[j]!;
    else if (st === 2) x[j] = model.colUpper[j]!;
    else if (st === 3) x[j] = 0;
    if (!Number.isFinite(x[j]!)) return undefined;
  }
  const rowsN: number[] = [];
  for (let i = 0; i < nr; i++) if (rowStatus[i] !== BASIC) rowsN.push(i);
  const k = basic.length;
  if (rowsN.length !== k) return undefined;
  if (k === 0) return { x, rowDual: new Float64Array(nr) };
  const pos = new Map<number, number>();
  basic.forEach((j, c) => pos.set(j, c));
  const A = new Float64Array(k * k);
  const r = new Float64Array(k);
  const starts = matrix.starts as ArrayLike<number>;
  const idx = matrix.indices as ArrayLike<number>;
  const val = matrix.values as ArrayLike<number>;
  rowsN.forEach((i, a) => {
    const bound = rowStatus[i] === 2 ? model.rowUpper[i]! : model.rowLower[i]!;
    if (!Number.isFinite(bound)) return;
    let rhs = bound;
    for (let p = starts[i]!; p < starts[i + 1]!; p++) {
      const c = pos.get(idx[p]!);
      if (c === undefined) rhs -= val[p]! * x[idx[p]!]!;
      else A[a * k + c] = val[p]!;
    }
    r[a] = rhs;
  });
  const sol = solveSquare(A, r, k);
  if (!sol) return undefined;
  basic.forEach((j, c) => (x[j] = sol[c]!));
  // The duals of the active rows: A_{N,B}ᵀ y = c_B (the basic columns' costs).
  const At = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let c = 0; c < k; c++) At[c * k + a] = A[a * k + c]!;
  const y = solveSquare(At, Float64Array.from(basic, (j) => model.colCost[j]!), k);
  if (!y) return undefined;
  const rowDual = new Float64Array(nr);
  rowsN.forEach((i, a) => (rowDual[i] = y[a]!));
  // Stay within the bounds (relative 1e-9), else keep HiGHS's values.
  let scale = 1;
  for (const v of x) scale = Math.max(scale, Math.abs(v));
  for (let j = 0; j < nc; j++) if (x[j]! < model.colLower[j]! - 1e-9 * scale || x[j]! > model.colUpper[j]! + 1e-9 * scale) return undefined;
  for (let i = 0; i < nr; i++) {
    let s = 0;
    for (let p = starts[i]!; p < starts[i + 1]!; p++) s += val[p]! * x[idx[p]!]!;
    if (s < model.rowLower[i]! - 1e-9 * scale || s > model.rowUpper[i]! + 1e-9 * scale) return undefined;
  }
  return { x, rowDual };
}

/** Solves A x = r (k×k, row-major) by LU with partial pivoting and one refinement step; undefined if singular. */
function solveSquare(A0: Float64Array, r0: Float64Array, k: number): Float64Array | undefined {
  const A = Float64Array.from(A0);
  const piv = Array.from({ length: k }, (_, i) => i);
  let amax = 0;
  for (const v of A) amax = Math.max(amax, Math.abs(v));
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let i = c + 1; i < k; i++) if (Math.abs(A[i * k + c]!) > Math.abs(A[p * k + c]!)) p = i;
    if (!(Math.abs(A[p * k + c]!) > 1e-13 * amax)) return undefined;
    if (p !== c) {
      for (let j = 0; j < k; j++) [A[c * k + j], A[p * k + j]] = [A[p * k + j]!, A[c * k + j]!];
      [piv[c], piv[p]] = [piv[p]!, piv[c]!];
    }
    const d = A[c * k + c]!;
    for (let i = c + 1; i < k; i++) {
      const f = (A[i * k + c]! /= d);
      if (f !== 0) for (let j = c + 1; j < k; j++) A[i * k + j] -= f * A[c * k + j]!;
    }
  }
  const lu = (b: Float64Array) => {
    const y = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let v = b[piv[i]!]!;
      for (let j = 0; j < i; j++) v -= A[i * k + j]! * y[j]!;
      y[i] = v;
    }
    for (let i = k - 1; i >= 0; i--) {
      let v = y[i]!;
      for (let j = i + 1; j < k; j++) v -= A[i * k + j]! * y[j]!;
      y[i] = v / A[i * k + i]!;
    }
    return y;
  };
  const x = lu(r0);
  const res = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let v = r0[i]!;
    for (let j = 0; j < k; j++) v -= A0[i * k + j]! * x[j]!;
    res[i] = v;
  }
  const e = lu(res);
  for (let i = 0; i < k; i++) x[i] += e[i]!;
  return x.every(Number.isFinite) ? x : undefined;
}

/**
 * Relative tolerances of the polished KKT conditions: primal feasibility (1e-8: on a degenerate
 * face, rows that the factorization drops as dependent are met only to ~1e-9) and multiplier signs.
 */
const POLISH_TOL = 1e-8;
const POLISH_DUAL_TOL = 1e-9;

/**
 * The exact solution of min ½‖z‖² s.t. C z ≥ b, lo ≤ z ≤ hi on a guessed active set, corrected by
 * a primal-dual active-set iteration (one change per iteration) until the KKT conditions hold to
 * 1e-8 / 1e-9 (relative). Called once per QP with HiGHS's solution as the guess, which is right or off
 * by a few constraints; returns undefined if it does not settle (the caller keeps HiGHS's answer).
 *
 * On an active set (rows A at equality, variables X fixed at a bound, the rest F free) the
 * solution is the minimum-norm z_F = C_{A,F}ᵀ μ with C_{A,F} z_F = b_A − C_{A,X} z_X (see
 * {@link minNormSolve}: QR with column pivoting, dependent rows — duplicate points — dropped).
 */
function polishQP(q: QP, guess: readonly number[], duals?: { rowDual: ArrayLike<number>; colDual: ArrayLike<number> }, maxIter = 60): { z: number[]; mu: Float64Array; iterations: number } | undefined {
  const { rows, cols, C, b, lo, hi } = q;
  let zscale = 1;
  for (const v of guess) zscale = Math.max(zscale, Math.abs(v));
  const rowNorm = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += C[i * cols + j]! ** 2;
    rowNorm[i] = Math.sqrt(s);
  }
  const tolAct = (i: number) => 1e-7 * (Math.abs(b[i]!) + rowNorm[i]! * zscale + 1e-300);
  // With the solver's multipliers, start from the strongly active set (multiplier clearly > 0):
  // it is linearly independent and determines the optimum; weakly active constraints only add
  // dependent rows. Without them, start from every constraint that is tight.
  let dualMax = 0;
  if (duals) {
    for (let i = 0; i < rows; i++) dualMax = Math.max(dualMax, Math.abs(duals.rowDual[i]!));
    for (let j = 0; j < cols; j++) dualMax = Math.max(dualMax, Math.abs(duals.colDual[j]!));
  }
  const strong = (v: number) => !duals || Math.abs(v) > 1e-7 * dualMax;
  const inA = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += C[i * cols + j]! * guess[j]!;
    if (s - b[i]! <= tolAct(i) && strong(duals?.rowDual[i] ?? 0)) inA[i] = 1;
  }
  // fixed: 0 free, −1 at lo, +1 at hi
  const fixed = new Int8Array(cols);
  for (let j = 0; j < cols; j++) {
    const t = 1e-7 * (1 + Math.abs(guess[j]!));
    if (!strong(duals?.colDual[j] ?? 0)) continue;
    if (lo[j]! > -Infinity && guess[j]! - lo[j]! <= t) fixed[j] = -1;
    else if (hi[j]! < Infinity && hi[j]! - guess[j]! <= t) fixed[j] = 1;
  }
  const seen = new Set<string>();
  for (let iter = 0; iter < maxIter; iter++) {
    const key = Array.from(inA).join("") + "|" + Array.from(fixed).join(",");
    if (seen.has(key)) return undefined; // cycling
    seen.add(key);
    const A: number[] = [];
    for (let i = 0; i < rows; i++) if (inA[i]) A.push(i);
    const F: number[] = [];
    const z = new Array<number>(cols).fill(0);
    for (let j = 0; j < cols; j++) {
      if (fixed[j] === 0) F.push(j);
      else z[j] = fixed[j] === -1 ? lo[j]! : hi[j]!;
    }
    const k = A.length;
    const rhs = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      const i = A[a]!;
      let s = b[i]!;
      for (let j = 0; j < cols; j++) if (fixed[j] !== 0) s -= C[i * cols + j]! * z[j]!;
      rhs[a] = s;
    }
    // The minimum-norm solution of C_{A,F} z_F = rhs by a QR factorization of C_{A,F}ᵀ (not the
    // Gram matrix, whose condition number is the square: features of very different scales).
    const f = F.length;
    const At = new Float64Array(f * k);
    for (let a = 0; a < k; a++) for (let q = 0; q < f; q++) At[q * k + a] = C[A[a]! * cols + F[q]!]!;
    const sol = minNormSolve(At, f, k, rhs);
    const muA = sol.mu;
    F.forEach((j, q) => (z[j] = sol.z[q]!));
    // Multipliers, residuals, and the worst violation of each kind.
    const mu = new Float64Array(rows);
    let muMax = 0;
    for (let a = 0; a < k; a++) {
      mu[A[a]!] = muA[a]!;
      muMax = Math.max(muMax, Math.abs(muA[a]!));
    }
    let zs = 1;
    for (const v of z) zs = Math.max(zs, Math.abs(v));
    const tolP = (i: number) => POLISH_TOL * (Math.abs(b[i]!) + rowNorm[i]! * zs + 1e-300);
    const tolD = POLISH_DUAL_TOL * Math.max(1, muMax, zs);
    let worstP = 0;
    let addRow = -1;
    let fixVar = -1;
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += C[i * cols + j]! * z[j]!;
      const v = (b[i]! - s) / (tolP(i) / POLISH_TOL);
      if (s < b[i]! - tolP(i) && v > worstP) {
        if (inA[i]) return undefined; // a dependent row that the others cannot satisfy
        worstP = v;
        addRow = i;
        fixVar = -1;
      }
    }
    for (const j of F) {
      const v = Math.max(lo[j]! - z[j]!, z[j]! - hi[j]!) / zs;
      if (v > POLISH_TOL && v > worstP) {
        worstP = v;
        fixVar = j;
        addRow = -1;
      }
    }
    if (addRow >= 0) {
      inA[addRow] = 1;
      continue;
    }
    if (fixVar >= 0) {
      fixed[fixVar] = z[fixVar]! < lo[fixVar]! ? -1 : 1;
      continue;
    }
    let worstD = tolD;
    let dropRow = -1;
    let freeVar = -1;
    for (let a = 0; a < k; a++) {
      if (-muA[a]! > worstD) {
        worstD = -muA[a]!;
        dropRow = A[a]!;
      }
    }
    for (let j = 0; j < cols; j++) {
      if (fixed[j] === 0) continue;
      let g = 0;
      for (let a = 0; a < k; a++) g += C[A[a]! * cols + j]! * muA[a]!;
      const nu = fixed[j] === -1 ? z[j]! - g : g - z[j]!;
      if (-nu > worstD) {
        worstD = -nu;
        freeVar = j;
        dropRow = -1;
      }
    }
    if (dropRow >= 0) {
      inA[dropRow] = 0;
      continue;
    }
    if (freeVar >= 0) {
      fixed[freeVar] = 0;
      continue;
    }
    return { z, mu, iterations: iter + 1 };
  }
  return undefined;
}

/**
 * Minimum-norm solution of A z = r with A = Mᵀ given as M (f×k, row-major, i.e. Aᵀ), and the
 * multipliers μ with z = Aᵀ μ: Householder QR of M with column pivoting, M Π = Q R, so that
 * Rᵀ u = Πᵀ r, z = Q u and R Πᵀ μ = u. Columns of M (rows of A) whose pivot falls below
 * 1e-12 × the first are dependent: their equations are not imposed and their μ is 0 (the caller
 * checks them as inequalities). One step of iterative refinement on the kept equations.
 */
export function minNormSolve(M: Float64Array, f: number, k: number, r: Float64Array): { z: Float64Array; mu: Float64Array } {
  const R = Float64Array.from(M); // f×k, overwritten by the Householder vectors below the diagonal and R above
  const perm = Array.from({ length: k }, (_, c) => c);
  const norms = new Float64Array(k);
  for (let c = 0; c < k; c++) for (let q = 0; q < f; q++) norms[c] += R[q * k + c]! ** 2;
  const tau = new Float64Array(Math.min(f, k));
  let rank = 0;
  let first = 0;
  const steps = Math.min(f, k);
  for (let s = 0; s < steps; s++) {
    // pivot: the remaining column of largest norm (recomputed: f·k per step is fine at these sizes)
    let best = s;
    let bestNorm = -1;
    for (let c = s; c < k; c++) {
      let v = 0;
      for (let q = s; q < f; q++) v += R[q * k + c]! ** 2;
      if (v > bestNorm) {
        bestNorm = v;
        best = c;
      }
    }
    const nrm = Math.sqrt(bestNorm);
    if (s === 0) first = nrm;
    if (!(nrm > 1e-12 * first) || nrm === 0) break;
    if (best !== s) {
      for (let q = 0; q < f; q++) [R[q * k + s], R[q * k + best]] = [R[q * k + best]!, R[q * k + s]!];
      [perm[s], perm[best]] = [perm[best]!, perm[s]!];
    }
    // Householder reflector for column s, rows s..f−1
    const x0 = R[s * k + s]!;
    const alpha = x0 >= 0 ? -nrm : nrm;
    const v0 = x0 - alpha;
    for (let q = s + 1; q < f; q++) R[q * k + s] = R[q * k + s]! / v0;
    tau[s] = (alpha - x0) / alpha;
    R[s * k + s] = alpha;
    for (let c = s + 1; c < k; c++) {
      let dotv = R[s * k + c]!;
      for (let q = s + 1; q < f; q++) dotv += R[q * k + s]! * R[q * k + c]!;
      dotv *= tau[s]!;
      R[s * k + c] = R[s * k + c]! - dotv;
      for (let q = s + 1; q < f; q++) R[q * k + c] = R[q * k + c]! - dotv * R[q * k + s]!;
    }
    rank++;
  }
  const applyQ = (u: Float64Array): Float64Array => {
    // z = Q u (u has length rank, padded with zeros to f): apply reflectors in reverse order
    const z = new Float64Array(f);
    for (let s = 0; s < rank; s++) z[s] = u[s]!;
    for (let s = rank - 1; s >= 0; s--) {
      let dotv = z[s]!;
      for (let q = s + 1; q < f; q++) dotv += R[q * k + s]! * z[q]!;
      dotv *= tau[s]!;
      z[s] = z[s]! - dotv;
      for (let q = s + 1; q < f; q++) z[q] = z[q]! - dotv * R[q * k + s]!;
    }
    return z;
  };
  const solve = (rhs: Float64Array): { z: Float64Array; mu: Float64Array } => {
    // Rᵀ u = Πᵀ r on the kept pivots (forward substitution)
    const u = new Float64Array(rank);
    for (let s = 0; s < rank; s++) {
      let v = rhs[perm[s]!]!;
      for (let t = 0; t < s; t++) v -= R[t * k + s]! * u[t]!;
      u[s] = v / R[s * k + s]!;
    }
    // R_kept (Πᵀ μ)_kept = u (back substitution); dropped pivots have μ = 0
    const pm = new Float64Array(rank);
    for (let s = rank - 1; s >= 0; s--) {
      let v = u[s]!;
      for (let t = s + 1; t < rank; t++) v -= R[s * k + t]! * pm[t]!;
      pm[s] = v / R[s * k + s]!;
    }
    const mu = new Float64Array(k);
    for (let s = 0; s < rank; s++) mu[perm[s]!] = pm[s]!;
    return { z: applyQ(u), mu };
  };
  const out = solve(r);
  // refinement: residual of the kept equations A z = r, i.e. Mᵀ z = r
  const res = new Float64Array(k);
  for (let s = 0; s < rank; s++) {
    const c = perm[s]!;
    let v = r[c]!;
    for (let q = 0; q < f; q++) v -= M[q * k + c]! * out.z[q]!;
    res[c] = v;
  }
  const corr = solve(res);
  for (let q = 0; q < f; q++) out.z[q] += corr.z[q]!;
  for (let c = 0; c < k; c++) out.mu[c] += corr.mu[c]!;
  return out;
}
