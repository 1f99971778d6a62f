// samlab core, two threads for one run (the threaded build only: dist/core-mt.wasm, entry mt.ts,
// compiled with --enable threads --importMemory --sharedMemory; fast.ts calls in here only when
// ASC_FEATURE_THREADS is true, so the ordinary build contains none of it).
//
// Thread A is the instance that owns the run (setup, run, records); thread B is a second instance of
// the same module on the same shared memory, started by JS in a worker, looping in `mt_worker_loop`.
// A gradient's data pass is split in two exact phases, so results are bit-identical to one thread:
//   1. margins: z_i and r_i = ℓ'(z_i)/n, in chunks of 8 row pairs;
//   2. g = Σ_i r_i y_i x_i: all rows, in row order, in chunks of 128 columns j.
// (Splitting the rows of phase 2 instead would add two partial sums, a different rounding.) Both
// threads take chunks from a shared atomic counter, so when the helper is slow to get a core (a busy
// machine) thread A simply does more of them; it only ever waits for chunks the helper is holding.
// Jobs are posted through a control block with atomics: the helper spins briefly, then waits.

import { expV } from "./simd-exp";
import { allocF64 } from "./model";
import { laneLoad, pairLoad, pairRowBytes } from "./pairs";

// control block (i32 slots unless noted)
const C_SEQ = 0; // job counter, posted by A
const C_DONE = 4; // job counter completed by B
const C_KIND = 8; // 1 margins, 2 g columns, 3 exit
const C_NP = 12; // full row pairs
const C_D = 16;
const C_ODD = 20; // 1 when n is odd (the last row is lane 0 of pair NP)
const C_LOGISTIC = 24;
const C_NEXT = 28; // next chunk to take: (job seq & 0x7FFF) << 16 | chunk index
const C_CHUNKS_DONE = 32; // chunks of the current job finished (by either thread)
const C_TOTAL = 36; // chunks in the current job
const C_PAIRS = 44; // u32 pointers
const C_BETA = 48;
const C_R = 52;
const C_G = 56;
const C_F32 = 60; // 1 when the pairs are f32
const C_INVN = 64; // f64
const C_BYTES = 80;

const KIND_MARGINS = 1;
const KIND_GCOLS = 2;
const KIND_EXIT = 3;
const SPINS = 200000;
const CHUNK_PAIRS = 8; // margins: 8 row pairs per chunk
const CHUNK_COLS = 128; // g: 128 columns per chunk (long enough inner loops)

/** The control block of this run (A's instance), or 0 when threads are off. */
export let mtCtrl: usize = 0;
let rPairs: usize = 0; // (NP + 1) v128: r of rows (2p, 2p+1); pair NP lane 0 = the odd row
let seq: i32 = 0;

// @ts-ignore: decorator
@inline function sp(v: f64): v128 { return f64x2.splat(v); }

// @ts-ignore: decorator
@inline function lossPrimeV(z: v128, logistic: bool): v128 {
  return logistic ? f64x2.div(sp(-1.0), f64x2.add(sp(1.0), expV(z))) : f64x2.neg(expV(f64x2.neg(z)));
}

