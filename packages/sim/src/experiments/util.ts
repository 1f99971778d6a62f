/** Small measurement helpers shared by the experiments. */
import { portableExp, portableLog } from "../math/portable-math.js";
import type { Result } from "../run/result.js";

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : s / Math.sqrt(na * nb);
}

/** The angle in degrees between two vectors. */
export function angleDeg(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return (Math.acos(Math.min(1, Math.max(-1, cosine(a, b)))) * 180) / Math.PI;
}

export function logspace(lo: number, hi: number, n: number): number[] {
  if (n === 1) return [lo];
  // portable log/exp: the grids (hence the specs) are the same in every JS engine
  const a = portableLog(lo);
  const b = portableLog(hi);
  return Array.from({ length: n }, (_, k) => portableExp(a + ((b - a) * k) / (n - 1)));
}

export const fmt = (v: number, digits = 3): string =>
  v === 0 ? "0" : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? String(Number(v.toPrecision(digits))) : v.toExponential(digits - 1);

/** The distinct coordinates in the order they first become dominant (ignoring returns). */
export function firstTakeovers(r: Result): number[] {
  const seen: number[] = [];
  for (const c of r.dominantSequence) if (!seen.includes(c.coord)) seen.push(c.coord);
  return seen;
}

/** The dominant coordinate at the recorded point closest to (not after) time t. */
export function dominantAt(r: Result, t: number): number {
  const tr = r.trajectory;
  let k = 0;
  for (let i = 0; i < tr.t.length; i++) if (tr.t[i]! <= t) k = i;
  return tr.dominant[k]!;
}

/**
 * Whether the run collapsed: β shrank instead of growing and the loss stayed near ℓ(0) (β ≈ 0).
 * A run that separates the data has its loss far below ℓ(0)/2 by then.
 */
export function collapsed(r: Result): boolean {
  const loss0 = r.spec.loss === "logistic" ? Math.LN2 : 1;
  return r.final.loss > 0.5 * loss0 && r.final.l1 < r.trajectory.l1[0]!;
}

/** Shares |β_j|/‖β‖₁ over the trajectory as one series per coordinate. */
export function shareSeries(r: Result): { label: string; x: number[]; y: number[] }[] {
  const tr = r.trajectory;
  return Array.from({ length: r.data.d }, (_, j) => ({
    label: `|β${j + 1}|/‖β‖₁ (x${j + 1} = ${fmt(r.data.magnitudes[j]!)})`,
    x: tr.t.slice(1),
    y: tr.beta.slice(1).map((b, i) => (tr.l1[i + 1]! > 0 ? Math.abs(b[j]!) / tr.l1[i + 1]! : 0)),
  }));
}

/** True when the list is non-decreasing. */
export function nonDecreasing(v: number[]): boolean {
  for (let i = 1; i < v.length; i++) if (v[i]! < v[i - 1]!) return false;
  return true;
}

/**
 * The final direction β/‖β‖₂ computed from the final weights in log-magnitudes
 * (log|β_j| = Σ_l log|w_lj|), so it stays exact when β itself overflows (rescaled runs at depth ≥ 3
 * blow up in finite rescaled time). Zeros when every β_j = 0.
 */
export function finalDirection(r: Result): number[] {
  const d = r.data.d;
  const lb = new Array<number>(d).fill(0);
  const sg = new Array<number>(d).fill(1);
  for (const layer of r.final.w)
    for (let j = 0; j < d; j++) {
      lb[j] += portableLog(Math.abs(layer[j]!));
      sg[j] *= Math.sign(layer[j]!);
    }
  const top = Math.max(...lb);
  if (top === -Infinity || !Number.isFinite(top)) return r.final.direction.map((v) => (Number.isFinite(v) ? v : 0));
  const v = lb.map((l, j) => sg[j]! * portableExp(l - top));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}
