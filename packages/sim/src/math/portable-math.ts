/**
 * fdlibm's log, sin and cos (FreeBSD msun e_log.c, s_sin.c, s_cos.c, k_sin.c, k_cos.c,
 * e_rem_pio2.c) in plain double arithmetic, so they give the same bits on every JavaScript engine.
 * They are the algorithms behind V8's Math.log/sin/cos in Node 20 (V8 11.3; the same bits on the
 * millions of inputs measured), but Chromium 156's Math.log, Math.sin and Math.cos round
 * differently for some inputs (measured; exp, sqrt, log1p and pow agree). @samlab/sim's seeded
 * normals (Box–Muller) call all three, so without these the Gaussian data and random
 * initializations of a spec differ by an ulp between the page and the CLI. Every function of
 * @samlab/sim whose numbers enter a Result calls these instead of `Math.*`: the seeded generators
 * (rng.ts), record schedules (schedule.ts), flow record times (flow.ts), the pure-TS reference and
 * flow engines and their log-domain losses (engine/), the final log-loss (result.ts) and the phase
 * classifier's direction (experiments/util.ts). Nothing replaces `Math.*` globally.
 * The unit tests check them against exact values (within fdlibm's 1-ulp bound); the golden results
 * pin their bits.
 */
const ln2_hi = 6.93147180369123816490e-1;
const ln2_lo = 1.90821492927058770002e-10;
const two54 = 1.80143985094819840000e16;
const Lg1 = 6.666666666666735130e-1;
const Lg2 = 3.999999999940941908e-1;
const Lg3 = 2.857142874366239149e-1;
const Lg4 = 2.222219843214978396e-1;
const Lg5 = 1.818357216161805012e-1;
const Lg6 = 1.531383769920937332e-1;
const Lg7 = 1.479819860511658591e-1;

const buf = new DataView(new ArrayBuffer(8));
const hi = (x: number) => (buf.setFloat64(0, x), buf.getInt32(0));
const lo = (x: number) => (buf.setFloat64(0, x), buf.getUint32(4));
function withHigh(x: number, h: number): number {
  buf.setFloat64(0, x);
  buf.setInt32(0, h);
  return buf.getFloat64(0);
}

export function portableLog(xIn: number): number {
  let x = +xIn;
  let hx = hi(x);
  const lx = lo(x);
  let k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity; // log(±0)
    if (hx < 0) return NaN; // log(negative)
    k -= 54;
    x *= two54; // subnormal: scale up
    hx = hi(x);
  }
  if (hx >= 0x7ff00000) return x + x; // Inf or NaN
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  x = withHigh(x, hx | (i0 ^ 0x3ff00000)); // normalize x or x/2
  k += i0 >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    // -2^-20 <= f < 2^-20
    if (f === 0) {
      if (k === 0) return 0;
      const dk = k;
      return dk * ln2_hi + dk * ln2_lo;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k === 0) return f - R;
    const dk = k;
    return dk * ln2_hi - (R - dk * ln2_lo - f);
  }
  const s = f / (2.0 + f);
  const dk = k;
  const z = s * s;
  let i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k === 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - (hfsq - (s * (hfsq + R) + dk * ln2_lo) - f);
  }
  if (k === 0) return f - s * (f - R);
  return dk * ln2_hi - (s * (f - R) - dk * ln2_lo - f);
}

// ---- sin and cos: fdlibm's s_sin.c / s_cos.c with __kernel_sin, __kernel_cos and the
// ---- Cody–Waite branch of __ieee754_rem_pio2 (|x| ≤ 2^19·π/2; larger arguments fall back to
// ---- the engine's Math.sin/Math.cos, which the seeded normals never pass).
const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;
const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;
const invpio2 = 6.36619772367581382433e-1;
const pio2_1 = 1.57079632673412561417e0;
const pio2_1t = 6.07710050650619224932e-11;
const pio2_2 = 6.07710050630396597660e-11;
const pio2_2t = 2.02226624879595063154e-21;
const pio2_3 = 2.02226624871116645580e-21;
const pio2_3t = 8.47842766036889956997e-32;
const npio2_hw = [
  0x3ff921fb, 0x400921fb, 0x4012d97c, 0x401921fb, 0x401f6a7a, 0x4022d97c, 0x4025fdbb, 0x402921fb, 0x402c463a, 0x402f6a7a, 0x4031475c, 0x4032d97c, 0x40346b9c, 0x4035fdbb, 0x40378fdb, 0x403921fb,
  0x403ab41b, 0x403c463a, 0x403dd85a, 0x403f6a7a, 0x40407e4c, 0x4041475c, 0x4042106c, 0x4042d97c, 0x4043a28c, 0x40446b9c, 0x404534ac, 0x4045fdbb, 0x4046c6cb, 0x40478fdb, 0x404858eb, 0x404921fb,
];

