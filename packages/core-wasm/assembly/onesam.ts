// samlab core, 1-SAM at depth 2 (docs/MODEL.md, "1-SAM at depth 2"): the step of plain.ts for groups
// of one example (`sam.group` 1), L = 2 and one ascent step, with two passes over each example's row
// instead of the per-example perturbation, in closed form for every SAM rule (below). Where ℓ∞'s
// closed form cannot have the per-example signs (a product underflows: `linfExact`), ℓ∞-SAM takes
// the per-example path fused, with its exact bits (at the end of this file).
//
// With u = y_i x_i (x_i for the squared loss), r = ℓ'(z_i) at w and the per-coordinate weights
// p_l = 1 (ℓ2, USAM) or T_l² = (|w_l| + ξ)² (ASAM), the example's perturbation is
// w̃_1 = w_1 + c·p_1·r u ⊙ w_2, w̃_2 = w_2 + c·p_2·r u ⊙ w_1, so with t = c·r
//   β̃ = w̃_1 ⊙ w̃_2 = β + t·u ⊙ ν + t²·u² ⊙ β',  ν = p_1 w_2² + p_2 w_1²,  β' = p_1 p_2 β,
//   z̃_i = z_i + t·a_i + t·(t·b_i),  a_i = Σ_j u_j² ν_j,  b_i = Σ_j u_j³ β'_j,
// (|t·a_i| = ρ√a_i and |t·b_i| ≤ ρ·max|u|·√a_i/2 stay small even when t is huge: weights ~1e-160)
// and ‖∇_w L_i‖₂ (ASAM: ‖T ∇_w L_i‖₂) = |r|·√a_i, so t = ρ·r/(|r|√a_i) for ℓ2 and ASAM (0 when that
// norm is 0) and t = ρ·r for USAM. The step's direction Σ_i (1/b) ∇_w L_i(w̃_i) is then
//   dir_1 = (1/b)·(w_2 ⊙ S_1 + p_2 w_1 ⊙ S_2),  dir_2 = (1/b)·(w_1 ⊙ S_1 + p_1 w_2 ⊙ S_2),
//   S_1 = Σ_i ℓ'(z̃_i) u_i,  S_2 = Σ_i ℓ'(z̃_i) t_i u_i².
// ℓ∞-SAM has the same shape: ε_1 = ρ·sign(r u ⊙ w_2) = t·sign(u) ⊙ sign(w_2) with t = ρ·sign(r), so
//   β̃ = β + t·sign(u) ⊙ (|w_1| + |w_2|) + t²·sign(u)² ⊙ sign(w_1) sign(w_2),
//   a_i = Σ_j |u_j| ν_j, ν = |w_1| + |w_2|,  b_i = Σ_j u_j β'_j, β' = sign(w_1) sign(w_2),
//   dir_1 = (1/b)·(w_2 ⊙ S_1 + sign(w_1) ⊙ S_2),  S_2 = Σ_i ℓ'(z̃_i) t_i |u_i|  (dir_2 likewise).
// One fused pass per example gives z_i, a_i and b_i, a second accumulates S_1 and S_2: 9 loads and
// stores of length-d vectors per example, where forming w̃_i (plain.ts) takes about 20. The sums
// are rounded differently from the per-example path; the TS reference engine keeps the per-example form
// (engine/plain-reference.ts) and is the oracle: packages/sim/src/engine/onesam.test.ts, which also
// runs the core's own per-example path (`set_one_sam_per_example`) against this file.

import { ALGO_ASAM, ALGO_SAM_L2, ALGO_SAM_LINF, ALGO_USAM, LOSS_SQUARED } from "./generated/codes";
import { lossPrime, lossPrimeV } from "./math/loss";
import { asamT, l2Coef, l2CoefV, linfEps, linfEpsV, signOf } from "./math/perturb";
import { betaInto } from "./math/layers";
import { n, d, L, algo, lossKind, rho, xi, yxPtr, yPtr, allocF64, ld, rowMargin } from "./model";

