/** The single-file embed has no highs.wasm (see stubs/highs.ts): an empty URL. */
export default "";
