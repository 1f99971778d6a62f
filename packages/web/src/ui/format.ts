/** Number formatting shared by the views, the status line and the controls. */

/** Four significant digits; exponent form outside [1e-3, 1e5); "–" for missing values; ∞ for overflow. */
export function fmtNum(v: number | undefined, digits = 4): string {
  if (v === undefined || Number.isNaN(v)) return "–";
  // ∞ is what a clock or a loss that overflowed f64 reads as ("Infinity" is JavaScript's spelling)
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(digits - 1) : String(Number(v.toPrecision(digits)));
}

/** Step counts: 12,345 below a million, 1.23e6 above. */
export function fmtInt(v: number): string {
  return v >= 1e6 ? v.toExponential(2).replace("e+", "e") : v.toLocaleString("en-US");
}

// The names of algorithms, coordinates and regimes are @samlab/sim's (labels.ts), shared with the CLI.
export { ALGO_LABEL, coordLabel, basisLabel, coordColor, REGIME_LABEL } from "@samlab/sim/analysis";
