/**
 * The pure-TS reference of the flows: packages/core-wasm/assembly/flow.ts written out again, with
 * the same operation order (Dormand–Prince 5(4), FSAL, the same step-size controller, the same
 * ℓ∞ switching rule), so the two engines take the same steps and agree to rounding. The tests use
 * it to cross-check the WebAssembly integrator; both are checked against closed forms.
 */
// exp/log/log1p ported from fdlibm: the same bits in Node and in every browser (portable-math.ts)
import { portableExp, portableLog } from "../math/portable-math.js";
import { ScaledGradient, perturbScaled } from "./logdomain.js";
import { Curvature } from "./curvature.js";
import { DiagonalNet } from "./reference.js";
import { perturb, sumSq } from "./perturb.js";
import { writeRecordRow } from "./reference-records.js";
import { REC, type Algo, type FlowEngineRun, type FlowInit, type FlowKind, type FlowRunStatus, type FlowStats, type Loss } from "./types.js";

// Dormand–Prince 5(4) (mirrors flow.ts)
const A21 = 1 / 5;
const A31 = 3 / 40, A32 = 9 / 40;
const A41 = 44 / 45, A42 = -56 / 15, A43 = 32 / 9;
const A51 = 19372 / 6561, A52 = -25360 / 2187, A53 = 64448 / 6561, A54 = -212 / 729;
const A61 = 9017 / 3168, A62 = -355 / 33, A63 = 46732 / 5247, A64 = 49 / 176, A65 = -5103 / 18656;
const B1 = 35 / 384, B3 = 500 / 1113, B4 = 125 / 192, B5 = -2187 / 6784, B6 = 11 / 84;
const C2 = 1 / 5, C3 = 3 / 10, C4 = 4 / 5, C5 = 8 / 9;
const E1 = 71 / 57600, E3 = -71 / 16695, E4 = 71 / 1920, E5 = -17253 / 339200, E6 = 22 / 525, E7 = -1 / 40;


const sgn = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : 0);

export class ReferenceFlowRun implements FlowEngineRun {
  readonly engine = "reference" as const;
  readonly stride: number;
  private readonly net: DiagonalNet;
  private readonly sg: ScaledGradient;
  private readonly LD: number;
  private w: Float64Array;
  private wNext: Float64Array;
  private readonly wPert: Float64Array;
  private readonly grad: Float64Array;
  private readonly gradScaled: Float64Array;
  private readonly schedule: Float64Array;
  private readonly records: Float64Array;
  private readonly recordBeta: boolean;
  private recIdx = 0;
  private algo: Algo;
  private rho: number;
  private readonly flow: FlowKind;
  private readonly tSwitch: number;
  private readonly rtol: number;
  private readonly atol: number;
  private phase = 0;
  private sigma = 0;
  private tNow = 0;
  private h = 0;
  private accepted = 0;
  private rejected = 0;
  private evaluations = 0;
  private switches = 0;
  private fsalValid = false;
  private patternValid = false;
  private nonfiniteT = -1;
  private k1: Float64Array;
  private readonly k2: Float64Array;
  private readonly k3: Float64Array;
  private readonly k4: Float64Array;
  private readonly k5: Float64Array;
  private readonly k6: Float64Array;
  private k7: Float64Array;
  private readonly yTmp: Float64Array;
  private readonly gA: Float64Array;
  private readonly gB: Float64Array;
  private readonly wP: Float64Array;
  private signs: Float64Array;
  private signsNew: Float64Array;
  /** Sharpness workspaces when the run records λ_max, λ_min and tr H. */
  private readonly curvature: Curvature | undefined;