let betaP: usize = 0; // d, β at w
let nuP: usize = 0; // d, ν (ℓ∞: |w_1| + |w_2|)
let betaWP: usize = 0; // d, β' (ASAM, ℓ∞: ℓ2 and USAM read β itself)
let p1P: usize = 0; // d, p_1 (ASAM only)
let p2P: usize = 0; // d, p_2 (ASAM only)
let s1P: usize = 0; // d, S_1
let s2P: usize = 0; // d, S_2
let zP: usize = 0; // n: the batch's z_i, a_i, b_i, then its coefficients ℓ'(z̃_i), ℓ'(z̃_i)·t_i
let aP: usize = 0;
let bP: usize = 0;
let q1P: usize = 0;
let q2P: usize = 0;
let minU: f64 = 0; // the smallest nonzero |u_ij| of the data (ℓ∞'s guard; once per run)
let minW: f64 = 0; // the smallest nonzero |w| at this step's W (ℓ∞'s guard)

let forceFused = false; // tests and benchmarks: ℓ∞ always takes the fused per-example form
let fallbacks: i32 = 0; // ℓ∞ steps that left the closed form (linfExact false) in this run

/** Forgets the buffers (a new run); called by plain.ts `plainReset`. */
export function oneSamReset(): void {
  betaP = 0;
  forceFused = false;
  fallbacks = 0;
}

/** How many ℓ∞ steps of this run left the closed form for the fused form (tests and benchmarks). */
export function linfFallbacks(): i32 {
  return fallbacks;
}

/** Tests and benchmarks: ℓ∞-SAM's 1-SAM step always takes the fused form (the per-example bits). */
export function setLinfFused(on: bool): void {
  forceFused = on;
}

/** Whether a step of `m`-example groups over a batch of `b` rows takes this path (`k`: ascent steps). */
export function oneSamActive(m: i32, b: i32, k: i32): bool {
  return m == 1 && b > 1 && L == 2 && k == 1 && (algo == ALGO_SAM_L2 || algo == ALGO_USAM || algo == ALGO_ASAM || algo == ALGO_SAM_LINF);
}

function ensure(): void {
  if (betaP != 0) return;
  betaP = allocF64(d);
  nuP = allocF64(d);
  betaWP = allocF64(d);
  p1P = allocF64(d);
  p2P = allocF64(d);
  s1P = allocF64(d);
  s2P = allocF64(d);
  zP = allocF64(n);
  aP = allocF64(n);
  bP = allocF64(n);
  q1P = allocF64(n);
  q2P = allocF64(n);
  let m = Infinity;
  const nd = n * d;
  for (let k = 0; k < nd; k++) {
    const u = Math.abs(load<f64>(yxPtr + (<usize>k << 3)));
    if (u > 0 && u < m) m = u;
  }
  minU = m;
}

/** β, ν (and ASAM's p_1, p_2, β'; ℓ∞'s β' and the guard's min |w|) at W; zeroes S_1 and S_2. Once per step. */
function coefficientsAtW(W: usize): void {
  const dd = d;
  const W2 = W + (<usize>dd << 3);
  const asam = algo == ALGO_ASAM;
  const linf = algo == ALGO_SAM_LINF;
  let mw = Infinity;
  for (let j = 0; j < dd; j++) {
    const o = <usize>j << 3;
    const a = load<f64>(W + o);
    const c = load<f64>(W2 + o);
    const beta = a * c;
    store<f64>(betaP + o, beta);
    if (linf) {
      const fa = Math.abs(a), fc = Math.abs(c);
      store<f64>(nuP + o, fa + fc);
      store<f64>(betaWP + o, signOf(a) * signOf(c)); // not sign(β): β underflows where w_1, w_2 do not
      if (fa > 0 && fa < mw) mw = fa;
      if (fc > 0 && fc < mw) mw = fc;
    } else if (asam) {
      const t1 = asamT(a, xi);
      const t2 = asamT(c, xi);
      const p1 = t1 * t1;
      const p2 = t2 * t2;
      store<f64>(p1P + o, p1);
      store<f64>(p2P + o, p2);
      store<f64>(nuP + o, p1 * (c * c) + p2 * (a * a));
      store<f64>(betaWP + o, (p1 * p2) * beta);
    } else store<f64>(nuP + o, c * c + a * a);
  }
  minW = mw;
  memory.fill(s1P, 0, <usize>dd << 3);
  memory.fill(s2P, 0, <usize>dd << 3);
}

// the three sums of one row, left in these globals by `rowSums` (AssemblyScript returns one value)
let sumZ: f64 = 0;
let sumA: f64 = 0;
let sumB: f64 = 0;

