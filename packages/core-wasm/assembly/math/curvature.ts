// The curvature of the training loss (docs/MODEL.md, "Curvature and balance"): the Hessian-vector
// product H·v of L(w) = (1/n) Σ_i ℓ(u_i) in all L·d weights, tr H in closed form, the layer balance and
// the ℓ2-SAM edge of stability. With rows a_i = s_i x_i (s_i = y_i, or 1 for the squared loss, as in
// model.ts `yxPtr`), c_i = ℓ''(u_i)/n, g = ∂L/∂β = Σ_i (ℓ'(u_i)/n) a_i and P_lj = Π_{k≠l} w_kj:
//   (H v)_lj = P_lj · Σ_i c_i a_ij <a_i, q> + g_j · D_lj(v),   q_j = Σ_l P_lj v_lj,
//   D_lj(v) = Σ_{m≠l} v_mj Π_{k∉{l,m}} w_kj   (the directional derivative of P_lj along v).
// Prefix and suffix products with their tangents give P and D without division (zeros in w are
// common: v₀ = 0 in the sparse-regression setting). Nothing here is on the training path; these run
// only at recorded points. TS mirror: packages/sim/src/engine/curvature.ts.

// @ts-ignore: decorator
@inline function ldf(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function stf(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/** P[l·d + j] = Π_{k≠l} W[k·d + j] (prefix × suffix, no division). */
export function layerProductsInto(W: usize, P: usize, d: i32, L: i32): void {
  for (let j = 0; j < d; j++) {
    let p: f64 = 1;
    for (let l = 0; l < L; l++) {
      stf(P, l * d + j, p);
      p *= ldf(W, l * d + j);
    }
    let s: f64 = 1;
    for (let l = L - 1; l >= 0; l--) {
      stf(P, l * d + j, ldf(P, l * d + j) * s);
      s *= ldf(W, l * d + j);
    }
  }
}

/**
 * out = H·V at W. P holds the layer products of W (layerProductsInto), c the n values ℓ''(u_i)/n, g the
 * d values of ∂L/∂β; q (d), a (n) and T (2L) are scratch. Costs two passes over the n×d rows.
 */
export function hessianVectorInto(
  W: usize, V: usize, out: usize, rows: usize, c: usize, g: usize, P: usize,
  q: usize, a: usize, T: usize, n: i32, d: i32, L: i32,
): void {
  // q = dβ along V
  for (let j = 0; j < d; j++) {
    let s: f64 = 0;
    for (let l = 0; l < L; l++) s += ldf(P, l * d + j) * ldf(V, l * d + j);
    stf(q, j, s);
  }
  // a_i = c_i <a_i, q>, then h = Σ_i a_i a_i (h kept in q)
  for (let i = 0; i < n; i++) {
    const row = rows + (<usize>(i * d) << 3);
    let s: f64 = 0;
    for (let j = 0; j < d; j++) s += ldf(row, j) * ldf(q, j);
    stf(a, i, s * ldf(c, i));
  }
  for (let j = 0; j < d; j++) stf(q, j, 0);
  for (let i = 0; i < n; i++) {
    const ai = ldf(a, i);
    if (ai == 0) continue;
    const row = rows + (<usize>(i * d) << 3);
    for (let j = 0; j < d; j++) stf(q, j, ldf(q, j) + ai * ldf(row, j));
  }
  // out_lj = h_j P_lj + g_j D_lj: prefix products p_l and tangents dp_l forward (dp_l into T),
  // suffix s_l and ds_l backward, D_l = dp_l s_l + p_l ds_l
  for (let j = 0; j < d; j++) {
    const hj = ldf(q, j);
    const gj = ldf(g, j);
    let p: f64 = 1;
    let dp: f64 = 0;
    for (let l = 0; l < L; l++) {
      stf(T, l, dp);
      stf(T, L + l, p);
      const wl = ldf(W, l * d + j);
      dp = dp * wl + p * ldf(V, l * d + j);
      p *= wl;
    }
    let s: f64 = 1;
    let ds: f64 = 0;
    for (let l = L - 1; l >= 0; l--) {
      const o = l * d + j;
      const wl = ldf(W, o);
      stf(out, o, hj * ldf(P, o) + gj * (ldf(T, l) * s + ldf(T, L + l) * ds));
      ds = ds * wl + s * ldf(V, o);
      s *= wl;
    }
  }
}

/** tr H = Σ_j [Σ_i c_i a_ij²] · Σ_l P_lj² (the ℓ'·∂²u term has a zero diagonal). */
export function hessianTrace(rows: usize, c: usize, P: usize, n: i32, d: i32, L: i32): f64 {
  let tr: f64 = 0;
  for (let j = 0; j < d; j++) {
    let s: f64 = 0;
    for (let i = 0; i < n; i++) {
      const x = ldf(rows, i * d + j);
      s += ldf(c, i) * (x * x);
    }
    let pp: f64 = 0;
    for (let l = 0; l < L; l++) {
      const v = ldf(P, l * d + j);
      pp += v * v;
    }
    tr += s * pp;
  }
  return tr;
}

/** max_j [max_l w_lj² − min_l w_lj²]: 0 for balanced layers (and always for L = 1). */
export function balanceOf(W: usize, d: i32, L: i32): f64 {
  let b: f64 = 0;
  for (let j = 0; j < d; j++) {
    let hi: f64 = -Infinity;
    let lo: f64 = Infinity;
    for (let l = 0; l < L; l++) {
      const v = ldf(W, l * d + j);
      const v2 = v * v;
      if (v2 > hi) hi = v2;
      if (v2 < lo) lo = v2;
    }
    if (hi - lo > b) b = hi - lo;
  }
  return b;
}

/**
 * The ℓ2-SAM edge of stability (Long & Bartlett): ‖∇L‖/(2ρ)·(√(1 + 8ρ/(η‖∇L‖)) − 1), written as
 * (4/η)/(1 + √(1 + 8ρ/(η‖∇L‖))) so that it has no cancellation and equals 2/η at ρ = 0.
 */
// @ts-ignore: decorator
@inline export function samEdge(eta: f64, rho: f64, gradNorm: f64): f64 {
  if (rho == 0) return 2.0 / eta;
  return (4.0 / eta) / (1.0 + Math.sqrt(1.0 + (8.0 * rho) / (eta * gradNorm)));
}
