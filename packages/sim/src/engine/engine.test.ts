/**
 * One suite, both engines (STYLE.md §6): gradients against central finite differences, the SAM
 * perturbations' defining properties, exact one-step identities, recording bounds, non-finite stops.
 * Tolerances come from the arithmetic: central differences with h = 1e-6 have truncation error
 * O(h²·|f'''|) ≈ 1e-12 and rounding error O(ε_mach·|f|/h) ≈ 1e-10, so 1e-7 relative is generous but tight
 * enough to catch any wrong factor or index.
 */
import { describe, expect, it } from "vitest";
import { createSimulation, type Spec } from "../index.js";
import { DiagonalNet, perturb } from "./index.js";

const engines = ["wasm", "reference"] as const;

function lossAt(spec: Spec, sim: Awaited<ReturnType<typeof createSimulation>>, w: Float64Array): number {
  const net = new DiagonalNet(sim.data.x, sim.data.y, sim.data.n, sim.data.d, spec.depth, spec.loss);
  net.gradient(w, new Float64Array(w.length));
  return net.lossFromMargins();
}

describe.each(engines)("engine %s", (engine) => {
  it.each([
    [1, "logistic"],
    [2, "logistic"],
    [3, "exponential"],
    [5, "logistic"],
  ] as const)("∇L matches central finite differences (L=%i, %s)", async (depth, loss) => {
    const sim = await createSimulation({
      version: 1,
      data: { generator: "gaussian-sparse", n: 7, d: 4, k: 2, minMargin: 0.1 },
      depth,
      loss,
      init: { random: "gaussian", alpha: 0.7, seed: 3 },
      engine,
      steps: 0,
    });
    const G = sim.currentGradient().flat();
    const w = Float64Array.from(sim.currentW().flat());
    const h = 1e-6;
    for (let k = 0; k < w.length; k++) {
      const wp = Float64Array.from(w);
      const wm = Float64Array.from(w);
      wp[k] += h;
      wm[k] -= h;
      const fd = (lossAt(sim.spec, sim, wp) - lossAt(sim.spec, sim, wm)) / (2 * h);
      expect(Math.abs(G[k]! - fd)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(fd)));
    }
  });

  it("a zero weight still gets the right gradient (products, no division)", async () => {
    const sim = await createSimulation({ version: 1, data: { x: [[1, 2, 3]], y: [1] }, depth: 3, init: { values: [[0, 1, 2], [3, 0, 1], [2, 2, 0]] }, engine, steps: 0 });
    const G = sim.currentGradient();
    const gx = [-0.5, -1, -1.5]; // β = 0 ⇒ z = 0 ⇒ ℓ'(0) = −1/2 ⇒ ∂L/∂β = −x/2
    // ∂L/∂w_l[j] = g_j · Π_{k≠l} w_k[j]
    const w = [[0, 1, 2], [3, 0, 1], [2, 2, 0]];
    for (let l = 0; l < 3; l++)
      for (let j = 0; j < 3; j++) {
        let p = 1;
        for (let k = 0; k < 3; k++) if (k !== l) p *= w[k]![j]!;
        expect(G[l]![j]).toBe(gx[j]! * p);
      }
    // the entries whose own weight is zero are the ones a division-based formula (β/w_l) gets wrong
    expect([G[0]![0], G[1]![1], G[2]![2]]).toEqual([-0.5 * 3 * 2, -1 * 1 * 2, -1.5 * 2 * 1]);
  });

  it.each(["sam-l2", "sam-linf", "usam"] as const)("one %s step is w − η∇L(w + ε(w)) with ε as in MODEL.md", async (algo) => {
    const spec = { version: 1 as const, data: { generator: "gaussian-sparse" as const, n: 5, d: 3, k: 2 }, depth: 2, init: { random: "gaussian" as const, alpha: 0.5 }, algo, rho: 0.07, lr: 0.3, engine, steps: 1, seed: 11 };
    const sim = await createSimulation(spec);
    const w0 = Float64Array.from(sim.currentW().flat());
    const G0 = Float64Array.from(sim.currentGradient().flat());
    const eps = new Float64Array(w0.length);
    const wt = new Float64Array(w0.length);
    const epsNorm = perturb(algo, spec.rho, w0, G0, wt);
    for (let k = 0; k < w0.length; k++) eps[k] = wt[k]! - w0[k]!;
    const norm = Math.hypot(...eps);
    // MODEL.md: ε = ρ∇L/‖∇L‖₂ (ℓ2), ρ·sign(∇L) (ℓ∞), ρ∇L (USAM) — direction and size, coordinate by coordinate
    const gNorm = Math.hypot(...G0);
    expect(gNorm).toBeGreaterThan(0);
    for (let k = 0; k < w0.length; k++) {
      const g = G0[k]!;
      if (algo === "sam-linf") expect(wt[k]).toBe(w0[k]! + spec.rho * Math.sign(g)); // exactly ±ρ (0 where ∂L = 0)
      else {
        const want = algo === "sam-l2" ? (spec.rho * g) / gNorm : spec.rho * g;
        expect(Math.abs(eps[k]! - want)).toBeLessThanOrEqual(4 * Number.EPSILON * (Math.abs(w0[k]!) + Math.abs(want)));
      }
    }
    if (algo === "sam-l2") expect(norm).toBeCloseTo(spec.rho, 14);
    if (algo === "usam") expect(norm).toBeCloseTo(spec.rho * gNorm, 14);
    expect(epsNorm).toBeCloseTo(norm, 14);
    // expected next state, computed independently with the reference net at w + ε
    const net = new DiagonalNet(sim.data.x, sim.data.y, sim.data.n, sim.data.d, 2, "logistic");
    const Gt = new Float64Array(w0.length);
    net.gradient(wt, Gt);
    sim.advance(1);
    const w1 = sim.currentW().flat();
    for (let k = 0; k < w0.length; k++) expect(w1[k]).toBeCloseTo(w0[k]! - spec.lr * Gt[k]!, 15);
    // the recorded perturbation norm at step 0 is ‖ε‖₂
    const r = sim.result();
    expect(r.trajectory.pertNorm[0]).toBeCloseTo(norm, 14);
  });

  it("ℓ2-SAM and ℓ∞-SAM take ε = 0 at an exactly zero gradient (β = 0 with all-zero weights)", async () => {
    for (const algo of ["sam-l2", "sam-linf"] as const) {
      const sim = await createSimulation({ version: 1, data: { x: [[1, 2]] }, depth: 2, init: { alpha: 0 }, algo, rho: 0.1, lr: 0.1, engine, steps: 10 });
      sim.advance(10);
      expect(sim.currentW().flat()).toEqual([0, 0, 0, 0]); // a saddle: nothing moves, no NaN from 0/0
      expect(sim.result().status.state).toBe("finished");
    }
  });

  it("balanced L=2 GD on one example: exact per-step identities", async () => {
    // With w1 = w2 = u and one example (y = +1): ∂L/∂w1 = ∂L/∂w2 = ℓ'(z)·x ⊙ u, so the layers stay equal
    // and u ← u ⊙ (1 − η ℓ'(z) x), i.e. β_j(k+1) = β_j(k)·(1 + η s_k x_j)² with s_k = 1/(1 + e^{z_k}).
    // For any init: (w1² − w2²)(k+1) = (w1² − w2²)(k)·(1 − η² g_k²) per coordinate (g = ℓ'(z) x).
    const x = [0.5, 1, 1.5];
    const eta = 0.2;
    const bal = await createSimulation({ version: 1, data: { x: [x] }, depth: 2, init: { alpha: [0.3, 0.2, 0.1] }, algo: "gd", lr: eta, engine, steps: 40 });
    const unb = await createSimulation({ version: 1, data: { x: [x] }, depth: 2, init: { values: [[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]] }, algo: "gd", lr: eta, engine, steps: 40 });
    for (let k = 0; k < 40; k++) {
      const [u1, u2] = bal.currentW();
      expect(u1).toEqual(u2);
      const b = u1!.map((v, j) => v * u2![j]!);
      const z = b.reduce((s, bj, j) => s + bj * x[j]!, 0);
      const s = 1 / (1 + Math.exp(z));
      bal.advance(1);
      const [n1, n2] = bal.currentW();
      for (let j = 0; j < 3; j++) expect(n1![j]! * n2![j]!).toBeCloseTo(b[j]! * (1 + eta * s * x[j]!) ** 2, 14);

      const [a1, a2] = unb.currentW();
      const bb = a1!.map((v, j) => v * a2![j]!);
      const zz = bb.reduce((acc, bj, j) => acc + bj * x[j]!, 0);
      const lp = -1 / (1 + Math.exp(zz));
      unb.advance(1);
      const [m1, m2] = unb.currentW();
      for (let j = 0; j < 3; j++) {
        const g = lp * x[j]!;
        const before = a1![j]! ** 2 - a2![j]! ** 2;
        expect(m1![j]! ** 2 - m2![j]! ** 2).toBeCloseTo(before * (1 - eta * eta * g * g), 14);
      }
    }
  });

  it("a 10⁷-step run records no more points than asked, including step 0 and the last step", async () => {
    const sim = await createSimulation({ version: 1, data: { x: [[1, 2]] }, depth: 2, algo: "gd", lr: 0.05, steps: 1e7, record: { points: 50 }, engine });
    // the reference engine is ~3x slower; both finish in a few seconds
    while (!sim.done) sim.advance(2e6);
    const r = sim.result();
    expect(r.trajectory.step.length).toBeLessThanOrEqual(50);
    expect(r.trajectory.step.length).toBeGreaterThan(40);
    expect(r.trajectory.step[0]).toBe(0);
    expect(r.trajectory.step.at(-1)).toBe(1e7);
    expect(r.final.step).toBe(1e7);
    for (const col of Object.values(r.trajectory)) if (Array.isArray(col) && col.length) expect(col.length).toBe(r.trajectory.step.length);
  }, 120_000);

  it("a non-finite value stops the run, reports the step and keeps the last finite state", async () => {
    const sim = await createSimulation({ version: 1, data: { x: [[1, 2]], y: [-1] }, depth: 2, loss: "exponential", algo: "gd", lr: 1e200, steps: 100, engine });
    sim.advance(100);
    const r = sim.result();
    expect(r.status.state).toBe("nonfinite");
    expect(r.status.nonfiniteStep).toBeGreaterThan(0);
    expect(r.final.step).toBe(r.status.nonfiniteStep! - 1);
    for (const row of r.final.w) for (const v of row) expect(Number.isFinite(v)).toBe(true);
    expect(r.status.message).toMatch(/smaller step size/);
  });

  it.each(["gd", "sam-l2", "sam-linf"] as const)("the rescaled schedule's step is η·(rescaled-flow velocity): one example, %s", async (algo) => {
    // MODEL.md: for one example the rescaled flow is dw_l/dt = y x ⊙ Π_{k≠l}(w_k + ε_k), so one step is
    // w_l ← w_l + η y x ⊙ Π_{k≠l} w̃_k — no loss factor at all (scale 40 puts the margin near −320).
    const x = [1, 2, 0.5];
    for (const scale of [0.3, 40]) {
      const w0 = [[0.3 * scale, 0.5 * scale, -0.2 * scale], [0.4 * scale, 0.1 * scale, 0.2 * scale]];
      const sim = await createSimulation({ version: 1, data: { x: [x], y: [-1] }, depth: 2, init: { values: w0 }, algo, rho: 0.05, lr: 0.1, steps: 1, lrSchedule: "rescaled", engine });
      const G = Float64Array.from(sim.currentGradient().flat());
      const flat = Float64Array.from(w0.flat());
      const wt = new Float64Array(6);
      if (algo === "gd") wt.set(flat);
      else perturb(algo, 0.05, flat, G, wt);
      sim.advance(1);
      const w1 = sim.currentW().flat();
      for (let j = 0; j < 3; j++) {
        expect(w1[j]).toBeCloseTo(flat[j]! + 0.1 * -1 * x[j]! * wt[3 + j]!, 12);
        expect(w1[3 + j]).toBeCloseTo(flat[3 + j]! + 0.1 * -1 * x[j]! * wt[j]!, 12);
      }
    }
  });

  it("changing η and ρ mid-run takes effect from the current step, and t accumulates Σ η", async () => {
    const sim = await createSimulation({ version: 1, data: { x: [[1, 2]] }, depth: 2, algo: "sam-l2", lr: 0.1, rho: 0.05, steps: 30, record: { every: 1, points: 40 }, engine });
    sim.advance(10);
    sim.setHyper({ lr: 0.2, rho: 0 });
    sim.advance(20);
    const r = sim.result();
    expect(r.trajectory.t[10]).toBeCloseTo(1, 14);
    expect(r.trajectory.t[30]).toBeCloseTo(1 + 20 * 0.2, 13);
    expect(r.trajectory.pertNorm[10]).toBe(0); // ρ = 0 ⇒ ‖ε‖ = 0
    expect(r.trajectory.pertNorm[9]).toBeCloseTo(0.05, 14);
  });
});

