/**
 * Σ_j a_j b_{off+j} over `count` entries in four interleaved partial sums, as the core's model.ts
 * `dot4`: s_k over j ≡ k (mod 4) below count − count mod 4 (j ascending, each from 0), then
 * ((s_0 + s_1) + (s_2 + s_3)), then the remaining terms in order.
 */
export function dot4(a: Float64Array, b: Float64Array, off: number, count: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const c4 = count & ~3;
  let j = 0;
  for (; j < c4; j += 4) {
    s0 += a[j]! * b[off + j]!;
    s1 += a[j + 1]! * b[off + j + 1]!;
    s2 += a[j + 2]! * b[off + j + 2]!;
    s3 += a[j + 3]! * b[off + j + 3]!;
  }
  let s = s0 + s1 + (s2 + s3);
  for (; j < count; j++) s += a[j]! * b[off + j]!;
  return s;
}

