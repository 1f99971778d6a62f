/**
 * KKT residual of depth-L gradient descent's limit problem.
 *
 * For a homogeneous network trained on separable data with the logistic (or exponential) loss, GD
 * converges in direction to a KKT point of `min ‖θ‖₂²  s.t.  y_i f(θ; x_i) ≥ 1` (Lyu & Li 2020).
 * Specialised to the diagonal linear network `β = w_1 ⊙ … ⊙ w_L` with balanced initialisation
 * (`|w_{l,j}| = |β_j|^{1/L}` for every layer l), that is a KKT point of
 *
 *   min ‖β‖_q^q   s.t.   y_i <β, x_i> ≥ 1 for all i,        q = 2/L,
 *
 * with stationarity required on the support of β: for β_j ≠ 0,
 * `q |β_j|^{q−1} sign(β_j) = Σ_i λ_i y_i x_ij`, λ_i ≥ 0, λ_i = 0 for examples with margin > 1.
 * (In parameter space the condition for a zero coordinate, `w_{l,j} = g_j Π_{k≠l} w_{k,j}`, holds
 * trivially when every w_{·,j} = 0 and L ≥ 2, so zero coordinates impose nothing; for L = 1,
 * q = 2 and the objective is differentiable, so they impose `Σ_i λ_i y_i x_ij = 0`.)
 * L = 1 is the hard-margin SVM (ℓ2 max margin), L = 2 the ℓ1 problem on its support, L ≥ 3 the
 * nonconvex ℓ_q (q < 1) problem; one code path serves all of them.
 *
 * `kktResidual` measures how far a given β is from such a point; `nnls` is the Lawson–Hanson
 * non-negative least-squares solver it uses. Both are pure, deterministic and allocation-light;
 * called once per evaluated point (a handful per run), never in the step loop.
 *
 * ```ts
 * kktResidual([0, 1 / 3], { x: [1, 3], y: [1], n: 1, d: 2 }, 2).residual; // 0: e₂ is ℓ1-KKT for x = (1, 3)
 * ```
 */

import { portableExp, portableLog } from "../math/portable-math.js";

/** Examples for `kktResidual`: rows `x_i` n×d row-major, labels `y_i` (±1, or any sign-carrying weight). */
export interface KktData {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  n: number;
  d: number;
}

export interface KktOptions {
  /**
   * Coordinates with `|β̂_j| ≥ supportTol · max_k |β̂_k|` form the support S (for q ≤ 1; for q > 1
   * every coordinate is checked). Default 1e-2. Why: for q < 1 the gradient `q|β_j|^{q−1}` grows
   * without bound as β_j → 0, so a coordinate GD is still shrinking dominates v: at a share s it
   * weighs s^{q−1} times the largest (s = 1e-3: 10× at L = 3, 32× at L = 4). GD shrinks those
   * coordinates only like 1/γ (their raw size stays bounded while γ grows like log t), and at the
   * margins plain GD reaches (γ ≈ 10–15) they still sit at shares of 1e-3…5e-3 on the test sets
   * (e.g. 12 Gaussian points, L = 3 and 4, α = 0.1) — a 1e-3 cut keeps them and reports a residual
   * of 0.2–0.9 at points that are otherwise exact KKT points; 1e-2 drops them. A coordinate that
   * carries the classifier is far above 1 % of the largest in every run measured.
   */
  supportTol?: number;
  /**
   * Examples with normalised margin `y_i<β̂, x_i> ≤ 1 + activeTol` form the active set A. Default
   * 1e-2. Why: along GD the margins of the limit's support vectors approach the minimum only at the
   * rate the direction converges (≈ 1/log t), so at finite t they differ from it by 1e-3…1e-2; a
   * tighter tolerance drops genuine support vectors and makes the residual jump. A looser one admits
   * examples that should carry λ = 0 — that can only lower the residual (more columns), so the
   * tolerance errs on the lenient side, and `active` / `margins` report what was admitted.
   */
  activeTol?: number;
  /**
   * Also admit examples whose margin exceeds the minimum by at most this much *in the units of the
   * β passed in* (raw margins `y_i<β, x_i>`, not normalised): A = { i : m̂_i ≤ 1 + max(activeTol,
   * marginGap / γ) }. Off by default. Why: along GD with the logistic or exponential loss the
   * examples that carry the limit's multipliers are those whose loss weight `e^{−z_i}` is not
   * negligible next to the largest, i.e. whose raw margin gap `z_i − γ` is O(1); those gaps stay
   * O(1) as γ grows like log t, so their *normalised* gaps shrink only like 1/γ, and at reachable γ
   * (10–15) they are 0.05–0.2 — far above any fixed activeTol. Pass the run's own iterate and
   * `marginGap: 3` (weights ≥ e^{−3} ≈ 5 % of the largest) to use the set GD itself is weighting.
   * With it the result depends on β's scale, by design: the scale says how far the run has come.
   */
  marginGap?: number;
}

