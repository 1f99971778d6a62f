/**
 * The portable fdlibm ports (log, exp, log1p, sin, cos) against exact values — not against the
 * host's Math, which is what they exist to be independent of. The oracle (test-util/exact-math.ts)
 * evaluates each function to ~300 bits in BigInt fixed point; it is itself checked here against a
 * table of correctly rounded values computed with mpmath 1.3.0 at 700 bits. Then, on ~20,000 inputs
 * per function (uniform, tiny, huge, near 1, medium arguments of sin/cos): every result is within
 * fdlibm's documented bound of 1 ulp, nearly all are correctly rounded, and the special values follow
 * IEEE 754 / C99 Annex F. The exact bits the engines depend on are pinned by test/golden.test.ts.
 */
import { describe, expect, it } from "vitest";
import { portableCos, portableExp, portableLog, portableLog1p, portableSin } from "./portable-math.js";
import { exactCos, exactExp, exactLog, exactLog1p, exactSin, roundsToInfinity, ulpError, type Big } from "../test-util/exact-math.js";

type Fn = "log" | "exp" | "log1p" | "sin" | "cos";
const portable: Record<Fn, (x: number) => number> = { log: portableLog, exp: portableExp, log1p: portableLog1p, sin: portableSin, cos: portableCos };
const exact: Record<Fn, (x: number) => Big> = { log: exactLog, exp: exactExp, log1p: exactLog1p, sin: exactSin, cos: exactCos };

/** Correctly rounded f(x), from mpmath 1.3.0 (mp.prec = 700, rounded to the nearest double). */
const TABLE: Record<Fn, [number, number][]> = {
  log: [[0.7020394484279677, -0.35376568219333443], [2, 0.6931471805599453], [10, 2.302585092994046], [1e-300, -690.7755278982137], [1e300, 690.7755278982137], [5e-324, -744.4400719213812], [1.0000000009313226, 9.313225741817976e-10], [0.9999999990686774, -9.313225750491594e-10], [1.7976931348623157e308, 709.782712893384]],
  exp: [[1, 2.718281828459045], [-1, 0.36787944117144233], [0.349329971941188, 1.4181170519836088], [709.7, 1.6549840276802644e308], [-708, 3.307553003638408e-308], [-745.1, 5e-324], [1e-9, 1.000000001], [100.5, 4.4319559098458955e43], [-0.5, 0.6065306597126334]],
  log1p: [[0.5699981225188822, 0.4510744235116559], [1e-9, 9.999999995e-10], [-0.999999, -13.815510557935518], [1e6, 13.815511557963774], [-0.5, -0.6931471805599453], [3, 1.3862943611198906], [1e-300, 1e-300], [0.25, 0.22314355131420976]],
  sin: [[1e22, -0.8522008497671888], [1e300, -0.8178819121159085], [-330080.0590077415, 0.7159051324898092], [1, 0.8414709848078965], [0.5, 0.479425538604203], [3, 0.1411200080598672], [1e5, 0.03574879797201651], [8e5, -0.2821662203333243], [1e-9, 1e-9]],
  cos: [[1e22, 0.523214785395139], [1e300, -0.5753861119575491], [0.7433086510864086, 0.7362335373012369], [1, 0.5403023058681398], [0.5, 0.8775825618903728], [3, -0.9899924966004454], [1e5, -0.9993608074382124], [8e5, 0.959365532058978], [1e-9, 1]],
};

/** IEEE 754 / C99 Annex F special cases (Object.is: the sign of zero counts). */
const SPECIAL: Record<Fn, [number, number][]> = {
  log: [[0, -Infinity], [-0, -Infinity], [-1, NaN], [-Infinity, NaN], [Infinity, Infinity], [NaN, NaN], [1, 0]],
  exp: [[0, 1], [-0, 1], [Infinity, Infinity], [-Infinity, 0], [NaN, NaN], [710, Infinity], [-746, 0]],
  log1p: [[0, 0], [-0, -0], [-1, -Infinity], [-2, NaN], [Infinity, Infinity], [NaN, NaN]],
  sin: [[0, 0], [-0, -0], [Infinity, NaN], [-Infinity, NaN], [NaN, NaN]],
  cos: [[0, 1], [-0, 1], [Infinity, NaN], [-Infinity, NaN], [NaN, NaN]],
};

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s + 0.5) / 4294967296;
  };
}

const N = 4000;
const PATTERNS: Record<Fn, (u: number) => number[]> = {
  log: (u) => [u, u * 1e-300, u * 1e300, 1 + (u - 0.5) * 1e-6, u * 10],
  exp: (u) => [(u - 0.5) * 1500, (u - 0.5) * 10, (u - 0.5) * 1e-6],
  log1p: (u) => [u * 10 - 0.99, (u - 0.5) * 1e-6, u * 1e6 - 1, u * 2 - 1],
  sin: (u) => [2 * Math.PI * u, (u - 0.5) * 40, u * 1e-5, (u - 0.5) * 1e6, 0.5 + u * 0.5],
  cos: (u) => [2 * Math.PI * u, (u - 0.5) * 40, u * 1e-5, (u - 0.5) * 1e6, 0.5 + u * 0.5],
};

describe("the exact-value oracle", () => {
  it.each(Object.keys(TABLE) as Fn[])("rounds to mpmath's correctly rounded %s on its table", (f) => {
    for (const [x, want] of TABLE[f]) expect(Math.abs(ulpError(want, exact[f](x))), `${f}(${x})`).toBeLessThanOrEqual(0.5);
  });
});

describe("portable fdlibm ports against exact values", () => {
  it.each(Object.keys(SPECIAL) as Fn[])("%s: the special values of IEEE 754 / C99 Annex F", (f) => {
    for (const [x, want] of SPECIAL[f]) expect(Object.is(portable[f](x), want), `${f}(${x}) = ${portable[f](x)}, want ${want}`).toBe(true);
  });

  it.each(Object.keys(PATTERNS) as Fn[])("%s: within 1 ulp everywhere, correctly rounded for at least 90% of inputs", (f) => {
    const next = lcg(12345);
    const xs = TABLE[f].map(([x]) => x);
    for (let k = 0; k < N; k++) xs.push(...PATTERNS[f](next()));
    let worst = 0;
    let worstX = NaN;
    let rounded = 0;
    for (const x of xs) {
      const y = portable[f](x);
      const ex = exact[f](x);
      if (!Number.isFinite(y)) {
        // only an overflow may give ±∞ (exp of x > 709.78), and only where the exact value rounds to it
        expect(roundsToInfinity(ex), `${f}(${x}) = ${y}`).toBe(true);
        rounded++;
        continue;
      }
      const e = Math.abs(ulpError(y, ex));
      if (e > worst) [worst, worstX] = [e, x];
      if (e <= 0.5) rounded++;
    }
    // measured on these inputs: max 0.77 (log), 0.81 (exp), 0.72 (log1p), 0.83 (sin), 0.79 (cos) ulp;
    // 93.7–97.1% correctly rounded
    expect(worst, `${f}: worst ${worst.toFixed(3)} ulp at x = ${worstX}`).toBeLessThan(1);
    expect(rounded / xs.length, f).toBeGreaterThanOrEqual(0.9);
  });
});
