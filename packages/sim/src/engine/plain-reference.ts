/**
 * The general plain step of docs/MODEL.md ("Relatives") in the pure-TS reference engine: mini-batches
 * (`batch` b), m-SAM groups (`sam.group` m), ASAM and the k-step ascent (`sam.ascentSteps`) in one step.
 * Written plainly as the oracle of packages/core-wasm/assembly/plain.ts, with the same operation order
 * (so the engines agree to the bit): the rows of the step's batch — a slice of the epoch's permutation
 * (permutation.ts) when b < n, else all n in order — are cut into consecutive groups of m (absent m:
 * the whole batch); each group G ascends k times from w,
 *   ε_1 = (ρ/k)·dir(∇L_G(w)),  ε_{j+1} = ε_j + (ρ/k)·dir(∇L_G(w + ε_j)),  w̃_G = w + ε_k,
 * and the step's direction is Σ_G (|G|/b) ∇L_G(w̃_G) (one group: ∇L_B(w̃) itself); GD's is the batch gradient.
 */
import { batchOfStep, epochPermutation } from "./permutation.js";
import { dot4 } from "./dot4.js";
import type { Algo, EngineInit } from "./types.js";

/** What the step needs of a network (reference.ts `DiagonalNet`). */
export interface RowsNet {
  readonly n: number;
  readonly d: number;
  readonly depth: number;
  readonly LD: number;
  /** y_i x_i (x_i for the squared loss), row-major. */
  readonly rows: Float64Array;
  /** dot4(β, row i), minus y_i for the squared loss. */
  rowMargin(beta: Float64Array, i: number): number;
  lossPrimeAt(z: number): number;
  /** ∇L over all examples (row blocks). */
  gradient(w: Float64Array, G: Float64Array): void;
  /** ∇L_G over rows R[i0 … i1), L_G = (1/|G|) Σ_{i∈G} ℓ_i. */
  rowsGradient(w: Float64Array, G: Float64Array, R: Int32Array, i0: number, i1: number): void;
}

export class PlainStep {
  private readonly batch: number;
  private readonly seed: number;
  private readonly k: number;
  private readonly xi: number;
  private readonly group: number;
  private readonly forced: boolean;
  private readonly identity: Int32Array;
  private readonly perm: Int32Array;
  private permEpoch = -1;
  private readonly eps: Float64Array;
  private readonly wPert: Float64Array;
  private readonly grad: Float64Array;
  private readonly gradPert: Float64Array;
  private readonly dir: Float64Array;
  // shared by the groups of one step (at w): β, Q_l = Π_{k≠l} w_k, the norm weights, the batch's margins, g_G
  private readonly betaW: Float64Array;
  private readonly Q: Float64Array;
  private readonly normW: Float64Array;
  private readonly zW: Float64Array;
  private readonly gG: Float64Array;

  constructor(
    private readonly net: RowsNet,
    init: EngineInit,
  ) {
    const { n, LD } = net;
    this.batch = init.batch !== undefined && init.batch < n ? init.batch : 0;
    this.seed = init.batchSeed ?? 0;
    this.k = Math.max(1, init.ascentSteps ?? 1);
    this.xi = init.xi ?? 0.01;
    this.group = init.group !== undefined && init.group < n ? init.group : 0;
    this.forced = init.forcePlain === true;
    this.identity = Int32Array.from({ length: n }, (_, i) => i);
    this.perm = new Int32Array(n);
    this.eps = new Float64Array(LD);
    this.wPert = new Float64Array(LD);
    this.grad = new Float64Array(LD);
    this.gradPert = new Float64Array(LD);
    this.dir = new Float64Array(LD);
    this.betaW = new Float64Array(net.d);
    this.Q = new Float64Array(LD);
    this.normW = new Float64Array(net.d);
    this.zW = new Float64Array(n);
    this.gG = new Float64Array(net.d);
  }