export interface KktResult {
  /**
   * Relative stationarity residual `‖Mλ − v‖₂ / ‖v‖₂` on the support, in [0, 1] (λ = 0 gives 1);
   * 0 at an exact KKT point. `Infinity` when β does not separate the data (see `reason`).
   */
  residual: number;
  /** `q = 2/L`, the exponent of the limit problem. */
  q: number;
  depth: number;
  /** The input's minimum margin `min_i y_i<β, x_i>`; `β̂ = β / scale`. */
  scale: number;
  /** Same number as `scale` (kept under the name people look for). */
  minMargin: number;
  /** β scaled to unit minimum margin (a copy of β when not separating). */
  betaHat: number[];
  /** 0-based coordinates where stationarity is checked (every coordinate when q > 1). */
  support: number[];
  /** 0-based indices of the active examples (normalised margin ≤ `activeThreshold`), ascending. */
  active: number[];
  /** λ_i ≥ 0 for each entry of `active`, in the same order (the NNLS solution). */
  multipliers: number[];
  /**
   * Complementary slackness of the NNLS multipliers: `Σ_A λ_i (m̂_i − 1) / Σ_A λ_i m̂_i` in [0, 1);
   * 0 when all multiplier mass sits on examples at the minimum margin. Large values say the
   * residual leaned on examples admitted by a loose `activeTol`/`marginGap`.
   */
  slack: number;
  /**
   * The same relative residual on S with the multipliers fixed to the loss weights GD itself uses,
   * `λ_i ∝ e^{−(z_i − γ)}` over all examples (raw margins z_i of the β passed in; the
   * exponential-tail weights of Lyu & Li's construction), best positive scale: no active set, no
   * NNLS, continuous along a run. Depends on β's scale, by design. In [0, 1].
   */
  lossWeightResidual: number;
  /** Normalised margins `y_i<β̂, x_i>` of every example (≥ 1 by construction when separating). */
  margins: number[];
  /** The normalised-margin threshold actually used for A: `1 + max(activeTol, marginGap / scale)`. */
  activeThreshold: number;
  /** Set when no residual could be computed: `not-separating` (min margin ≤ 0; also β = 0). */
  reason?: "not-separating";
}

const EPS = 2.220446049250313e-16;

/**
 * a^e for a > 0: exact by multiplication for e ∈ {0, 1} (L = 2, L = 1), else through the portable
 * exp/log. Not Math.pow / Math.exp: V8's differ in the last bit between versions (Node and
 * Chromium), and a Result's diagnostics must be the same bits in the CLI and on the page.
 */
function powAbs(a: number, e: number): number {
  if (e === 0) return 1;
  if (e === 1) return a;
  return portableExp(e * portableLog(a));
}

/**
 * The KKT stationarity residual of `β` for depth `depth` (q = 2/depth), computed as:
 * 1. β̂ = β / min_i y_i<β, x_i> (unit minimum margin; the residual is then invariant to β's scale,
 *    as GD's limit is a direction). Min margin ≤ 0 → `residual = Infinity`, `reason: "not-separating"`.
 * 2. S = support (see `KktOptions.supportTol`; all coordinates for q > 1), A = active examples
 *    (see `KktOptions.activeTol` and, for GD iterates, `KktOptions.marginGap`).
 * 3. v_j = q |β̂_j|^{q−1} sign(β̂_j) for j ∈ S (the gradient of ‖β‖_q^q), M_{j,i} = y_i x_ij;
 *    λ = argmin_{λ≥0} ‖Mλ − v‖₂ by `nnls`; residual = ‖Mλ − v‖₂ / ‖v‖₂ recomputed from M, λ, v.
 * Deterministic; O(n d + |S| |A| min(|S|, |A|)) per call in practice.
 */
