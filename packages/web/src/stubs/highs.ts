/**
 * Stands in for the `highs` package (HiGHS compiled to WebAssembly, 3.5 MB) in the single-file
 * embed build (vite.config.ts aliases it there; the app page ships highs.wasm as an asset).
 * @samlab/sim calls HiGHS for max-margin solutions and for the separability check of named data
 * sets, so in the embed those Results carry `diagnostics.references: "error"` and runs on `digits`
 * or `iris` fail with this message.
 */
export default function loadHighs(): Promise<never> {
  return Promise.reject(new Error("the HiGHS solver (max-margin references, the separability check of named data sets) is not part of the single-file embed; use the explorer page or the CLI"));
}