/** Phase 1 for pairs [p0, p1) (and the odd row when `odd`): r pairs into R. */
function margins<T>(P: usize, B: usize, R: usize, d: i32, p0: i32, p1: i32, odd: bool, np: i32, logistic: bool, invN: f64): void {
  const rowBytes = pairRowBytes<T>(d);
  const iv = sp(invN);
  let p = p0;
  const colBytes: usize = sizeof<T>() << 1;
  // blocks of 8 pairs: eight independent sequential f64x2 dot products
  for (; p + 8 <= p1; p += 8) {
    let q = P + <usize>p * rowBytes;
    let bp = B;
    let s0 = sp(0), s1 = sp(0), s2 = sp(0), s3 = sp(0), s4 = sp(0), s5 = sp(0), s6 = sp(0), s7 = sp(0);
    for (let j = 0; j < d; j++) {
      const b = v128.load64_splat(bp);
      s0 = f64x2.add(s0, f64x2.mul(b, pairLoad<T>(q, 0)));
      s1 = f64x2.add(s1, f64x2.mul(b, pairLoad<T>(q + rowBytes, 0)));
      s2 = f64x2.add(s2, f64x2.mul(b, pairLoad<T>(q + 2 * rowBytes, 0)));
      s3 = f64x2.add(s3, f64x2.mul(b, pairLoad<T>(q + 3 * rowBytes, 0)));
      s4 = f64x2.add(s4, f64x2.mul(b, pairLoad<T>(q + 4 * rowBytes, 0)));
      s5 = f64x2.add(s5, f64x2.mul(b, pairLoad<T>(q + 5 * rowBytes, 0)));
      s6 = f64x2.add(s6, f64x2.mul(b, pairLoad<T>(q + 6 * rowBytes, 0)));
      s7 = f64x2.add(s7, f64x2.mul(b, pairLoad<T>(q + 7 * rowBytes, 0)));
      q += colBytes;
      bp += 8;
    }
    v128.store(R + (<usize>(p + 0) << 4), f64x2.mul(lossPrimeV(s0, logistic), iv));
    v128.store(R + (<usize>(p + 1) << 4), f64x2.mul(lossPrimeV(s1, logistic), iv));
    v128.store(R + (<usize>(p + 2) << 4), f64x2.mul(lossPrimeV(s2, logistic), iv));
    v128.store(R + (<usize>(p + 3) << 4), f64x2.mul(lossPrimeV(s3, logistic), iv));
    v128.store(R + (<usize>(p + 4) << 4), f64x2.mul(lossPrimeV(s4, logistic), iv));
    v128.store(R + (<usize>(p + 5) << 4), f64x2.mul(lossPrimeV(s5, logistic), iv));
    v128.store(R + (<usize>(p + 6) << 4), f64x2.mul(lossPrimeV(s6, logistic), iv));
    v128.store(R + (<usize>(p + 7) << 4), f64x2.mul(lossPrimeV(s7, logistic), iv));
  }
  for (; p < p1; p++) {
    const q0 = P + <usize>p * rowBytes;
    let s0 = sp(0);
    for (let j = 0; j < d; j++) s0 = f64x2.add(s0, f64x2.mul(v128.load64_splat(B + (<usize>j << 3)), pairLoad<T>(q0, j)));
    v128.store(R + (<usize>p << 4), f64x2.mul(lossPrimeV(s0, logistic), iv));
  }
  if (odd) {
    const q0 = P + <usize>np * rowBytes;
    let s: f64 = 0;
    for (let j = 0; j < d; j++) s += load<f64>(B + (<usize>j << 3)) * laneLoad<T>(q0, j);
    const r = (logistic ? -1.0 / (1.0 + Math.exp(s)) : -Math.exp(-s)) * invN;
    store<f64>(R + (<usize>np << 4), r);
  }
}