  constructor(init: FlowInit) {
    this.net = new DiagonalNet(init.x, init.y, init.n, init.d, init.depth, init.loss);
    this.sg = new ScaledGradient(this.net);
    const LD = (this.LD = this.net.LD);
    this.w = Float64Array.from(init.w0);
    const buf = () => new Float64Array(LD);
    this.wNext = buf();
    this.wPert = buf();
    this.grad = buf();
    this.gradScaled = buf();
    this.k1 = buf();
    this.k2 = buf();
    this.k3 = buf();
    this.k4 = buf();
    this.k5 = buf();
    this.k6 = buf();
    this.k7 = buf();
    this.yTmp = buf();
    this.gA = buf();
    this.gB = buf();
    this.wP = buf();
    this.signs = buf();
    this.signsNew = buf();
    this.schedule = Float64Array.from(init.schedule);
    this.recordBeta = init.recordBeta;
    this.stride = REC.FIXED + (init.recordBeta ? init.d : 0);
    this.records = new Float64Array((this.schedule.length + 1) * this.stride);
    this.algo = init.algo;
    this.rho = init.rho;
    this.flow = init.flow;
    this.tSwitch = init.timeScale === "linear" ? Infinity : init.tLogFrom;
    this.rtol = init.rtol;
    this.atol = init.atol;
    this.curvature = init.sharpness ? new Curvature(init.n, init.d, init.depth) : undefined;
    this.setClock(0);
  }

  private setClock(t: number): void {
    this.tNow = t;
    this.phase = t >= this.tSwitch ? 1 : 0;
    this.sigma = this.phase === 1 ? portableLog(t) : t;
    this.h = 0;
    this.fsalValid = false;
    this.patternValid = false;
  }

  configure(algo: Algo, loss: Loss, _lr: number, rho: number): void {
    this.algo = algo;
    this.net.loss = loss;
    this.rho = rho;
    this.setClock(this.tNow);
  }

  private patternAt(W: Float64Array, out: Float64Array): void {
    this.sg.eval(W, this.gA);
    for (let k = 0; k < this.LD; k++) out[k] = sgn(this.gA[k]!);
  }

  /** Depth 2, ℓ∞: the equivalent control on sliding surfaces w_{o,j} = 0 (mirrors flow.ts). */
  private slidingControl(W: Float64Array): void {
    const d = this.net.d;
    for (let l = 0; l < 2; l++) {
      const o = 1 - l;
      for (let j = 0; j < d; j++) if (W[o * d + j] === 0 && Math.abs(W[l * d + j]!) < this.rho) this.wP[l * d + j] = 0;
    }
  }

  /** Depth 2, ℓ∞: snaps w_{o,j} to 0 after a bracketed switch onto a sliding surface (mirrors flow.ts). */
  private snapSliding(): boolean {
    const d = this.net.d;
    let any = false;
    for (let l = 0; l < 2; l++) {
      const o = 1 - l;
      for (let j = 0; j < d; j++) {
        const k = l * d + j;
        if (this.signsNew[k] === this.signs[k]) continue;
        const a = this.w[o * d + j]!;
        const b = this.wNext[o * d + j]!;
        if ((a === 0 || b === 0 || a < 0 !== b < 0) && Math.abs(this.wNext[k]!) < this.rho) {
          this.wNext[o * d + j] = 0;
          any = true;
        }
      }
    }
    return any;
  }

  private rhs(W: Float64Array, sig: number, out: Float64Array): void {
    this.evaluations += 1;
    const { LD, sg, gA, gB, wP } = this;
    const logJ = this.phase === 1 ? sig : 0;
    let src = gA;
    let kap = 0;
    if (this.flow === "gradient" || this.algo === "gd") {
      kap = sg.eval(W, gA);
    } else {
      if (this.algo === "sam-linf") {
        for (let k = 0; k < LD; k++) wP[k] = W[k]! + this.rho * this.signs[k]!;
        if (this.net.depth === 2) this.slidingControl(W);
      } else {
        const k0 = sg.eval(W, gA);
        perturbScaled(this.algo, this.rho, W, gA, k0, wP, perturb);
      }
      kap = sg.eval(wP, gB);
      src = gB;
    }
    let fac: number;
    if (this.flow === "rescaled") fac = portableExp(logJ) / sg.meanAbsLossPrime;
    else fac = portableExp(logJ - kap);
    for (let k = 0; k < LD; k++) out[k] = -(fac * src[k]!);
  }

  private wnorm(v: Float64Array, y: Float64Array): number {
    let s = 0;
    for (let k = 0; k < this.LD; k++) {
      const q = v[k]! / (this.atol + this.rtol * Math.abs(y[k]!));
      s += q * q;
    }
    return Math.sqrt(s / this.LD);
  }

