// The losses ℓ(z) of docs/MODEL.md, "Losses", as functions of the margin z = y<β, x> (for the
// squared loss: of the residual z = <β, x> − y): value, ℓ', ℓ'' and the log-domain scaled forms, in
// f64 and (ℓ' only) f64x2. Every kernel calls these; adding a
// loss is one more branch in each function below and one code in codes.json.
// TS mirrors: packages/sim/src/engine/reference.ts (lossPrime, lossValue) and
// packages/sim/src/engine/logdomain.ts (scaled forms, scale exponent).
// The operation order of each expression is part of the bit-identity contract (test/golden.test.ts).

import { LOSS_LOGISTIC, LOSS_SQUARED } from "../generated/codes";
import { expV } from "../simd-exp";

/** ℓ(z): logistic log(1 + e^{−z}) (stable on both sides of 0), exponential e^{−z}, squared ½z². */
// @ts-ignore: decorator
@inline export function lossValue(kind: i32, z: f64): f64 {
  if (kind == LOSS_SQUARED) return 0.5 * (z * z);
  if (kind == LOSS_LOGISTIC) return z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
  return Math.exp(-z);
}

/** ℓ'(z): logistic −1/(1 + e^z), exponential −e^{−z}, squared z. */
// @ts-ignore: decorator
@inline export function lossPrime(kind: i32, z: f64): f64 {
  if (kind == LOSS_SQUARED) return z;
  return kind == LOSS_LOGISTIC ? -1.0 / (1.0 + Math.exp(z)) : -Math.exp(-z);
}

/** ℓ'(z) of two margins at once (simd-exp.ts: each lane bit-identical to `lossPrime`). */
// @ts-ignore: decorator
@inline export function lossPrimeV(kind: i32, z: v128): v128 {
  if (kind == LOSS_SQUARED) return z;
  return lossPrimeTailV(kind, z);
}

/** `lossPrimeV` of the exponential-tail losses only (logistic, exponential): for hot loops that branch on the squared loss once, outside. */
// @ts-ignore: decorator
@inline export function lossPrimeTailV(kind: i32, z: v128): v128 {
  return kind == LOSS_LOGISTIC
    ? f64x2.div(f64x2.splat(-1.0), f64x2.add(f64x2.splat(1.0), expV(z)))
    : f64x2.neg(expV(f64x2.neg(z)));
}

/** ℓ''(z): logistic 1/((1 + e^z)(1 + e^{−z})), exponential e^{−z}, squared 1. (For curvature measurements.) */
// @ts-ignore: decorator
@inline export function lossSecond(kind: i32, z: f64): f64 {
  if (kind == LOSS_SQUARED) return 1.0;
  return kind == LOSS_LOGISTIC ? 1.0 / ((1.0 + Math.exp(z)) * (1.0 + Math.exp(-z))) : Math.exp(-z);
}

// ---- the log domain (docs/MODEL.md, "Log domain") ----
// With c = min_i z_i, the scale exponent is κ = c for the exponential loss and κ = max(c, 0) for the
// logistic one; the squared loss has no exponential tail and κ = 0. Then every e^{κ}·ℓ'(z_i) has magnitude ≤ 1 (it is ≥ e^{−(z_i−c)}/2 for the example
// with the smallest margin, so the scaled gradient never underflows to zero by the loss alone).

/** κ from the smallest margin c (NaN or no margins: 0, so NaN propagates through G instead). */
// @ts-ignore: decorator
@inline export function scaleExponentOf(kind: i32, c: f64): f64 {
  if (kind == LOSS_SQUARED || c != c || c == Infinity) return 0;
  if (kind == LOSS_LOGISTIC && c < 0) return 0;
  return c;
}

/** e^κ·ℓ'(z). Logistic with κ > 0 (so z ≥ κ > 0): −e^{κ−z}/(1+e^{−z}). */
// @ts-ignore: decorator
@inline export function lossPrimeScaled(kind: i32, z: f64, kappa: f64): f64 {
  if (kind == LOSS_SQUARED) return lossPrime(LOSS_SQUARED, z); // κ = 0
  if (kind == LOSS_LOGISTIC) {
    if (kappa == 0) return lossPrime(LOSS_LOGISTIC, z);
    return -Math.exp(kappa - z) / (1.0 + Math.exp(-z));
  }
  return -Math.exp(kappa - z);
}

/** e^κ·ℓ(z). Logistic with κ > 0: e^{κ−z}·log1p(u)/u with u = e^{−z} (→ 1 as u → 0). */
// @ts-ignore: decorator
@inline export function lossValueScaled(kind: i32, z: f64, kappa: f64): f64 {
  if (kind == LOSS_SQUARED) return lossValue(LOSS_SQUARED, z); // κ = 0
  if (kind == LOSS_LOGISTIC) {
    if (kappa == 0) return lossValue(LOSS_LOGISTIC, z);
    const u = Math.exp(-z);
    const h = u == 0 ? 1.0 : Math.log1p(u) / u;
    return Math.exp(kappa - z) * h;
  }
  return Math.exp(kappa - z);
}
