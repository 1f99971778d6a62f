/** The single-file embed has no highs.wasm file (it carries the bytes inline: worker/highs-inline.ts): an empty URL. */
export default "";