/** Σ u β, Σ u² ν, Σ u³ β' of the row at X, in one pass (two f64x2 lanes each, then the odd entry). */
function rowSums(X: usize): void {
  const dd = d, eP = betaP, nP = nuP, wP = algo == ALGO_SAM_L2 || algo == ALGO_USAM ? betaP : betaWP;
  const linf = algo == ALGO_SAM_LINF;
  let z = f64x2.splat(0);
  let a = f64x2.splat(0);
  let b = f64x2.splat(0);
  const dEven = dd & ~1;
  let j = 0;
  // two loops, not a branch in one: the branch inside cost the ℓ2 rules a fifth of their step
  if (linf) {
    for (; j < dEven; j += 2) {
      const o = <usize>j << 3;
      const u = v128.load(X + o);
      z = f64x2.add(z, f64x2.mul(u, v128.load(eP + o)));
      a = f64x2.add(a, f64x2.mul(f64x2.abs(u), v128.load(nP + o)));
      b = f64x2.add(b, f64x2.mul(u, v128.load(wP + o)));
    }
  } else {
    for (; j < dEven; j += 2) {
      const o = <usize>j << 3;
      const u = v128.load(X + o);
      const u2 = f64x2.mul(u, u);
      z = f64x2.add(z, f64x2.mul(u, v128.load(eP + o)));
      a = f64x2.add(a, f64x2.mul(u2, v128.load(nP + o)));
      b = f64x2.add(b, f64x2.mul(f64x2.mul(u2, u), v128.load(wP + o)));
    }
  }
  let sz = f64x2.extract_lane(z, 0) + f64x2.extract_lane(z, 1);
  let sa = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  let sb = f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1);
  if (j < dd) {
    const o = <usize>j << 3;
    const u = load<f64>(X + o);
    const u2 = u * u;
    sz += u * load<f64>(eP + o);
    sa += (linf ? Math.abs(u) : u2) * load<f64>(nP + o);
    sb += (linf ? u : u2 * u) * load<f64>(wP + o);
  }
  sumZ = sz;
  sumA = sa;
  sumB = sb;
}

/** S_1 += q1·u, S_2 += q2·u² (ℓ∞: q2·|u|) over the row at X. */
function accumulate(X: usize, q1: f64, q2: f64): void {
  const dd = d, s1 = s1P, s2 = s2P;
  const linf = algo == ALGO_SAM_LINF;
  const v1 = f64x2.splat(q1);
  const v2 = f64x2.splat(q2);
  const dEven = dd & ~1;
  let j = 0;
  if (linf) {
    for (; j < dEven; j += 2) {
      const o = <usize>j << 3;
      const u = v128.load(X + o);
      v128.store(s1 + o, f64x2.add(v128.load(s1 + o), f64x2.mul(v1, u)));
      v128.store(s2 + o, f64x2.add(v128.load(s2 + o), f64x2.mul(v2, f64x2.abs(u))));
    }
  } else {
    for (; j < dEven; j += 2) {
      const o = <usize>j << 3;
      const u = v128.load(X + o);
      v128.store(s1 + o, f64x2.add(v128.load(s1 + o), f64x2.mul(v1, u)));
      v128.store(s2 + o, f64x2.add(v128.load(s2 + o), f64x2.mul(v2, f64x2.mul(u, u))));
    }
  }
  if (j < dd) {
    const o = <usize>j << 3;
    const u = load<f64>(X + o);
    store<f64>(s1 + o, load<f64>(s1 + o) + q1 * u);
    store<f64>(s2 + o, load<f64>(s2 + o) + q2 * (linf ? Math.abs(u) : u * u));
  }
}

/**
 * t_i and the coefficients ℓ'(z̃_i), ℓ'(z̃_i)·t_i of rows q0, q0 + 1 (their z, a, b in zP, aP, bP at
 * byte offset o) into q1P, q2P: two lanes at once (lossPrimeV: each lane the bits of lossPrime).
 */
