/**
 * Divergence beyond what the engines catch. The engines stop when a parameter w becomes
 * non-finite; but at a very large η (or a deep net with a large init) w can stay finite while
 * β = w_1 ⊙ … ⊙ w_L overflows to ±∞ (or a margin y_i<β, x_i> does), after which the run would go
 * on "finished" with an infinite β. {@link OverflowCheck} tells whether a state is finite; the
 * Simulation calls it once per chunk (O(L·d), plus O(n·d) only when a margin bound overflows) and,
 * when a chunk ends non-finite, replays that chunk step by step from its start to find the first
 * bad step and stop at the last finite state.
 */
export class OverflowCheck {
  /** max_ij |x_ij|: margins are finite while maxAbsX·‖β‖₁ is. */
  private readonly maxAbsX: number;

  constructor(
    private readonly x: Float64Array,
    private readonly y: Float64Array,
    private readonly n: number,
    private readonly d: number,
    private readonly depth: number,
  ) {
    let m = 0;
    for (let k = 0; k < x.length; k++) {
      const a = Math.abs(x[k]!);
      if (a > m) m = a;
    }
    this.maxAbsX = m;
  }

  /** What is not finite in the state w (L×d, layer-major): "w", "β" or "a margin"; undefined when all is finite. */
  problem(w: Float64Array): string | undefined {
    const { d, depth } = this;
    let l1 = 0;
    for (let j = 0; j < d; j++) {
      let b = 1;
      for (let l = 0; l < depth; l++) b *= w[l * d + j]!;
      if (!Number.isFinite(b)) return Number.isFinite(w[j]!) && w.every(Number.isFinite) ? "β = w_1⊙…⊙w_L overflowed" : "w";
      l1 += Math.abs(b);
    }
    if (Number.isFinite(this.maxAbsX * l1)) return undefined;
    // the bound overflowed: compute the margins (rare; O(n·d))
    const beta = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      let b = 1;
      for (let l = 0; l < depth; l++) b *= w[l * d + j]!;
      beta[j] = b;
    }
    for (let i = 0; i < this.n; i++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += this.x[i * d + j]! * beta[j]!;
      if (!Number.isFinite(z * this.y[i]!)) return `the margin of example ${i} overflowed`;
    }
    return undefined;
  }
}
