/**
 * Curvature against an independent oracle: the dense Hessian built here entry by entry from the
 * formula of docs/MODEL.md ("Curvature and balance"), diagonalized by cyclic Jacobi rotations (not
 * Lanczos, not the engines' Hessian-vector products). Both engines' λ_max, λ_min and tr H must match
 * it to 1e-8 of ‖H‖₂ at depths 1…4 and every loss, including points with negative curvature and a
 * doubled top eigenvalue; the products must match central differences of the exact gradient; the
 * reported residuals must bound the true error.
 */
import { describe, expect, it } from "vitest";
import { simulate } from "../index.js";
import { Curvature, balanceOf, samEdge } from "./curvature.js";
import { DiagonalNet } from "./reference.js";
import type { Loss } from "./types.js";

/** Seeded uniform numbers in [−1, 1). */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

const ell1 = (loss: Loss, z: number) => (loss === "squared" ? z : loss === "logistic" ? -1 / (1 + Math.exp(z)) : -Math.exp(-z));
const ell2 = (loss: Loss, z: number) => (loss === "squared" ? 1 : loss === "logistic" ? Math.exp(z) / (1 + Math.exp(z)) ** 2 : Math.exp(-z));

/** Π_{k ∉ skip} w_kj, by plain multiplication. */
function prodExcept(w: number[][], j: number, skip: number[]): number {
  let p = 1;
  for (let k = 0; k < w.length; k++) if (!skip.includes(k)) p *= w[k]![j]!;
  return p;
}

/**
 * The dense Hessian of (1/n) Σ ℓ(u_i), u_i = s_i <β, x_i> (− y_i for the squared loss), index (l, j) ↦ l·d + j:
 * (1/n) Σ_i [ℓ''(u_i) J_i J_iᵀ + ℓ'(u_i) ∂²u_i], ∂u_i/∂w_lj = s_i x_ij Π_{k≠l} w_kj,
 * ∂²u_i/∂w_lj∂w_mj = s_i x_ij Π_{k≠l,m} w_kj (l ≠ m).
 */
function denseHessian(x: number[][], y: number[], w: number[][], loss: Loss): number[][] {
  const n = x.length;
  const d = x[0]!.length;
  const L = w.length;
  const LD = L * d;
  const H = Array.from({ length: LD }, () => new Array<number>(LD).fill(0));
  for (let i = 0; i < n; i++) {
    const s = loss === "squared" ? 1 : y[i]!;
    let beta = 0;
    for (let j = 0; j < d; j++) beta += prodExcept(w, j, []) * x[i]![j]!;
    const u = loss === "squared" ? beta - y[i]! : s * beta;
    const J = new Array<number>(LD);
    for (let l = 0; l < L; l++) for (let j = 0; j < d; j++) J[l * d + j] = s * x[i]![j]! * prodExcept(w, j, [l]);
    for (let a = 0; a < LD; a++) for (let b = 0; b < LD; b++) H[a]![b]! += (ell2(loss, u) * J[a]! * J[b]!) / n;
    for (let j = 0; j < d; j++)
      for (let l = 0; l < L; l++)
        for (let m = 0; m < L; m++) if (l !== m) H[l * d + j]![m * d + j]! += (ell1(loss, u) * s * x[i]![j]! * prodExcept(w, j, [l, m])) / n;
  }
  return H;
}

/** All eigenvalues of a symmetric matrix by cyclic Jacobi rotations, ascending. */
function jacobiEigenvalues(M: number[][]): number[] {
  const A = M.map((r) => r.slice());
  const N = A.length;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < N; p++) for (let q = p + 1; q < N; q++) off += A[p]![q]! ** 2;
    if (off < 1e-300) break;
    for (let p = 0; p < N; p++)
      for (let q = p + 1; q < N; q++) {
        const apq = A[p]![q]!;
        if (apq === 0) continue;
        const theta = (A[q]![q]! - A[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < N; k++) {
          const akp = A[k]![p]!;
          const akq = A[k]![q]!;
          A[k]![p] = c * akp - s * akq;
          A[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < N; k++) {
          const apk = A[p]![k]!;
          const aqk = A[q]![k]!;
          A[p]![k] = c * apk - s * aqk;
          A[q]![k] = s * apk + c * aqk;
        }
      }
  }
  return A.map((r, i) => r[i]!).sort((a, b) => a - b);
}

