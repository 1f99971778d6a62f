// The layer products of the diagonal network (docs/MODEL.md, "Model" and "Gradient"):
// β = w_1 ⊙ … ⊙ w_L (left to right) and ∂L/∂w_l = g ⊙ P_l ⊙ S_l with the prefix product
// P_l = Π_{k<l} w_k (left to right) and the suffix product S_l = Π_{k>l} w_k (right to left), no
// division, for one coordinate (f64) or one f64x2 column (two coordinates of one run, or one
// coordinate of two runs: the caller chooses the layout by `stride`, the bytes between layers).
// Every kernel calls these; the memory-level loops below serve the single-run kernels.
// TS mirrors: packages/sim/src/engine/reference.ts (DiagonalNet.computeBeta, gradient) and
// packages/sim/src/engine/logdomain.ts (ScaledGradient.eval).

/** Π_l W[l·stride] (left to right), one coordinate. */
// @ts-ignore: decorator
@inline export function product(W: usize, stride: usize, L: i32): f64 {
  let p = load<f64>(W);
  for (let l = 1; l < L; l++) p *= load<f64>(W + <usize>l * stride);
  return p;
}

/** Π_l W[l·stride] (left to right), one f64x2 column. */
// @ts-ignore: decorator
@inline export function productV(W: usize, stride: usize, L: i32): v128 {
  let p = v128.load(W);
  for (let l = 1; l < L; l++) p = f64x2.mul(p, v128.load(W + <usize>l * stride));
  return p;
}

/** G[l·stride] = g·(P_l·S_l) for l < L, one coordinate (G first holds the prefix products). */
// @ts-ignore: decorator
@inline export function layerGrad(W: usize, G: usize, stride: usize, L: i32, g: f64): void {
  let p: f64 = 1;
  for (let l = 0; l < L; l++) {
    const o = <usize>l * stride;
    store<f64>(G + o, p);
    p *= load<f64>(W + o);
  }
  let s: f64 = 1;
  for (let l = L - 1; l >= 0; l--) {
    const o = <usize>l * stride;
    store<f64>(G + o, g * (load<f64>(G + o) * s));
    s *= load<f64>(W + o);
  }
}

/** The same for one f64x2 column. */
// @ts-ignore: decorator
@inline export function layerGradV(W: usize, G: usize, stride: usize, L: i32, g: v128): void {
  let p = f64x2.splat(1);
  for (let l = 0; l < L; l++) {
    const o = <usize>l * stride;
    v128.store(G + o, p);
    p = f64x2.mul(p, v128.load(W + o));
  }
  let s = f64x2.splat(1);
  for (let l = L - 1; l >= 0; l--) {
    const o = <usize>l * stride;
    v128.store(G + o, f64x2.mul(g, f64x2.mul(v128.load(G + o), s)));
    s = f64x2.mul(s, v128.load(W + o));
  }
}

// ---- one run, L×d layer-major (w_l = W[l·d .. l·d+d)): two coordinates per f64x2, then the odd one ----

/** B = β of W (d coordinates). */
export function betaInto(W: usize, B: usize, d: i32, L: i32): void {
  const stride = <usize>d << 3;
  const dEven = d & ~1;
  let j = 0;
  for (; j < dEven; j += 2) v128.store(B + (<usize>j << 3), productV(W + (<usize>j << 3), stride, L));
  if (j < d) store<f64>(B + (<usize>j << 3), product(W + (<usize>j << 3), stride, L));
}

/**
 * G = ∇_w L from g = ∂L/∂β (d entries). L = 2 uses the exact identities 1·a = a of the prefix and
 * suffix products (∂/∂w_1 = g ⊙ w_2, ∂/∂w_2 = g ⊙ w_1), L = 1 copies g.
 */
export function layerGradsInto(W: usize, g: usize, G: usize, d: i32, L: i32): void {
  const stride = <usize>d << 3;
  const dEven = d & ~1;
  if (L == 1) {
    memory.copy(G, g, stride);
    return;
  }
  if (L == 2) {
    const W2 = W + stride;
    const G2 = G + stride;
    let k = 0;
    for (; k < dEven; k += 2) {
      const o = <usize>k << 3;
      const gj = v128.load(g + o);
      v128.store(G + o, f64x2.mul(gj, v128.load(W2 + o)));
      v128.store(G2 + o, f64x2.mul(gj, v128.load(W + o)));
    }
    if (k < d) {
      const o = <usize>k << 3;
      store<f64>(G + o, load<f64>(g + o) * load<f64>(W2 + o));
      store<f64>(G2 + o, load<f64>(g + o) * load<f64>(W + o));
    }
    return;
  }
  let j = 0;
  for (; j < dEven; j += 2) {
    const o = <usize>j << 3;
    layerGradV(W + o, G + o, stride, L, v128.load(g + o));
  }
  if (j < d) {
    const o = <usize>j << 3;
    layerGrad(W + o, G + o, stride, L, load<f64>(g + o));
  }
}

/**
 * Q_l = P_l·S_l = Π_{k≠l} w_k for every layer (prefix times suffix, in the order of `layerGrad`), so
 * that G = g ⊙ Q gives exactly the bits of `layerGradsInto` at the same W. The m-SAM step computes Q
 * once at w and shares it among its groups (plain.ts).
 */
export function prodsExceptInto(W: usize, Q: usize, d: i32, L: i32): void {
  const stride = <usize>d << 3;
  for (let j = 0; j < d; j++) {
    const o = <usize>j << 3;
    let p: f64 = 1;
    for (let l = 0; l < L; l++) {
      store<f64>(Q + o + <usize>l * stride, p);
      p *= load<f64>(W + o + <usize>l * stride);
    }
    let s: f64 = 1;
    for (let l = L - 1; l >= 0; l--) {
      const a = Q + o + <usize>l * stride;
      store<f64>(a, load<f64>(a) * s);
      s *= load<f64>(W + o + <usize>l * stride);
    }
  }
}
