/**
 * The pure-TypeScript reference engine: docs/MODEL.md ("Gradient", "Algorithms", "Step sizes") written out plainly, with the same operation order
 * as the WebAssembly core (so the engines agree to the last few ulps, and tests can demand 1e-12).
 * It is the yardstick of every engine test and the fallback where WebAssembly is unavailable.
 * This file holds the losses, the network's math (`DiagonalNet`) and the discrete run (`ReferenceRun`);
 * the ε rules are in perturb.ts, the record row in reference-records.ts.
 */
// exp/log/log1p ported from fdlibm: the same bits in Node and in every browser (portable-math.ts)
import { portableExp, portableLog1p } from "../math/portable-math.js";
import { ScaledGradient, perturbScaled } from "./logdomain.js";
import { dot4 } from "./dot4.js";
import { PlainStep } from "./plain-reference.js";
import { Curvature } from "./curvature.js";
import { perturb } from "./perturb.js";
import { writeRecordRow } from "./reference-records.js";
import { REC, type Algo, type EngineClock, type EngineInit, type EngineRun, type LrSchedule, type Loss } from "./types.js";

/** ℓ'(z). Logistic: −1/(1+e^z); exponential: −e^{−z}; squared (z the residual <β, x> − y): z. */
export function lossPrime(loss: Loss, z: number): number {
  if (loss === "squared") return z;
  return loss === "logistic" ? -1 / (1 + portableExp(z)) : -portableExp(-z);
}

/** ℓ(z), the logistic one computed as a stable softplus; squared ½z². */
export function lossValue(loss: Loss, z: number): number {
  if (loss === "squared") return 0.5 * (z * z);
  if (loss === "logistic") return z > 0 ? portableLog1p(portableExp(-z)) : -z + portableLog1p(portableExp(z));
  return portableExp(-z);
}

/**
 * Examples per block of the gradient's sum g = Σ_i r_i y_i x_i: within a block in row order from 0,
 * then the block sums in block order, g_j = ((p_0j + p_1j) + p_2j) + … (plain row order for
 * n ≤ ROW_BLOCK). The order of the WebAssembly core (packages/core-wasm/assembly/order.ts, where it
 * lets two threads share one run with the same bits as one); the core reports its value through
 * `row_block()` and a test keeps the two equal.
 */
export const ROW_BLOCK = 128;

/** Workspace and math of one network; reused by snapshots and diagnostics. */
export class DiagonalNet {
  readonly LD: number;
  readonly yx: Float64Array;
  /** x itself and y: the squared loss's rows and targets (its margin is the residual <β, x_i> − y_i). */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly beta: Float64Array;
  readonly g: Float64Array;
  readonly z: Float64Array;
  /** r_i = ℓ'(z_i)/n (scaled by e^κ in the log domain) of the last gradient. */
  readonly r: Float64Array;
  private readonly gPart: Float64Array;
  readonly invN: number;

