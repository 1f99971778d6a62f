// samlab core, 1-SAM at depth 2 in closed form (docs/MODEL.md, "1-SAM at depth 2"): the step of
// plain.ts for groups of one example (`sam.group` 1), L = 2, one ascent step, and the ℓ2, USAM and
// ASAM rules, with two passes over each example's row instead of the per-example perturbation.
//
// With u = y_i x_i (x_i for the squared loss), r = ℓ'(z_i) at w and the per-coordinate weights
// p_l = 1 (ℓ2, USAM) or T_l² = (|w_l| + ξ)² (ASAM), the example's perturbation is
// w̃_1 = w_1 + c·p_1·r u ⊙ w_2, w̃_2 = w_2 + c·p_2·r u ⊙ w_1, so with t = c·r
//   β̃ = w̃_1 ⊙ w̃_2 = β + t·u ⊙ ν + t²·u² ⊙ β',  ν = p_1 w_2² + p_2 w_1²,  β' = p_1 p_2 β,
//   z̃_i = z_i + t·a_i + t²·b_i,  a_i = Σ_j u_j² ν_j,  b_i = Σ_j u_j³ β'_j,
// and ‖∇_w L_i‖₂ (ASAM: ‖T ∇_w L_i‖₂) = |r|·√a_i, so t = ρ·r/(|r|√a_i) for ℓ2 and ASAM (0 when that
// norm is 0) and t = ρ·r for USAM. The step's direction Σ_i (1/b) ∇_w L_i(w̃_i) is then
//   dir_1 = (1/b)·(w_2 ⊙ S_1 + p_2 w_1 ⊙ S_2),  dir_2 = (1/b)·(w_1 ⊙ S_1 + p_1 w_2 ⊙ S_2),
//   S_1 = Σ_i ℓ'(z̃_i) u_i,  S_2 = Σ_i ℓ'(z̃_i) t_i u_i².
// One fused pass per example gives z_i, a_i and b_i, a second accumulates S_1 and S_2: 9 loads and
// stores of length-d vectors per example, where forming w̃_i (plain.ts) takes about 20. The sums are rounded
// differently from the per-example path; the TS reference engine keeps the per-example form
// (engine/plain-reference.ts) and is the oracle: packages/sim/src/engine/onesam.test.ts.

import { ALGO_ASAM, ALGO_SAM_L2, ALGO_USAM, LOSS_SQUARED } from "./generated/codes";
import { lossPrime, lossPrimeV } from "./math/loss";
import { asamT, l2Coef, l2CoefV } from "./math/perturb";
import { n, d, L, algo, lossKind, rho, xi, yxPtr, yPtr, allocF64, ld } from "./model";

let betaP: usize = 0; // d, β at w
let nuP: usize = 0; // d, ν
let betaWP: usize = 0; // d, β' (= β for ℓ2 and USAM: the same pointer)
let p1P: usize = 0; // d, p_1 (ASAM only)
let p2P: usize = 0; // d, p_2 (ASAM only)
let s1P: usize = 0; // d, S_1
let s2P: usize = 0; // d, S_2
let zP: usize = 0; // n: the batch's z_i, a_i, b_i, then its coefficients ℓ'(z̃_i), ℓ'(z̃_i)·t_i
let aP: usize = 0;
let bP: usize = 0;
let q1P: usize = 0;
let q2P: usize = 0;

/** Forgets the buffers (a new run); called by plain.ts `plainReset`. */
export function oneSamReset(): void {
  betaP = 0;
}

/** Whether a step of `m`-example groups over a batch of `b` rows takes this path (`k`: ascent steps). */
export function oneSamActive(m: i32, b: i32, k: i32): bool {
  return m == 1 && b > 1 && L == 2 && k == 1 && (algo == ALGO_SAM_L2 || algo == ALGO_USAM || algo == ALGO_ASAM);
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
}

/** β, ν, β' (and ASAM's p_1, p_2) at W; zeroes S_1 and S_2. */
function shareAtW(W: usize): void {
  const dd = d;
  const W2 = W + (<usize>dd << 3);
  const asam = algo == ALGO_ASAM;
  for (let j = 0; j < dd; j++) {
    const o = <usize>j << 3;
    const a = load<f64>(W + o);
    const c = load<f64>(W2 + o);
    const beta = a * c;
    store<f64>(betaP + o, beta);
    if (asam) {
      const t1 = asamT(a, xi);
      const t2 = asamT(c, xi);
      const p1 = t1 * t1;
      const p2 = t2 * t2;
      store<f64>(p1P + o, p1);
      store<f64>(p2P + o, p2);
      store<f64>(nuP + o, p1 * (c * c) + p2 * (a * a));
      store<f64>(betaWP + o, (p1 * p2) * beta);
    } else {
      store<f64>(nuP + o, c * c + a * a);
      store<f64>(betaWP + o, beta);
    }
  }
  memory.fill(s1P, 0, <usize>dd << 3);
  memory.fill(s2P, 0, <usize>dd << 3);
}