/** Phase 2 for columns [j0, j1) (j0 even): g_j = Σ_i r_i (y_i x_ij), rows in order. */
function gColumns<T>(P: usize, R: usize, g: usize, d: i32, np: i32, odd: bool, j0: i32, j1: i32): void {
  const rowBytes = pairRowBytes<T>(d);
  const jEven = j0 + ((j1 - j0) & ~1);
  for (let j = j0; j < j1; j++) store<f64>(g + (<usize>j << 3), 0);
  let p = 0;
  const colBytes: usize = sizeof<T>() << 1;
  for (; p + 4 <= np; p += 4) {
    const q0 = P + <usize>p * rowBytes;
    const r0 = v128.load(R + (<usize>p << 4));
    const r1 = v128.load(R + (<usize>(p + 1) << 4));
    const r2 = v128.load(R + (<usize>(p + 2) << 4));
    const r3 = v128.load(R + (<usize>(p + 3) << 4));
    const ra = v128.shuffle<f64>(r0, r0, 0, 0), rb = v128.shuffle<f64>(r0, r0, 1, 1);
    const rc = v128.shuffle<f64>(r1, r1, 0, 0), rd = v128.shuffle<f64>(r1, r1, 1, 1);
    const re = v128.shuffle<f64>(r2, r2, 0, 0), rf = v128.shuffle<f64>(r2, r2, 1, 1);
    const rg = v128.shuffle<f64>(r3, r3, 0, 0), rh = v128.shuffle<f64>(r3, r3, 1, 1);
    let j = j0;
    let q = q0 + <usize>j0 * colBytes;
    let gp = g + (<usize>j0 << 3);
    for (; j < jEven; j += 2) {
      let acc = v128.load(gp);
      const u0 = pairLoad<T>(q, 0), v0 = pairLoad<T>(q, 1);
      acc = f64x2.add(acc, f64x2.mul(ra, v128.shuffle<f64>(u0, v0, 0, 2)));
      acc = f64x2.add(acc, f64x2.mul(rb, v128.shuffle<f64>(u0, v0, 1, 3)));
      const u1 = pairLoad<T>(q + rowBytes, 0), v1 = pairLoad<T>(q + rowBytes, 1);
      acc = f64x2.add(acc, f64x2.mul(rc, v128.shuffle<f64>(u1, v1, 0, 2)));
      acc = f64x2.add(acc, f64x2.mul(rd, v128.shuffle<f64>(u1, v1, 1, 3)));
      const u2 = pairLoad<T>(q + 2 * rowBytes, 0), v2 = pairLoad<T>(q + 2 * rowBytes, 1);
      acc = f64x2.add(acc, f64x2.mul(re, v128.shuffle<f64>(u2, v2, 0, 2)));
      acc = f64x2.add(acc, f64x2.mul(rf, v128.shuffle<f64>(u2, v2, 1, 3)));
      const u3 = pairLoad<T>(q + 3 * rowBytes, 0), v3 = pairLoad<T>(q + 3 * rowBytes, 1);
      acc = f64x2.add(acc, f64x2.mul(rg, v128.shuffle<f64>(u3, v3, 0, 2)));
      acc = f64x2.add(acc, f64x2.mul(rh, v128.shuffle<f64>(u3, v3, 1, 3)));
      v128.store(gp, acc);
      q += colBytes << 1;
      gp += 16;
    }
    if (j < j1) {
      let a = load<f64>(g + (<usize>j << 3));
      const u0 = pairLoad<T>(q, 0);
      a += f64x2.extract_lane(r0, 0) * f64x2.extract_lane(u0, 0);
      a += f64x2.extract_lane(r0, 1) * f64x2.extract_lane(u0, 1);
      const u1 = pairLoad<T>(q + rowBytes, 0);
      a += f64x2.extract_lane(r1, 0) * f64x2.extract_lane(u1, 0);
      a += f64x2.extract_lane(r1, 1) * f64x2.extract_lane(u1, 1);
      const u2 = pairLoad<T>(q + 2 * rowBytes, 0);
      a += f64x2.extract_lane(r2, 0) * f64x2.extract_lane(u2, 0);
      a += f64x2.extract_lane(r2, 1) * f64x2.extract_lane(u2, 1);
      const u3 = pairLoad<T>(q + 3 * rowBytes, 0);
      a += f64x2.extract_lane(r3, 0) * f64x2.extract_lane(u3, 0);
      a += f64x2.extract_lane(r3, 1) * f64x2.extract_lane(u3, 1);
      store<f64>(g + (<usize>j << 3), a);
    }
  }
  for (; p < np; p++) {
    const q0 = P + <usize>p * rowBytes;
    const r0 = v128.load(R + (<usize>p << 4));
    const ra = v128.shuffle<f64>(r0, r0, 0, 0), rb = v128.shuffle<f64>(r0, r0, 1, 1);
    let j = j0;
    for (; j < jEven; j += 2) {
      const u0 = pairLoad<T>(q0, j), v0 = pairLoad<T>(q0, j + 1);
      let acc = v128.load(g + (<usize>j << 3));
      acc = f64x2.add(acc, f64x2.mul(ra, v128.shuffle<f64>(u0, v0, 0, 2)));
      acc = f64x2.add(acc, f64x2.mul(rb, v128.shuffle<f64>(u0, v0, 1, 3)));
      v128.store(g + (<usize>j << 3), acc);
    }
    if (j < j1) {
      const u0 = pairLoad<T>(q0, j);
      let a = load<f64>(g + (<usize>j << 3));
      a += f64x2.extract_lane(r0, 0) * f64x2.extract_lane(u0, 0);
      a += f64x2.extract_lane(r0, 1) * f64x2.extract_lane(u0, 1);
      store<f64>(g + (<usize>j << 3), a);
    }
  }
  if (odd) {
    const q0 = P + <usize>np * rowBytes;
    const r = load<f64>(R + (<usize>np << 4));
    for (let j = j0; j < j1; j++) store<f64>(g + (<usize>j << 3), load<f64>(g + (<usize>j << 3)) + r * laneLoad<T>(q0, j));
  }
}