  constructor(
    x: Float64Array,
    y: Float64Array,
    readonly n: number,
    readonly d: number,
    readonly depth: number,
    public loss: Loss,
  ) {
    this.LD = depth * d;
    this.invN = 1 / n;
    this.yx = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) this.yx[i * d + j] = y[i]! * x[i * d + j]!;
    this.x = Float64Array.from(x.subarray(0, n * d));
    this.y = Float64Array.from(y.subarray(0, n));
    this.beta = new Float64Array(d);
    this.g = new Float64Array(d);
    this.gPart = new Float64Array(d);
    this.z = new Float64Array(n);
    this.r = new Float64Array(n);
  }

  /** β = w_1 ⊙ … ⊙ w_L, left to right. */
  computeBeta(w: Float64Array): void {
    const { d, depth, beta } = this;
    for (let j = 0; j < d; j++) {
      let p = w[j]!;
      for (let l = 1; l < depth; l++) p *= w[l * d + j]!;
      beta[j] = p;
    }
  }

  /** The rows the margins and g use: y_i x_i, or x_i for the squared loss. */
  get rows(): Float64Array {
    return this.loss === "squared" ? this.x : this.yx;
  }

  /** z_i = <β, y_i x_i>, or the residual <β, x_i> − y_i for the squared loss (j ascending). Requires β. */
  computeMargins(): void {
    const { n, d, beta, z } = this;
    const rows = this.rows;
    const sq = this.loss === "squared";
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += beta[j]! * rows[i * d + j]!;
      z[i] = sq ? s - this.y[i]! : s;
    }
  }

  /** g = Σ_i r_i y_i x_i (Σ_i r_i x_i for the squared loss) from the r_i in `this.r`, in the row blocks of ROW_BLOCK. */
  sumG(): void {
    const { n, d, g, gPart, r } = this;
    const yx = this.rows;
    for (let i0 = 0; i0 < n; i0 += ROW_BLOCK) {
      const acc = i0 === 0 ? g : gPart;
      acc.fill(0);
      const i1 = Math.min(i0 + ROW_BLOCK, n);
      for (let i = i0; i < i1; i++) {
        const ri = r[i]!;
        for (let j = 0; j < d; j++) acc[j] = acc[j]! + ri * yx[i * d + j]!;
      }
      if (i0 !== 0) for (let j = 0; j < d; j++) g[j] = g[j]! + gPart[j]!;
    }
  }

  /** Fills β, z, r, g = ∂L/∂β, and G = ∇_w L (L×d). */
  gradient(w: Float64Array, G: Float64Array): void {
    const { n, z, r, invN, loss } = this;
    this.computeBeta(w);
    this.computeMargins();
    for (let i = 0; i < n; i++) r[i] = lossPrime(loss, z[i]!) * invN;
    this.sumG();
    this.layerGrads(w, G);
  }

  /**
   * ∇_w L_G for the group of rows R[i0], …, R[i1−1] (the identity, or an epoch's permutation),
   * L_G = (1/|G|) Σ_{i∈G} ℓ_i, with g summed in the order of R. Fills β and g (m-SAM, mini-batches).
   */
  rowsGradient(w: Float64Array, G: Float64Array, R: Int32Array, i0: number, i1: number): void {
    const { d, g } = this;
    this.computeBeta(w);
    const rows = this.rows;
    const inv = 1 / (i1 - i0);
    g.fill(0);
    for (let q = i0; q < i1; q++) {
      const i = R[q]!;
      const ri = lossPrime(this.loss, this.rowMargin(this.beta, i)) * inv;
      for (let j = 0; j < d; j++) g[j] = g[j]! + ri * rows[i * d + j]!;
    }
    this.layerGrads(w, G);
  }

  /** ℓ'(z) of this net's loss. */
  lossPrimeAt(z: number): number {
    return lossPrime(this.loss, z);
  }

  /** The plain step's margin of row i at β: dot4(β, y_i x_i), minus y_i for the squared loss (the residual). */
  rowMargin(beta: Float64Array, i: number): number {
    const s = dot4(beta, this.rows, i * this.d, this.d);
    return this.loss === "squared" ? s - this.y[i]! : s;
  }

  /** G = ∂L/∂w_l = g ⊙ Π_{k≠l} w_k from the g in `this.g`. */
  private layerGrads(w: Float64Array, G: Float64Array): void {
    const { d, depth, g } = this;
    if (depth === 1) {
      for (let j = 0; j < d; j++) G[j] = g[j]!;
      return;
    }
    for (let j = 0; j < d; j++) {
      let p = 1;
      for (let l = 0; l < depth; l++) {
        G[l * d + j] = p;
        p *= w[l * d + j]!;
      }
      let s = 1;
      const gj = g[j]!;
      for (let l = depth - 1; l >= 0; l--) {
        G[l * d + j] = gj * (G[l * d + j]! * s);
        s *= w[l * d + j]!;
      }
    }
  }

  /** Mean loss over the margins currently in z. */
  lossFromMargins(): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) s += lossValue(this.loss, this.z[i]!);
    return s * this.invN;
  }
}

/** The discrete reference run: GD and the SAM family, step by step, recording at scheduled points. */
export class ReferenceRun implements EngineRun {
  readonly engine = "reference" as const;
  readonly stride: number;
  private readonly net: DiagonalNet;
  private w: Float64Array;
  private wNext: Float64Array;
  private readonly wPert: Float64Array;
  private readonly grad: Float64Array;
  private readonly gradPert: Float64Array;
  private readonly gradScaled: Float64Array;
  private readonly schedule: Float64Array;
  private readonly records: Float64Array;
  private recIdx = 0;
  private step = 0;
  private stepBase = 0;
  private tBase = 0;
  /** Σ η_k for the non-constant step-size schedules. */
  private tAcc = 0;
  private lrSchedule: LrSchedule;
  private readonly scaled: ScaledGradient;
  private nonfinite = -1;
  private algo: Algo;
  private lr: number;
  private rho: number;
  /** ρ as configured; under linear-decay `rho` is ρ_k = rhoBase·(1 − k/K), set before each step and record. */
  private rhoBase: number;
  private readonly rhoDecay: boolean;
  private readonly rhoSteps: number;
  private readonly recordBeta: boolean;
  /** m-SAM's group size when smaller than n (else 0: ordinary SAM), for the records. */
  private readonly group: number;
  /** The general plain step: mini-batches, m-SAM groups, ASAM, the k-step ascent (plain-reference.ts). */
  private readonly plain: PlainStep;
  private readonly xi: number;
  /** Sharpness workspaces when the run records λ_max, λ_min and tr H. */
  private readonly curvature: Curvature | undefined;

