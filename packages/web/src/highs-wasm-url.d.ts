/** The URL of HiGHS's highs.wasm in the app build ("" in the embed build); see vite.config.ts. */
declare module "samlab:highs-wasm-url" {
  const url: string;
  export default url;
}

/** highs.wasm as base64 of its gzip in the single-file embed build ("" in the app build); see vite.config.ts. */
declare module "samlab:highs-wasm-gz" {
  const gzBase64: string;
  export default gzBase64;
}
