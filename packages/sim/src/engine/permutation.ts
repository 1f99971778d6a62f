/**
 * The mini-batch permutation of docs/MODEL.md ("Mini-batches"), written independently of the
 * WebAssembly core (packages/core-wasm/assembly/plain.ts `permutationInto`): epoch e's order of the
 * n examples is the identity shuffled by Fisher–Yates from the end (i = n−1 … 1, swap P[i] and P[j]),
 * j = ⌊(r >> 32)·(i + 1) / 2^32⌋ with r the next output of splitmix64, whose state starts at
 * mix64(mix64(seed) + e) and advances by 0x9E3779B97F4A7C15 before each output mix64(state).
 * Stateless per epoch, so a resumed run needs only its step counter. BigInt: a few operations per
 * example and epoch, nothing per step.
 */
const MASK = (1n << 64n) - 1n;
const GAMMA = 0x9e3779b97f4a7c15n;

/** splitmix64's finalizer, mod 2^64. */
export function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
  return z ^ (z >> 31n);
}

/** The permutation of epoch `epoch` of n examples for `seed` (an integer in [0, 2^32)). */
export function epochPermutation(n: number, seed: number, epoch: number, out: Int32Array = new Int32Array(n)): Int32Array {
  for (let i = 0; i < n; i++) out[i] = i;
  let s = mix64((mix64(BigInt(seed)) + BigInt(epoch)) & MASK);
  for (let i = n - 1; i > 0; i--) {
    s = (s + GAMMA) & MASK;
    const r = mix64(s);
    const j = Number(((r >> 32n) * BigInt(i + 1)) >> 32n);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/** Batches per epoch, ⌈n/b⌉, and which batch a global step takes: epoch ⌊step/⌈n/b⌉⌋, the slice [start, start + size) of its permutation. */
export function batchOfStep(n: number, b: number, step: number): { epoch: number; start: number; size: number } {
  const perEpoch = Math.ceil(n / b);
  const epoch = Math.floor(step / perEpoch);
  const start = (step - epoch * perEpoch) * b;
  return { epoch, start, size: Math.min(b, n - start) };
}
