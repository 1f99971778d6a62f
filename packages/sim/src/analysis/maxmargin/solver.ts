/**
 * Exact max-margin reference solutions (no bias term) for the ℓ1, ℓ2 and ℓ∞ norms:
 * `β*_p = argmax_{‖β‖_p ≤ 1} min_i y_i <β, x_i>` (docs/MODEL.md, "Max-margin references").
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
import { l2DualAscent, polishQP, polishVertex } from "./polish.js";
import {
  dualNormBound,
  finish,
  l1norm,
  MAX_MARGIN_NORMS,
  MaxMarginInputError,
  minMargin,
  SEPARATION_TOL,
  simplex,
  toProblem,
  type MaxMarginData,
  type MaxMarginNorm,
  type MaxMarginSolution,
  type Problem,
  type QP,
} from "./problem.js";

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

// `highs` ships CommonJS types with an ESM `default`; under NodeNext the default import is typed as
// the namespace, while at run time it is the loader itself (ESM) or has a `.default` (some bundlers).
type Loader = (settings?: Record<string, unknown>) => Promise<Highs>;
const highsLoader: Loader = (((highsModule as unknown as { default?: unknown }).default ?? highsModule) as Loader);

let cached: Promise<Highs> | undefined;

/**
 * Loads HiGHS once per realm (≈60 ms in Node; the .wasm is 3.5 MB). Later calls return the same
 * instance whatever their options. Fails with a message that says how to point at the .wasm.
 */
export function loadSolver(options: SolverLoadOptions = {}): Promise<MaxMarginSolver> {
  if (!cached) {
    let onError: (e: unknown) => void = () => {};
    const failed = new Promise<never>((_, reject) => (onError = reject)); // given bytes that fail to compile
    cached = Promise.race([highsLoader(loaderSettings(options, onError)), failed]).catch((e: unknown) => {
      cached = undefined;
      throw new Error(
        `samlab: could not load the HiGHS solver (highs.wasm): ${(e as Error)?.message ?? String(e)}. ` +
          "In a browser or worker, pass loadSolver({ locateFile: (f) => URL_OF_ASSETS + f }) or { wasmBinary }.",
      );
    });
  }
  return cached.then((h) => new MaxMarginSolver(h));
}

/**
 * The Emscripten settings for HiGHS's loader. Its loader fetches whatever `locateFile` names and
 * ignores a `wasmBinary` setting, so given bytes or a compiled module are handed over through the
 * `instantiateWasm` hook instead (Emscripten's documented way to instantiate the module yourself).
 */
function loaderSettings(options: SolverLoadOptions, onError: (e: unknown) => void): Record<string, unknown> {
  const { wasmBinary, wasmModule, locateFile } = options;
  if (!wasmBinary && !wasmModule) return locateFile ? { locateFile } : {};
  type Receive = (instance: WebAssembly.Instance, module: WebAssembly.Module) => void;
  return {
    ...(locateFile ? { locateFile } : {}),
    instantiateWasm(imports: WebAssembly.Imports, receive: Receive) {
      const compiled = wasmModule
        ? Promise.resolve(wasmModule)
        : WebAssembly.compile(ArrayBuffer.isView(wasmBinary) ? new Uint8Array(wasmBinary.buffer, wasmBinary.byteOffset, wasmBinary.byteLength).slice() : wasmBinary!);
      compiled.then((m) => WebAssembly.instantiate(m, imports).then((inst) => receive(inst, m))).catch(onError);
      return {};
    },
  };
}

/** Solves one norm (loads the solver on first use). */
export async function maxMargin(data: MaxMarginData, norm: MaxMarginNorm): Promise<MaxMarginSolution> {
  return (await loadSolver()).solve(data, norm);
}

/** Solves several norms on the same data (one separability test). */
export async function maxMarginAll(data: MaxMarginData, norms: readonly MaxMarginNorm[] = MAX_MARGIN_NORMS): Promise<Record<MaxMarginNorm, MaxMarginSolution>> {
  return (await loadSolver()).solveAll(data, norms);
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
   * The minimum-ℓ1-norm interpolator of a regression, min ‖β‖₁ s.t. <β, x_i> = y_i (the LP in
   * β = u − v, u, v ≥ 0), or undefined when no β interpolates (HiGHS reports no optimum).
   */
  minL1Interpolator(x: ArrayLike<number>, y: ArrayLike<number>, n: number, d: number): number[] | undefined {
    const lp = this.l1SplitLp(n, d, (i, j) => x[i * d + j]!, Array.from(y), Array.from(y));
    try {
      return fromSplit(this.run(lp, "simplex", "minimum-ℓ1 interpolation LP").colValue, d);
    } catch {
      return undefined;
    }
  }

  /**
   * The ℓ1 LP in the split β = u − v, u, v ≥ 0: min Σ(u + v) s.t. rowLower_i ≤ Σ_j a(i, j)(u_j − v_j)
   * ≤ rowUpper_i (the max-margin rows m_i·β ≥ 1, or the interpolation rows <β, x_i> = y_i).
   */
  private l1SplitLp(n: number, d: number, a: (i: number, j: number) => number, rowLower: number[], rowUpper: number[]): ModelData {
    const inf = this.highs.infinity;
    return {
      numCols: 2 * d,
      numRows: n,
      colCost: new Array<number>(2 * d).fill(1),
      colLower: new Array<number>(2 * d).fill(0),
      colUpper: new Array<number>(2 * d).fill(inf),
      rowLower,
      rowUpper,
      matrix: denseToCsr(n, 2 * d, (i, j) => (j < d ? a(i, j) : -a(i, j - d))),
    };
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
   * ℓ1, stage 1: min Σ(u+v) s.t. m_i·(u−v) ≥ 1, u, v ≥ 0 (docs/MODEL.md, "Max-margin references"). Stage 2: min ½(‖u‖²+‖v‖²)
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
    const lp = this.l1SplitLp(n, d, (i, j) => m[i * d + j]!, new Array<number>(n).fill(1), new Array<number>(n).fill(inf));
    const sol = this.run(lp, "simplex", "ℓ1 LP");
    const beta1 = fromSplit(sol.colValue, d);
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

/** β = u − v from the split LP's columns (negative round-off of u, v clipped to 0). */
function fromSplit(col: ArrayLike<number>, d: number): number[] {
  return Array.from({ length: d }, (_, j) => Math.max(0, col[j]!) - Math.max(0, col[d + j]!));
}