// @ts-ignore: decorator
@inline function coefsPair(o: usize, usam: bool, linf: bool): void {
  const z = v128.load(zP + o);
  const a = v128.load(aP + o);
  const b = v128.load(bP + o);
  const r = lossPrimeV(lossKind, z);
  const rhoV = f64x2.splat(rho);
  let t: v128;
  if (linf) {
    t = linfEpsV(r, rhoV, f64x2.splat(-rho));
    v128.store(zP + o, r); // for the guard (linfExact)
  } else if (usam) t = f64x2.mul(rhoV, r);
  else {
    const norm = f64x2.mul(f64x2.abs(r), f64x2.sqrt(a));
    const zero = f64x2.splat(0);
    t = v128.bitselect(zero, f64x2.mul(l2CoefV(rhoV, norm), r), f64x2.eq(norm, zero));
  }
  // t·(t·b), never (t·t)·b: t reaches ~1e160 where every weight is ~1e-160, t² overflows, t²·b does not
  const zt = f64x2.add(f64x2.add(z, f64x2.mul(t, a)), f64x2.mul(t, f64x2.mul(t, b)));
  const rt = lossPrimeV(lossKind, zt);
  v128.store(q1P + o, rt);
  v128.store(q2P + o, f64x2.mul(rt, t));
}

/** The same for one row (the odd last one). */
function coefsOne(o: usize, usam: bool, linf: bool): void {
  const z = load<f64>(zP + o);
  const a = load<f64>(aP + o);
  const r = lossPrime(lossKind, z);
  let t: f64;
  if (linf) {
    t = linfEps(r, rho);
    store<f64>(zP + o, r);
  } else if (usam) t = rho * r;
  else {
    const norm = Math.abs(r) * Math.sqrt(a);
    t = norm == 0 ? 0 : l2Coef(rho, norm) * r;
  }
  const zt = (z + t * a) + t * (t * load<f64>(bP + o));
  const rt = lossPrime(lossKind, zt);
  store<f64>(q1P + o, rt);
  store<f64>(q2P + o, rt * t);
}

/**
 * The direction Σ_i (1/b) ∇_w L_i(w̃_i) of a 1-SAM step over the rows R[0 … b) at W, into `dir`
 * (L·d = 2d values): the rows' sums, then every row's coefficients (two at a time), then the
 * accumulation.
 */
export function oneSamDirection(W: usize, R: usize, b: i32, dir: usize): void {
  ensure();
  const linf = algo == ALGO_SAM_LINF;
  if (linf && forceFused) {
    linfDirection(W, R, b, dir);
    return;
  }
  coefficientsAtW(W);
  const dd = d;
  const squared = lossKind == LOSS_SQUARED;
  const row = <usize>dd << 3;
  for (let q = 0; q < b; q++) {
    const i = load<i32>(R + (<usize>q << 2));
    rowSums(yxPtr + <usize>i * row);
    const o = <usize>q << 3;
    store<f64>(zP + o, squared ? sumZ - ld(yPtr, i) : sumZ);
    store<f64>(aP + o, sumA);
    store<f64>(bP + o, sumB);
  }
  const usam = algo == ALGO_USAM;
  const bEven = b & ~1;
  let q = 0;
  for (; q < bEven; q += 2) coefsPair(<usize>q << 3, usam, linf);
  if (q < b) coefsOne(<usize>q << 3, usam, linf);
  if (linf && !linfExact(b)) {
    fallbacks++;
    linfDirection(W, R, b, dir); // a product g·w underflows: the signs need the per-example form
    return;
  }
  for (q = 0; q < b; q++) {
    const i = load<i32>(R + (<usize>q << 2));
    const o = <usize>q << 3;
    accumulate(yxPtr + <usize>i * row, load<f64>(q1P + o), load<f64>(q2P + o));
  }
  // dir_1 = (1/b)(w_2 S_1 + p_2 w_1 S_2), dir_2 = (1/b)(w_1 S_1 + p_1 w_2 S_2)
  const inv: f64 = 1.0 / <f64>b;
  const asam = algo == ALGO_ASAM;
  const W2 = W + row;
  const D2 = dir + row;
  for (let j = 0; j < dd; j++) {
    const o = <usize>j << 3;
    const a = load<f64>(W + o);
    const c = load<f64>(W2 + o);
    const s1 = load<f64>(s1P + o);
    const s2 = load<f64>(s2P + o);
    const q1 = linf ? signOf(a) : asam ? load<f64>(p2P + o) * a : a;
    const q2 = linf ? signOf(c) : asam ? load<f64>(p1P + o) * c : c;
    store<f64>(dir + o, inv * (c * s1 + q1 * s2));
    store<f64>(D2 + o, inv * (a * s1 + q2 * s2));
  }
}

