/**
 * The log-domain gradient and loss: the TypeScript mirror of `gradientScaled`, `lossScaled` and
 * `perturbScaled` in packages/core-wasm/assembly/model.ts, operation for operation.
 *
 * With c = min_i z_i, the scale exponent is κ = c (exponential loss) or κ = max(c, 0) (logistic).
 * Then G_s = e^κ ∇_w L has entries of ordinary size however large the margins are, while ∇_w L itself
 * underflows to 0 once the margins pass ~745. The flows and the loss-normalized step only need
 * G_s, κ and the scaled loss / normalizer (docs/FLOWS.md, "Huge margins").
 */
// exp/log/log1p ported from fdlibm: the same bits in Node and in every browser (math/portable-math.ts)
import { portableExp, portableLog1p } from "../math/portable-math.js";
import type { Algo, Loss } from "./types.js";

/**
 * The network workspace the scaled gradient reads and fills: the reference engine's `DiagonalNet`
 * (declared here by shape, so that this file does not import the engine that imports it).
 */
export interface NetWorkspace {
  readonly n: number;
  readonly d: number;
  readonly depth: number;
  readonly invN: number;
  readonly loss: Loss;
  readonly yx: Float64Array;
  readonly beta: Float64Array;
  readonly z: Float64Array;
  readonly g: Float64Array;
  readonly r: Float64Array;
  computeBeta(w: Float64Array): void;
  /** z from β: margins, or the squared loss's residuals. */
  computeMargins(): void;
  sumG(): void;
}

/** e^κ·ℓ'(z). Logistic with κ > 0 (so z ≥ κ > 0): −e^{κ−z}/(1+e^{−z}). */
export function lossPrimeScaled(loss: Loss, z: number, kappa: number): number {
  if (loss === "squared") return z; // κ = 0: no exponential tail
  if (loss === "logistic") {
    if (kappa === 0) return -1 / (1 + portableExp(z));
    return -portableExp(kappa - z) / (1 + portableExp(-z));
  }
  return -portableExp(kappa - z);
}

/** e^κ·ℓ(z). Logistic with κ > 0: e^{κ−z}·log1p(u)/u, u = e^{−z} (the ratio → 1 as u → 0). */
export function lossValueScaled(loss: Loss, z: number, kappa: number): number {
  if (loss === "squared") return 0.5 * (z * z);
  if (loss === "logistic") {
    if (kappa === 0) return z > 0 ? portableLog1p(portableExp(-z)) : -z + portableLog1p(portableExp(z));
    const u = portableExp(-z);
    const h = u === 0 ? 1 : portableLog1p(u) / u;
    return portableExp(kappa - z) * h;
  }
  return portableExp(kappa - z);
}

/** Scaled gradients of one network (shares the net's β, z, g workspaces). */
export class ScaledGradient {
  /** (1/n) Σ −e^κ ℓ'(z_i) of the last `eval` (the rescaled flow's normalizer, scaled like G). */
  meanAbsLossPrime = 0;

  constructor(readonly net: NetWorkspace) {}

  /** κ of the margins in net.z. */
  scaleExponent(): number {
    const { n, z, loss } = this.net;
    let c = Infinity;
    for (let i = 0; i < n; i++) if (z[i]! < c) c = z[i]!;
    if (loss === "squared" || c !== c || c === Infinity) return 0;
    if (loss === "logistic" && c < 0) return 0;
    return c;
  }

  /** G = e^κ ∇_w L(w); returns κ. Leaves β, z and the scaled g in the net. */
  eval(w: Float64Array, G: Float64Array): number {
    const net = this.net;
    const { n, d, depth, z, g, r, invN, loss } = net;
    net.computeBeta(w);
    net.computeMargins();
    const kappa = this.scaleExponent();
    let s = 0;
    for (let i = 0; i < n; i++) {
      const lp = lossPrimeScaled(loss, z[i]!, kappa);
      s -= lp;
      r[i] = lp * invN;
    }
    net.sumG();
    this.meanAbsLossPrime = s * invN;
    if (depth === 1) {
      for (let j = 0; j < d; j++) G[j] = g[j]!;
      return kappa;
    }
    for (let j = 0; j < d; j++) {
      let p = 1;
      for (let l = 0; l < depth; l++) {
        G[l * d + j] = p;
        p *= w[l * d + j]!;
      }
      let q = 1;
      const gj = g[j]!;
      for (let l = depth - 1; l >= 0; l--) {
        G[l * d + j] = gj * (G[l * d + j]! * q);
        q *= w[l * d + j]!;
      }
    }
    return kappa;
  }

  /** (1/n) Σ e^κ ℓ(z_i) over the margins in net.z; log L = log(this) − κ. */
  lossScaled(kappa: number): number {
    const { n, z, invN, loss } = this.net;
    let s = 0;
    for (let i = 0; i < n; i++) s += lossValueScaled(loss, z[i]!, kappa);
    return s * invN;
  }
}

function sumSq(a: Float64Array, count: number): number {
  let s = 0;
  for (let k = 0; k < count; k++) s += a[k]! * a[k]!;
  return s;
}

/**
 * out = w + ε from the scaled gradient Gs: ℓ2 and ℓ∞ are scale-free (the plain `perturb` on Gs),
 * USAM's ε = ρ e^{−κ} Gs. Returns ‖ε‖₂. `perturb` is passed in to avoid an import cycle.
 */
export function perturbScaled(
  algo: Algo,
  rho: number,
  w: Float64Array,
  Gs: Float64Array,
  kappa: number,
  out: Float64Array,
  perturb: (algo: Algo, rho: number, w: Float64Array, G: Float64Array, out: Float64Array) => number,
): number {
  if (algo === "usam") {
    const scale = rho * portableExp(-kappa);
    for (let k = 0; k < w.length; k++) out[k] = w[k]! + scale * Gs[k]!;
    return scale * Math.sqrt(sumSq(Gs, w.length));
  }
  return perturb(algo, rho, w, Gs, out);
}