describe("engines agree on trajectories recorded every step", () => {
  it("ℓ∞-SAM, L=3, n=20: the same record rows (to 1e-12 relative) over 300 steps", async () => {
    const spec = { version: 1 as const, data: { generator: "gaussian-sparse" as const, n: 20, d: 6 }, depth: 3, algo: "sam-linf" as const, rho: 0.02, lr: 0.05, init: { random: "abs-gaussian" as const, alpha: 0.8 }, steps: 300, record: { every: 1, points: 302 } };
    const [a, b] = await Promise.all(
      engines.map(async (engine) => {
        const sim = await createSimulation({ ...spec, engine });
        while (!sim.done) sim.advance(100);
        return sim.result();
      }),
    );
    expect(a!.final.step).toBe(300);
    expect(a!.trajectory.step).toHaveLength(301);
    expect(a!.trajectory.step).toEqual(b!.trajectory.step);
    // the runs moved: a comparison of two unchanged initial states would prove nothing
    expect(a!.final.beta).not.toEqual(a!.trajectory.beta[0]);
    // every recorded column agrees to 1e-12 relative (the engines differ only in the last ulps of exp/log1p,
    // see parity.test.ts); the integer columns exactly
    const ta = a!.trajectory as unknown as Record<string, number[] | number[][]>;
    const tb = b!.trajectory as unknown as Record<string, number[] | number[][]>;
    for (const col of Object.keys(ta)) {
      const xa = ta[col]!.flat(), xb = tb[col]!.flat();
      expect(xa.length, col).toBe(xb.length);
      for (let i = 0; i < xa.length; i++) expect(Math.abs(xa[i]! - xb[i]!), `${col}[${i}]`).toBeLessThanOrEqual(1e-12 * Math.abs(xb[i]!));
    }
    expect(a!.trajectory.dominant).toEqual(b!.trajectory.dominant);
  });
});
