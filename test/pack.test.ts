/**
 * Reusable packages: `pnpm pack` makes working tarballs of @samlab/core-wasm, @samlab/sim
 * and @samlab/cli (workspace:* rewritten to versions, the source condition dropped through
 * publishConfig, a README in each), which install with plain npm into a fresh temporary project,
 * type-check through their exports maps (moduleResolution NodeNext), and run: the core from plain
 * Node, the `samlab` bin, and a browser page bundled from the installed packages with Vite and
 * opened in headless Chromium — each giving the same bits as the repository's own build.
 *
 * Needs the npm registry (or a warm npm cache: `--prefer-offline`) for the packages' third-party
 * dependencies. Timings go to test-artifacts/pack.json.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simulate, type Result } from "@samlab/sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./web/browser.js";
import { serveStatic } from "./web/server.js";

const ROOT = new URL("..", import.meta.url).pathname;
const PACKAGES = ["core-wasm", "sim", "cli"] as const;
const tmp = mkdtempSync(join(tmpdir(), "samlab-pack-"));
const proj = join(tmp, "fresh");
const metrics: Record<string, unknown> = {};
const SPEC = { version: 1, data: { x: [[1, 2, 3, 4]] }, depth: 2, algo: "sam-l2", rho: 0.05, lr: 0.01, steps: 20_000, init: { alpha: 0.02 } };
// more than one row block (assembly/order.ts), so two threads really split the data pass
const BIG = { version: 1, data: { generator: "gaussian-sparse", n: 300, d: 24, k: 3, minMargin: 0.1 }, depth: 3, algo: "sam-l2", rho: 0.05, lr: 0.05, steps: 40_000, init: { alpha: 0.3 }, seed: 4 }; // ~0.5 s: the helper starts mid-run
const tarballs: Record<string, string> = {};
const hex = (v: number[]) => Buffer.from(Float64Array.from(v).buffer).toString("hex");

function timed<T>(name: string, f: () => T): T {
  const t0 = performance.now();
  const v = f();
  metrics[name] = Math.round(performance.now() - t0);
  return v;
}

afterAll(() => {
  mkdirSync(join(ROOT, "test-artifacts"), { recursive: true });
  writeFileSync(join(ROOT, "test-artifacts/pack.json"), JSON.stringify(metrics, null, 2) + "\n");
});

describe("packages: pnpm pack → npm install in a fresh project → Node, bin, types, browser", () => {
  let expected: Result;
  let expectedBig: Result;
  beforeAll(async () => {
    expected = await simulate(SPEC);
    expectedBig = await simulate(BIG);
    for (const p of PACKAGES) {
      const out = timed(`pack ${p} ms`, () => execFileSync("pnpm", ["pack", "--pack-destination", tmp], { cwd: join(ROOT, "packages", p), encoding: "utf8" }));
      tarballs[p] = out.trim().split("\n").filter((l) => l.endsWith(".tgz")).at(-1)!.trim();
    }
    mkdirSync(proj);
    writeFileSync(join(proj, "package.json"), JSON.stringify({ name: "fresh", private: true, type: "module" }));
    timed("npm install ms", () =>
      execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...PACKAGES.map((p) => tarballs[p]!)], { cwd: proj, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } }),
    );
  });

  it("the tarballs hold README, dist with types, versions instead of workspace:*, and a clean exports map", () => {
    for (const p of PACKAGES) {
      const files = execFileSync("tar", ["-tzf", tarballs[p]!], { encoding: "utf8" }).split("\n");
      expect(files, p).toContain("package/README.md");
      expect(files, p).toContain("package/dist/index.js");
      expect(files, p).toContain("package/dist/index.d.ts");
      expect(files.filter((f) => f.endsWith(".wat") || f.includes(".debug.")), p).toEqual([]);
      const manifest = JSON.parse(execFileSync("tar", ["-xOzf", tarballs[p]!, "package/package.json"], { encoding: "utf8" })) as Record<string, Record<string, unknown>>;
      expect(JSON.stringify(manifest.dependencies ?? {}), p).not.toMatch(/workspace:/);
      const dot = manifest.exports!["."] as Record<string, string>;
      expect(Object.keys(dot)[0], `${p}: "types" first`).toBe("types");
      expect(Object.keys(dot), p).not.toContain("@samlab/source");
      metrics[`${p} tarball files`] = files.filter(Boolean).length;
    }
  });

  it("the installed core runs from plain Node (node -e) with the same bits", () => {
    const code = `import("@samlab/sim").then(async ({ simulate }) => { const r = await simulate(${JSON.stringify(SPEC)}); process.stdout.write(JSON.stringify({ state: r.status.state, beta: Array.from(new Uint8Array(Float64Array.from(r.final.beta).buffer), (b) => b.toString(16).padStart(2, "0")).join("") })); })`;
    const out = JSON.parse(timed("node -e ms", () => execFileSync(process.execPath, ["-e", code], { cwd: proj, encoding: "utf8" }))) as { state: string; beta: string };
    expect(out.state).toBe("finished");
    expect(out.beta).toBe(hex(expected.final.beta));
    // the raw engine too, as its README shows
    const raw = `import("@samlab/core-wasm").then(async ({ ALGO, LOSS, REC, compileCore, instantiateCore }) => {
      const core = instantiateCore(await compileCore());
      const f64 = (ptr, n) => new Float64Array(core.memory.buffer, ptr, n);
      core.setup(1, 2, 2, 3, 1);
      f64(core.ptr_x(), 2).set([1, 2]); f64(core.ptr_y(), 1).set([1]); f64(core.ptr_w(), 4).set([0.1, 0.1, 0.1, 0.1]); f64(core.ptr_schedule(), 3).set([0, 500, 1000]);
      core.prepare(); core.set_schedule_len(3); core.configure(ALGO["sam-l2"], LOSS.logistic, 0.05, 0.1);
      const code = core.run(1000);
      const rows = f64(core.ptr_records(), core.records_written() * core.record_stride());
      process.stdout.write(JSON.stringify([code, core.records_written(), rows[2 * core.record_stride() + REC.STEP], rows[2 * core.record_stride() + REC.LOSS]]));
    })`;
    const [rc, written, step, loss] = JSON.parse(execFileSync(process.execPath, ["-e", raw], { cwd: proj, encoding: "utf8" })) as number[];
    expect([rc, written, step]).toEqual([0, 3, 1000]);
    expect(loss).toBeGreaterThan(0);
    expect(loss).toBeLessThan(Math.log(2));
  });

  it("the installed `samlab` bin runs and reports errors like the repository's", () => {
    const bin = join(proj, "node_modules/.bin/samlab");
    const p = spawnSync(bin, ["run", "--spec", "-", "--json", "-q"], { cwd: proj, input: JSON.stringify(SPEC), encoding: "utf8" });
    expect(p.status, p.stderr).toBe(0);
    expect(hex((JSON.parse(p.stdout) as Result).final.beta)).toBe(hex(expected.final.beta));
    const bad = spawnSync(bin, ["run", "--lr", "-1"], { cwd: proj, encoding: "utf8" });
    expect([bad.status, bad.stderr]).toEqual([2, "samlab: invalid spec: --lr (spec field lr): expected a number > 0\n"]);
    expect(spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("the exports maps give types to a TypeScript consumer (moduleResolution NodeNext)", () => {
    writeFileSync(
      join(proj, "check.ts"),
      `import { simulate, parseSpec, type Result, type Spec, type SimulationState } from "@samlab/sim";
import { ALGO, type CoreExports } from "@samlab/core-wasm";
import { EXIT, main } from "@samlab/cli";
const spec: Spec = parseSpec({ version: 1, data: { x: [[1, 2]] } });
const r: Result = await simulate(spec);
const beta: number[] = r.final.beta;
const ok: 0 = EXIT.ok;
const diverged: 3 = EXIT.diverged;
const a: number = ALGO["sam-l2"];
let s: SimulationState | undefined;
let c: CoreExports | undefined;
void [beta, ok, diverged, a, s, c, main];
// @ts-expect-error: a typo in a Result field is caught
void r.final.betta;
`,
    );
    writeFileSync(join(proj, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, lib: ["ES2022", "DOM"], types: [], skipLibCheck: true }, files: ["check.ts"] }));
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    const p = timed("tsc ms", () => spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: proj, encoding: "utf8" }));
    expect(p.status, p.stdout + p.stderr).toBe(0);
  });

  it("a page bundled from the installed packages (Vite) runs the core in Chromium with the same bits", async () => {
    const page = join(proj, "page");
    mkdirSync(page);
    writeFileSync(join(page, "index.html"), `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>packed</title></head><body><pre id="out">running…</pre><script type="module" src="./main.js"></script></body></html>`);
    writeFileSync(
      join(page, "main.js"),
      `import { simulate } from "@samlab/sim";
const q = new URLSearchParams(location.search);
const spec = JSON.parse(q.get("spec"));
simulate(spec, { threads: Number(q.get("threads") ?? 1) }).then((r) => { window.result = r; document.getElementById("out").textContent = JSON.stringify(r.final.beta); }, (e) => { window.failure = String(e); });
`,
    );
    // the repository's Vite (a devDependency of packages/web), run on the fresh project
    const vite = join(createRequire(join(ROOT, "packages/web/package.json")).resolve("vite/package.json"), "../bin/vite.js");
    const build = timed("vite build ms", () => spawnSync(process.execPath, [vite, "build", "page", "--outDir", "../page-dist", "--emptyOutDir", "--logLevel", "error"], { cwd: proj, encoding: "utf8" }));
    expect(build.status, build.stderr).toBe(0);
    expect(readdirSync(join(proj, "page-dist/assets")).some((f) => f.endsWith(".js"))).toBe(true);
    const server = await serveStatic(join(proj, "page-dist"));
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on("pageerror", (e) => errors.push(e.message));
      // the bundler serves HiGHS's highs.wasm with the page: no 404, the max-margin references load
      tab.on("response", (r) => {
        if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
      });
      const t0 = performance.now();
      await tab.goto(`${server.url}/?spec=${encodeURIComponent(JSON.stringify(SPEC))}`);
      await tab.waitForFunction(() => (window as unknown as { result?: unknown; failure?: string }).result !== undefined || (window as unknown as { failure?: string }).failure !== undefined, null, { timeout: 60_000 });
      metrics["browser run ms"] = Math.round(performance.now() - t0);
      expect(await tab.evaluate(() => (window as unknown as { failure?: string }).failure ?? null)).toBeNull();
      const beta = await tab.evaluate(() => Array.from(new Uint8Array(Float64Array.from((window as unknown as { result: Result }).result.final.beta).buffer), (b) => b.toString(16).padStart(2, "0")).join(""));
      expect(beta).toBe(hex(expected.final.beta));
      const refs = await tab.evaluate(() => (window as unknown as { result: Result }).result.diagnostics);
      expect(refs?.references).toBe("computed");
      expect(JSON.stringify(refs)).toBe(JSON.stringify(expected.diagnostics));
      expect(errors).toEqual([]);

      // two threads on the page's main thread (a cross-origin-isolated page: shared memory), more
      // than one row block: the same bits as one thread in Node
      const isolated = await serveStatic(join(proj, "page-dist"), { isolated: true });
      try {
        const tab2 = await browser.newPage();
        tab2.on("pageerror", (e) => errors.push(e.message));
        await tab2.goto(`${isolated.url}/?threads=2&spec=${encodeURIComponent(JSON.stringify(BIG))}`);
        await tab2.waitForFunction(() => (window as unknown as { result?: unknown; failure?: string }).result !== undefined || (window as unknown as { failure?: string }).failure !== undefined, null, { timeout: 60_000 });
        expect(await tab2.evaluate(() => crossOriginIsolated)).toBe(true);
        expect(await tab2.evaluate(() => (window as unknown as { failure?: string }).failure ?? null)).toBeNull();
        const w = await tab2.evaluate(() => (window as unknown as { result: Result }).result.final.w);
        expect(w).toEqual(expectedBig.final.w);
        expect(errors).toEqual([]);
      } finally {
        await isolated.close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
    metrics["installed node_modules packages"] = readdirSync(join(proj, "node_modules")).length;
    metrics["sim tarball bytes"] = readFileSync(tarballs.sim!).length;
  });
});