  constructor(init: EngineInit) {
    this.net = new DiagonalNet(init.x, init.y, init.n, init.d, init.depth, init.loss);
    const LD = this.net.LD;
    this.w = Float64Array.from(init.w0);
    this.wNext = new Float64Array(LD);
    this.wPert = new Float64Array(LD);
    this.grad = new Float64Array(LD);
    this.gradPert = new Float64Array(LD);
    this.gradScaled = new Float64Array(LD);
    this.schedule = Float64Array.from(init.schedule);
    this.recordBeta = init.recordBeta;
    this.stride = REC.FIXED + (init.recordBeta ? init.d : 0);
    // one spare row for a record outside the schedule (early stop)
    this.records = new Float64Array((this.schedule.length + 1) * this.stride);
    this.algo = init.algo;
    this.lr = init.lr;
    this.lrSchedule = init.lrSchedule ?? "constant";
    this.scaled = new ScaledGradient(this.net);
    this.rho = init.rho;
    this.group = init.group !== undefined && init.group < init.n ? init.group : 0;
    this.plain = new PlainStep(this.net, init);
    this.xi = init.xi ?? 0.01;
    this.rhoBase = init.rho;
    this.rhoDecay = init.rhoSchedule === "linear-decay";
    this.rhoSteps = init.rhoSteps ?? 0;
    this.curvature = init.sharpness ? new Curvature(init.n, init.d, init.depth) : undefined;
  }

  private syncRho(): void {
    if (this.rhoDecay) this.rho = this.rhoBase * (1 - this.step / this.rhoSteps);
  }

  configure(algo: Algo, loss: Loss, lr: number, rho: number): void {
    this.tBase = this.time();
    this.tAcc = this.tBase;
    this.stepBase = this.step;
    this.algo = algo;
    this.net.loss = loss;
    this.lr = lr;
    this.rho = rho;
    this.rhoBase = rho;
    this.syncRho();
  }

  time(): number {
    if (this.lrSchedule === "constant") return this.tBase + this.lr * (this.step - this.stepBase);
    return this.tAcc;
  }

  stepCount(): number {
    return this.step;
  }

  nonfiniteStep(): number {
    return this.nonfinite;
  }

  private doStep(): boolean {
    if (this.lrSchedule === "loss-normalized" || this.lrSchedule === "rescaled") return this.doStepLossNormalized();
    const lrk = this.lrSchedule === "inv-sqrt" ? this.lr / Math.sqrt(this.step + 1) : this.lr;
    if (this.plain.active(this.algo)) return this.descend(lrk, this.plain.direction(this.w, this.step, this.algo, this.rho));
    const { net, w, grad } = this;
    net.gradient(w, grad);
    let upd = grad;
    if (this.algo !== "gd") {
      perturb(this.algo, this.rho, w, grad, this.wPert);
      net.gradient(this.wPert, this.gradPert);
      upd = this.gradPert;
    }
    return this.descend(lrk, upd);
  }

  /** w ← w − η_k·u into the spare buffer, then swap; false (w untouched) when an entry is non-finite. */
  private descend(lrk: number, upd: Float64Array): boolean {
    const { w } = this;
    const next = this.wNext;
    let acc = 0;
    for (let k = 0; k < this.net.LD; k++) {
      const v = w[k]! - lrk * upd[k]!;
      next[k] = v;
      acc += v * 0;
    }
    if (acc !== acc) return false;
    this.wNext = w;
    this.w = next;
    if (this.lrSchedule !== "constant") this.tAcc += lrk;
    return true;
  }