interface Case {
  name: string;
  x: number[][];
  y: number[];
  w: number[][];
  loss: Loss;
}

function randomCase(L: number, loss: Loss, seed: number, n = 6, d = 4): Case {
  const u = uniform(seed);
  const x = Array.from({ length: n }, () => Array.from({ length: d }, () => u()));
  const y = Array.from({ length: n }, () => (loss === "squared" ? u() : u() > 0 ? 1 : -1));
  // weights of both signs and of order 1, so the ℓ'·∂²u term (negative curvature) matters
  const w = Array.from({ length: L }, () => Array.from({ length: d }, () => 1.2 * u()));
  return { name: `L=${L} ${loss}`, x, y, w, loss };
}

/** Two identical, decoupled blocks of coordinates: every eigenvalue of H, the top one included, is double. */
function doubledCase(loss: Loss): Case {
  const base = randomCase(2, loss, 99, 3, 2);
  const x = [...base.x.map((r) => [...r, 0, 0]), ...base.x.map((r) => [0, 0, ...r])];
  const y = [...base.y, ...base.y];
  const w = base.w.map((r) => [...r, ...r]);
  return { name: `doubled top eigenvalue ${loss}`, x, y, w, loss };
}

const LOSSES: Loss[] = ["logistic", "exponential", "squared"];
const cases: Case[] = [];
for (const L of [1, 2, 3, 4]) for (const loss of LOSSES) cases.push(randomCase(L, loss, 10 * L + LOSSES.indexOf(loss)));
for (const loss of LOSSES) cases.push(doubledCase(loss));

function specOf(c: Case, engine: "wasm" | "reference") {
  return { version: 1 as const, engine, data: { x: c.x, y: c.y }, depth: c.w.length, init: { values: c.w }, loss: c.loss, algo: "gd" as const, lr: 0.01, steps: 0, record: { sharpness: true } };
}