export function kktResidual(beta: ArrayLike<number>, data: KktData, depth: number, opts: KktOptions = {}): KktResult {
  const { x, y, n, d } = data;
  if (!(Number.isInteger(depth) && depth >= 1)) throw new RangeError(`kktResidual: depth must be an integer ≥ 1 (got ${depth})`);
  if (beta.length !== d || x.length !== n * d || y.length !== n || n < 1) {
    throw new RangeError(`kktResidual: shapes disagree (β has ${beta.length}, x has ${x.length} = n·d = ${n}·${d}?, y has ${y.length})`);
  }
  const supportTol = opts.supportTol ?? 1e-2;
  const activeTol = opts.activeTol ?? 1e-2;
  const marginGap = opts.marginGap ?? 0;
  if (!(activeTol >= 0 && marginGap >= 0 && supportTol >= 0)) throw new RangeError("kktResidual: supportTol, activeTol and marginGap must be ≥ 0");
  const q = 2 / depth;

  const raw = new Float64Array(n);
  let scale = Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i * d + j]! * beta[j]!;
    raw[i] = y[i]! * s;
    if (raw[i]! < scale) scale = raw[i]!;
  }
  const activeThreshold = 1 + Math.max(activeTol, scale > 0 ? marginGap / scale : 0);
  const base = { q, depth, scale, minMargin: scale, activeThreshold };
  if (!(scale > 0)) {
    return { ...base, residual: Infinity, betaHat: Array.from(beta), support: [], active: [], multipliers: [], slack: 0, lossWeightResidual: Infinity, margins: Array.from(raw), reason: "not-separating" };
  }
  const betaHat = Array.from(beta, (b) => b / scale);
  const margins = Array.from(raw, (m) => m / scale);

  let maxAbs = 0;
  for (const b of betaHat) maxAbs = Math.max(maxAbs, Math.abs(b));
  const support: number[] = [];
  for (let j = 0; j < d; j++) if (q > 1 || Math.abs(betaHat[j]!) >= supportTol * maxAbs) support.push(j);
  const active: number[] = [];
  for (let i = 0; i < n; i++) if (margins[i]! <= activeThreshold) active.push(i);

  const m = support.length;
  const k = active.length;
  const v = new Float64Array(m);
  // Column-major M (m × k): column c is y_i x_i restricted to S, i = active[c].
  const M = new Float64Array(m * k);
  for (let r = 0; r < m; r++) {
    const b = betaHat[support[r]!]!;
    v[r] = b === 0 ? 0 : q * powAbs(Math.abs(b), q - 1) * Math.sign(b);
  }
  for (let c = 0; c < k; c++) {
    const i = active[c]!;
    for (let r = 0; r < m; r++) M[c * m + r] = y[i]! * x[i * d + support[r]!]!;
  }
  const { x: lambda } = nnls(M, m, k, v);

  let rr = 0;
  let vv = 0;
  for (let r = 0; r < m; r++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += M[c * m + r]! * lambda[c]!;
    rr += (s - v[r]!) ** 2;
    vv += v[r]! ** 2;
  }
  let num = 0;
  let den = 0;
  for (let c = 0; c < k; c++) {
    num += lambda[c]! * (margins[active[c]!]! - 1);
    den += lambda[c]! * margins[active[c]!]!;
  }
  // Loss weights relative to the minimum-margin example (≤ 1, no overflow).
  const g = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const wi = portableExp(-(raw[i]! - scale));
    if (wi === 0) continue;
    for (let r = 0; r < m; r++) g[r] = g[r]! + wi * y[i]! * x[i * d + support[r]!]!;
  }
  let gv = 0;
  let gg = 0;
  for (let r = 0; r < m; r++) {
    gv += g[r]! * v[r]!;
    gg += g[r]! ** 2;
  }
  const cBest = gv > 0 && gg > 0 ? gv / gg : 0;
  let rw = 0;
  for (let r = 0; r < m; r++) rw += (cBest * g[r]! - v[r]!) ** 2;
  // vv = 0 only for q > 1 at β̂ = 0, which the positive margin rules out.
  return {
    ...base,
    residual: Math.sqrt(rr / vv),
    betaHat,
    support,
    active,
    multipliers: Array.from(lambda),
    slack: den > 0 ? num / den : 0,
    lossWeightResidual: Math.sqrt(rw / vv),
    margins,
  };
}

export interface NnlsResult {
  /** The solution λ ≥ 0 (length k). */
  x: Float64Array;
  /** ‖Aλ − b‖₂, recomputed from A, λ, b. */
  residualNorm: number;
  /** Outer iterations (columns brought into the passive set). */
  iterations: number;
}

