// The descent step w ← w − c·u of docs/MODEL.md, "Algorithms" (u = ∇L at w for GD, at w + ε for the
// SAM variants; c = η_k, or the loss-normalized / rescaled coefficient of index.ts) and the
// finiteness check that lets a step that produced a non-finite value leave w untouched:
// acc = Σ v_k·0 stays 0 while every v_k is finite and becomes NaN otherwise, in any summation order.
// TS mirrors: packages/sim/src/engine/reference.ts (ReferenceRun.doStep, doStepLossNormalized) and
// flow-reference.ts (ReferenceFlowRun).

/** w − c·u. */
// @ts-ignore: decorator
@inline export function descend(w: f64, c: f64, u: f64): f64 {
  return w - c * u;
}

// @ts-ignore: decorator
@inline export function descendV(w: v128, c: v128, u: v128): v128 {
  return f64x2.sub(w, f64x2.mul(c, u));
}

/** acc + v·0 (NaN from the first non-finite v on). */
// @ts-ignore: decorator
@inline export function finiteAcc(acc: f64, v: f64): f64 {
  return acc + v * 0;
}

// @ts-ignore: decorator
@inline export function finiteAccV(acc: v128, v: v128): v128 {
  return f64x2.add(acc, f64x2.mul(v, f64x2.splat(0)));
}

/**
 * N = W − c·U over m entries (elementwise, two at a time); returns whether every entry of N is
 * finite (N is then unspecified otherwise; W is never written).
 */
// @ts-ignore: decorator
@inline export function descendInto(W: usize, U: usize, N: usize, m: i32, c: f64): bool {
  const mEven = m & ~1;
  const cv = f64x2.splat(c);
  let acc = f64x2.splat(0);
  let k = 0;
  for (; k < mEven; k += 2) {
    const o = <usize>k << 3;
    const v = descendV(v128.load(W + o), cv, v128.load(U + o));
    v128.store(N + o, v);
    acc = finiteAccV(acc, v);
  }
  let a = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (k < m) {
    const o = <usize>k << 3;
    const v = descend(load<f64>(W + o), c, load<f64>(U + o));
    store<f64>(N + o, v);
    a = finiteAcc(a, v);
  }
  return a == a;
}

/** Whether every one of the m entries at p is finite. */
// @ts-ignore: decorator
@inline export function allFinite(p: usize, m: i32): bool {
  let acc: f64 = 0;
  for (let k = 0; k < m; k++) acc = finiteAcc(acc, load<f64>(p + (<usize>k << 3)));
  return acc == acc;
}