describe("curvature against a dense Hessian built from the formula", () => {
  it.each(cases)("$name: λ_max, λ_min, tr H of both engines within 1e-8 of ‖H‖₂", async (c) => {
    const H = denseHessian(c.x, c.y, c.w, c.loss);
    const ev = jacobiEigenvalues(H);
    const lmin = ev[0]!;
    const lmax = ev[ev.length - 1]!;
    const norm = Math.max(Math.abs(lmin), Math.abs(lmax));
    const trace = H.reduce((s, r, i) => s + r[i]!, 0);
    expect(norm).toBeGreaterThan(0);
    for (const engine of ["wasm", "reference"] as const) {
      const r = await simulate(specOf(c, engine));
      const t = r.trajectory;
      expect(t.lambdaMax, engine).toBeDefined();
      expect(Math.abs(t.lambdaMax![0]! - lmax), engine).toBeLessThanOrEqual(1e-8 * norm);
      expect(Math.abs(t.lambdaMin![0]! - lmin), engine).toBeLessThanOrEqual(1e-8 * norm);
      expect(Math.abs(t.traceH![0]! - trace), engine).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(trace)));
      expect(Math.abs(r.final.lambdaMax! - lmax)).toBeLessThanOrEqual(1e-8 * norm);
      // the residuals bound the true error
      expect(Math.abs(t.lambdaMax![0]! - lmax)).toBeLessThanOrEqual(t.lambdaMaxRes![0]! + 1e-13 * norm);
      expect(Math.abs(t.lambdaMin![0]! - lmin)).toBeLessThanOrEqual(t.lambdaMinRes![0]! + 1e-13 * norm);
    }
  });

  it("the cases include negative curvature and a doubled top eigenvalue", () => {
    const negative = cases.filter((c) => jacobiEigenvalues(denseHessian(c.x, c.y, c.w, c.loss))[0]! < -0.05);
    expect(negative.length).toBeGreaterThanOrEqual(6);
    for (const loss of LOSSES) {
      const c = doubledCase(loss);
      const ev = jacobiEigenvalues(denseHessian(c.x, c.y, c.w, c.loss));
      const top = ev[ev.length - 1]!;
      expect(Math.abs(ev[ev.length - 2]! - top)).toBeLessThanOrEqual(1e-12 * Math.abs(top));
      expect(ev[0]! < top).toBe(true);
    }
  });

  it.each(cases)("$name: H·v equals central differences of the exact gradient", (c) => {
    const n = c.x.length;
    const d = c.x[0]!.length;
    const L = c.w.length;
    const net = new DiagonalNet(Float64Array.from(c.x.flat()), Float64Array.from(c.y), n, d, L, c.loss);
    const w = Float64Array.from(c.w.flat());
    const u = uniform(7);
    const v = Float64Array.from({ length: L * d }, () => u());
    const curv = new Curvature(n, d, L);
    curv.prepare(net, w);
    const hv = new Float64Array(L * d);
    curv.hvp(w, v, hv);
    const h = 1e-5;
    const gp = new Float64Array(L * d);
    const gm = new Float64Array(L * d);
    net.gradient(Float64Array.from(w, (wk, k) => wk + h * v[k]!), gp);
    net.gradient(Float64Array.from(w, (wk, k) => wk - h * v[k]!), gm);
    const scale = Math.max(...hv.map(Math.abs));
    for (let k = 0; k < L * d; k++) expect(Math.abs((gp[k]! - gm[k]!) / (2 * h) - hv[k]!)).toBeLessThanOrEqual(1e-7 * scale);
    // and the dense Hessian times v
    const H = denseHessian(c.x, c.y, c.w, c.loss);
    for (let a = 0; a < L * d; a++) expect(Math.abs(H[a]!.reduce((s, hab, b) => s + hab * v[b]!, 0) - hv[a]!)).toBeLessThanOrEqual(1e-12 * scale);
  });

  it("the residual of each extreme Ritz value bounds its distance to the spectrum, and the error once converged", () => {
    const c = randomCase(2, "logistic", 5, 30, 40);
    const n = c.x.length;
    const d = c.x[0]!.length;
    const ev = jacobiEigenvalues(denseHessian(c.x, c.y, c.w, c.loss));
    const lmax = ev[ev.length - 1]!;
    const lmin = ev[0]!;
    const norm = Math.max(Math.abs(lmin), Math.abs(lmax));
    const nearest = (theta: number) => Math.min(...ev.map((e) => Math.abs(e - theta)));
    const net = new DiagonalNet(Float64Array.from(c.x.flat()), Float64Array.from(c.y), n, d, 2, c.loss);
    const w = Float64Array.from(c.w.flat());
    // truncated runs: an eigenvalue within the residual, and the Ritz values inside [λ_min, λ_max]
    for (const maxIter of [3, 6, 12, 24]) {
      const v = new Curvature(n, d, 2, { maxIter }).at(net, w);
      expect(v.products).toBe(maxIter);
      expect(nearest(v.lambdaMax)).toBeLessThanOrEqual(v.lambdaMaxRes * (1 + 1e-9) + 1e-14 * norm);
      expect(nearest(v.lambdaMin)).toBeLessThanOrEqual(v.lambdaMinRes * (1 + 1e-9) + 1e-14 * norm);
      expect(v.lambdaMax).toBeLessThanOrEqual(lmax + 1e-14 * norm);
      expect(v.lambdaMin).toBeGreaterThanOrEqual(lmin - 1e-14 * norm);
    }
    // the full run stops on its own before L·d = 80 products, within 1e-8 relative and within its residuals
    const full = new Curvature(n, d, 2).at(net, w);
    expect(full.products).toBeLessThan(80);
    expect(Math.abs(full.lambdaMax - lmax)).toBeLessThanOrEqual(Math.min(1e-8 * norm, full.lambdaMaxRes + 1e-13 * norm));
    expect(Math.abs(full.lambdaMin - lmin)).toBeLessThanOrEqual(Math.min(1e-8 * norm, full.lambdaMinRes + 1e-13 * norm));
  });
});