function kernelSin(x: number, y: number, iy: number): number {
  const ix = hi(x) & 0x7fffffff;
  if (ix < 0x3e400000 && Math.trunc(x) === 0) return x;
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (iy === 0) return x + v * (S1 + z * r);
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

function kernelCos(x: number, y: number): number {
  const ix = hi(x) & 0x7fffffff;
  if (ix < 0x3e400000 && Math.trunc(x) === 0) return 1;
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y));
  let qx: number;
  if (ix > 0x3fe90000) qx = 0.28125;
  else {
    buf.setInt32(0, ix - 0x00200000);
    buf.setUint32(4, 0);
    qx = buf.getFloat64(0);
  }
  const hz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (hz - (z * r - x * y));
}

/** Returns n and sets rem[0] + rem[1] = x − n·π/2; undefined when |x| is too large for this branch. */
function remPio2(x: number, rem: [number, number]): number | undefined {
  const hx = hi(x);
  const ix = hx & 0x7fffffff;
  if (ix < 0x4002d97c) {
    if (hx > 0) {
      let z = x - pio2_1;
      if (ix !== 0x3ff921fb) {
        rem[0] = z - pio2_1t;
        rem[1] = z - rem[0] - pio2_1t;
      } else {
        z -= pio2_2;
        rem[0] = z - pio2_2t;
        rem[1] = z - rem[0] - pio2_2t;
      }
      return 1;
    }
    let z = x + pio2_1;
    if (ix !== 0x3ff921fb) {
      rem[0] = z + pio2_1t;
      rem[1] = z - rem[0] + pio2_1t;
    } else {
      z += pio2_2;
      rem[0] = z + pio2_2t;
      rem[1] = z - rem[0] + pio2_2t;
    }
    return -1;
  }
  if (ix > 0x413921fb) return undefined;
  let t = Math.abs(x);
  const n = Math.trunc(t * invpio2 + 0.5);
  const fn = n;
  let r = t - fn * pio2_1;
  let w = fn * pio2_1t;
  if (n < 32 && ix !== npio2_hw[n - 1]) {
    rem[0] = r - w;
  } else {
    const j = ix >> 20;
    rem[0] = r - w;
    let i = j - ((hi(rem[0]) >> 20) & 0x7ff);
    if (i > 16) {
      t = r;
      w = fn * pio2_2;
      r = t - w;
      w = fn * pio2_2t - (t - r - w);
      rem[0] = r - w;
      i = j - ((hi(rem[0]) >> 20) & 0x7ff);
      if (i > 49) {
        t = r;
        w = fn * pio2_3;
        r = t - w;
        w = fn * pio2_3t - (t - r - w);
        rem[0] = r - w;
      }
    }
  }
  rem[1] = r - rem[0] - w;
  if (hx < 0) {
    rem[0] = -rem[0];
    rem[1] = -rem[1];
    return -n;
  }
  return n;
}

const engineSin = Math.sin;
const engineCos = Math.cos;
const rem: [number, number] = [0, 0];

