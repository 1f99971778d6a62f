/**
 * Test sets (`data.test`, the sparse-regression generator's `test`): validated like the rest, never
 * trained on, and measured from the recorded β along the trajectory and at the end.
 */
import { describe, expect, it } from "vitest";
import { parseSpec, simulate } from "../index.js";
import { makeDataset } from "../data/generators.js";

describe("test sets", () => {
  it("records the test loss and error of a classification run from the recorded β", async () => {
    const test = { x: [[1, 0], [0, 1], [-1, 0.2], [0.5, -2]], y: [1, 1, -1, 1] };
    const spec = { version: 1 as const, data: { x: [[1, 0.5], [-0.3, -1]], y: [1, -1], test }, depth: 2, steps: 300, record: { points: 10 } };
    const r = await simulate(spec);
    const withoutTest = await simulate({ ...spec, data: { x: spec.data.x, y: spec.data.y } });
    // never trained on: the same bits with or without it
    expect(r.final.beta).toEqual(withoutTest.final.beta);
    expect(r.trajectory.testLoss).toHaveLength(r.trajectory.step.length);
    expect(r.trajectory.testError).toHaveLength(r.trajectory.step.length);
    // by hand at the end: logistic loss and errors of β on the four test points
    const b = r.final.beta;
    let loss = 0;
    let wrong = 0;
    test.x.forEach((x, k) => {
      const z = test.y[k]! * (b[0]! * x[0]! + b[1]! * x[1]!);
      loss += Math.log1p(Math.exp(-z));
      if (z <= 0) wrong++;
    });
    expect(r.final.testLoss!).toBeCloseTo(loss / 4, 14);
    expect(r.final.testError).toBe(wrong / 4);
    expect(r.trajectory.testLoss!.at(-1)).toBe(r.final.testLoss);
    expect(withoutTest.final.testLoss).toBeUndefined();
  });

  it("keeps only final.testLoss when β is not recorded", async () => {
    const r = await simulate({ version: 1, data: { x: [[1, 2]], y: [0.5], test: { x: [[2, 1]], y: [0.25] } }, loss: "squared", steps: 50, record: { beta: false } });
    expect(r.trajectory.testLoss).toBeUndefined();
    const b = r.final.beta;
    expect(r.final.testLoss).toBe(0.5 * (b[0]! * 2 + b[1]! * 1 - 0.25) ** 2);
    expect(r.final.testError).toBeUndefined();
  });

  it("generates sparse regression data with a k-sparse β* and a held-out set, seeded", () => {
    const data = { generator: "sparse-regression" as const, n: 20, d: 30, k: 3, noise: 0, test: 50, seed: 4 };
    const a = makeDataset(data, 1);
    const b = makeDataset(data, 99); // the generator's own seed wins
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(a.betaStar!.filter((v) => v !== 0)).toHaveLength(3);
    expect(Math.hypot(...a.betaStar!)).toBeCloseTo(1, 14);
    expect(a.test!.n).toBe(50);
    // noise 0: targets are exactly <β*, x> (computed in the same order)
    for (const set of [a, { ...a.test!, d: 30 }]) {
      for (let i = 0; i < set.n; i++) {
        let s = 0;
        for (let j = 0; j < 30; j++) s += a.betaStar![j]! * set.x[i * 30 + j]!;
        expect(set.y[i]).toBe(s);
      }
    }
    // noise moves y, never x
    const noisy = makeDataset({ ...data, noise: 0.5 }, 1);
    expect(Array.from(noisy.x)).toEqual(Array.from(a.x));
    expect(Array.from(noisy.y)).not.toEqual(Array.from(a.y));
  });

  it("reports β* and the test loss of a sparse-regression run", async () => {
    const r = await simulate({ version: 1, data: { generator: "sparse-regression", n: 20, d: 30, k: 3, test: 40, seed: 2 }, loss: "squared", depth: 2, init: { alpha: 0.1 }, lr: 0.05, steps: 200, record: { points: 5 } });
    expect(r.data.betaStar).toHaveLength(30);
    expect(r.trajectory.testLoss).toHaveLength(r.trajectory.step.length);
    expect(Number.isFinite(r.final.testLoss)).toBe(true);
  });

  it.each([
    [{ generator: "sparse-regression", n: 5, d: 3 }, "logistic", /^data\.generator: "sparse-regression" makes real-valued targets: expected "loss": "squared"$/],
    [{ generator: "sparse-regression", n: 5, d: 3, k: 4 }, "squared", /^data\.k: expected k ≤ d = 3$/],
    [{ generator: "sparse-regression", n: 5, d: 3, test: -1 }, "squared", /^data\.test: /],
    [{ generator: "sparse-regression", n: 5, d: 3, noise: -1 }, "squared", /^data\.noise: expected a number ≥ 0$/],
    [{ x: [[1, 2]], y: [1], test: { x: [[1, 2, 3]], y: [1] } }, "logistic", /^data\.test\.x\[0\]: expected 2 numbers \(the training data's dimension\), got 3$/],
    [{ x: [[1, 2]], y: [1], test: { x: [[1, 2]], y: [0.5] } }, "logistic", /^data\.test\.y\[0\]: expected a label −1 or \+1$/],
    [{ x: [[1, 2]], y: [1], test: { x: [[1, 2]], y: [1, 1] } }, "logistic", /^data\.test\.y: expected 1 targets \(one per example\), got 2$/],
    [{ x: [[1, 2]], y: [1], test: { x: [[1, 2]] } }, "logistic", /^data\.test\.y: required/],
    [{ x: [[1, 2]], y: [1], test: [1] }, "logistic", /^data\.test: expected an object \{ x, y \} \(the test set\)$/],
    [{ file: "a.csv", test: { x: [[1]], y: [1] } }, "logistic", /^data\.test: expected { fraction, seed } or { file } with a data file or named source/],
  ])("refuses %j (loss %s) with one line naming the field", (data, loss, msg) => {
    expect(() => parseSpec({ version: 1, data, loss })).toThrow(msg);
  });

  it("re-parses a parsed spec with a test set to the same JSON", () => {
    const s = parseSpec({ version: 1, data: { x: [[1, 2]], y: [1.5], test: { x: [[3, 4]], y: [-2] } }, loss: "squared" });
    expect(JSON.stringify(parseSpec(JSON.parse(JSON.stringify(s))))).toBe(JSON.stringify(s));
  });
});
