/**
 * One record row of the pure-TS reference engine (loss, norms, margins, ‖ε‖₂, the log-domain
 * columns, β, then curvature and balance): the mirror of writeRecord in the WebAssembly core's
 * assembly/model.ts, shared by the discrete run (reference.ts) and the flows (flow-reference.ts).
 */
import { portableLog } from "../math/portable-math.js";
import type { ScaledGradient } from "./logdomain.js";
import { perturb, sumSq } from "./perturb.js";
import { type Curvature, type CurvatureNet, writeCurvatureRow } from "./curvature.js";
import { REC, type Algo } from "./types.js";

/**
 * What a record row needs from a network (reference.ts `DiagonalNet` has it; declared here by shape,
 * as curvature.ts does, so that reference.ts can import this file without a cycle).
 */
export interface RecordNet extends CurvatureNet {
  readonly LD: number;
  readonly beta: Float64Array;
  /** ∂L/∂β of the last gradient. */
  readonly g: Float64Array;
  /** Fills β, z, g and G = ∇_w L (L×d). */
  gradient(w: Float64Array, G: Float64Array): void;
  /** Mean loss over the margins in z. */
  lossFromMargins(): number;
}

/** What a record row needs from a pure-TS run (its workspaces are overwritten). */
export interface RecordSource {
  net: RecordNet;
  scaled: ScaledGradient;
  grad: Float64Array;
  gradScaled: Float64Array;
  wPert: Float64Array;
  algo: Algo;
  rho: number;
  recordBeta: boolean;
  /** ASAM's ξ (default 0.01). */
  xi?: number;
  /** Present when the run records sharpness (λ_max, λ_min, tr H). */
  curvature?: Curvature;
  /** η of the step leaving the point (NaN for flows: no edges of stability); `perLoss`: η_k = η/L(w). */
  edgeEta: number;
  edgePerLoss?: boolean;
}

/**
 * Writes one record row for parameters `w` at (step, t) into `R` at offset `row` — the pure-TS
 * mirror of writeRecord in assembly/model.ts, shared by the discrete and the flow reference engines.
 * Called at scheduled points only, never per step.
 */
export function writeRecordRow(R: Float64Array, row: number, src: RecordSource, w: Float64Array, step: number, t: number): void {
  const { net, scaled, grad, gradScaled } = src;
  // log-domain columns first, as in the AS core's writeRecord (they reuse the net's workspaces)
  const kappa = scaled.eval(w, gradScaled);
  const logLoss = portableLog(scaled.lossScaled(kappa)) - kappa;
  const logGradNorm = 0.5 * portableLog(sumSq(gradScaled, net.LD)) - kappa;
  net.gradient(w, grad);
  let minZ = Infinity;
  for (let i = 0; i < net.n; i++) if (net.z[i]! < minZ) minZ = net.z[i]!;
  let l1 = 0;
  let l2 = 0;
  let dom = 0;
  let domAbs = -1;
  for (let j = 0; j < net.d; j++) {
    const b = net.beta[j]!;
    const a = Math.abs(b);
    l1 += a;
    l2 += b * b;
    if (a > domAbs) {
      domAbs = a;
      dom = j;
    }
  }
  const gradNorm = Math.sqrt(sumSq(grad, net.LD));
  const pert = src.algo === "gd" ? 0 : perturb(src.algo, src.rho, w, grad, src.wPert, src.xi);
  R[row + REC.STEP] = step;
  R[row + REC.T] = t;
  R[row + REC.LOSS] = net.lossFromMargins();
  R[row + REC.L1] = l1;
  R[row + REC.L2] = Math.sqrt(l2);
  R[row + REC.WNORM] = Math.sqrt(sumSq(w, net.LD));
  R[row + REC.MIN_MARGIN] = net.loss === "squared" ? NaN : minZ; // residuals are no margins
  R[row + REC.GRAD_NORM] = gradNorm;
  R[row + REC.PERT_NORM] = pert;
  R[row + REC.DOMINANT] = dom;
  R[row + REC.G_NORM] = Math.sqrt(sumSq(net.g, net.d));
  R[row + REC.LOG_LOSS] = logLoss;
  R[row + REC.LOG_GRAD_NORM] = logGradNorm;
  if (src.recordBeta) for (let j = 0; j < net.d; j++) R[row + REC.FIXED + j] = net.beta[j]!;
  // balance, curvature and edges last (they overwrite the net's workspaces), as in the AS core
  writeCurvatureRow(R, row, net, w, src.curvature, { eta: src.edgeEta, perLoss: src.edgePerLoss ?? false, algo: src.algo, rho: src.rho });
}
