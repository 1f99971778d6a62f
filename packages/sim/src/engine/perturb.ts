/**
 * The ε rules of the pure-TS reference engine: w̃ = w + ε(G) for SAM (ℓ2), SAM-ℓ∞, USAM and ASAM, per
 * docs/MODEL.md, "Algorithms", with the same operation order as the WebAssembly core's
 * assembly/math/perturb.ts. Shared by the discrete run (reference.ts), the flows (flow-reference.ts)
 * and the record rows (reference-records.ts); the log-domain form is logdomain.ts `perturbScaled`.
 */
import type { Algo } from "./types.js";

/** Σ_k a_k² over the first `count` entries, in index order. */
export function sumSq(a: Float64Array, count: number): number {
  let s = 0;
  for (let k = 0; k < count; k++) s += a[k]! * a[k]!;
  return s;
}

/** w̃ = w + ε(G) per docs/MODEL.md, "Algorithms" (ASAM with ξ = `xi`); returns ‖ε‖₂. */
export function perturb(algo: Algo, rho: number, w: Float64Array, G: Float64Array, out: Float64Array, xi = 0.01): number {
  const LD = w.length;
  if (algo === "asam") {
    // T = |w| + ξ; ε = ρ T²G/‖TG‖₂ (0 when TG = 0)
    let s = 0;
    for (let k = 0; k < LD; k++) {
      const u = (Math.abs(w[k]!) + xi) * G[k]!;
      s += u * u;
    }
    const norm = Math.sqrt(s);
    if (norm === 0) {
      out.set(w);
      return 0;
    }
    const c = rho / norm;
    let e2 = 0;
    for (let k = 0; k < LD; k++) {
      const t = Math.abs(w[k]!) + xi;
      const e = c * (t * (t * G[k]!));
      e2 += e * e;
      out[k] = w[k]! + e;
    }
    return Math.sqrt(e2);
  }
  if (algo === "sam-l2") {
    const norm = Math.sqrt(sumSq(G, LD));
    if (norm === 0) {
      out.set(w);
      return 0;
    }
    const scale = rho / norm;
    for (let k = 0; k < LD; k++) out[k] = w[k]! + scale * G[k]!;
    return rho;
  }
  if (algo === "sam-linf") {
    let nz = 0;
    for (let k = 0; k < LD; k++) {
      const gk = G[k]!;
      let e = 0;
      if (gk > 0) {
        e = rho;
        nz++;
      } else if (gk < 0) {
        e = -rho;
        nz++;
      }
      out[k] = w[k]! + e;
    }
    return rho * Math.sqrt(nz);
  }
  for (let k = 0; k < LD; k++) out[k] = w[k]! + rho * G[k]!;
  return rho * Math.sqrt(sumSq(G, LD));
}
