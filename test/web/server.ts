/** The browser tests serve the built page with the CLI's own static server (`samlab web` uses it too). */
export { serveStatic, type StaticServer } from "@samlab/cli";
