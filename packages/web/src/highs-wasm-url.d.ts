/** The URL of HiGHS's highs.wasm in the app build ("" in the embed build); see vite.config.ts. */
declare module "samlab:highs-wasm-url" {
  const url: string;
  export default url;
}
