// samlab core, two threads for one run (the threaded build only: dist/core-mt.wasm, entry mt.ts,
// compiled with --enable threads --importMemory --sharedMemory; fast.ts calls in here only when
// ASC_FEATURE_THREADS is true, so the ordinary build contains none of it).
//
// Thread A is the instance that owns the run (setup, run, records); thread B is a second instance of
// the same module on the same shared memory, started by JS in a worker, looping in `mt_worker_loop`.
// A gradient's data pass is one job whose chunks are the row blocks of order.ts: each chunk makes one
// fused pass over its rows (rows.ts: margins, r_i and the block's partial g) into its own partial
// buffer (block 0 straight into g), then A adds the partials in block order. The order of every sum
// depends on n only, so results are bit-identical to one thread (fast.ts `gradG`). Both threads take
// chunks from a shared atomic counter, so when the helper is slow to get a core (a busy machine)
// thread A simply does more of them; it only ever waits for chunks the helper is holding.
// Jobs are posted through a control block with atomics: the helper spins briefly, then waits.
// TS mirror (of the sum it computes): packages/sim/src/engine/reference.ts (DiagonalNet.sumG).

import { allocF64 } from "./model";
import { ROW_BLOCK } from "./order";
import { addInto, gradRows } from "./rows";

// control block (i32 slots unless noted)
const C_SEQ = 0; // job counter, posted by A
const C_DONE = 4; // job counter completed by B
const C_KIND = 8; // 1 row blocks, 3 exit
const C_NP = 12; // full row pairs
const C_D = 16;
const C_ODD = 20; // 1 when n is odd (the last row is lane 0 of pair NP)
const C_LOSS = 24; // the loss code (codes.json)
const C_NEXT = 28; // next chunk to take: (job seq & 0x7FFF) << 16 | chunk index
const C_CHUNKS_DONE = 32; // chunks of the current job finished (by either thread)
const C_TOTAL = 36; // chunks in the current job
const C_PAIRS = 44; // u32 pointers
const C_BETA = 48;
const C_PARTS = 52; // block b > 0 sums into C_PARTS + (b − 1)·d·8
const C_G = 56;
const C_F32 = 60; // 1 when the pairs are f32
const C_INVN = 64; // f64
const C_Y = 76; // u32 pointer to y (the squared loss's residuals)
const C_HELPER_CHUNKS = 72; // chunks thread B has computed since mt_enable (read by tests; no arithmetic uses it)
const C_BYTES = 80;

const KIND_BLOCKS = 1;
const KIND_EXIT = 3;
const SPINS = 200000;
const EXIT_WAITS = 20; // mt_stop waits at most 20 × 0.1 s for the helper's acknowledgement
const EXIT_WAIT_NS: i64 = 100_000_000;

/** The control block of this run (A's instance), or 0 when threads are off. */
export let mtCtrl: usize = 0;
let parts: usize = 0; // (blocks − 1)·d f64: the partial g of blocks 1, 2, …
let seq: i32 = 0;
let ctrlOfRun: usize = 0; // the control block, kept after threads are turned off (for `helperChunks`)

/** Chunk k of `total` (row block k), with the parameters of the control block (either thread). */
function runChunk(c: usize, k: i32, total: i32): void {
  const P = <usize>load<u32>(c + C_PAIRS);
  const B = <usize>load<u32>(c + C_BETA);
  const Y = <usize>load<u32>(c + C_Y);
  const d = load<i32>(c + C_D);
  const np = load<i32>(c + C_NP);
  const odd = load<i32>(c + C_ODD) != 0;
  const loss = load<i32>(c + C_LOSS), invN = load<f64>(c + C_INVN);
  const last = k == total - 1;
  const half = ROW_BLOCK >> 1;
  const out = k == 0 ? <usize>load<u32>(c + C_G) : <usize>load<u32>(c + C_PARTS) + (<usize>((k - 1) * d) << 3);
  const p0 = k * half, p1 = last ? np : p0 + half;
  if (load<i32>(c + C_F32) != 0) gradRows<f32>(P, B, Y, out, d, p0, p1, last && odd, loss, invN);
  else gradRows<f64>(P, B, Y, out, d, p0, p1, last && odd, loss, invN);
}

/**
 * Takes chunks of job `s` until none is left (or a newer job has replaced it). Both threads run
 * this, so a helper that is slow to get a core costs at most the chunk it holds; each chunk computes
 * a whole row block into its own buffer, so results do not depend on who takes what.
 */
