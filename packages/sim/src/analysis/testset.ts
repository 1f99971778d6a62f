/**
 * The test-set measurements of a run (docs/MODEL.md, "Loss"): the mean loss of β on held-out
 * examples and, for classification, the fraction misclassified. Computed in TypeScript from a
 * recorded β (the engines never see the test set).
 */
import { portableExp, portableLog1p } from "../math/portable-math.js";

export interface TestSet {
  n: number;
  /** n×d row-major. */
  x: ArrayLike<number>;
  /** Labels ±1 (classification) or real targets (squared loss). */
  y: ArrayLike<number>;
}

export type TestLossKind = "logistic" | "exponential" | "squared";

/**
 * (1/m) Σ ℓ(z_k) over the test set, with z_k = y_k<β, x_k> (classification) or the residual
 * <β, x_k> − y_k (squared loss); `error` is the fraction with y_k<β, x_k> ≤ 0 (a prediction of
 * exactly 0 counts as an error), absent for the squared loss.
 */
export function testMetrics(beta: ArrayLike<number>, test: TestSet, loss: TestLossKind): { loss: number; error?: number } {
  const d = beta.length;
  let s = 0;
  let wrong = 0;
  for (let k = 0; k < test.n; k++) {
    let p = 0;
    for (let j = 0; j < d; j++) p += beta[j]! * test.x[k * d + j]!;
    const y = test.y[k]!;
    if (loss === "squared") {
      const r = p - y;
      s += 0.5 * (r * r);
      continue;
    }
    const z = y * p;
    if (!(z > 0)) wrong++;
    s += loss === "logistic" ? (z > 0 ? portableLog1p(portableExp(-z)) : -z + portableLog1p(portableExp(z))) : portableExp(-z);
  }
  const mean = s / test.n;
  return loss === "squared" ? { loss: mean } : { loss: mean, error: wrong / test.n };
}