  /** Whether a step with `algo` takes this path (else the ordinary full-batch step of reference.ts). */
  active(algo: Algo): boolean {
    if (this.batch > 0 || this.forced) return true;
    if (algo === "gd") return false;
    return this.group > 0 || this.k > 1 || algo === "asam";
  }

  /** The direction of the step at global index `step` from w (the engine descends along it). */
  direction(w: Float64Array, step: number, algo: Algo, rho: number): Float64Array {
    const { net } = this;
    let R = this.identity;
    let from = 0;
    let b = net.n;
    let full = true;
    if (this.batch > 0) {
      const at = batchOfStep(net.n, this.batch, step);
      if (at.epoch !== this.permEpoch) {
        epochPermutation(net.n, this.seed, at.epoch, this.perm);
        this.permEpoch = at.epoch;
      }
      R = this.perm;
      from = at.start;
      b = at.size;
      full = false;
    }
    const rows = R.subarray(from, from + b);
    if (algo === "gd") {
      this.gradientOf(w, this.grad, rows, 0, b, full);
      return this.grad;
    }
    const m = this.group > 0 && this.group < b ? this.group : b;
    if (m === b) {
      this.ascend(w, rows, 0, b, full, algo, rho);
      this.gradientOf(this.wPert, this.gradPert, rows, 0, b, full);
      return this.gradPert;
    }
    const { dir, gradPert } = this;
    this.shareAtW(w, rows, b, algo);
    dir.fill(0);
    const invB = 1 / b;
    for (let i0 = 0; i0 < b; i0 += m) {
      const i1 = Math.min(i0 + m, b);
      this.ascend(w, rows, i0, i1, false, algo, rho, true);
      net.rowsGradient(this.wPert, gradPert, rows, i0, i1);
      const c = (i1 - i0) * invB;
      for (let q = 0; q < net.LD; q++) dir[q] = dir[q]! + c * gradPert[q]!;
    }
    return dir;
  }

  /** ∇L_B over rows[i0 … i1); the whole data set in its row blocks when the batch is all of it. */
  private gradientOf(w: Float64Array, G: Float64Array, rows: Int32Array, i0: number, i1: number, full: boolean): void {
    if (full) this.net.gradient(w, G);
    else this.net.rowsGradient(w, G, rows, i0, i1);
  }

  /** The k-step ascent of one group into this.wPert (w̃ = w exactly when the first ℓ2/ASAM direction is 0). */
  private ascend(w: Float64Array, rows: Int32Array, i0: number, i1: number, full: boolean, algo: Algo, rho: number, shared = false): void {
    const { eps, wPert, grad, xi } = this;
    const LD = this.net.LD;
    const rhoK = rho / this.k;
    let have = false;
    for (let j = 0; j < this.k; j++) {
      if (j === 0 && shared) {
        if (!this.firstAscentShared(w, rows, i0, i1, algo, rhoK)) break;
        have = true;
        continue;
      }
      this.gradientOf(have ? wPert : w, grad, rows, i0, i1, full);
      if (!ascentStep(algo, rhoK, xi, w, grad, eps, !have)) break;
      have = true;
      for (let q = 0; q < LD; q++) wPert[q] = w[q]! + eps[q]!;
    }
    if (!have) wPert.set(w);
  }

  /** What depends on w alone in a step with several groups: β, Q, the norm weights, the batch's margins. */
  private shareAtW(w: Float64Array, rows: Int32Array, b: number, algo: Algo): void {
    const { net, betaW, Q, normW, xi } = this;
    const { d, depth } = net;
    for (let j = 0; j < d; j++) {
      let p = w[j]!;
      for (let l = 1; l < depth; l++) p *= w[l * d + j]!;
      betaW[j] = p;
      // Q_l = (Π_{k<l} w_k)·(Π_{k>l} w_k), the prefix from the left and the suffix from the right
      let pre = 1;
      for (let l = 0; l < depth; l++) {
        Q[l * d + j] = pre;
        pre *= w[l * d + j]!;
      }
      let suf = 1;
      for (let l = depth - 1; l >= 0; l--) {
        Q[l * d + j] = Q[l * d + j]! * suf;
        suf *= w[l * d + j]!;
      }
      if (algo === "sam-l2" || algo === "asam") {
        let s = 0;
        for (let l = 0; l < depth; l++) {
          const v = algo === "asam" ? (Math.abs(w[l * d + j]!) + xi) * Q[l * d + j]! : Q[l * d + j]!;
          s += v * v;
        }
        normW[j] = s;
      }
    }
    for (let q = 0; q < b; q++) this.zW[q] = net.rowMargin(betaW, rows[q]!);
  }

