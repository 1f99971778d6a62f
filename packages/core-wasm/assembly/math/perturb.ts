// The SAM perturbations ε(w) of docs/MODEL.md, "Algorithms": ℓ2-SAM ε = ρ∇/‖∇‖₂ (0 where ∇ = 0),
// ℓ∞-SAM ε = ρ·sign(∇), USAM ε = ρ∇ — as element rules (f64 and f64x2) that every kernel applies,
// and the one memory-level loop of the single-run kernels. A new rule (ASAM, m-SAM groups) is one
// more element rule and one code in codes.json.
// TS mirrors: packages/sim/src/engine/reference.ts (perturb), logdomain.ts (perturbScaled) and
// flow-reference.ts (ReferenceFlowRun.rhs, ℓ∞'s frozen sign pattern).

import { ALGO_SAM_L2, ALGO_SAM_LINF } from "../generated/codes";

/** w + c·g: the ascent of ℓ2-SAM (c = ρ/‖∇‖₂) and USAM (c = ρ; ρe^{−κ} on a scaled gradient). */
// @ts-ignore: decorator
@inline export function ascend(w: f64, c: f64, g: f64): f64 {
  return w + c * g;
}

// @ts-ignore: decorator
@inline export function ascendV(w: v128, c: v128, g: v128): v128 {
  return f64x2.add(w, f64x2.mul(c, g));
}

/** ℓ2-SAM's coefficient c = ρ/‖∇‖₂ (the caller keeps w where ‖∇‖₂ = 0). */
// @ts-ignore: decorator
@inline export function l2Coef(rho: f64, norm: f64): f64 {
  return rho / norm;
}

// @ts-ignore: decorator
@inline export function l2CoefV(rho: v128, norm: v128): v128 {
  return f64x2.div(rho, norm);
}

/** ℓ∞-SAM's ε_k = ρ·sign(g_k): ρ, −ρ, or 0 where g_k is 0 (or NaN). */
// @ts-ignore: decorator
@inline export function linfEps(g: f64, rho: f64): f64 {
  return g > 0 ? rho : g < 0 ? -rho : 0.0;
}

// @ts-ignore: decorator
@inline export function linfEpsV(g: v128, rho: v128, negRho: v128): v128 {
  const zero = f64x2.splat(0);
  return v128.bitselect(rho, v128.and(negRho, f64x2.lt(g, zero)), f64x2.gt(g, zero));
}

/** sign(g) ∈ {−1, 0, +1} (0 for NaN): the ℓ∞ flows freeze this pattern for a step (flow.ts). */
// @ts-ignore: decorator
@inline export function signOf(g: f64): f64 {
  return g > 0 ? 1.0 : g < 0 ? -1.0 : 0.0;
}

/** Σ v_k² over m entries, k ascending. */
export function sumSq(p: usize, m: i32): f64 {
  let s: f64 = 0;
  for (let k = 0; k < m; k++) {
    const v = load<f64>(p + (<usize>k << 3));
    s += v * v;
  }
  return s;
}

/** out = W + c·G over m entries (elementwise, so two at a time changes no bits). */
// @ts-ignore: decorator
@inline function ascendInto(W: usize, G: usize, out: usize, m: i32, c: f64): void {
  const cv = f64x2.splat(c);
  const mEven = m & ~1;
  let k = 0;
  for (; k < mEven; k += 2) {
    const o = <usize>k << 3;
    v128.store(out + o, ascendV(v128.load(W + o), cv, v128.load(G + o)));
  }
  if (k < m) {
    const o = <usize>k << 3;
    store<f64>(out + o, ascend(load<f64>(W + o), c, load<f64>(G + o)));
  }
}

/**
 * out = W + ε(G) over m entries (one run, any layout); returns ‖ε‖₂. G may be scaled by e^κ
 * (`kappa`; 0 for a plain gradient): ℓ2 and ℓ∞ are scale-free, USAM's ε = ρe^{−κ}G.
 */
export function perturbInto(algo: i32, rho: f64, W: usize, G: usize, out: usize, m: i32, kappa: f64): f64 {
  if (algo == ALGO_SAM_L2) {
    const norm = Math.sqrt(sumSq(G, m));
    if (norm == 0) {
      memory.copy(out, W, <usize>m << 3);
      return 0;
    }
    ascendInto(W, G, out, m, l2Coef(rho, norm));
    return rho;
  }
  if (algo == ALGO_SAM_LINF) {
    let nz: i32 = 0;
    for (let k = 0; k < m; k++) {
      const o = <usize>k << 3;
      const gk = load<f64>(G + o);
      if (gk > 0 || gk < 0) nz++;
      store<f64>(out + o, load<f64>(W + o) + linfEps(gk, rho));
    }
    return rho * Math.sqrt(<f64>nz);
  }
  // USAM
  if (kappa == 0) {
    ascendInto(W, G, out, m, rho);
    return rho * Math.sqrt(sumSq(G, m));
  }
  const scale = rho * Math.exp(-kappa);
  ascendInto(W, G, out, m, scale);
  return scale * Math.sqrt(sumSq(G, m));
}