/** Chunks of a job: margins by blocks of row pairs (+ the odd row), g by blocks of columns. */
function chunksOf(kind: i32, np: i32, odd: bool, d: i32): i32 {
  if (kind == KIND_MARGINS) return (np + CHUNK_PAIRS - 1) / CHUNK_PAIRS + (odd ? 1 : 0);
  return (d + CHUNK_COLS - 1) / CHUNK_COLS;
}

/** Chunk k of the current job, with the parameters of the control block (either thread). */
function runChunk(c: usize, kind: i32, k: i32): void {
  const P = <usize>load<u32>(c + C_PAIRS);
  const d = load<i32>(c + C_D);
  const np = load<i32>(c + C_NP);
  const odd = load<i32>(c + C_ODD) != 0;
  const f32 = load<i32>(c + C_F32) != 0;
  const R = <usize>load<u32>(c + C_R);
  if (kind == KIND_MARGINS) {
    const B = <usize>load<u32>(c + C_BETA);
    const logistic = load<i32>(c + C_LOGISTIC) != 0, invN = load<f64>(c + C_INVN);
    const full = (np + CHUNK_PAIRS - 1) / CHUNK_PAIRS;
    // chunk `full` (only when n is odd) is the last row alone
    const p0 = k < full ? k * CHUNK_PAIRS : np;
    const p1 = k < full ? min(p0 + CHUNK_PAIRS, np) : np;
    const lastRow = k == full;
    if (f32) margins<f32>(P, B, R, d, p0, p1, lastRow, np, logistic, invN);
    else margins<f64>(P, B, R, d, p0, p1, lastRow, np, logistic, invN);
  } else {
    const g = <usize>load<u32>(c + C_G);
    const j0 = k * CHUNK_COLS;
    const j1 = min(j0 + CHUNK_COLS, d);
    if (f32) gColumns<f32>(P, R, g, d, np, odd, j0, j1);
    else gColumns<f64>(P, R, g, d, np, odd, j0, j1);
  }
}

/**
 * Takes chunks of job `s` until none is left (or a newer job has replaced it). Both threads run
 * this, so a helper that is slow to get a core costs at most the chunk it holds; each chunk computes
 * whole margins or whole column sums, so results do not depend on who takes what.
 */
function work(c: usize, s: i32, kind: i32, total: i32): void {
  const tag = (s & 0x7FFF) << 16;
  while (true) {
    const v = atomic.load<i32>(c + C_NEXT);
    if ((v & 0x7FFF0000) != tag) return;
    const k = v & 0xFFFF;
    if (k >= total) return;
    if (atomic.cmpxchg<i32>(c + C_NEXT, v, v + 1) != v) continue;
    runChunk(c, kind, k);
    atomic.add<i32>(c + C_CHUNKS_DONE, 1);
  }
}

