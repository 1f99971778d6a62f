// The SAM perturbations ε(w) of docs/MODEL.md, "Algorithms": ℓ2-SAM ε = ρ∇/‖∇‖₂ (0 where ∇ = 0),
// ℓ∞-SAM ε = ρ·sign(∇), USAM ε = ρ∇, ASAM ε = ρT²∇/‖T∇‖₂ (T = |w| + ξ) — as element rules (f64 and
// f64x2) that every kernel applies, the one memory-level loop of the single-run kernels, and one step
// of the k-step ascent (`ascentInto`, docs/MODEL.md "Relatives"). A new rule is one more element rule
// and one code in codes.json.
// TS mirrors: packages/sim/src/engine/perturb.ts (perturb), logdomain.ts (perturbScaled) and
// flow-reference.ts (ReferenceFlowRun.rhs, ℓ∞'s frozen sign pattern).

import { ALGO_ASAM, ALGO_SAM_L2, ALGO_SAM_LINF } from "../generated/codes";

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

/** ASAM's T_k = |w_k| + ξ (ξ = sam.xi), always taken at the unperturbed w. */
// @ts-ignore: decorator
@inline export function asamT(w: f64, xi: f64): f64 {
  return Math.abs(w) + xi;
}

/** ASAM's direction element T²g = t·(t·g) (the caller scales it by ρ/‖Tg‖₂). */
// @ts-ignore: decorator
@inline export function asamDir(t: f64, g: f64): f64 {
  return t * (t * g);
}

/** ‖T G‖₂² = Σ (t_k g_k)² over m entries, k ascending, T = |W| + ξ. */
export function asamNormSq(W: usize, G: usize, m: i32, xi: f64): f64 {
  let s: f64 = 0;
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    const u = asamT(load<f64>(W + o), xi) * load<f64>(G + o);
    s += u * u;
  }
  return s;
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
@inline export function ascendInto(W: usize, G: usize, out: usize, m: i32, c: f64): void {
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
 * ASAM: out = W + c·T²G with c = ρ/‖TG‖₂, T = |W| + ξ (out = W where TG = 0); returns ‖ε‖₂.
 */
export function perturbAsamInto(rho: f64, xi: f64, W: usize, G: usize, out: usize, m: i32): f64 {
  const norm = Math.sqrt(asamNormSq(W, G, m, xi));
  if (norm == 0) {
    memory.copy(out, W, <usize>m << 3);
    return 0;
  }
  const c = l2Coef(rho, norm);
  let e2: f64 = 0;
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    const w = load<f64>(W + o);
    const e = c * asamDir(asamT(w, xi), load<f64>(G + o));
    e2 += e * e;
    store<f64>(out + o, w + e);
  }
  return Math.sqrt(e2);
}

/**
 * One step of the k-step ascent (docs/MODEL.md, "Relatives"): E ← E + (ρ/k)·dir(G), or E = (ρ/k)·dir(G)
 * when `first` (no 0 + …, so that k = 1 gives exactly the ε of `perturbInto`), with dir = G/‖G‖₂ (ℓ2),
 * sign G (ℓ∞), G (USAM) or T²G/‖TG‖₂ with T = |W| + ξ taken at the unperturbed W (ASAM); `rhoK` = ρ/k.
 * Returns false, leaving E untouched, when ℓ2's or ASAM's normalizer is 0 (then every later step
 * would see the same gradient: the caller stops ascending).
 */
export function ascentInto(algo: i32, rhoK: f64, xi: f64, W: usize, G: usize, E: usize, m: i32, first: bool): bool {
  if (algo == ALGO_SAM_L2 || algo == ALGO_ASAM) {
    const asam = algo == ALGO_ASAM;
    const norm = Math.sqrt(asam ? asamNormSq(W, G, m, xi) : sumSq(G, m));
    if (norm == 0) return false;
    const c = l2Coef(rhoK, norm);
    for (let k = 0; k < m; k++) {
      const o = <usize>k << 3;
      const g = load<f64>(G + o);
      const e = c * (asam ? asamDir(asamT(load<f64>(W + o), xi), g) : g);
      store<f64>(E + o, first ? e : load<f64>(E + o) + e);
    }
    return true;
  }
  for (let k = 0; k < m; k++) {
    const o = <usize>k << 3;
    const g = load<f64>(G + o);
    const e = algo == ALGO_SAM_LINF ? linfEps(g, rhoK) : rhoK * g;
    store<f64>(E + o, first ? e : load<f64>(E + o) + e);
  }
  return true;
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
