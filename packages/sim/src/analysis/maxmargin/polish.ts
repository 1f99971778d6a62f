/**
 * The exact polish of the max-margin solutions: HiGHS's active set re-solved in float64 (a small
 * dense KKT system, QR with column pivoting) and checked against the optimality conditions, so
 * directions and margins are accurate to ~1e-12 rather than HiGHS's ~1e-7 tolerances.
 */
import type { ModelData } from "highs";
import type { QP } from "./problem.js";

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

/**
 * Fallback for the ℓ2 problem when HiGHS's QP fails (it cycled or stopped on a few instances):
 * exact coordinate maximization of the dual max_{α ≥ 0} Σα_i − ½‖Σ α_i m_i‖² (each step solves
 * for one α_i in closed form; the dual is concave, so this converges), to a KKT violation of 1e-11
 * or a time budget of ~5 s, then the usual exact polish with α as the multiplier guess.
 */
export function l2DualAscent(q: QP): { z: number[]; mu?: Float64Array; polished: boolean } | undefined {
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
export function polishVertex(model: ModelData, x0: Float64Array, colStatus: Int32Array, rowStatus: Int32Array): { x: Float64Array; rowDual: Float64Array } | undefined {
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
export function polishQP(q: QP, guess: readonly number[], duals?: { rowDual: ArrayLike<number>; colDual: ArrayLike<number> }, maxIter = 60): { z: number[]; mu: Float64Array; iterations: number } | undefined {
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