  /** η_k = η/L(w_k), or the rescaled η/mean|ℓ'(z̃)|, in the log domain (mirrors doStepLossNormalized in the AS core). */
  private doStepLossNormalized(): boolean {
    const { net, w, grad, scaled } = this;
    const kappa = scaled.eval(w, grad);
    const ls = scaled.lossScaled(kappa);
    let upd = grad;
    let kU = kappa;
    if (this.algo !== "gd") {
      perturbScaled(this.algo, this.rho, w, grad, kappa, this.wPert, perturb);
      kU = scaled.eval(this.wPert, this.gradPert);
      upd = this.gradPert;
    }
    const rescaled = this.lrSchedule === "rescaled";
    const sU = scaled.meanAbsLossPrime;
    const coef = rescaled ? this.lr / sU : (this.lr * portableExp(kappa - kU)) / ls;
    const next = this.wNext;
    let acc = 0;
    for (let k = 0; k < net.LD; k++) {
      const v = w[k]! - coef * upd[k]!;
      next[k] = v;
      acc += v * 0;
    }
    if (acc !== acc) return false;
    this.wNext = w;
    this.w = next;
    this.tAcc += rescaled ? (this.lr * portableExp(kU)) / sU : (this.lr * portableExp(kappa)) / ls;
    return true;
  }

  private record(): void {
    this.syncRho();
    const { net, scaled, grad, gradScaled, wPert, algo, rho, recordBeta, curvature } = this;
    const row = this.recIdx * this.stride;
    // the edges of stability use the step leaving this point (none for the rescaled flow's Euler step)
    const edgeEta = this.lrSchedule === "rescaled" ? NaN : this.lrSchedule === "inv-sqrt" ? this.lr / Math.sqrt(this.step + 1) : this.lr;
    const edgePerLoss = this.lrSchedule === "loss-normalized";
    writeRecordRow(this.records, row, { net, scaled, grad, gradScaled, wPert, algo, rho, recordBeta, xi: this.xi, curvature, edgeEta, edgePerLoss }, this.w, this.step, this.time());
    // m-SAM: the perturbation column is the root mean square of the groups' ‖ε_G‖₂
    if (this.group > 0 && algo !== "gd") {
      let s = 0;
      let count = 0;
      const identity = Int32Array.from({ length: net.n }, (_, i) => i);
      for (let i0 = 0; i0 < net.n; i0 += this.group) {
        net.rowsGradient(this.w, this.gradPert, identity, i0, Math.min(i0 + this.group, net.n));
        const e = perturb(algo, rho, this.w, this.gradPert, wPert, this.xi);
        s += e * e;
        count++;
      }
      this.records[row + REC.PERT_NORM] = Math.sqrt(s / count);
    }
    this.recIdx++;
  }

  private scheduledNow(): boolean {
    return this.recIdx < this.schedule.length && this.schedule[this.recIdx] === this.step;
  }

  run(until: number): boolean {
    while (this.step < until) {
      this.syncRho();
      if (this.scheduledNow()) this.record();
      if (!this.doStep()) {
        this.nonfinite = this.step + 1;
        return false;
      }
      this.step += 1;
    }
    // the schedule's last point only; others at `until` are recorded by the next call (see the AS core)
    if (this.recIdx === this.schedule.length - 1 && this.scheduledNow()) this.record();
    return true;
  }

  recordNow(): void {
    if (this.recIdx <= this.schedule.length) this.record();
  }

  recordsWritten(): number {
    return this.recIdx;
  }

  readRecords(from: number, to: number): Float64Array {
    return this.records.slice(from * this.stride, to * this.stride);
  }

  readW(): Float64Array {
    return Float64Array.from(this.w);
  }

  gradient(): Float64Array {
    const G = new Float64Array(this.net.LD);
    this.net.gradient(this.w, G);
    return G;
  }

  restore(w: Float64Array, step: number, t: number): void {
    this.w.set(w);
    this.step = step;
    this.stepBase = step;
    this.tBase = t;
    this.tAcc = t;
    this.recIdx = 0;
    while (this.recIdx < this.schedule.length && this.schedule[this.recIdx]! < step) this.recIdx++;
  }

  clock(): EngineClock {
    return { step: this.step, stepBase: this.stepBase, tBase: this.tBase, tAcc: this.tAcc };
  }

  restoreExact(w: Float64Array, c: EngineClock): void {
    this.restore(w, c.step, c.tAcc);
    this.stepBase = c.stepBase;
    this.tBase = c.tBase;
  }
}
