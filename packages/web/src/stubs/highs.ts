/**
 * Stands in for the `highs` package (HiGHS compiled to WebAssembly, 3.5 MB) in the web builds
 * (vite.config.ts aliases it). @samlab/sim calls HiGHS only for max-margin solutions and for the
 * separability check of data files and named data sets, which the web page does not load (it
 * rejects such specs with a message, see spec-state.ts); without the alias every page and the
 * single-file embed script would carry the solver.
 */
export default function loadHighs(): Promise<never> {
  return Promise.reject(new Error("samlab web: the HiGHS max-margin solver is not part of the web build; use the CLI"));
}
