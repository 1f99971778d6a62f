/**
 * Seeded data for the engine tests: x uniform in [-1, 1) from a 32-bit LCG, row by row, and per row
 * one more draw for the noise of t = x₁ − x₂/2 + 0.1·noise; y = t (squared loss) or its sign ±1.
 * Test-only.
 */
export function seededData(n: number, d: number, loss: "logistic" | "exponential" | "squared", seed: number): { x: number[][]; y: number[] } {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: d }, u);
    x.push(row);
    const t = row[0]! - 0.5 * row[1]! + 0.1 * u();
    y.push(loss === "squared" ? t : t >= 0 ? 1 : -1);
  }
  return { x, y };
}
