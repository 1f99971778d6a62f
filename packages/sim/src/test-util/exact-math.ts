/**
 * exp, log, log1p, sin and cos to about 300 significant bits, in BigInt fixed point, as an oracle
 * for portable-math.test.ts that does not depend on any JavaScript engine's Math. The constants are
 * computed here too: ln 2 = Σ_{k≥1} 1/(k·2^k), π = 16·atan(1/5) − 4·atan(1/239) (Machin). Each
 * function returns the exact value's approximation as m·2^e (BigInt m) with an absolute error
 * below 2^(e+8), far below half an ulp of any double, so `ulpError` is exact to ~2^-200 ulp.
 * Test-only; about 0.1 ms per call.
 */

/** A binary number m·2^e. */
export interface Big {
  m: bigint;
  e: number;
}

const BASE_BITS = 320;

function bitLength(a: bigint): number {
  return a === 0n ? 0 : (a < 0n ? -a : a).toString(2).length;
}

/** The exact value of a finite double as m·2^e. */
export function exactOf(x: number): Big {
  if (x === 0) return { m: 0n, e: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let m = bits & ((1n << 52n) - 1n);
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = expBits - 1075;
  }
  return { m: bits >> 63n ? -m : m, e };
}

/** x in fixed point with P fractional bits (exact when x's last bit is at or above 2^-P; else truncated toward −∞). */
function fixed(x: number, P: number): bigint {
  const { m, e } = exactOf(x);
  const s = e + P;
  return s >= 0 ? m << BigInt(s) : m >> BigInt(-s);
}

/** a·b in fixed point P, truncated toward zero (a floor would leave a series' terms stuck at −1). */
function mul(a: bigint, b: bigint, P: number): bigint {
  const p = a * b;
  return p >= 0n ? p >> BigInt(P) : -(-p >> BigInt(P));
}

const ln2Cache = new Map<number, bigint>();
function ln2(P: number): bigint {
  let v = ln2Cache.get(P);
  if (v === undefined) {
    const G = P + 16;
    const one = 1n << BigInt(G);
    let s = 0n;
    for (let k = 1; k <= G + 4; k++) s += one / (BigInt(k) << BigInt(k));
    v = s >> 16n;
    ln2Cache.set(P, v);
  }
  return v;
}

/** atan(1/n) in fixed point P (n ≥ 2): Σ (−1)^k / ((2k+1) n^(2k+1)). */
function atanInv(n: bigint, P: number): bigint {
  const one = 1n << BigInt(P);
  let pow = one / n;
  let s = 0n;
  const n2 = n * n;
  for (let k = 0n; pow !== 0n; k++) {
    s += (k & 1n ? -pow : pow) / (2n * k + 1n);
    pow /= n2;
  }
  return s;
}

const piCache = new Map<number, bigint>();
function pi(P: number): bigint {
  let v = piCache.get(P);
  if (v === undefined) {
    const G = P + 16;
    v = (16n * atanInv(5n, G) - 4n * atanInv(239n, G)) >> 16n;
    piCache.set(P, v);
  }
  return v;
}

/** e^r for |r| ≤ 1 (fixed point P), Taylor series. */
function expSmall(r: bigint, P: number): bigint {
  const one = 1n << BigInt(P);
  let term = one;
  let s = one;
  for (let i = 1n; term !== 0n; i++) {
    term = mul(term, r, P) / i;
    s += term;
  }
  return s;
}

/** 2·atanh(s) = log((1+s)/(1−s)) for |s| ≤ 1/3 (fixed point P). */
function twoAtanh(s: bigint, P: number): bigint {
  const s2 = mul(s, s, P);
  let pow = s;
  let sum = 0n;
  for (let k = 1n; pow !== 0n; k += 2n) {
    sum += pow / k;
    pow = mul(pow, s2, P);
  }
  return 2n * sum;
}

/** log of a positive fixed-point value V (P fractional bits): V = t·2^E with t in [1, 2). */
function logFixed(V: bigint, P: number): bigint {
  const E = bitLength(V) - 1 - P;
  const T = E >= 0 ? V >> BigInt(E) : V << BigInt(-E);
  const one = 1n << BigInt(P);
  const s = ((T - one) << BigInt(P)) / (T + one); // t in [1, 2) ⇒ s in [0, 1/3)
  return twoAtanh(s, P) + BigInt(E) * ln2(P);
}

