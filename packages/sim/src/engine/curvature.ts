/**
 * Curvature of the training loss (docs/MODEL.md, "Curvature and balance"), the pure-TS mirror of
 * packages/core-wasm/assembly/math/curvature.ts, tridiag.ts and sharpness.ts: exact Hessian-vector
 * products in all L·d weights, λ_max and λ_min by Lanczos with full reorthogonalization and a
 * residual-based stop, tr H in closed form, the layer balance and the ℓ2-SAM edge of stability. The
 * reference engine writes its record columns with these; the tests check them against a dense
 * Hessian built from the formula.
 */
import { REC, type Algo, type Loss } from "./types.js";
import { portableExp } from "../math/portable-math.js";

/**
 * What the curvature needs from a network (reference.ts `DiagonalNet` has it; declared here so the
 * reference engine can import this file without a cycle).
 */
export interface CurvatureNet {
  readonly n: number;
  readonly d: number;
  readonly depth: number;
  readonly loss: Loss;
  /** Margins (residuals for the squared loss) after computeMargins. */
  readonly z: Float64Array;
  /** y_i x_i, or x_i for the squared loss. */
  readonly rows: Float64Array;
  computeBeta(w: Float64Array): void;
  computeMargins(): void;
}

/** ℓ'(z) (as reference.ts `lossPrime`). */
function lossPrime(loss: Loss, z: number): number {
  if (loss === "squared") return z;
  return loss === "logistic" ? -1 / (1 + portableExp(z)) : -portableExp(-z);
}

/** ℓ''(z): logistic 1/((1 + e^z)(1 + e^{−z})), exponential e^{−z}, squared 1. */
export function lossSecond(loss: Loss, z: number): number {
  if (loss === "squared") return 1;
  return loss === "logistic" ? 1 / ((1 + portableExp(z)) * (1 + portableExp(-z))) : portableExp(-z);
}

/** Relative tolerance of Lanczos' stop (on the largest |Ritz value|) and its product budget (the AS core's values). */
export const LANCZOS_TOL = 1e-10;
export const LANCZOS_MAX_ITER = 300;
const BASIS_CAP = 1 << 23;

/** λ_max and λ_min of H with their residuals ‖Hx − θx‖₂, tr H, and the Hessian-vector products used. */
export interface CurvatureValues {
  lambdaMax: number;
  lambdaMaxRes: number;
  lambdaMin: number;
  lambdaMinRes: number;
  traceH: number;
  products: number;
}

/** P[l·d + j] = Π_{k≠l} w_kj (prefix × suffix, no division). */
export function layerProducts(w: Float64Array, d: number, L: number, P: Float64Array): void {
  for (let j = 0; j < d; j++) {
    let p = 1;
    for (let l = 0; l < L; l++) {
      P[l * d + j] = p;
      p *= w[l * d + j]!;
    }
    let s = 1;
    for (let l = L - 1; l >= 0; l--) {
      P[l * d + j] = P[l * d + j]! * s;
      s *= w[l * d + j]!;
    }
  }
}

/** max_j [max_l w_lj² − min_l w_lj²]. */
export function balanceOf(w: ArrayLike<number>, d: number, L: number): number {
  let b = 0;
  for (let j = 0; j < d; j++) {
    let hi = -Infinity;
    let lo = Infinity;
    for (let l = 0; l < L; l++) {
      const v2 = w[l * d + j]! * w[l * d + j]!;
      if (v2 > hi) hi = v2;
      if (v2 < lo) lo = v2;
    }
    if (hi - lo > b) b = hi - lo;
  }
  return b;
}

/** The ℓ2-SAM edge (4/η)/(1 + √(1 + 8ρ/(η‖∇L‖))) = ‖∇L‖/(2ρ)(√(1 + 8ρ/(η‖∇L‖)) − 1); 2/η at ρ = 0. */
export function samEdge(eta: number, rho: number, gradNorm: number): number {
  if (rho === 0) return 2 / eta;
  return 4 / eta / (1 + Math.sqrt(1 + (8 * rho) / (eta * gradNorm)));
}