describe("balance and the edges of stability", () => {
  it("balance is the largest spread of w_lj² across layers", () => {
    // coordinate 1: 0.09 − 0.01; coordinate 2: 0.25 − 0 (the largest)
    expect(balanceOf([0.3, 0, 0.1, 0.5], 2, 2)).toBeCloseTo(0.25, 15);
    expect(balanceOf([0.3, -0.3], 2, 1)).toBe(0);
  });

  it("the ℓ2-SAM edge solves ηλ + ηρλ²/‖∇L‖ = 2 and tends to 2/η as ρ → 0", () => {
    const eta = 0.05;
    const g = 0.3;
    for (const rho of [0.01, 0.1, 1]) {
      const lam = samEdge(eta, rho, g);
      expect(eta * lam + (eta * rho * lam * lam) / g).toBeCloseTo(2, 12);
      expect(lam).toBeCloseTo((g / (2 * rho)) * (Math.sqrt(1 + (8 * rho) / (eta * g)) - 1), 10);
    }
    expect(samEdge(eta, 1e-12, g)).toBeCloseTo(2 / eta, 6);
    expect(samEdge(eta, 0, g)).toBe(2 / eta);
  });

  it("records balance always and the edges for discrete runs; both engines agree", async () => {
    const spec = { version: 1 as const, data: { generator: "gaussian-sparse" as const, n: 12, d: 5, seed: 3 }, depth: 2, init: { alpha: 0.3 }, algo: "sam-l2" as const, rho: 0.05, lr: 0.1, steps: 300, record: { points: 10, sharpness: true } };
    const [a, b] = await Promise.all([simulate({ ...spec, engine: "wasm" }), simulate({ ...spec, engine: "reference" })]);
    for (const r of [a, b]) {
      expect(r.trajectory.balance.length).toBe(r.trajectory.step.length);
      expect(r.trajectory.balance[0]).toBe(0); // balanced start
      expect(r.trajectory.edgeGD!.every((e) => e === 2 / 0.1)).toBe(true);
      r.trajectory.edgeSAM!.forEach((e, i) => expect(e).toBeCloseTo(samEdge(0.1, 0.05, r.trajectory.gradNorm[i]!), 12));
    }
    for (const c of ["balance", "lambdaMax", "lambdaMin", "traceH"] as const) {
      a.trajectory[c]!.forEach((v, i) => expect(Math.abs(v - b.trajectory[c]![i]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v))));
    }
    // GD: the SAM edge at ρ = 0 is 2/η; flows: no edges; without record.sharpness: no λ columns
    const gd = await simulate({ ...spec, algo: "gd", record: { points: 10 } });
    expect(gd.trajectory.edgeSAM!.every((e) => e === 2 / 0.1)).toBe(true);
    expect(gd.trajectory.lambdaMax).toBeUndefined();
    expect(gd.final.lambdaMax).toBeUndefined();
    const flow = await simulate({ version: 1, mode: "flow", flow: "gradient", data: { x: [[1, 2]], y: [1] }, depth: 2, init: { alpha: 0.1 }, tMax: 10, record: { points: 5, sharpness: true } });
    expect(flow.trajectory.edgeGD).toBeUndefined();
    expect(flow.trajectory.lambdaMax!.every(Number.isFinite)).toBe(true);
  });
});