/** Working precision: 320 bits, plus what a tiny argument needs to be exact in fixed point. */
function precisionFor(x: number): number {
  const e = Math.floor(Math.log2(Math.abs(x)));
  return BASE_BITS + Math.max(0, -e);
}

export function exactExp(x: number): Big {
  const P = BASE_BITS;
  const X = fixed(x, P + 64); // |x| < 2^10 in the tests: exact at this scale for every double ≥ 2^-384
  const L = ln2(P + 64);
  const k = (X + L / 2n) / L - (X < -L / 2n ? 1n : 0n); // nearest integer to x/ln 2 (BigInt division truncates)
  const r = (X - k * L) >> 64n;
  return { m: expSmall(r, P), e: Number(k) - P };
}

export function exactLog(x: number): Big {
  const P = BASE_BITS;
  const { m, e } = exactOf(x);
  // x = m·2^e; log x = log(m·2^-(bl−1)) + (e + bl − 1)·ln 2
  const bl = bitLength(m);
  const T = m << BigInt(P - (bl - 1));
  return { m: logFixed(T, P) + BigInt(e + bl - 1) * ln2(P), e: -P };
}

export function exactLog1p(x: number): Big {
  const P = precisionFor(x);
  const X = fixed(x, P);
  const one = 1n << BigInt(P);
  // small |x|: 2·atanh(x/(2+x)), which keeps the relative precision of a tiny x
  if (2n * (X < 0n ? -X : X) < one) return { m: twoAtanh((X << BigInt(P)) / (2n * one + X), P), e: -P };
  return { m: logFixed(one + X, P), e: -P };
}

/** sin and cos: x − k·π/2 with π to as many bits as x's size needs, then Taylor series. */
function sinCos(x: number, which: "sin" | "cos"): Big {
  const P = precisionFor(x);
  const extra = Math.max(0, Math.ceil(Math.log2(Math.abs(x)))) + 64;
  const Q = P + extra;
  const X = fixed(x, Q);
  const half = pi(Q) / 2n;
  let k = (X + half / 2n) / half;
  if (X < -half / 2n) k -= 1n;
  const r = (X - k * half) >> BigInt(extra);
  const one = 1n << BigInt(P);
  const r2 = mul(r, r, P);
  // sin r = Σ (−1)^i r^(2i+1)/(2i+1)!, cos r = Σ (−1)^i r^(2i)/(2i)!
  let sTerm = r;
  let s = r;
  for (let i = 1n; sTerm !== 0n; i++) {
    sTerm = -mul(sTerm, r2, P) / ((2n * i) * (2n * i + 1n));
    s += sTerm;
  }
  let cTerm = one;
  let c = one;
  for (let i = 1n; cTerm !== 0n; i++) {
    cTerm = -mul(cTerm, r2, P) / ((2n * i - 1n) * (2n * i));
    c += cTerm;
  }
  const q = Number(((k % 4n) + 4n) % 4n);
  const v = which === "sin" ? [s, c, -s, -c][q]! : [c, -s, -c, s][q]!;
  return { m: v, e: -P };
}

export const exactSin = (x: number): Big => sinCos(x, "sin");
export const exactCos = (x: number): Big => sinCos(x, "cos");

/**
 * (got − exact)/ulp(exact) for a finite double `got` (the unit in the last place of the exact
 * value's binade, 2^-1074 below the normal range). |error| ≤ 1/2 means correctly rounded.
 */
export function ulpError(got: number, exact: Big): number {
  const g = exactOf(got);
  const lo = Math.min(exact.e, g.e);
  const A = exact.m << BigInt(exact.e - lo);
  const B = g.m << BigInt(g.e - lo);
  const bl = bitLength(exact.m);
  const ulpExp = Math.max(bl === 0 ? -1074 : bl - 1 + exact.e - 52, -1074);
  const diff = B - A;
  const sh = ulpExp - lo - 60;
  return sh > 0 ? Number(diff >> BigInt(sh)) / 2 ** 60 : Number(diff) / 2 ** (ulpExp - lo);
}

/** Whether the exact value is beyond the largest double by at least half an ulp (so it rounds to ∞). */
export function roundsToInfinity(exact: Big): boolean {
  // MAX_VALUE + ulp/2 = (2^53 − 1/2)·2^971
  const lim = { m: (1n << 54n) - 1n, e: 970 };
  const lo = Math.min(exact.e, lim.e);
  return (exact.m < 0n ? -exact.m : exact.m) << BigInt(exact.e - lo) >= lim.m << BigInt(lim.e - lo);
}