// the three sums of one row, left in these globals by `rowSums` (AssemblyScript returns one value)
let sumZ: f64 = 0;
let sumA: f64 = 0;
let sumB: f64 = 0;

/** Σ u β, Σ u² ν, Σ u³ β' of the row at X, in one pass (two f64x2 lanes each, then the odd entry). */
function rowSums(X: usize): void {
  const dd = d, eP = betaP, nP = nuP, wP = betaWP;
  let z = f64x2.splat(0);
  let a = f64x2.splat(0);
  let b = f64x2.splat(0);
  const dEven = dd & ~1;
  let j = 0;
  for (; j < dEven; j += 2) {
    const o = <usize>j << 3;
    const u = v128.load(X + o);
    const u2 = f64x2.mul(u, u);
    z = f64x2.add(z, f64x2.mul(u, v128.load(eP + o)));
    a = f64x2.add(a, f64x2.mul(u2, v128.load(nP + o)));
    b = f64x2.add(b, f64x2.mul(f64x2.mul(u2, u), v128.load(wP + o)));
  }
  let sz = f64x2.extract_lane(z, 0) + f64x2.extract_lane(z, 1);
  let sa = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  let sb = f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1);
  if (j < dd) {
    const o = <usize>j << 3;
    const u = load<f64>(X + o);
    const u2 = u * u;
    sz += u * load<f64>(eP + o);
    sa += u2 * load<f64>(nP + o);
    sb += (u2 * u) * load<f64>(wP + o);
  }
  sumZ = sz;
  sumA = sa;
  sumB = sb;
}

/** S_1 += q1·u, S_2 += q2·u² over the row at X. */
function accumulate(X: usize, q1: f64, q2: f64): void {
  const dd = d, s1 = s1P, s2 = s2P;
  const v1 = f64x2.splat(q1);
  const v2 = f64x2.splat(q2);
  const dEven = dd & ~1;
  let j = 0;
  for (; j < dEven; j += 2) {
    const o = <usize>j << 3;
    const u = v128.load(X + o);
    v128.store(s1 + o, f64x2.add(v128.load(s1 + o), f64x2.mul(v1, u)));
    v128.store(s2 + o, f64x2.add(v128.load(s2 + o), f64x2.mul(v2, f64x2.mul(u, u))));
  }
  if (j < dd) {
    const o = <usize>j << 3;
    const u = load<f64>(X + o);
    store<f64>(s1 + o, load<f64>(s1 + o) + q1 * u);
    store<f64>(s2 + o, load<f64>(s2 + o) + q2 * (u * u));
  }
}

/**
 * t_i and the coefficients ℓ'(z̃_i), ℓ'(z̃_i)·t_i of rows q0, q0 + 1 (their z, a, b in zP, aP, bP at
 * byte offset o) into q1P, q2P: two lanes at once (lossPrimeV: each lane the bits of lossPrime).
 */
// @ts-ignore: decorator
@inline function coefsPair(o: usize, usam: bool): void {
  const z = v128.load(zP + o);
  const a = v128.load(aP + o);
  const b = v128.load(bP + o);
  const r = lossPrimeV(lossKind, z);
  const rhoV = f64x2.splat(rho);
  let t: v128;
  if (usam) t = f64x2.mul(rhoV, r);
  else {
    const norm = f64x2.mul(f64x2.abs(r), f64x2.sqrt(a));
    const zero = f64x2.splat(0);
    t = v128.bitselect(zero, f64x2.mul(l2CoefV(rhoV, norm), r), f64x2.eq(norm, zero));
  }
  const zt = f64x2.add(f64x2.add(z, f64x2.mul(t, a)), f64x2.mul(f64x2.mul(t, t), b));
  const rt = lossPrimeV(lossKind, zt);
  v128.store(q1P + o, rt);
  v128.store(q2P + o, f64x2.mul(rt, t));
}

/** The same for one row (the odd last one). */
function coefsOne(o: usize, usam: bool): void {
  const z = load<f64>(zP + o);
  const a = load<f64>(aP + o);
  const r = lossPrime(lossKind, z);
  let t: f64;
  if (usam) t = rho * r;
  else {
    const norm = Math.abs(r) * Math.sqrt(a);
    t = norm == 0 ? 0 : l2Coef(rho, norm) * r;
  }
  const zt = (z + t * a) + (t * t) * load<f64>(bP + o);
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
  shareAtW(W);
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
  for (; q < bEven; q += 2) coefsPair(<usize>q << 3, usam);
  if (q < b) coefsOne(<usize>q << 3, usam);
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
    const q1 = asam ? load<f64>(p2P + o) * a : a;
    const q2 = asam ? load<f64>(p1P + o) * c : c;
    store<f64>(dir + o, inv * (c * s1 + q1 * s2));
    store<f64>(D2 + o, inv * (a * s1 + q2 * s2));
  }
}