  /**
   * The first ascent step of a group from the step's shared quantities: g_G from the margins at w,
   * G = g ⊙ Q, ‖G‖² = dot4(g², normW), then ε_1 and w̃ = w + ε_1. False on a zero ℓ2/ASAM norm.
   */
  private firstAscentShared(w: Float64Array, rows: Int32Array, i0: number, i1: number, algo: Algo, rhoK: number): boolean {
    const { net, gG, Q, eps, wPert, xi } = this;
    const { d, depth } = net;
    const inv = 1 / (i1 - i0);
    gG.fill(0);
    for (let q = i0; q < i1; q++) {
      const i = rows[q]!;
      const r = net.lossPrimeAt(this.zW[q]!) * inv;
      for (let j = 0; j < d; j++) gG[j] = gG[j]! + r * net.rows[i * d + j]!;
    }
    let c = rhoK;
    if (algo === "sam-l2" || algo === "asam") {
      const g2 = gG.map((g) => g * g);
      const norm = Math.sqrt(dot4(g2, this.normW, 0, d));
      if (norm === 0) return false;
      c = rhoK / norm;
    }
    for (let l = 0; l < depth; l++)
      for (let j = 0; j < d; j++) {
        const k = l * d + j;
        const G = gG[j]! * Q[k]!;
        const t = Math.abs(w[k]!) + xi;
        const e = algo === "asam" ? c * (t * (t * G)) : algo === "sam-linf" ? (G > 0 ? c : G < 0 ? -c : 0) : c * G;
        eps[k] = e;
        wPert[k] = w[k]! + e;
      }
    return true;
  }
}

/**
 * ε ← ε + (ρ/k)·dir(G) (ε = (ρ/k)·dir(G) on the first step): dir = G/‖G‖₂, sign G, G, or T²G/‖TG‖₂
 * with T = |w| + ξ at the unperturbed w. False (ε untouched) when ℓ2's or ASAM's normalizer is 0.
 */
export function ascentStep(algo: Algo, rhoK: number, xi: number, w: Float64Array, G: Float64Array, eps: Float64Array, first: boolean): boolean {
  const LD = w.length;
  if (algo === "sam-l2" || algo === "asam") {
    let norm: number;
    if (algo === "asam") {
      let s = 0;
      for (let q = 0; q < LD; q++) {
        const u = (Math.abs(w[q]!) + xi) * G[q]!;
        s += u * u;
      }
      norm = Math.sqrt(s);
    } else {
      let s = 0;
      for (let q = 0; q < LD; q++) s += G[q]! * G[q]!;
      norm = Math.sqrt(s);
    }
    if (norm === 0) return false;
    const c = rhoK / norm;
    for (let q = 0; q < LD; q++) {
      const t = Math.abs(w[q]!) + xi;
      const e = c * (algo === "asam" ? t * (t * G[q]!) : G[q]!);
      eps[q] = first ? e : eps[q]! + e;
    }
    return true;
  }
  for (let q = 0; q < LD; q++) {
    const g = G[q]!;
    const e = algo === "sam-linf" ? (g > 0 ? rhoK : g < 0 ? -rhoK : 0) : rhoK * g;
    eps[q] = first ? e : eps[q]! + e;
  }
  return true;
}