/** Thread B: serves jobs until an exit job. Called once, from the worker, with A's control block. */
export function mt_worker_loop(c: usize): void {
  let last = atomic.load<i32>(c + C_DONE);
  while (true) {
    let s = atomic.load<i32>(c + C_SEQ);
    let spins = 0;
    while (s == last) {
      if (++spins > SPINS) {
        atomic.wait<i32>(c + C_SEQ, last, -1);
        spins = 0;
      }
      s = atomic.load<i32>(c + C_SEQ);
    }
    const kind = atomic.load<i32>(c + C_KIND);
    if (kind != KIND_EXIT) work(c, s, kind, atomic.load<i32>(c + C_TOTAL));
    atomic.store<i32>(c + C_DONE, s);
    atomic.notify(c + C_DONE, 1);
    last = s;
    if (kind == KIND_EXIT) return;
  }
}

/**
 * Posts a job: first invalidates the old job's chunk counter (a late helper cannot take a chunk of
 * it), then the job's kind and size, then the sequence number that wakes the helper.
 */
function post(kind: i32, total: i32): void {
  const c = mtCtrl;
  const next = seq + 1;
  atomic.store<i32>(c + C_NEXT, (next & 0x7FFF) << 16);
  atomic.store<i32>(c + C_CHUNKS_DONE, 0);
  atomic.store<i32>(c + C_KIND, kind);
  atomic.store<i32>(c + C_TOTAL, total);
  seq = next;
  atomic.store<i32>(c + C_SEQ, next);
  atomic.notify(c + C_SEQ, 1);
}

/** Waits until the helper has acknowledged job `seq` (used for the exit job only). */
function waitAck(): void {
  let spins = 0;
  let s = atomic.load<i32>(mtCtrl + C_DONE);
  while (s != seq) {
    if (++spins > SPINS) {
      atomic.wait<i32>(mtCtrl + C_DONE, s, -1);
      spins = 0;
    }
    s = atomic.load<i32>(mtCtrl + C_DONE);
  }
}

/** Thread A: posts a job, takes chunks too, then waits (spinning) for chunks still in the helper's hands. */
function runJob(kind: i32, total: i32): void {
  const c = mtCtrl;
  post(kind, total);
  work(c, seq, kind, total);
  while (atomic.load<i32>(c + C_CHUNKS_DONE) < total) {}
}

/**
 * Turns two threads on for this run (A's instance, after `setup`); returns the control block that
 * JS hands to thread B's `mt_worker_loop`.
 */
export function mtEnable(np: i32): usize {
  if (mtCtrl == 0) {
    mtCtrl = allocF64(C_BYTES >> 3);
    rPairs = allocF64((np + 1) * 2);
    seq = 0;
  }
  return mtCtrl;
}

/** Tells thread B to return from its loop, and turns threads off. */
export function mtStop(): void {
  if (mtCtrl == 0) return;
  post(KIND_EXIT, 0);
  waitAck();
  mtCtrl = 0;
}

/** g = ∂L/∂β with both threads (the exact two-phase split); same bits as fast.ts `gradG`. */
export function gradGThreaded(P: usize, B: usize, g: usize, n: i32, d: i32, logistic: bool, invN: f64, f32: bool): void {
  const c = mtCtrl;
  const np = n >> 1;
  const odd = (n & 1) != 0;
  store<i32>(c + C_NP, np);
  store<i32>(c + C_D, d);
  store<i32>(c + C_ODD, odd ? 1 : 0);
  store<i32>(c + C_LOGISTIC, logistic ? 1 : 0);
  store<u32>(c + C_PAIRS, <u32>P);
  store<u32>(c + C_BETA, <u32>B);
  store<u32>(c + C_R, <u32>rPairs);
  store<u32>(c + C_G, <u32>g);
  store<f64>(c + C_INVN, invN);
  store<i32>(c + C_F32, f32 ? 1 : 0);
  runJob(KIND_MARGINS, chunksOf(KIND_MARGINS, np, odd, d));
  runJob(KIND_GCOLS, chunksOf(KIND_GCOLS, np, odd, d));
}
