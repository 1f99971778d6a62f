// The row-pair layout of y_i x_i shared by fast.ts and threads.ts: pair p holds rows 2p and 2p+1,
// column j as two lanes. T = f64 stores them as f64 (16 bytes per column); T = f32 as f32 (8 bytes,
// the `precision.x = "f32"` option: x was rounded to f32 by JS, so the f32 copy is exact and every
// product and sum stays f64 — same bits as the f64 copy, half the memory traffic).

// @ts-ignore: decorator
@inline export function pairRowBytes<T>(d: i32): usize {
  return <usize>d << (sizeof<T>() == 8 ? 4 : 3);
}

/** Column j of the pair row at `row`, as f64x2 (lane 0 = row 2p, lane 1 = row 2p+1). */
// @ts-ignore: decorator
@inline export function pairLoad<T>(row: usize, j: i32): v128 {
  if (sizeof<T>() == 8) return v128.load(row + (<usize>j << 4));
  return f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>j << 3)));
}

/** Lane 0 (row 2p) of column j, as f64. */
// @ts-ignore: decorator
@inline export function laneLoad<T>(row: usize, j: i32): f64 {
  if (sizeof<T>() == 8) return load<f64>(row + (<usize>j << 4));
  return <f64>load<f32>(row + (<usize>j << 3));
}