  private initialStep(): number {
    const { LD, w, k1, k2, k3, yTmp } = this;
    const d0 = this.wnorm(w, w);
    const d1 = this.wnorm(k1, w);
    const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * (d0 / d1);
    for (let k = 0; k < LD; k++) yTmp[k] = w[k]! + h0 * k1[k]!;
    this.rhs(yTmp, this.sigma + h0, k2);
    for (let k = 0; k < LD; k++) k3[k] = k2[k]! - k1[k]!;
    const d2 = this.wnorm(k3, w) / h0;
    const m = d1 > d2 ? d1 : d2;
    const h1 = m <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / m, 0.2);
    return Math.min(100 * h0, h1);
  }

  private finiteAll(p: Float64Array): boolean {
    let acc = 0;
    for (let k = 0; k < this.LD; k++) acc += p[k]! * 0;
    return acc === acc;
  }

  private attempt(hs: number): number {
    const { LD, w: y, k1, k2, k3, k4, k5, k6, k7, yTmp, wNext, sigma } = this;
    for (let k = 0; k < LD; k++) yTmp[k] = y[k]! + hs * (A21 * k1[k]!);
    this.rhs(yTmp, sigma + C2 * hs, k2);
    for (let k = 0; k < LD; k++) yTmp[k] = y[k]! + hs * (A31 * k1[k]! + A32 * k2[k]!);
    this.rhs(yTmp, sigma + C3 * hs, k3);
    for (let k = 0; k < LD; k++) yTmp[k] = y[k]! + hs * (A41 * k1[k]! + A42 * k2[k]! + A43 * k3[k]!);
    this.rhs(yTmp, sigma + C4 * hs, k4);
    for (let k = 0; k < LD; k++) yTmp[k] = y[k]! + hs * (A51 * k1[k]! + A52 * k2[k]! + A53 * k3[k]! + A54 * k4[k]!);
    this.rhs(yTmp, sigma + C5 * hs, k5);
    for (let k = 0; k < LD; k++) yTmp[k] = y[k]! + hs * (A61 * k1[k]! + A62 * k2[k]! + A63 * k3[k]! + A64 * k4[k]! + A65 * k5[k]!);
    this.rhs(yTmp, sigma + hs, k6);
    for (let k = 0; k < LD; k++) wNext[k] = y[k]! + hs * (B1 * k1[k]! + B3 * k3[k]! + B4 * k4[k]! + B5 * k5[k]! + B6 * k6[k]!);
    if (!this.finiteAll(wNext)) return NaN;
    this.rhs(wNext, sigma + hs, k7);
    let s = 0;
    for (let k = 0; k < LD; k++) {
      const e = hs * (E1 * k1[k]! + E3 * k3[k]! + E4 * k4[k]! + E5 * k5[k]! + E6 * k6[k]! + E7 * k7[k]!);
      const a = Math.abs(y[k]!);
      const b = Math.abs(wNext[k]!);
      const q = e / (this.atol + this.rtol * (a > b ? a : b));
      s += q * q;
    }
    return Math.sqrt(s / LD);
  }

  /** One record row (mirrors writeRecord in assembly/model.ts). */
  private record(): void {
    const { net, grad, gradScaled, wPert, algo, rho, recordBeta } = this;
    writeRecordRow(this.records, this.recIdx * this.stride, { net, scaled: this.sg, grad, gradScaled, wPert, algo, rho, recordBeta, curvature: this.curvature, edgeEta: NaN }, this.w, this.accepted, this.tNow);
    this.recIdx++;
  }

  runFlow(untilT: number, maxSteps: number): FlowRunStatus {
    const { schedule, LD } = this;
    const schedLen = schedule.length;
    let budget = maxSteps;
    const linf = this.algo === "sam-linf" && this.flow !== "gradient";
    while (this.tNow < untilT) {
      if (this.recIdx < schedLen && schedule[this.recIdx] === this.tNow) this.record();
      if (budget <= 0) return "budget";
      let tT = untilT;
      if (this.recIdx < schedLen) {
        const tr = schedule[this.recIdx]!;
        if (tr > this.tNow && tr < tT) tT = tr;
      }
      if (this.phase === 0 && this.tSwitch > this.tNow && this.tSwitch < tT) tT = this.tSwitch;
      const sT = this.phase === 1 ? portableLog(tT) : tT;
      if (linf && !this.patternValid) {
        this.patternAt(this.w, this.signs);
        this.patternValid = true;
        this.fsalValid = false;
      }
      if (!this.fsalValid) {
        this.rhs(this.w, this.sigma, this.k1);
        this.fsalValid = true;
        if (!this.finiteAll(this.k1)) {
          this.nonfiniteT = this.tNow;
          return "nonfinite";
        }
      }
      if (this.h === 0) this.h = this.initialStep();
      const hMin = 1e-14 * Math.max(1, Math.abs(this.sigma));
      let hs = this.h;
      let landing = false;
      if (this.sigma + hs >= sT) {
        hs = sT - this.sigma;
        landing = true;
      }
      budget -= 1;
      const err = this.attempt(hs);
      if (err !== err) {
        this.rejected += 1;
        this.h = hs * 0.25;
        if (this.h < hMin) {
          this.nonfiniteT = this.tNow;
          return "nonfinite";
        }
        continue;
      }
      if (err > 1) {
        this.rejected += 1;
        const f = 0.9 * Math.pow(err, -0.2);
        this.h = hs * (f > 0.2 ? f : 0.2);
        if (this.h < hMin) return "stepUnderflow";
        continue;
      }
      if (linf) {
        this.patternAt(this.wNext, this.signsNew);
        let same = true;
        for (let k = 0; k < LD; k++)
          if (this.signsNew[k] !== this.signs[k]) {
            same = false;
            break;
          }
        if (!same) {
          const hEvent = this.rtol * Math.max(1, Math.abs(this.sigma));
          if (hs > hEvent) {
            this.rejected += 1;
            this.h = hs * 0.5;
            continue;
          }
          this.switches += 1;
          if (this.net.depth === 2 && this.snapSliding()) this.patternAt(this.wNext, this.signsNew);
          const tmpS = this.signs;
          this.signs = this.signsNew;
          this.signsNew = tmpS;
          this.fsalValid = false;
        }
      }
      const tmp = this.w;
      this.w = this.wNext;
      this.wNext = tmp;
      const tk = this.k1;
      this.k1 = this.k7;
      this.k7 = tk;
      this.accepted += 1;
      if (landing) {
        this.sigma = sT;
        this.tNow = tT;
      } else {
        this.sigma += hs;
        this.tNow = this.phase === 1 ? portableExp(this.sigma) : this.sigma;
      }
      let f = err === 0 ? 5 : 0.9 * Math.pow(err, -0.2);
      if (f > 5) f = 5;
      if (f < 0.2) f = 0.2;
      const hNew = hs * f;
      this.h = landing && this.h > hNew ? this.h : hNew;
      if (this.phase === 0 && this.tNow === this.tSwitch) {
        this.phase = 1;
        this.sigma = portableLog(this.tNow);
        this.h = this.h / this.tNow;
        this.fsalValid = false;
      }
    }
    if (this.recIdx === schedLen - 1 && schedule[this.recIdx] === this.tNow) this.record();
    return "reached";
  }

  run(untilT: number): boolean {
    return this.runFlow(untilT, Infinity) !== "nonfinite";
  }

  flowStats(): FlowStats {
    return { accepted: this.accepted, rejected: this.rejected, evaluations: this.evaluations, switches: this.switches, stepSize: this.h };
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
    const G = new Float64Array(this.LD);
    this.net.gradient(this.w, G);
    return G;
  }
  restore(w: Float64Array, step: number, t: number): void {
    this.w.set(w);
    this.setClock(t);
    this.accepted = step;
    this.recIdx = 0;
    while (this.recIdx < this.schedule.length && this.schedule[this.recIdx]! < t) this.recIdx++;
  }
  stepCount(): number {
    return this.accepted;
  }
  time(): number {
    return this.tNow;
  }
  nonfiniteStep(): number {
    return this.nonfiniteT;
  }
}
