/**
 * A 5000-bit fixed-point evaluation of one loss-normalized step of the depth-2 diagonal network
 * with the exponential loss, for tests at huge margins: w ← w − η ∇L(w + ε)/L(w). Independent of
 * the engines' log-domain arithmetic (no scale factors: e^{−z} is computed directly, with about
 * 5000 − 1.45·z significant bits). Test-only; slow (milliseconds per call) but exact to far more
 * digits than f64.
 */
const F = 5000n;
const ONE = 1n << F;

/** Exact conversion of a double to fixed point (doubles in the tests are ≥ 2^-1074, so F = 5000 is exact). */
function fx(v: number): bigint {
  if (v === 0) return 0n;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, v);
  const bits = buf.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  const shift = BigInt(e) + F;
  return sign * (shift >= 0n ? mant << shift : mant >> -shift);
}

const mul = (a: bigint, b: bigint) => (a * b) >> F;
const div = (a: bigint, b: bigint) => (a << F) / b;

function toNumber(a: bigint): number {
  if (a === 0n) return 0;
  const neg = a < 0n;
  let m = neg ? -a : a;
  const bl = m.toString(2).length;
  const drop = bl - 64;
  let e = -Number(F);
  if (drop > 0) {
    m >>= BigInt(drop);
    e += drop;
  }
  const v = Number(m) * 2 ** e;
  return neg ? -v : v;
}

function log(a: bigint): number {
  const bl = a.toString(2).length;
  const drop = Math.max(0, bl - 64);
  return Math.log(Number(a >> BigInt(drop))) + (drop - Number(F)) * Math.LN2;
}

let ln2Cache: bigint | undefined;
/** ln 2 = Σ_{k≥1} 1/(k 2^k), to F bits. */
function ln2(): bigint {
  if (ln2Cache !== undefined) return ln2Cache;
  let s = 0n;
  for (let k = 1n; k <= F + 10n; k++) s += ONE / (k << k);
  ln2Cache = s;
  return s;
}

/** e^{−z} for z in fixed point: e^{−z} = 2^{−k} e^{−r}, r = z − k ln 2, Taylor series for e^{−r}. */
function expNeg(z: bigint): bigint {
  const L2 = ln2();
  const k = (z + L2 / 2n) / L2; // z ≥ 0 here (margins), so this rounds to nearest
  const r = z - k * L2;
  let term = ONE;
  let s = ONE;
  for (let i = 1n; term !== 0n; i++) {
    term = -mul(term, r) / i;
    s += term;
  }
  return k >= 0n ? s >> k : s << -k;
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}
const sqrt = (a: bigint) => isqrt(a << F);

type Algo = "gd" | "sam-l2" | "sam-linf" | "usam";

/** ∇_w L (2×d) and L at w for the exponential loss, depth 2. */
function gradLoss(x: bigint[][], w: bigint[][]): { G: bigint[][]; loss: bigint } {
  const n = BigInt(x.length);
  const d = w[0]!.length;
  const beta = w[0]!.map((v, j) => mul(v, w[1]![j]!));
  const g = new Array<bigint>(d).fill(0n);
  let loss = 0n;
  for (const xi of x) {
    let z = 0n;
    for (let j = 0; j < d; j++) z += mul(beta[j]!, xi[j]!);
    const e = expNeg(z);
    loss += e;
    for (let j = 0; j < d; j++) g[j] = g[j]! - mul(e, xi[j]!) / n;
  }
  return { G: [g.map((gj, j) => mul(gj, w[1]![j]!)), g.map((gj, j) => mul(gj, w[0]![j]!))], loss: loss / n };
}

/** One loss-normalized step (labels folded into x: y_i x_i). Returns the new w and log L(w). */
export function hpOneStepLossNormalized(x: number[][], y: number[], w: number[][], algo: Algo, rho: number, lr: number): { w: number[][]; logLoss: number } {
  const X = x.map((row, i) => row.map((v) => fx(v * y[i]!)));
  const W = w.map((row) => row.map(fx));
  const R = fx(rho);
  const { G, loss } = gradLoss(X, W);
  let Wp = W;
  if (algo === "sam-l2") {
    let ss = 0n;
    for (const row of G) for (const v of row) ss += mul(v, v);
    const norm = sqrt(ss);
    Wp = W.map((row, l) => row.map((v, j) => v + div(mul(R, G[l]![j]!), norm)));
  } else if (algo === "sam-linf") {
    Wp = W.map((row, l) => row.map((v, j) => v + (G[l]![j]! > 0n ? R : G[l]![j]! < 0n ? -R : 0n)));
  } else if (algo === "usam") {
    Wp = W.map((row, l) => row.map((v, j) => v + mul(R, G[l]![j]!)));
  }
  const Gp = algo === "gd" ? G : gradLoss(X, Wp).G;
  const eta = fx(lr);
  const next = W.map((row, l) => row.map((v, j) => toNumber(v - div(mul(eta, Gp[l]![j]!), loss))));
  return { w: next, logLoss: log(loss) };
}