/**
 * Implicit QL on a symmetric tridiagonal matrix (D diagonal, E[i] coupling i and i+1, E[k−1] = 0),
 * rotating the row Z of the eigenvector matrix along. D ends as the eigenvalues; from Z = e_{k−1}ᵀ,
 * Z ends as the last components of the eigenvectors.
 */
export function tridiagEigen(D: Float64Array, E: Float64Array, Z: Float64Array, k: number): boolean {
  for (let l = 0; l < k; l++) {
    let iter = 0;
    for (;;) {
      let m = l;
      for (; m < k - 1; m++) {
        const dd = Math.abs(D[m]!) + Math.abs(D[m + 1]!);
        if (Math.abs(E[m]!) <= 2.220446049250313e-16 * dd) break;
      }
      if (m === l) break;
      if (iter++ === 60) return false;
      let g = (D[l + 1]! - D[l]!) / (2 * E[l]!);
      let r = Math.sqrt(g * g + 1);
      g = D[m]! - D[l]! + E[l]! / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let early = false;
      for (let i = m - 1; i >= l; i--) {
        const f = s * E[i]!;
        const b = c * E[i]!;
        r = Math.sqrt(f * f + g * g);
        E[i + 1] = r;
        if (r === 0) {
          D[i + 1] = D[i + 1]! - p;
          E[m] = 0;
          early = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = D[i + 1]! - p;
        r = (D[i]! - g) * s + 2 * c * b;
        p = s * r;
        D[i + 1] = g + p;
        g = c * r - b;
        const zf = Z[i + 1]!;
        const zi = Z[i]!;
        Z[i + 1] = s * zi + c * zf;
        Z[i] = c * zi - s * zf;
      }
      if (early) continue;
      D[l] = D[l]! - p;
      E[l] = g;
      E[m] = 0;
    }
  }
  return true;
}

/** min(r, r²/gap) for a Ritz pair with residual r; r alone while the gap is unknown (one Ritz value). */
const errorBound = (r: number, gap: number) => (gap > 0 && gap < Infinity ? Math.min(r, (r * r) / gap) : r);

/** Curvature workspaces of one n×d problem at depth L (allocated once per run). */
export class Curvature {
  readonly LD: number;
  readonly maxIter: number;
  private readonly basis: Float64Array;
  private readonly work: Float64Array;
  readonly P: Float64Array;
  readonly c: Float64Array;
  readonly g: Float64Array;
  private readonly q: Float64Array;
  private readonly a: Float64Array;
  private readonly T: Float64Array;
  private readonly alphas: Float64Array;
  private readonly betas: Float64Array;
  private readonly D: Float64Array;
  private readonly E: Float64Array;
  private readonly Z: Float64Array;
  /** The rows of the loss arguments: y_i x_i, or x_i for the squared loss (set by `prepare`). */
  private rows: Float64Array = new Float64Array(0);

  readonly tol: number;

  /** `opts` (tests): a smaller product budget or another tolerance than the engines'. */
  constructor(
    readonly n: number,
    readonly d: number,
    readonly L: number,
    opts: { maxIter?: number; tol?: number } = {},
  ) {
    this.LD = L * d;
    this.tol = opts.tol ?? LANCZOS_TOL;
    let m = Math.min(this.LD, opts.maxIter ?? LANCZOS_MAX_ITER);
    m = Math.max(1, Math.min(m, Math.floor(BASIS_CAP / this.LD) - 1));
    this.maxIter = m;
    this.basis = new Float64Array((m + 1) * this.LD);
    this.work = new Float64Array(this.LD);
    this.P = new Float64Array(this.LD);
    this.c = new Float64Array(n);
    this.g = new Float64Array(d);
    this.q = new Float64Array(d);
    this.a = new Float64Array(n);
    this.T = new Float64Array(2 * L);
    this.alphas = new Float64Array(m);
    this.betas = new Float64Array(m);
    this.D = new Float64Array(m);
    this.E = new Float64Array(m);
    this.Z = new Float64Array(m);
  }

  /**
   * Evaluates what every product at w needs: P, c_i = ℓ''(u_i)/n and g = ∂L/∂β, from the network's
   * rows (β and the margins are recomputed here: the net's workspaces are overwritten).
   */
  prepare(net: CurvatureNet, w: Float64Array): void {
    const { n, d, L, c, g } = this;
    net.computeBeta(w);
    net.computeMargins();
    this.rows = net.rows;
    layerProducts(w, d, L, this.P);
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const u = net.z[i]!;
      c[i] = lossSecond(net.loss, u) / n;
      const r = lossPrime(net.loss, u) / n;
      for (let j = 0; j < d; j++) g[j] = g[j]! + r * this.rows[i * d + j]!;
    }
  }

  /** out = H·v at the w of the last `prepare`. */
  hvp(w: Float64Array, v: Float64Array, out: Float64Array): void {
    const { n, d, L, P, c, g, q, a, T, rows } = this;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let l = 0; l < L; l++) s += P[l * d + j]! * v[l * d + j]!;
      q[j] = s;
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += rows[i * d + j]! * q[j]!;
      a[i] = s * c[i]!;
    }
    q.fill(0);
    for (let i = 0; i < n; i++) {
      const ai = a[i]!;
      if (ai === 0) continue;
      for (let j = 0; j < d; j++) q[j] = q[j]! + ai * rows[i * d + j]!;
    }
    for (let j = 0; j < d; j++) {
      const hj = q[j]!;
      const gj = g[j]!;
      let p = 1;
      let dp = 0;
      for (let l = 0; l < L; l++) {
        T[l] = dp;
        T[L + l] = p;
        const wl = w[l * d + j]!;
        dp = dp * wl + p * v[l * d + j]!;
        p *= wl;
      }
      let s = 1;
      let ds = 0;
      for (let l = L - 1; l >= 0; l--) {
        const o = l * d + j;
        const wl = w[o]!;
        out[o] = hj * P[o]! + gj * (T[l]! * s + T[L + l]! * ds);
        ds = ds * wl + s * v[o]!;
        s *= wl;
      }
    }
  }

  /** tr H at the w of the last `prepare`. */
  trace(): number {
    const { n, d, L, P, c, rows } = this;
    let tr = 0;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const x = rows[i * d + j]!;
        s += c[i]! * (x * x);
      }
      let pp = 0;
      for (let l = 0; l < L; l++) pp += P[l * d + j]! * P[l * d + j]!;
      tr += s * pp;
    }
    return tr;
  }

  /** λ_max, λ_min (with residuals) and tr H at w (the same Lanczos as the AS core's sharpness.ts). */
  at(net: CurvatureNet, w: Float64Array): CurvatureValues {
    this.prepare(net, w);
    const traceH = this.trace();
    const { LD, basis, work, alphas, betas, D, E, Z } = this;
    startVector(basis.subarray(0, LD));
    let betaPrev = 0;
    let lmax = 0;
    let lmin = 0;
    let rmax = 0;
    let rmin = 0;
    let k = 0;
    for (;;) {
      const qk = basis.subarray(k * LD, (k + 1) * LD);
      const qPrev = k > 0 ? basis.subarray((k - 1) * LD, k * LD) : qk;
      this.hvp(w, qk, work);
      let alpha = 0;
      for (let t = 0; t < LD; t++) alpha += qk[t]! * work[t]!;
      for (let t = 0; t < LD; t++) work[t] = work[t]! - alpha * qk[t]! - betaPrev * qPrev[t]!;
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i <= k; i++) {
          const o = i * LD;
          let c = 0;
          for (let t = 0; t < LD; t++) c += basis[o + t]! * work[t]!;
          for (let t = 0; t < LD; t++) work[t] = work[t]! - c * basis[o + t]!;
        }
      }
      let bb = 0;
      for (let t = 0; t < LD; t++) bb += work[t]! * work[t]!;
      const beta = Math.sqrt(bb);
      alphas[k] = alpha;
      betas[k] = beta;
      const size = k + 1;
      for (let i = 0; i < size; i++) {
        D[i] = alphas[i]!;
        E[i] = i < k ? betas[i]! : 0;
        Z[i] = i === k ? 1 : 0;
      }
      tridiagEigen(D, E, Z, size);
      let iMax = 0;
      let iMin = 0;
      for (let i = 1; i < size; i++) {
        if (D[i]! > D[iMax]!) iMax = i;
        if (D[i]! < D[iMin]!) iMin = i;
      }
      lmax = D[iMax]!;
      lmin = D[iMin]!;
      rmax = beta * Math.abs(Z[iMax]!);
      rmin = beta * Math.abs(Z[iMin]!);
      let nextMax = -Infinity;
      let nextMin = Infinity;
      for (let i = 0; i < size; i++) {
        if (i !== iMax && D[i]! > nextMax) nextMax = D[i]!;
        if (i !== iMin && D[i]! < nextMin) nextMin = D[i]!;
      }
      const scale = Math.max(Math.abs(lmax), Math.abs(lmin));
      const tol = this.tol * scale;
      const okMax = errorBound(rmax, lmax - nextMax) <= tol;
      const okMin = errorBound(rmin, nextMin - lmin) <= tol;
      k++;
      if ((okMax && okMin) || beta <= 1e-14 * scale || k >= LD || k >= this.maxIter) break;
      const qn = basis.subarray(k * LD, (k + 1) * LD);
      for (let t = 0; t < LD; t++) qn[t] = work[t]! / beta;
      betaPrev = beta;
    }
    return { lambdaMax: lmax, lambdaMaxRes: rmax, lambdaMin: lmin, lambdaMinRes: rmin, traceH, products: k };
  }
}