export function portableSin(xIn: number): number {
  const x = +xIn;
  const ix = hi(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelSin(x, 0, 0);
  if (ix >= 0x7ff00000) return x - x;
  const n = remPio2(x, rem);
  if (n === undefined) return engineSin(x);
  switch (n & 3) {
    case 0:
      return kernelSin(rem[0], rem[1], 1);
    case 1:
      return kernelCos(rem[0], rem[1]);
    case 2:
      return -kernelSin(rem[0], rem[1], 1);
    default:
      return -kernelCos(rem[0], rem[1]);
  }
}

export function portableCos(xIn: number): number {
  const x = +xIn;
  const ix = hi(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0);
  if (ix >= 0x7ff00000) return x - x;
  const n = remPio2(x, rem);
  if (n === undefined) return engineCos(x);
  switch (n & 3) {
    case 0:
      return kernelCos(rem[0], rem[1]);
    case 1:
      return -kernelSin(rem[0], rem[1], 1);
    case 2:
      return -kernelCos(rem[0], rem[1]);
    default:
      return kernelSin(rem[0], rem[1], 1);
  }
}

// ---- exp (e_exp.c) and log1p (s_log1p.c) ----
const halF = [0.5, -0.5];
const o_threshold = 7.09782712893383973096e2;
const u_threshold = -7.45133219101941108420e2;
const ln2HI = [6.93147180369123816490e-1, -6.93147180369123816490e-1];
const ln2LO = [1.90821492927058770002e-10, -1.90821492927058770002e-10];
const invln2 = 1.44269504088896338700e0;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;
const twom1000 = 9.33263618503218878990e-302;

function fromWords(h: number, l: number): number {
  buf.setInt32(0, h);
  buf.setUint32(4, l);
  return buf.getFloat64(0);
}

export function portableExp(xIn: number): number {
  let x = +xIn;
  let hx = hi(x);
  const xsb = (hx >>> 31) & 1;
  hx &= 0x7fffffff;
  let hiPart = 0;
  let loPart = 0;
  let k = 0;
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | lo(x)) !== 0) return x + x; // NaN
      return xsb === 0 ? x : 0; // exp(±inf)
    }
    if (x > o_threshold) return Infinity;
    if (x < u_threshold) return 0;
  }
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      if (x === 1) return Math.E;
      hiPart = x - ln2HI[xsb]!;
      loPart = ln2LO[xsb]!;
      k = 1 - xsb - xsb;
    } else {
      k = Math.trunc(invln2 * x + halF[xsb]!);
      const t = k;
      hiPart = x - t * ln2HI[0]!;
      loPart = t * ln2LO[0]!;
    }
    x = hiPart - loPart;
  } else if (hx < 0x3e300000) {
    return 1 + x;
  } else k = 0;
  const t = x * x;
  const twopk = k >= -1021 ? fromWords(0x3ff00000 + (k << 20), 0) : fromWords(0x3ff00000 + ((k + 1000) << 20), 0);
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2.0) - x);
  const y = 1 - (loPart - (x * c) / (2.0 - c) - hiPart);
  if (k >= -1021) {
    if (k === 1024) return y * 2.0 * 8.98846567431158e307;
    return y * twopk;
  }
  return y * twopk * twom1000;
}

const Lp1 = 6.666666666666735130e-1;
const Lp2 = 3.999999999940941908e-1;
const Lp3 = 2.857142874366239149e-1;
const Lp4 = 2.222219843214978396e-1;
const Lp5 = 1.818357216161805012e-1;
const Lp6 = 1.531383769920937332e-1;
const Lp7 = 1.479819860511658591e-1;

export function portableLog1p(xIn: number): number {
  const x = +xIn;
  const hx = hi(x);
  const ax = hx & 0x7fffffff;
  let k = 1;
  let f = 0;
  let hu = 0;
  let c = 0;
  if (hx < 0x3fda827a) {
    if (ax >= 0x3ff00000) {
      if (x === -1) return -Infinity;
      return NaN;
    }
    if (ax < 0x3e200000) {
      if (ax < 0x3c900000) return x;
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= (0xbfd2bec4 | 0)) {
      k = 0;
      f = x;
      hu = 1;
    }
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k !== 0) {
    let u: number;
    if (hx < 0x43400000) {
      u = 1.0 + x;
      hu = hi(u);
      k = (hu >> 20) - 1023;
      c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0);
      c /= u;
    } else {
      u = x;
      hu = hi(u);
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {
      u = withHigh(u, hu | 0x3ff00000);
    } else {
      k += 1;
      u = withHigh(u, hu | 0x3fe00000);
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1.0;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) {
    if (f === 0) {
      if (k === 0) return 0;
      c += k * ln2_lo;
      return k * ln2_hi + c;
    }
    const R = hfsq * (1.0 - 0.66666666666666666 * f);
    if (k === 0) return f - R;
    return k * ln2_hi - (R - (k * ln2_lo + c) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const R = z * (Lp1 + z * (Lp2 + z * (Lp3 + z * (Lp4 + z * (Lp5 + z * (Lp6 + z * Lp7))))));
  if (k === 0) return f - (hfsq - s * (hfsq + R));
  return k * ln2_hi - (hfsq - (s * (hfsq + R) + (k * ln2_lo + c)) - f);
}
