/**
 * `samlab web`: serves the built explorer page with the isolation headers a two-thread run needs,
 * stops on SIGTERM with exit 0, and refuses a busy port, a bad port and a folder without a page with
 * one line naming the flag (exit 2).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLI = join(new URL("..", import.meta.url).pathname, "packages/cli/dist/cli.js");

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 30_000 });
}

describe("samlab web", () => {
  it("prints its address, serves the page and the core with isolation headers, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [CLI, "web", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
        const m = /is at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on("exit", (c) => reject(new Error(`exited ${c}: ${out}`)));
    });
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(page.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    expect(await page.text()).toContain("<samlab-explorer");
    expect((await fetch(`${url}/embed.html`)).status).toBe(200);
    expect((await fetch(`${url}/../../package.json`)).status).toBe(404);
    child.removeAllListeners("exit");
    const code = await new Promise<number | null>((resolve) => {
      child.on("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
  });

  it("a busy port is a one-line error naming --port, exit 2", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = cli(["web", "--port", String(port)]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`--port ${port}: the port is in use`));
    } finally {
      busy.close();
    }
  });

  it("a bad port and a folder without a built page are refused, naming the flag", () => {
    const bad = cli(["web", "--port", "70000"]);
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringMatching(/^samlab: --port: expected an integer port in \[0, 65535\]/)]);
    const empty = mkdtempSync(join(tmpdir(), "samlab-web-"));
    const dir = cli(["web", "--dir", empty]);
    expect([dir.status, dir.stderr]).toEqual([2, expect.stringMatching(/^samlab: --dir: .* has no index\.html/)]);
  });
});
