// samlab core, the data pass of one gradient over a block of rows (fast.ts, one thread, and
// threads.ts, two): margins, r_i = ℓ'(z_i)/n and the block's partial g in one pass while the rows are
// in cache, on the row-pair copy of y_i x_i (pairs.ts). Summation order: order.ts. The loss is
// math/loss.ts's; this file is layout and loop order only.
// TS mirror: packages/sim/src/engine/reference.ts (DiagonalNet.gradient, sumG).

import { ld, st } from "./model";
import { LOSS_SQUARED } from "./generated/codes";
import { lossPrime, lossPrimeTailV } from "./math/loss";
import { laneLoad, pairLoad, pairRowBytes } from "./pairs";

// @ts-ignore: decorator
@inline function sp(v: f64): v128 { return f64x2.splat(v); }

/**
 * g_j, g_{j+1} (at gp) += the 8 rows of pairs q, q + rowBytes, …, q + 3·rowBytes, in row order:
 * x0…x7 are those rows' r_i (splatted); c = 0 takes the pair columns at q (j, j + 1), c = 2 the next two.
 */
// @ts-ignore: decorator
@inline function columnPair8<T>(gp: usize, q: usize, rowBytes: usize, c: i32, x0: v128, x1: v128, x2: v128, x3: v128, x4: v128, x5: v128, x6: v128, x7: v128): void {
  let acc = v128.load(gp);
  const u0 = pairLoad<T>(q, c), v0 = pairLoad<T>(q, c + 1);
  acc = f64x2.add(acc, f64x2.mul(x0, v128.shuffle<f64>(u0, v0, 0, 2)));
  acc = f64x2.add(acc, f64x2.mul(x1, v128.shuffle<f64>(u0, v0, 1, 3)));
  const u1 = pairLoad<T>(q + rowBytes, c), v1 = pairLoad<T>(q + rowBytes, c + 1);
  acc = f64x2.add(acc, f64x2.mul(x2, v128.shuffle<f64>(u1, v1, 0, 2)));
  acc = f64x2.add(acc, f64x2.mul(x3, v128.shuffle<f64>(u1, v1, 1, 3)));
  const u2 = pairLoad<T>(q + 2 * rowBytes, c), v2 = pairLoad<T>(q + 2 * rowBytes, c + 1);
  acc = f64x2.add(acc, f64x2.mul(x4, v128.shuffle<f64>(u2, v2, 0, 2)));
  acc = f64x2.add(acc, f64x2.mul(x5, v128.shuffle<f64>(u2, v2, 1, 3)));
  const u3 = pairLoad<T>(q + 3 * rowBytes, c), v3 = pairLoad<T>(q + 3 * rowBytes, c + 1);
  acc = f64x2.add(acc, f64x2.mul(x6, v128.shuffle<f64>(u3, v3, 0, 2)));
  acc = f64x2.add(acc, f64x2.mul(x7, v128.shuffle<f64>(u3, v3, 1, 3)));
  v128.store(gp, acc);
}

/**
 * (Inlined into its two callers, fast.ts `gradG` and threads.ts `runChunk`: as a called function V8
 * compiled it ~20% slower, measured.)
 *
 * The sum of one row block (order.ts) of g = ∂L/∂β at β (in B) into `out`, from 0: row pairs
 * [pBeg, pEnd) of the pair copy P, then, when `odd`, the odd last row (lane 0 of pair pEnd). Per
 * 8 pairs, the margins (sequential over j), r_i, and out_j ← (((out_j + r_i x_ij) + r_{i+1}
 * x_{i+1,j}) + …) in row order.
 */