/**
 * Non-negative least squares `argmin_{x ≥ 0} ‖A x − b‖₂` by Lawson & Hanson's active-set method
 * (Solving Least Squares Problems, 1974, ch. 23). `A` is m × k, **column-major** (column c at
 * `A[c*m … c*m+m)`), any shape, rank-deficient allowed.
 *
 * The inner unconstrained least squares on the passive set P is solved by Householder QR of A_P
 * (never the normal equations: they square the condition number, and M's columns — nearby
 * examples — can be close to dependent). Appending a column updates the factorisation in O(m·|P|)
 * by applying the stored reflectors to it; removing one rebuilds it (rarer). A column whose part
 * outside span(A_P) is below `1e3·ε·‖a‖` is not admitted (it cannot lower the residual beyond
 * rounding), and one whose LS coefficient comes out ≤ 0 right after entering is rejected, as in
 * Lawson–Hanson; both guards stop the cycling that rounding causes otherwise.
 * Stops when every dual component `w = Aᵀ(b − Ax)` off P is ≤ `10·max(m,k)·ε·max‖a_c‖·‖b‖`,
 * or after 3·max(k, 1) + 10 outer iterations.
 */
export function nnls(A: ArrayLike<number>, m: number, k: number, b: ArrayLike<number>): NnlsResult {
  if (A.length !== m * k || b.length !== m) throw new RangeError(`nnls: A must be m×k = ${m}×${k} column-major and b of length m`);
  const x = new Float64Array(k);
  let bNorm = 0;
  for (let r = 0; r < m; r++) bNorm += b[r]! ** 2;
  bNorm = Math.sqrt(bNorm);
  const colNorm = new Float64Array(k);
  let maxCol = 0;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let r = 0; r < m; r++) s += A[c * m + r]! ** 2;
    colNorm[c] = Math.sqrt(s);
    maxCol = Math.max(maxCol, colNorm[c]!);
  }
  const tolW = 10 * Math.max(m, k) * EPS * maxCol * bNorm;
  const qr = new IncrementalQr(A, m, b);
  const passive = new Uint8Array(k);
  const blocked = new Uint8Array(k);
  const resid = new Float64Array(m);
  const w = new Float64Array(k);
  const maxIter = 3 * Math.max(k, 1) + 10;
  let iterations = 0;

  const dual = () => {
    for (let r = 0; r < m; r++) resid[r] = b[r]!;
    for (let c = 0; c < k; c++) {
      const xc = x[c]!;
      if (xc !== 0) for (let r = 0; r < m; r++) resid[r] = resid[r]! - A[c * m + r]! * xc;
    }
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let r = 0; r < m; r++) s += A[c * m + r]! * resid[r]!;
      w[c] = s;
    }
  };

  dual();
  while (iterations < maxIter) {
    let t = -1;
    let best = tolW;
    for (let c = 0; c < k; c++) if (!passive[c] && !blocked[c] && w[c]! > best) { best = w[c]!; t = c; }
    if (t < 0) break;
    iterations++;
    if (!qr.append(t, colNorm[t]!)) { blocked[t] = 1; continue; }
    let z = qr.solve();
    if (z[z.length - 1]! <= 0) {
      // Rounding made the entering column's coefficient non-positive: w_t > 0 says it should be
      // positive, so the column is numerically useless here. Undo and try another.
      qr.pop();
      blocked[t] = 1;
      continue;
    }
    passive[t] = 1;
    blocked.fill(0);
    // Inner loop: step from x toward z until every passive coefficient is positive.
    for (;;) {
      let alpha = Infinity;
      let leave = -1;
      for (let p = 0; p < qr.cols.length; p++) {
        const c = qr.cols[p]!;
        if (z[p]! <= 0) {
          const a = x[c]! / (x[c]! - z[p]!);
          if (a < alpha) { alpha = a; leave = c; }
        }
      }
      if (leave < 0) break;
      const keep: number[] = [];
      for (let p = 0; p < qr.cols.length; p++) {
        const c = qr.cols[p]!;
        const nx = x[c]! + alpha * (z[p]! - x[c]!);
        if (c === leave || nx <= 0) { x[c] = 0; passive[c] = 0; } else { x[c] = nx; keep.push(c); }
      }
      for (const c of qr.rebuild(keep)) { x[c] = 0; passive[c] = 0; }
      z = qr.solve();
    }
    for (let p = 0; p < qr.cols.length; p++) x[qr.cols[p]!] = z[p]!;
    dual();
  }
  dual();
  let rn = 0;
  for (let r = 0; r < m; r++) rn += resid[r]! ** 2;
  return { x, residualNorm: Math.sqrt(rn), iterations };
}