/** xorshift32 values in [−½, ½), normalized (the AS core's start vector). */
function startVector(v: Float64Array): void {
  let x = 0x9e3779b9;
  let s = 0;
  for (let k = 0; k < v.length; k++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    const val = x / 4294967296 - 0.5;
    v[k] = val;
    s += val * val;
  }
  const inv = 1 / Math.sqrt(s);
  for (let k = 0; k < v.length; k++) v[k] = v[k]! * inv;
}

/** What the edges of stability need at a recorded point (discrete runs; `eta` NaN for flows). */
export interface EdgeInput {
  /** η of the step leaving the point, or (perLoss) η with η_k = η/L(w). */
  eta: number;
  perLoss: boolean;
  algo: Algo;
  rho: number;
}

/**
 * The curvature columns of one record row (REC.BALANCE … REC.EDGE_SAM), mirroring the AS core's
 * record-curvature.ts; reads ‖∇L‖ and L(w) from the row's older columns.
 */
export function writeCurvatureRow(R: Float64Array, row: number, net: CurvatureNet, w: Float64Array, curv: Curvature | undefined, edge: EdgeInput): void {
  R[row + REC.BALANCE] = balanceOf(w, net.d, net.depth);
  if (curv) {
    const v = curv.at(net, w);
    R[row + REC.LAMBDA_MAX] = v.lambdaMax;
    R[row + REC.LAMBDA_MAX_RES] = v.lambdaMaxRes;
    R[row + REC.LAMBDA_MIN] = v.lambdaMin;
    R[row + REC.LAMBDA_MIN_RES] = v.lambdaMinRes;
    R[row + REC.TRACE_H] = v.traceH;
  } else {
    for (const c of [REC.LAMBDA_MAX, REC.LAMBDA_MAX_RES, REC.LAMBDA_MIN, REC.LAMBDA_MIN_RES, REC.TRACE_H]) R[row + c] = NaN;
  }
  const eta = edge.perLoss ? edge.eta / portableExp(R[row + REC.LOG_LOSS]!) : edge.eta;
  R[row + REC.EDGE_GD] = 2 / eta;
  // ℓ2-SAM's edge at the run's ρ; GD is ℓ2-SAM with ρ = 0 (edge 2/η); other rules get ℓ2-SAM's line for reference
  R[row + REC.EDGE_SAM] = samEdge(eta, edge.algo === "gd" ? 0 : edge.rho, R[row + REC.GRAD_NORM]!);
}