/**
 * Whether ℓ∞'s closed form has the per-example signs at this step: sign(r u_j · w_j) = sign(r)·sign(u_j)·
 * sign(w_j) unless the product underflows to 0 (r, u_j, w_j ≠ 0). It cannot when every |r_i| (in zP
 * after the coefficients), |u| and |w| that is not 0 keeps |r|·|u| and |r|·|u|·|w| above 1e-300.
 */
function linfExact(b: i32): bool {
  let mr = Infinity;
  for (let q = 0; q < b; q++) {
    const r = Math.abs(load<f64>(zP + (<usize>q << 3)));
    if (r > 0 && r < mr) mr = r;
    else if (r != r) return false; // NaN: the per-example form decides
  }
  if (mr == Infinity) return true; // every r is 0: no perturbation either way
  const ru = mr * minU;
  return ru > 1e-300 && ru * Math.min(minW, 1.0) > 1e-300;
}

// ---- ℓ∞-SAM: the per-example step fused, w̃_i recomputed in registers ----
// ε_i = ρ·sign(∇_w ℓ_i) changes with each coordinate's sign (and is 0 where a product underflows to
// 0), so no expansion into a few sums applies. Instead the per-example path of plain.ts
// (`firstAscentShared`, `rowMargin`, `accumulateOneRowL2`) runs as two passes per example that form
// w̃_i = w + ε_i where they need it and never store it: the same operations on the same values, so
// its bits, with 10 length-d loads and stores per example instead of about 20.

/** w + ε of one layer's entries: ε = ρ·sign(g·w_other) (g = r·u, the example's ∂ℓ/∂β). */
// @ts-ignore: decorator
@inline function tildeV(w: v128, wOther: v128, g: v128, rhoV: v128, negRho: v128): v128 {
  return f64x2.add(w, linfEpsV(f64x2.mul(g, wOther), rhoV, negRho));
}

/** y_i<β̃_i, x_i> (minus y_i for the squared loss) with β̃_i formed on the way, in `dot4`'s order. */
function linfTildeMargin(W: usize, X: usize, i: i32, r: f64): f64 {
  const dd = d;
  const W2 = W + (<usize>dd << 3);
  const rv = f64x2.splat(r);
  const rhoV = f64x2.splat(rho);
  const negRho = f64x2.splat(-rho);
  const zero = f64x2.splat(0);
  let a01 = f64x2.splat(0);
  let a23 = f64x2.splat(0);
  const c4 = dd & ~3;
  let j = 0;
  for (; j < c4; j += 4) {
    const o = <usize>j << 3;
    const u01 = v128.load(X + o);
    const u23 = v128.load(X + o + 16);
    const g01 = f64x2.add(zero, f64x2.mul(rv, u01));
    const g23 = f64x2.add(zero, f64x2.mul(rv, u23));
    const a1 = v128.load(W + o), a2 = v128.load(W2 + o);
    const b1 = v128.load(W + o + 16), b2 = v128.load(W2 + o + 16);
    const bt01 = f64x2.mul(tildeV(a1, a2, g01, rhoV, negRho), tildeV(a2, a1, g01, rhoV, negRho));
    const bt23 = f64x2.mul(tildeV(b1, b2, g23, rhoV, negRho), tildeV(b2, b1, g23, rhoV, negRho));
    a01 = f64x2.add(a01, f64x2.mul(bt01, u01));
    a23 = f64x2.add(a23, f64x2.mul(bt23, u23));
  }
  let s = (f64x2.extract_lane(a01, 0) + f64x2.extract_lane(a01, 1)) + (f64x2.extract_lane(a23, 0) + f64x2.extract_lane(a23, 1));
  for (; j < dd; j++) {
    const o = <usize>j << 3;
    const u = load<f64>(X + o);
    const g = 0 + r * u;
    const w1 = load<f64>(W + o), w2 = load<f64>(W2 + o);
    s += ((w1 + linfEps(g * w2, rho)) * (w2 + linfEps(g * w1, rho))) * u;
  }
  return lossKind == LOSS_SQUARED ? s - ld(yPtr, i) : s;
}