/**
 * Householder QR of the columns `cols` of A (column-major m × k), with Qᵀb kept alongside.
 * Reflector p acts on rows p…m−1; column p of R is the first p+1 entries of the stored
 * transformed column. Used only by `nnls`.
 */
class IncrementalQr {
  readonly cols: number[] = [];
  private readonly vs: Float64Array[] = []; // reflector p: entries p…m−1 of v, H_p = I − τ_p v vᵀ
  private readonly taus: number[] = [];
  private readonly rcols: Float64Array[] = [];
  private qtb: Float64Array;
  private readonly A: ArrayLike<number>;
  private readonly m: number;
  private readonly b: ArrayLike<number>;

  constructor(A: ArrayLike<number>, m: number, b: ArrayLike<number>) {
    this.A = A;
    this.m = m;
    this.b = b;
    this.qtb = Float64Array.from({ length: m }, (_, r) => b[r]!);
  }

  /** Refactorises from scratch on `cols` (in that order); returns the columns it had to drop. */
  rebuild(cols: readonly number[]): number[] {
    this.cols.length = 0;
    this.vs.length = 0;
    this.taus.length = 0;
    this.rcols.length = 0;
    this.qtb = Float64Array.from({ length: this.m }, (_, r) => this.b[r]!);
    const dropped: number[] = [];
    for (const c of cols) {
      // Columns that were independent stay independent after others are removed; a failure here
      // would only mean rounding at the admission threshold, and dropping the column is then safe.
      if (!this.append(c, Infinity)) dropped.push(c);
    }
    return dropped;
  }

  /** Removes the last appended column (reflectors are involutions: applying the last one again restores Qᵀb). */
  pop(): void {
    const p = this.cols.length - 1;
    applyReflector(this.vs[p]!, this.taus[p]!, p, this.qtb);
    this.vs.pop();
    this.taus.pop();
    this.rcols.pop();
    this.cols.pop();
  }

  /** Appends column c; returns false (and leaves the factorisation unchanged) if it is numerically dependent. */
  append(c: number, colNorm: number): boolean {
    const { m } = this;
    const p = this.cols.length;
    if (p >= m) return false;
    const a = new Float64Array(m);
    for (let r = 0; r < m; r++) a[r] = this.A[c * m + r]!;
    for (let h = 0; h < p; h++) applyReflector(this.vs[h]!, this.taus[h]!, h, a);
    let sigma = 0;
    for (let r = p; r < m; r++) sigma += a[r]! ** 2;
    sigma = Math.sqrt(sigma);
    const norm = Number.isFinite(colNorm) ? colNorm : Math.sqrt(a.reduce((s, v) => s + v * v, 0));
    if (!(sigma > 1e3 * EPS * norm) || sigma === 0) return false;
    // v = a[p…] + sign(a_p)·σ·e_p, H = I − τ v vᵀ with τ = 2 / vᵀv; H a = −sign(a_p) σ e_p.
    const v = new Float64Array(m);
    const s = a[p]! >= 0 ? 1 : -1;
    v[p] = a[p]! + s * sigma;
    for (let r = p + 1; r < m; r++) v[r] = a[r]!;
    let vtv = 0;
    for (let r = p; r < m; r++) vtv += v[r]! ** 2;
    const tau = 2 / vtv;
    a[p] = -s * sigma;
    for (let r = p + 1; r < m; r++) a[r] = 0;
    applyReflector(v, tau, p, this.qtb);
    this.vs.push(v);
    this.taus.push(tau);
    this.rcols.push(a);
    this.cols.push(c);
    return true;
  }

  /** Solves R z = (Qᵀb)_{0…p−1} by back substitution: the LS coefficients of the columns, in `cols` order. */
  solve(): Float64Array {
    const p = this.cols.length;
    const z = new Float64Array(p);
    for (let i = p - 1; i >= 0; i--) {
      let s = this.qtb[i]!;
      for (let j = i + 1; j < p; j++) s -= this.rcols[j]![i]! * z[j]!;
      z[i] = s / this.rcols[i]![i]!;
    }
    return z;
  }
}

/** a ← (I − τ v vᵀ) a on rows from…m−1. */
function applyReflector(v: Float64Array, tau: number, from: number, a: Float64Array): void {
  let s = 0;
  for (let r = from; r < a.length; r++) s += v[r]! * a[r]!;
  s *= tau;
  if (s !== 0) for (let r = from; r < a.length; r++) a[r] = a[r]! - s * v[r]!;
}
