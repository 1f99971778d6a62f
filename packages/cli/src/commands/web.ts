/**
 * `samlab web`: serves the explorer page (packages/web) on this machine and prints its address.
 * Builds the page first when it has not been built (a clone where only the CLI was built). Stops
 * cleanly on Ctrl-C or SIGTERM (exit 0: stopping a server is how it is meant to end).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { CliError, reportError } from "../errors.js";
import { serveStatic } from "../static-server.js";

interface WebOptions {
  port: string;
  host: string;
  open?: boolean;
  dir?: string;
  build: boolean;
}

/** packages/web in this repository, when the CLI runs from a clone (dist/commands/web.js → packages/web). */
function repoWebPackage(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "../../../web");
}

function parsePort(text: string): number {
  const p = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(p) || p > 65535) throw new CliError(`--port: expected an integer port in [0, 65535] (0: any free port), got "${text}"`);
  return p;
}

/** Builds packages/web with its own vite (the page needs @samlab/sim built, which the CLI already is). */
function buildPage(webPkg: string): void {
  const vite = join(webPkg, "node_modules/vite/bin/vite.js");
  if (!existsSync(vite)) throw new CliError(`the explorer page is not built and ${webPkg} has no dependencies installed: run \`bash scripts/setup.sh\` (or \`pnpm install && pnpm build\`) first`);
  process.stderr.write("samlab web: building the page (packages/web, once) …\n");
  const r = spawnSync(process.execPath, [vite, "build", "--logLevel", "error"], { cwd: webPkg, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new CliError(`building the page failed (vite build in ${webPkg} exited ${r.status ?? r.signal})`);
}

function openBrowser(url: string): void {
  const cmd = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  const child = spawn(cmd, [url], { stdio: "ignore", detached: true });
  child.on("error", () => process.stderr.write(`samlab web: could not start a browser (${cmd}); open ${url} yourself\n`));
  child.unref();
}

export function webCommand(): Command {
  return new Command("web")
    .description("serve the explorer page on this machine and print its address (Ctrl-C stops it)")
    .option("--port <n>", "the port (0: any free port)", "4173")
    .option("--host <addr>", "the address to listen on (0.0.0.0: every interface — the page is then reachable from your network)", "127.0.0.1")
    .option("--open", "also open the page in the default browser")
    .option("--dir <dir>", "serve this built page instead of packages/web/dist")
    .option("--no-build", "never build the page; fail when it is not built")
    .addHelpText("after", "\nThe page runs every simulation in your browser (WebAssembly in a worker); the server only sends files.\nExamples:\n  pnpm samlab web\n  pnpm samlab web --port 8080 --open")
    .action(async (opts: WebOptions) => {
      try {
        const port = parsePort(opts.port);
        let dir: string;
        if (opts.dir !== undefined) {
          dir = resolve(opts.dir);
          if (!existsSync(join(dir, "index.html"))) throw new CliError(`--dir: ${opts.dir} has no index.html (expected a built page, e.g. packages/web/dist)`);
        } else {
          const webPkg = repoWebPackage();
          dir = join(webPkg, "dist");
          if (!existsSync(join(dir, "index.html"))) {
            if (!existsSync(join(webPkg, "package.json"))) throw new CliError("the explorer page is part of the samlab repository (packages/web): run `samlab web` from a clone, or pass --dir with a built page");
            if (!opts.build) throw new CliError(`the page is not built (${dir}): run \`pnpm build\`, or drop --no-build`);
            buildPage(webPkg);
          }
        }
        const server = await serveStatic(dir, { isolated: true, host: opts.host, port }).catch((e: NodeJS.ErrnoException) => {
          if (e.code === "EADDRINUSE") throw new CliError(`--port ${port}: the port is in use (another server?); try another, or --port 0 for any free port`);
          if (e.code === "EACCES") throw new CliError(`--port ${port}: permission denied (ports below 1024 need privileges); try --port 4173`);
          if (e.code === "EADDRNOTAVAIL" || e.code === "ENOTFOUND") throw new CliError(`--host ${opts.host}: not an address of this machine`);
          throw e;
        });
        process.stdout.write(`samlab web: the explorer is at ${server.url}/  (Ctrl-C stops it)\n`);
        if (opts.open) openBrowser(`${server.url}/`);
        await new Promise<void>((done) => {
          const stop = () => {
            process.off("SIGINT", stop);
            process.off("SIGTERM", stop);
            void server.close().then(() => {
              process.stderr.write("samlab web: stopped\n");
              done();
            });
          };
          process.on("SIGINT", stop);
          process.on("SIGTERM", stop);
        });
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
}