/** dir_1 += c·(r̃u ⊙ w̃_2), dir_2 += c·(r̃u ⊙ w̃_1), w̃ formed again from r (the same bits as in the margin). */
function linfAccumulate(W: usize, X: usize, dir: usize, r: f64, rt: f64, c: f64): void {
  const dd = d;
  const stride = <usize>dd << 3;
  const W2 = W + stride;
  const D2 = dir + stride;
  const rv = f64x2.splat(r);
  const rtv = f64x2.splat(rt);
  const cv = f64x2.splat(c);
  const rhoV = f64x2.splat(rho);
  const negRho = f64x2.splat(-rho);
  const zero = f64x2.splat(0);
  const dEven = dd & ~1;
  let j = 0;
  for (; j < dEven; j += 2) {
    const o = <usize>j << 3;
    const u = v128.load(X + o);
    const g = f64x2.add(zero, f64x2.mul(rv, u));
    const w1 = v128.load(W + o), w2 = v128.load(W2 + o);
    const t1 = tildeV(w1, w2, g, rhoV, negRho);
    const t2 = tildeV(w2, w1, g, rhoV, negRho);
    const gt = f64x2.add(zero, f64x2.mul(rtv, u));
    v128.store(dir + o, f64x2.add(v128.load(dir + o), f64x2.mul(cv, f64x2.mul(gt, t2))));
    v128.store(D2 + o, f64x2.add(v128.load(D2 + o), f64x2.mul(cv, f64x2.mul(gt, t1))));
  }
  if (j < dd) {
    const o = <usize>j << 3;
    const u = load<f64>(X + o);
    const g = 0 + r * u;
    const w1 = load<f64>(W + o), w2 = load<f64>(W2 + o);
    const t1 = w1 + linfEps(g * w2, rho);
    const t2 = w2 + linfEps(g * w1, rho);
    const gt = 0 + rt * u;
    store<f64>(dir + o, load<f64>(dir + o) + c * (gt * t2));
    store<f64>(D2 + o, load<f64>(D2 + o) + c * (gt * t1));
  }
}

/** q1P[q] = ℓ'(zP[q]) for q < b (two at a time: lossPrimeV's lanes are lossPrime's bits). */
function lossPrimes(b: i32): void {
  const bEven = b & ~1;
  let q = 0;
  for (; q < bEven; q += 2) {
    const o = <usize>q << 3;
    v128.store(q1P + o, f64x2.mul(lossPrimeV(lossKind, v128.load(zP + o)), f64x2.splat(1.0)));
  }
  if (q < b) {
    const o = <usize>q << 3;
    store<f64>(q1P + o, lossPrime(lossKind, load<f64>(zP + o)) * 1.0);
  }
}

/**
 * ℓ∞-SAM's 1-SAM direction at depth 2 over the rows R[0 … b) at W (plain.ts's per-example bits):
 * the margins at w, their ℓ' two at a time, the perturbed margins, their ℓ', then the accumulation.
 */
function linfDirection(W: usize, R: usize, b: i32, dir: usize): void {
  const dd = d;
  betaInto(W, betaP, dd, 2);
  memory.fill(dir, 0, <usize>(2 * dd) << 3);
  const c: f64 = 1.0 * (1.0 / <f64>b); // the group's weight |G|/b, as plain.ts forms it
  const row = <usize>dd << 3;
  for (let q = 0; q < b; q++) store<f64>(zP + (<usize>q << 3), rowMargin(betaP, load<i32>(R + (<usize>q << 2))));
  lossPrimes(b); // r_i (× 1/|G| = 1, as plain.ts forms it) into q1P
  memory.copy(q2P, q1P, <usize>b << 3);
  for (let q = 0; q < b; q++) {
    const i = load<i32>(R + (<usize>q << 2));
    store<f64>(zP + (<usize>q << 3), linfTildeMargin(W, yxPtr + <usize>i * row, i, load<f64>(q2P + (<usize>q << 3))));
  }
  lossPrimes(b); // r̃_i into q1P
  for (let q = 0; q < b; q++) {
    const i = load<i32>(R + (<usize>q << 2));
    const o = <usize>q << 3;
    linfAccumulate(W, yxPtr + <usize>i * row, dir, load<f64>(q2P + o), load<f64>(q1P + o), c);
  }
}