function work(c: usize, s: i32, total: i32, byHelper: bool): void {
  const tag = (s & 0x7FFF) << 16;
  while (true) {
    const v = atomic.load<i32>(c + C_NEXT);
    if ((v & 0x7FFF0000) != tag) return;
    const k = v & 0xFFFF;
    if (k >= total) return;
    if (atomic.cmpxchg<i32>(c + C_NEXT, v, v + 1) != v) continue;
    runChunk(c, k, total);
    if (byHelper) atomic.add<i32>(c + C_HELPER_CHUNKS, 1);
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
    if (kind != KIND_EXIT) work(c, s, atomic.load<i32>(c + C_TOTAL), true);
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

/**
 * Waits until the helper has acknowledged job `seq` (the exit job), for at most EXIT_WAITS sleeps of
 * EXIT_WAIT_NS: a helper that died or never started never acknowledges, and one that is merely late
 * still leaves its loop when it sees the exit job (it holds no job: every job is finished before a
 * gradient returns). Returns whether it acknowledged.
 */
function waitAck(): bool {
  let spins = 0;
  let waits = 0;
  let s = atomic.load<i32>(mtCtrl + C_DONE);
  while (s != seq) {
    if (++spins > SPINS) {
      if (waits++ == EXIT_WAITS) return false;
      atomic.wait<i32>(mtCtrl + C_DONE, s, EXIT_WAIT_NS);
      spins = 0;
    }
    s = atomic.load<i32>(mtCtrl + C_DONE);
  }
  return true;
}

/** Thread A: posts a job, takes chunks too, then waits (spinning) for chunks still in the helper's hands. */
function runJob(kind: i32, total: i32): void {
  const c = mtCtrl;
  post(kind, total);
  work(c, seq, total, false);
  while (atomic.load<i32>(c + C_CHUNKS_DONE) < total) {}
}

/**
 * Turns two threads on for this run (A's instance, after `setup`); returns the control block that
 * JS hands to thread B's `mt_worker_loop`.
 */
export function mtEnable(n: i32, d: i32): usize {
  if (mtCtrl == 0) {
    mtCtrl = allocF64(C_BYTES >> 3);
    const nb = (n + ROW_BLOCK - 1) / ROW_BLOCK;
    parts = allocF64(max(nb - 1, 1) * d);
    seq = 0;
    atomic.store<i32>(mtCtrl + C_HELPER_CHUNKS, 0);
    ctrlOfRun = mtCtrl;
  }
  return mtCtrl;
}

/**
 * Tells thread B to return from its loop and turns threads off at once, without waiting for B's
 * acknowledgement: for a browser's main thread, which may not block (`memory.atomic.wait` traps
 * there). B holds no job then (every job is finished before a gradient returns), so the caller may
 * simply terminate B's worker.
 */
export function mtDetach(): void {
  if (mtCtrl == 0) return;
  post(KIND_EXIT, 0);
  mtCtrl = 0;
}

/**
 * How many row blocks thread B has computed for this run so far (0 when it never started): the one
 * observable of the helper's work, since the results are the same bits whoever computes a block.
 */
export function helperChunks(): i32 {
  return ctrlOfRun == 0 ? 0 : atomic.load<i32>(ctrlOfRun + C_HELPER_CHUNKS);
}

/**
 * Tells thread B to return from its loop, waits until it has (at most 2 s: see `waitAck`), and turns
 * threads off. Returns 1 when B acknowledged, 0 when it did not (it died, or never started), -1 when
 * threads were already off.
 */
export function mtStop(): i32 {
  if (mtCtrl == 0) return -1;
  post(KIND_EXIT, 0);
  const acked = waitAck();
  mtCtrl = 0;
  return acked ? 1 : 0;
}

/** g = ∂L/∂β with both threads (whole row blocks each); same bits as fast.ts `gradG`. */
export function gradGThreaded(P: usize, B: usize, Y: usize, g: usize, n: i32, d: i32, loss: i32, invN: f64, f32: bool): void {
  const c = mtCtrl;
  const nb = (n + ROW_BLOCK - 1) / ROW_BLOCK;
  store<i32>(c + C_NP, n >> 1);
  store<i32>(c + C_D, d);
  store<i32>(c + C_ODD, n & 1);
  store<i32>(c + C_LOSS, loss);
  store<u32>(c + C_PAIRS, <u32>P);
  store<u32>(c + C_BETA, <u32>B);
  store<u32>(c + C_Y, <u32>Y);
  store<u32>(c + C_PARTS, <u32>parts);
  store<u32>(c + C_G, <u32>g);
  store<f64>(c + C_INVN, invN);
  store<i32>(c + C_F32, f32 ? 1 : 0);
  // one block: no job (the helper would have nothing to take)
  if (nb == 1) runChunk(c, 0, 1);
  else runJob(KIND_BLOCKS, nb);
  for (let b = 1; b < nb; b++) addInto(g, parts + (<usize>((b - 1) * d) << 3), d);
}
