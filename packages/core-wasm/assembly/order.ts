// samlab core, the summation order of the data gradient, shared by every engine.
//
// g = ∂L/∂β = Σ_i (ℓ'(z_i)/n) y_i x_i is summed in row blocks of ROW_BLOCK examples: within a block
// in row order starting from 0, then the block sums in block order,
//   g_j = ((p_0j + p_1j) + p_2j) + …,   p_bj = (((0 + r_i x_ij) + r_{i+1} x_{i+1,j}) + …) over block b.
// For n ≤ ROW_BLOCK this is plain row order. The blocks let two threads each take whole blocks in one
// fused pass over the data (margins, r_i and the partial g of the block while its rows are in cache)
// and still give the same bits as one thread: the order depends on n only, never on the thread
// count. Every engine mirrors it: model.ts and fast.ts (one thread), threads.ts (two), batch.ts, the
// flows (model.ts gradientScaled) and the pure-TS reference (packages/sim/src/engine/reference.ts,
// logdomain.ts), whose ROW_BLOCK must equal this one (packages/sim/src/engine/order.test.ts).
// Margins z_i = Σ_j β_j y_i x_ij are always summed over j ascending.

/** Examples per block of the gradient's sum; a multiple of 16 (whole blocks of 8 row pairs in fast.ts). */
export const ROW_BLOCK: i32 = 128;