// @ts-ignore: decorator
@inline export function gradRows<T>(P: usize, B: usize, Y: usize, out: usize, d: i32, pBeg: i32, pEnd: i32, odd: bool, loss: i32, invN: f64): void {
  // the squared loss: the pairs hold x (not y x) and each margin becomes the residual s − y_i, with
  // (y_{2p}, y_{2p+1}) loaded as one f64x2 from Y (rows 2p, 2p+1 are adjacent there)
  const sq = loss == LOSS_SQUARED;
  const dd = d;
  const g = out;
  const iv = sp(invN);
  const rowBytes = pairRowBytes<T>(dd); // one row pair
  const dEven = dd & ~1;
  for (let j = 0; j < dd; j++) st(g, j, 0);
  const np = pEnd;
  let p = pBeg;
  // blocks of 8 pairs (16 rows): eight independent f64x2 dot-product chains, then the 16 row updates
  const colBytes: usize = sizeof<T>() << 1; // one column of a pair
  for (; p + 8 <= np; p += 8) {
    const p0 = P + <usize>p * rowBytes;
    let s0 = sp(0), s1 = sp(0), s2 = sp(0), s3 = sp(0), s4 = sp(0), s5 = sp(0), s6 = sp(0), s7 = sp(0);
    let q = p0;
    let bp = B;
    for (let j = 0; j < dd; j++) {
      const b = v128.load64_splat(bp);
      s0 = f64x2.add(s0, f64x2.mul(b, pairLoad<T>(q, 0)));
      s1 = f64x2.add(s1, f64x2.mul(b, pairLoad<T>(q + 1 * rowBytes, 0)));
      s2 = f64x2.add(s2, f64x2.mul(b, pairLoad<T>(q + 2 * rowBytes, 0)));
      s3 = f64x2.add(s3, f64x2.mul(b, pairLoad<T>(q + 3 * rowBytes, 0)));
      s4 = f64x2.add(s4, f64x2.mul(b, pairLoad<T>(q + 4 * rowBytes, 0)));
      s5 = f64x2.add(s5, f64x2.mul(b, pairLoad<T>(q + 5 * rowBytes, 0)));
      s6 = f64x2.add(s6, f64x2.mul(b, pairLoad<T>(q + 6 * rowBytes, 0)));
      s7 = f64x2.add(s7, f64x2.mul(b, pairLoad<T>(q + 7 * rowBytes, 0)));
      q += colBytes;
      bp += 8;
    }
    // r of the 16 rows, each splatted (ra = row 2p, rb = row 2p+1, …); the squared loss's ℓ' is the
    // residual s − y itself (one branch per 8 pairs, outside the loss)
    let t0: v128, t1: v128, t2: v128, t3: v128, t4: v128, t5: v128, t6: v128, t7: v128;
    if (sq) {
      const yq = Y + (<usize>p << 4);
      t0 = f64x2.mul(f64x2.sub(s0, v128.load(yq)), iv);
      t1 = f64x2.mul(f64x2.sub(s1, v128.load(yq, 16)), iv);
      t2 = f64x2.mul(f64x2.sub(s2, v128.load(yq, 32)), iv);
      t3 = f64x2.mul(f64x2.sub(s3, v128.load(yq, 48)), iv);
      t4 = f64x2.mul(f64x2.sub(s4, v128.load(yq, 64)), iv);
      t5 = f64x2.mul(f64x2.sub(s5, v128.load(yq, 80)), iv);
      t6 = f64x2.mul(f64x2.sub(s6, v128.load(yq, 96)), iv);
      t7 = f64x2.mul(f64x2.sub(s7, v128.load(yq, 112)), iv);
    } else {
      t0 = f64x2.mul(lossPrimeTailV(loss, s0), iv);
      t1 = f64x2.mul(lossPrimeTailV(loss, s1), iv);
      t2 = f64x2.mul(lossPrimeTailV(loss, s2), iv);
      t3 = f64x2.mul(lossPrimeTailV(loss, s3), iv);
      t4 = f64x2.mul(lossPrimeTailV(loss, s4), iv);
      t5 = f64x2.mul(lossPrimeTailV(loss, s5), iv);
      t6 = f64x2.mul(lossPrimeTailV(loss, s6), iv);
      t7 = f64x2.mul(lossPrimeTailV(loss, s7), iv);
    }
    const ra = v128.shuffle<f64>(t0, t0, 0, 0), rb = v128.shuffle<f64>(t0, t0, 1, 1);
    const rc = v128.shuffle<f64>(t1, t1, 0, 0), rd = v128.shuffle<f64>(t1, t1, 1, 1);
    const re = v128.shuffle<f64>(t2, t2, 0, 0), rf = v128.shuffle<f64>(t2, t2, 1, 1);
    const rg = v128.shuffle<f64>(t3, t3, 0, 0), rh = v128.shuffle<f64>(t3, t3, 1, 1);
    const ri = v128.shuffle<f64>(t4, t4, 0, 0), rj = v128.shuffle<f64>(t4, t4, 1, 1);
    const rk = v128.shuffle<f64>(t5, t5, 0, 0), rl = v128.shuffle<f64>(t5, t5, 1, 1);
    const rm = v128.shuffle<f64>(t6, t6, 0, 0), rn = v128.shuffle<f64>(t6, t6, 1, 1);
    const ro = v128.shuffle<f64>(t7, t7, 0, 0), rp = v128.shuffle<f64>(t7, t7, 1, 1);
    // g_j += the 16 rows in order, as two passes of 8 rows (the same order for every g_j; shorter
    // dependency chains per column pair, so more of them overlap in the out-of-order window)
    let j = 0;
    for (let half = 0; half < 2; half++) {
      const h = p0 + <usize>(half * 4) * rowBytes;
      const x0 = half == 0 ? ra : ri, x1 = half == 0 ? rb : rj, x2 = half == 0 ? rc : rk, x3 = half == 0 ? rd : rl;
      const x4 = half == 0 ? re : rm, x5 = half == 0 ? rf : rn, x6 = half == 0 ? rg : ro, x7 = half == 0 ? rh : rp;
      j = 0;
      q = h;
      let gp = g;
      // four columns per iteration (two independent chains; ~3 % faster than two, measured), then two
      for (; j + 4 <= dEven; j += 4) {
        columnPair8<T>(gp, q, rowBytes, 0, x0, x1, x2, x3, x4, x5, x6, x7);
        columnPair8<T>(gp + 16, q, rowBytes, 2, x0, x1, x2, x3, x4, x5, x6, x7);
        q += colBytes << 2;
        gp += 32;
      }
      for (; j < dEven; j += 2) {
        columnPair8<T>(gp, q, rowBytes, 0, x0, x1, x2, x3, x4, x5, x6, x7);
        q += colBytes << 1;
        gp += 16;
      }
    }
    q = p0 + <usize>(dEven >> 1) * (colBytes << 1);
    if (j < dd) {
      let a = ld(g, j);
      const u0 = pairLoad<T>(q, 0);
      a += f64x2.extract_lane(ra, 0) * f64x2.extract_lane(u0, 0);
      a += f64x2.extract_lane(rb, 0) * f64x2.extract_lane(u0, 1);
      const u1 = pairLoad<T>(q + 1 * rowBytes, 0);
      a += f64x2.extract_lane(rc, 0) * f64x2.extract_lane(u1, 0);
      a += f64x2.extract_lane(rd, 0) * f64x2.extract_lane(u1, 1);
      const u2 = pairLoad<T>(q + 2 * rowBytes, 0);
      a += f64x2.extract_lane(re, 0) * f64x2.extract_lane(u2, 0);
      a += f64x2.extract_lane(rf, 0) * f64x2.extract_lane(u2, 1);
      const u3 = pairLoad<T>(q + 3 * rowBytes, 0);
      a += f64x2.extract_lane(rg, 0) * f64x2.extract_lane(u3, 0);
      a += f64x2.extract_lane(rh, 0) * f64x2.extract_lane(u3, 1);
      const u4 = pairLoad<T>(q + 4 * rowBytes, 0);
      a += f64x2.extract_lane(ri, 0) * f64x2.extract_lane(u4, 0);
      a += f64x2.extract_lane(rj, 0) * f64x2.extract_lane(u4, 1);
      const u5 = pairLoad<T>(q + 5 * rowBytes, 0);
      a += f64x2.extract_lane(rk, 0) * f64x2.extract_lane(u5, 0);
      a += f64x2.extract_lane(rl, 0) * f64x2.extract_lane(u5, 1);
      const u6 = pairLoad<T>(q + 6 * rowBytes, 0);
      a += f64x2.extract_lane(rm, 0) * f64x2.extract_lane(u6, 0);
      a += f64x2.extract_lane(rn, 0) * f64x2.extract_lane(u6, 1);
      const u7 = pairLoad<T>(q + 7 * rowBytes, 0);
      a += f64x2.extract_lane(ro, 0) * f64x2.extract_lane(u7, 0);
      a += f64x2.extract_lane(rp, 0) * f64x2.extract_lane(u7, 1);
      st(g, j, a);
    }
  }
  // remaining pairs one at a time
  for (; p < np; p++) {
    const p0 = P + <usize>p * rowBytes;
    let s0 = sp(0);
    for (let j = 0; j < dd; j++) s0 = f64x2.add(s0, f64x2.mul(v128.load64_splat(B + (<usize>j << 3)), pairLoad<T>(p0, j)));
    const r0 = f64x2.mul(sq ? f64x2.sub(s0, v128.load(Y + (<usize>p << 4))) : lossPrimeTailV(loss, s0), iv);
    const ra = v128.shuffle<f64>(r0, r0, 0, 0), rb = v128.shuffle<f64>(r0, r0, 1, 1);
    let j = 0;
    for (; j < dEven; j += 2) {
      const u0 = pairLoad<T>(p0, j), v0 = pairLoad<T>(p0, j + 1);
      let acc = v128.load(g + (<usize>j << 3));
      acc = f64x2.add(acc, f64x2.mul(ra, v128.shuffle<f64>(u0, v0, 0, 2)));
      acc = f64x2.add(acc, f64x2.mul(rb, v128.shuffle<f64>(u0, v0, 1, 3)));
      v128.store(g + (<usize>j << 3), acc);
    }
    if (j < dd) {
      const u0 = pairLoad<T>(p0, j);
      let a = ld(g, j);
      a += f64x2.extract_lane(ra, 0) * f64x2.extract_lane(u0, 0);
      a += f64x2.extract_lane(rb, 0) * f64x2.extract_lane(u0, 1);
      st(g, j, a);
    }
  }
  // an odd last row (lane 0 of the last pair)
  if (odd) {
    const p0 = P + <usize>np * rowBytes;
    let s: f64 = 0;
    for (let j = 0; j < dd; j++) s += ld(B, j) * laneLoad<T>(p0, j);
    if (sq) s -= ld(Y, np << 1);
    const r = lossPrime(loss, s) * invN;
    for (let j = 0; j < dd; j++) st(g, j, ld(g, j) + r * laneLoad<T>(p0, j));
  }
}

/** a_j ← a_j + b_j for j < d (elementwise, so two at a time changes no bits). */
export function addInto(a: usize, b: usize, d: i32): void {
  let j = 0;
  for (; j + 2 <= d; j += 2) {
    const o = <usize>j << 3;
    v128.store(a + o, f64x2.add(v128.load(a + o), v128.load(b + o)));
  }
  if (j < d) st(a, j, ld(a, j) + ld(b, j));
}
