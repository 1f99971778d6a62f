/**
 * The web explorer end to end: the built page (packages/web/dist) served on 127.0.0.1 and driven in
 * Debian's chromium through playwright-core. Runs are compared with `samlab run --json` (the built
 * CLI, through child_process) and with `simulate()` in this process, bit for bit. Screenshots and
 * measured numbers go to test-artifacts/ (gitignored).
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSpec, simulate, type Result } from "@samlab/sim";
import { measure, phaseClass, phaseSpec, predictedClass } from "@samlab/sim/experiments";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./web/browser.js";
import { serveStatic, type StaticServer } from "./web/server.js";

const ROOT = new URL("..", import.meta.url).pathname;
const DIST = join(ROOT, "packages/web/dist");
const CLI = join(ROOT, "packages/cli/dist/cli.js");
const ARTIFACTS = join(ROOT, "test-artifacts");
const tmp = mkdtempSync(join(tmpdir(), "samlab-web-"));
mkdirSync(ARTIFACTS, { recursive: true });

let server: StaticServer;
let browser: Browser;
let context: BrowserContext;
const metrics: Record<string, unknown> = {};

/** Console errors and uncaught exceptions of every page, checked after each test. */
const problems: string[] = [];

async function open(path: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(server.url + path);
  return page;
}

/** Waits for window.samlab.result (set when a run finishes) and returns it. */
async function finished(page: Page, timeout = 30_000): Promise<Result> {
  await page.waitForFunction(() => window.samlab?.result?.status?.state !== undefined, null, { timeout });
  return (await page.evaluate(() => window.samlab.result)) as Result;
}

/** The bytes of a Float64Array of `v`, as hex, computed where the numbers live (no JSON in between). */
function hexOf(v: number[]): string {
  return Buffer.from(Float64Array.from(v).buffer).toString("hex");
}
async function pageBetaHex(page: Page): Promise<string> {
  return page.evaluate(() => Array.from(new Uint8Array(Float64Array.from(window.samlab.result!.final.beta).buffer), (b) => b.toString(16).padStart(2, "0")).join(""));
}

/** `samlab run --spec FILE --json` with the built CLI. */
function cliRun(spec: unknown): Result {
  const file = join(tmp, `spec-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(spec));
  const out = execFileSync(process.execPath, [CLI, "run", "--spec", file, "--json", "-q"], { encoding: "utf8", maxBuffer: 256 << 20 });
  return JSON.parse(out) as Result;
}

/** `samlab run --spec FILE --json` in the background (so the CLI and the browser overlap). */
async function cliRunAsync(spec: unknown): Promise<Result> {
  const file = join(tmp, `spec-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(spec));
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, "run", "--spec", file, "--json", "-q"], { encoding: "utf8", maxBuffer: 256 << 20 });
  return JSON.parse(stdout) as Result;
}

/**
 * The page's final β must equal the CLI's (JSON text: the shortest round-trip form of each double,
 * so equal text means equal doubles, up to the sign of zero) and simulate()'s in this process
 * (raw bytes of the doubles).
 */
async function expectSameAsCli(page: Page, r: Result, cliResult?: Promise<Result>): Promise<void> {
  const cli = cliResult ? await cliResult : cliRun(r.spec);
  expect(JSON.stringify(r.final.beta)).toBe(JSON.stringify(cli.final.beta));
  expect(r.final.step).toBe(cli.final.step);
  // The whole Result agrees (trajectory, final state, diagnostics with the max-margin references),
  // except the wall-clock timing.
  const strip = (x: Result) => JSON.stringify({ ...x, timing: undefined });
  expect(strip(r)).toBe(strip(cli));
  const api = await simulate(r.spec);
  expect(await pageBetaHex(page)).toBe(hexOf(api.final.beta));
}

function specUrl(spec: unknown): string {
  return `/?spec=${encodeURIComponent(JSON.stringify(spec))}`;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `web-${name}.png`), fullPage: true });
}

describe("web explorer (built page in Chromium)", () => {
  beforeAll(async () => {
    server = await serveStatic(DIST);
    browser = await launchChromium();
    context = await browser.newContext({ acceptDownloads: true });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    writeFileSync(join(ARTIFACTS, "web-metrics.json"), JSON.stringify(metrics, null, 2) + "\n");
  });

  const clean = () => {
    const p = problems.splice(0);
    expect(p, "console errors / page errors").toEqual([]);
  };

  it("runs a preset from a link in the page's text; the final β equals `samlab run --json` bit for bit", async () => {
    const t0 = Date.now();
    const page = await open(specUrl({ version: 1, name: "warm-up", data: { x: [[1, 2]] }, steps: 100 }));
    const first = await finished(page);
    expect(first.spec.name).toBe("warm-up");
    await page.getByRole("link", { name: "With L = 2 and one example x = (1, 2)" }).click();
    await page.waitForFunction(() => window.samlab.result?.spec.name === "L=2 GD, x=(1,2)", null, { timeout: 30_000 });
    const r = (await page.evaluate(() => window.samlab.result)) as Result;
    expect(r.status.state).toBe("finished");
    expect(r.final.step).toBe(100000);
    expect(r.final.dominant).toBe(1); // the major coordinate
    await expectSameAsCli(page, r);
    // The link click rewrote the URL to the run's spec.
    const search = await page.evaluate(() => location.search);
    expect(JSON.parse(new URLSearchParams(search).get("spec")!)).toEqual(r.spec);
    await shot(page, "preset-l2-gd");
    await page.close();
    metrics.presetTestMs = Date.now() - t0;
    clean();
  });

  it("reproduces specs given as ?spec= exactly like the CLI (data generators, inits, losses, depths, engines, flows)", async () => {
    const specs = [
      { version: 1, data: { generator: "gaussian-sparse", n: 20, d: 8, k: 3, seed: 7 }, depth: 2, algo: "gd", lr: 0.05, steps: 3000, init: { random: "abs-gaussian", alpha: 0.1, seed: 3 } },
      { version: 1, data: { x: [[1, -2, 0.5, 3], [0.3, 1, -1, 2], [2, 0.1, 0.2, -0.4]], y: [1, -1, 1] }, depth: 3, algo: "usam", loss: "exponential", rho: 0.02, lr: 0.02, steps: 4000, init: { alpha: 0.3 } },
      { version: 1, data: { x: [[1, 2]], y: [1] }, depth: 2, algo: "sam-linf", rho: 0.1, lr: 0.01, steps: 5000, init: { alpha: [0.05, 0.3] }, record: { points: 50, spacing: "linear" } },
      { version: 1, data: { generator: "single", d: 4, scale: 0.5 }, depth: 2, algo: "sam-l2", rho: 0.05, lr: 0.01, steps: 2000, engine: "reference", record: { points: 30, every: 100 } },
      { version: 1, data: { x: [[1, 2, 3]], y: [1] }, depth: 2, algo: "sam-l2", rho: 0.05, mode: "flow", tMax: 50, init: { alpha: 0.1 } },
    ];
    // The CLI runs start at once, in the background, on the same (parsed) specs the page will echo.
    const cli = specs.map((spec) => cliRunAsync(parseSpec(spec)));
    cli.forEach((p) => p.catch(() => {}));
    const page = await open(specUrl({ version: 1, data: { x: [[1, 2]] }, steps: 100 }));
    await finished(page);
    for (const [k, spec] of specs.entries()) {
      await page.goto(server.url + specUrl(spec));
      const r = await finished(page);
      expect(r.status.ok, JSON.stringify(r.status)).toBe(true);
      expect(r.spec).toEqual(parseSpec(spec));
      await expectSameAsCli(page, r, cli[k]);
    }
    await page.close();
    clean();
  });

  it("round-trips the URL: the ?spec= the page writes reloads exactly the same run", async () => {
    const spec = { version: 1, name: "round trip", data: { x: [[1, 2, 3], [2, -1, 1]], y: [1, -1] }, depth: 2, algo: "sam-l2", rho: 0.03, lr: 0.02, steps: 6000, init: { alpha: [0.1, 0.2, 0.05] }, seed: 9 };
    const page = await open(specUrl(spec));
    const r1 = await finished(page);
    const hex1 = await pageBetaHex(page);
    const written = await page.evaluate(() => location.href);
    expect(new URL(written).searchParams.get("spec")).not.toBeNull();
    expect(JSON.parse(new URL(written).searchParams.get("spec")!)).toEqual(r1.spec);
    const page2 = await open(written.slice(server.url.length));
    const r2 = await finished(page2);
    expect(r2.spec).toEqual(r1.spec);
    expect(await pageBetaHex(page2)).toBe(hex1);
    expect(await page2.evaluate(() => location.href)).toBe(written); // a fixed point
    await page.close();
    await page2.close();
    clean();
  });

  it("validates and clamps crafted URLs: a visible message naming the field, no injected markup, no frozen tab", async () => {
    const cases: { spec: string; expectText: RegExp; runs: boolean }[] = [
      { spec: JSON.stringify({ version: 1, name: '<img src=x onerror="window.__pwned=1">', data: { x: [[1, 2]] }, steps: 500 }), expectText: /^$/, runs: true },
      { spec: JSON.stringify({ version: 1, data: { x: [[1, "<b id=inj>x</b>"]] } }), expectText: /data\.x\[0\]\[1\]/, runs: false },
      { spec: JSON.stringify({ version: 1, data: { x: [[1, 2]] }, steps: 1e12 }), expectText: /steps: 1e12 is above the web cap; clamped to 1e8/, runs: false },
      { spec: JSON.stringify({ version: 1, data: { generator: "gaussian-sparse", n: 1000000, d: 50 }, steps: 10 }), expectText: /data\.n: 1e6 .*clamped to 800/, runs: false },
      { spec: "{broken", expectText: /spec: expected valid JSON/, runs: false },
      { spec: JSON.stringify({ version: 1, data: { source: "fashion-mnist", classes: [0, 1] } }), expectText: /^Link not loaded: data\.source: fashion-mnist needs the CLI \(samlab run\): not available in a browser/, runs: false },
      { spec: JSON.stringify({ version: 1, data: { file: "/etc/data.csv" } }), expectText: /^Link not loaded: data\.file: data files need the CLI/, runs: false },
      { spec: "x".repeat(150_000), expectText: /spec: expected at most 100000 characters/, runs: false },
    ];
    const page = await open(specUrl({ version: 1, data: { x: [[1, 2]] }, steps: 100 }));
    await finished(page);
    for (const c of cases) {
      await page.goto(`${server.url}/?spec=${encodeURIComponent(c.spec)}`);
      await page.waitForFunction(() => window.samlab?.explorers?.[0]?.state && window.samlab.explorers[0].state !== "loading");
      const msg = page.locator("samlab-explorer .msg");
      if (c.expectText.source === "^$") await expect(msg.isVisible()).resolves.toBe(false);
      else {
        await expect(msg.isVisible()).resolves.toBe(true);
        expect(await msg.textContent()).toMatch(c.expectText);
      }
      // Nothing from the URL became markup, anywhere.
      const injected = await page.evaluate(() => {
        const root = document.querySelector("samlab-explorer")!.shadowRoot!;
        return { img: document.querySelectorAll("img").length + root.querySelectorAll("img").length, b: root.querySelectorAll("#inj").length, pwned: (window as unknown as { __pwned?: number }).__pwned };
      });
      expect(injected).toEqual({ img: 0, b: 0, pwned: undefined });
      // The tab still answers (a frozen one times the test out), and runs (a clamped 1e8-step run
      // keeps playing; it is not awaited). How fast it answers is bench/web-tasks.mjs's business.
      await expect(page.evaluate(() => 1)).resolves.toBe(1);
      if (c.runs) await finished(page);
    }
    const title = await page.evaluate(() => {
      history.replaceState(null, "", "/");
      return document.querySelector("samlab-explorer")!.shadowRoot!.querySelector("h2")!.textContent;
    });
    expect(title).toBeTypeOf("string");
    await page.goto(`${server.url}/?spec=${encodeURIComponent(cases[0]!.spec)}`);
    await finished(page);
    expect(await page.locator("samlab-explorer h2").textContent()).toBe('<img src=x onerror="window.__pwned=1">');
    await shot(page, "crafted-url");
    await page.close();
    clean();
  });

  it("is keyboard operable (space, →, r), labelled, and changes η and ρ mid-run", async () => {
    const spec = { version: 1, name: "long run", data: { x: [[1, 2, 3, 4, 5]], y: [1] }, depth: 2, algo: "sam-l2", rho: 0.1, lr: 0.001, steps: 50_000_000, init: { alpha: 0.05 } };
    const page = await open(specUrl(spec));
    const ex = () => page.evaluate(() => ({ state: window.samlab.explorers[0]!.state, ...window.samlab.explorers[0]!.progress }));
    await page.waitForFunction(() => window.samlab.explorers[0]!.progress.step > 1000);
    await page.keyboard.press("Space");
    await page.waitForFunction(() => window.samlab.explorers[0]!.state === "paused");
    // Let a chunk that was under way when the run paused come back.
    await page.waitForFunction(() => (window.samlab.explorers[0] as unknown as { runs: { outstanding: boolean }[] }).runs.every((r) => !r.outstanding));
    const paused = await ex();
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction((s) => window.samlab.explorers[0]!.progress.step > s, paused.step);
    expect((await ex()).step).toBe(paused.step + 100); // auto speed: a step is 100 steps
    await page.keyboard.press("r");
    await page.waitForFunction(() => window.samlab.explorers[0]!.state === "ready");
    expect((await ex()).step).toBe(0);
    await page.keyboard.press("Space");
    await page.waitForFunction(() => window.samlab.explorers[0]!.progress.step > 1000);
    // Every form control has an accessible name.
    const unlabelled = await page.evaluate(() => {
      const root = document.querySelector("samlab-explorer")!.shadowRoot!;
      return [...root.querySelectorAll("input, select, textarea")].filter((el) => {
        const id = el.id;
        return !el.getAttribute("aria-label") && !(id && root.querySelector(`label[for="${id}"]`));
      }).length;
    });
    expect(unlabelled).toBe(0);
    expect(await page.locator("samlab-explorer [role=status][aria-live=polite]").count()).toBe(1);
    // ρ and η mid-run: applied in place (the run is not restarted) and written to the URL.
    const before = (await ex()).step;
    await page.getByLabel("ρ (radius)").fill("0.2");
    await page.getByLabel("ρ (radius)").press("Enter");
    await page.getByLabel("η (step size)").fill("0.002");
    await page.getByLabel("η (step size)").press("Tab");
    await expect(page.locator("samlab-explorer .msg").textContent()).resolves.toMatch(/Changed mid-run: η = 0.001, ρ = 0.2 .*η = 0.002, ρ = 0.2/);
    expect((await ex()).step).toBeGreaterThanOrEqual(before);
    const urlSpec = JSON.parse(new URL(await page.evaluate(() => location.href)).searchParams.get("spec")!);
    expect(urlSpec).toMatchObject({ rho: 0.2, lr: 0.002 });
    // The table view shows the current values (views are redrawn when on screen).
    await page.locator("samlab-explorer table.values").scrollIntoViewIfNeeded();
    await page.waitForFunction(() => /x₅/.test(document.querySelector("samlab-explorer")!.shadowRoot!.querySelector("table.values")!.textContent ?? ""));
    await page.keyboard.press("Space");
    await shot(page, "keyboard");
    await page.close();
    clean();
  });

  it("shows the SAM family's options (group, batch, ascent steps, ξ, ρ schedule, switch) and edits them from the keyboard into the URL", async () => {
    const spec = { version: 1, name: "family", data: { x: [[1, 2], [2, -1], [0.5, 1], [-1, 0.3]], y: [1, -1, 1, -1] }, depth: 2, loss: "squared", algo: "asam", rho: 0.05, lr: 0.01, steps: 2000, batch: 3, sam: { group: 1, ascentSteps: 2, xi: 0.05 }, rhoSchedule: "linear-decay", switch: { step: 500, algo: "sam-l2", rho: 0.02 }, init: { alpha: 0.2 } };
    const page = await open(specUrl(spec));
    await page.waitForFunction(() => window.samlab?.result?.status.state === "finished", undefined, { timeout: 60_000 });
    const api = await simulate(spec as Parameters<typeof simulate>[0]);
    expect(await page.evaluate(() => window.samlab.result!.final.w)).toEqual(api.final.w);
    const value = (label: string) => page.getByLabel(label, { exact: true }).inputValue();
    await page.locator("samlab-explorer summary", { hasText: "mini-batches" }).focus();
    await page.keyboard.press("Enter"); // opens the details from the keyboard
    expect(await value("Algorithm")).toBe("asam");
    expect(await value("Loss")).toBe("squared");
    expect(await value("m-SAM group m")).toBe("1");
    expect(await value("Mini-batch b")).toBe("3");
    expect(await value("Ascent steps k")).toBe("2");
    expect(await value("ASAM ξ")).toBe("0.05");
    expect(await value("ρ schedule")).toBe("linear-decay");
    expect(await value("Switch at step")).toBe("500");
    expect(await value("Switch to")).toBe("sam-l2");
    expect(await value("ρ after the switch")).toBe("0.02");
    await page.getByLabel("Mini-batch b", { exact: true }).fill("2");
    await page.getByLabel("Mini-batch b", { exact: true }).press("Enter");
    await page.getByLabel("Ascent steps k", { exact: true }).fill("");
    await page.getByLabel("Ascent steps k", { exact: true }).press("Tab");
    await page.waitForFunction(() => {
      const s = new URL(location.href).searchParams.get("spec");
      return s !== null && JSON.parse(s).batch === 2 && JSON.parse(s).sam?.ascentSteps === undefined;
    });
    const urlSpec = JSON.parse(new URL(await page.evaluate(() => location.href)).searchParams.get("spec")!);
    expect(urlSpec).toMatchObject({ algo: "asam", batch: 2, sam: { group: 1, xi: 0.05 }, rhoSchedule: "linear-decay", switch: { step: 500, algo: "sam-l2", rho: 0.02 } });
    await page.close();
    clean();
  });

  it("exports PNG, CSV and JSON, and the copied `samlab run` command reproduces β", async () => {
    const spec = { version: 1, name: "export me", data: { x: [[1, 2, 3]], y: [1] }, depth: 2, algo: "sam-l2", rho: 0.05, lr: 0.01, steps: 3000, init: { alpha: 0.1 } };
    const page = await open(specUrl(spec));
    const r = await finished(page);
    const save = async (name: string) => {
      const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name, exact: true }).click()]);
      const path = join(tmp, dl.suggestedFilename());
      await dl.saveAs(path);
      return { path, name: dl.suggestedFilename() };
    };
    const png = await save("PNG");
    expect(png.name).toBe("samlab-export-me.png");
    expect(readFileSync(png.path).subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    expect(readFileSync(png.path).length).toBeGreaterThan(10_000);
    const csv = await save("CSV");
    const lines = readFileSync(csv.path, "utf8").trim().split("\n");
    expect(lines[0]).toMatch(/^step,t,loss,/);
    expect(lines).toHaveLength(r.trajectory.step.length + 1);
    const json = await save("JSON");
    expect(JSON.parse(readFileSync(json.path, "utf8")).final.beta).toEqual(r.final.beta);
    // Copy link / copy command: the text is also shown under the buttons.
    await page.getByRole("button", { name: "Copy link" }).click();
    const link = await page.locator("samlab-explorer output.share").textContent();
    expect(JSON.parse(new URL(link!).searchParams.get("spec")!)).toEqual(r.spec);
    await page.getByRole("button", { name: "Copy command" }).click();
    const command = (await page.locator("samlab-explorer output.share").textContent())!;
    expect(command).toMatch(/^printf '%s\\n' '.*' \| samlab run --spec - --json$/);
    // a POSIX sh (dash on Debian) as well as bash: the command is for any shell a user pastes it into
    for (const shell of ["sh", "bash"]) {
      const sh = spawnSync(shell, ["-c", `samlab() { "${process.execPath}" "${CLI}" "$@"; }\n${command}`], { encoding: "utf8", maxBuffer: 64 << 20 });
      expect(sh.status, `${shell}: ${sh.stderr}`).toBe(0);
      expect(JSON.stringify(JSON.parse(sh.stdout).final.beta), shell).toBe(JSON.stringify(r.final.beta));
    }
    await page.close();
    clean();
  });

  it("fills the ℓ∞-SAM phase diagram progressively with the reproduction setup (phaseSpec/phaseClass): e₁, e₂ and 0 all appear, every cell as predicted; a click or Enter opens that cell's spec", async () => {
    const page = await context.newPage();
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    await page.addInitScript(() => {
      const w = window as unknown as { __fills: number[] };
      w.__fills = [];
      const tick = () => {
        const ph = (window.samlab?.explorers?.[0] as unknown as { phase?: { cells: unknown[]; done: boolean } } | undefined)?.phase;
        if (ph) w.__fills.push(ph.cells.filter((c) => c !== undefined).length);
        if (!ph?.done) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.url}/?preset=linf-phase`);
    const preset = await finished(page);
    expect(phaseClass(preset)).toBe(0); // α = (0.2, 0.05): the minor coordinate e₁
    const t0 = Date.now();
    await page.waitForFunction(() => (window.samlab.explorers[0] as unknown as { phase?: { done: boolean } }).phase?.done === true, null, { timeout: 30_000 });
    metrics.phaseFillMs = Date.now() - t0;
    const fills = await page.evaluate(() => (window as unknown as { __fills: number[] }).__fills);
    const ph = (await page.evaluate(() => {
      const p = (window.samlab.explorers[0] as unknown as { phase: { cells: number[]; grid: { alphas: number[]; size: number } } }).phase;
      return { cells: p.cells, alphas: p.grid.alphas, size: p.grid.size };
    })) as { cells: number[]; alphas: number[]; size: number };
    const total = ph.size * ph.size;
    expect(ph.size).toBe(24);
    expect(ph.alphas).toEqual(measure.logspace(0.01, 1, 24)); // the experiment's α values, bit for bit
    expect(fills.some((c) => c > 0 && c < total)).toBe(true); // seen part-filled
    expect(fills.at(-1)).toBe(total);
    // All three classes of ℓ∞-SAM appear, and the boundaries are exactly α_j = ρ.
    const count = (k: number) => ph.cells.filter((c) => c === k).length;
    expect([count(0), count(1), count(2), count(3)]).toEqual([144, 288, 144, 0]);
    const wrong = ph.cells.map((c, k) => ({ c, a1: ph.alphas[k % ph.size]!, a2: ph.alphas[Math.floor(k / ph.size)]! })).filter((x) => x.c !== predictedClass(x.a1, x.a2));
    expect(wrong).toEqual([]);
    const note = await page.locator("samlab-explorer figure[data-view=phase] .note").first().textContent();
    expect(note).toMatch(/^576 runs in .* s: e₁ \(minor\) 144, e₂ \(major\) 288, zero \(β → 0\) 144\. 576 of 576 cells match the prediction/);
    // Click the cell at column 18, row 4 (α₁ > ρ > α₂: e₁, the minor coordinate).
    await page.locator("samlab-explorer figure[data-view=phase] canvas").scrollIntoViewIfNeeded();
    // The cell's centre on screen, once the layout has settled (views above it redraw their notes
    // when they scroll into view, which can move the diagram by a few pixels: a cell is ~7 px tall).
    const target = await page.evaluate(async () => {
      const ex = window.samlab.explorers[0] as unknown as { phase: { grid: { alphas: number[] } }; charts: Map<string, { scales: Record<string, { getPixelForValue(v: number): number }>; canvas: HTMLCanvasElement }> };
      const chart = ex.charts.get("phase")!;
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      let top = NaN;
      for (let k = 0; k < 100 && top !== chart.canvas.getBoundingClientRect().top; k++) {
        top = chart.canvas.getBoundingClientRect().top;
        for (let f = 0; f < 10; f++) await frame();
      }
      const rect = chart.canvas.getBoundingClientRect();
      const a = ex.phase.grid.alphas;
      return { x: rect.left + chart.scales.x!.getPixelForValue(a[18]!), y: rect.top + chart.scales.y!.getPixelForValue(a[4]!), a: [a[18]!, a[4]!] as [number, number] };
    });
    const cellCli = cliRunAsync(parseSpec(phaseSpec("sam-linf", target.a)));
    await page.mouse.click(target.x, target.y);
    await page.waitForFunction((a) => {
      const s = window.samlab.explorers[0]!.spec!;
      return "alpha" in s.init && Array.isArray(s.init.alpha) && s.init.alpha[0] === a[0] && s.init.alpha[1] === a[1];
    }, target.a);
    const r = await finished(page);
    expect(r.spec).toEqual(parseSpec(phaseSpec("sam-linf", target.a))); // exactly the spec `samlab run --spec` runs
    expect(phaseClass(r)).toBe(0);
    expect(ph.cells[4 * 24 + 18]).toBe(0);
    await expectSameAsCli(page, r, cellCli);
    // The same from the keyboard: focus the diagram, move the cursor to cell (1, 1), Enter.
    await page.locator("samlab-explorer figure[data-view=phase] canvas").focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowUp");
    expect(await page.locator("samlab-explorer figure[data-view=phase] .note").first().textContent()).toMatch(/^Cell α = \(0\.0122, 0\.0122\): zero \(β → 0\); predicted zero \(β → 0\)\. Arrow keys move/);
    await page.keyboard.press("Enter");
    const a1 = ph.alphas[1]!;
    await page.waitForFunction((a) => {
      const s = window.samlab.explorers[0]!.spec!;
      return "alpha" in s.init && Array.isArray(s.init.alpha) && s.init.alpha[0] === a && s.init.alpha[1] === a;
    }, a1);
    const r2 = await finished(page);
    expect(r2.spec).toEqual(parseSpec(phaseSpec("sam-linf", [a1, a1])));
    expect(phaseClass(r2)).toBe(2);
    await shot(page, "phase");
    await page.close();
    clean();
  });

  it("runs the real-data preset (digits 0 vs 1) from the page's link: β as an 8×8 image evolves while playing; the final β equals `samlab run --json` bit for bit", async () => {
    const preset = { version: 1, name: "digits 0 vs 1, L=2 ℓ2-SAM", data: { source: "digits", classes: [0, 1], n: 200, seed: 1 }, depth: 2, init: { random: "gaussian", alpha: 0.1, seed: 1 }, loss: "logistic", algo: "sam-l2", rho: 0.3, lr: 0.02, steps: 20000, record: { points: 60, spacing: "log" }, seed: 1 };
    const cli = cliRunAsync(parseSpec(preset)); // in the background, while the page runs
    cli.catch(() => {});
    const page = await open(specUrl({ version: 1, name: "warm-up", data: { x: [[1, 2]] }, steps: 100 }));
    await finished(page);
    // The image canvas's drawn steps, every frame, from the click on.
    await page.evaluate(() => {
      const w = window as unknown as { __imageSteps: string[] };
      w.__imageSteps = [];
      const tick = () => {
        const c = document.querySelector("samlab-explorer")!.shadowRoot!.querySelector("figure[data-view=image] canvas") as HTMLCanvasElement | null;
        const step = c?.dataset.step;
        if (step !== undefined && w.__imageSteps.at(-1) !== step) w.__imageSteps.push(step);
        if (window.samlab.explorers[0]!.state !== "finished" || window.samlab.result?.spec.name !== "digits 0 vs 1, L=2 ℓ2-SAM") requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const fig = page.locator("samlab-explorer figure[data-view=image]");
    expect(await fig.isVisible()).toBe(false); // x = (1, 2) has no image shape
    await page.getByRole("link", { name: "Real data: handwritten digits 0 vs 1" }).click();
    await page.waitForFunction(() => window.samlab.result?.spec.name === "digits 0 vs 1, L=2 ℓ2-SAM", null, { timeout: 60_000 });
    const r = (await page.evaluate(() => window.samlab.result)) as Result;
    expect(r.status.state).toBe("finished");
    expect(r.spec).toEqual(parseSpec(preset));
    expect(r.data).toMatchObject({ n: 200, d: 64, shape: [8, 8], origin: "digits" });
    // The image view is shown, drawn (not blank), and was redrawn at several steps while playing.
    await fig.scrollIntoViewIfNeeded();
    expect(await fig.isVisible()).toBe(true);
    await page.waitForFunction(() => (document.querySelector("samlab-explorer")!.shadowRoot!.querySelector("figure[data-view=image] canvas") as HTMLCanvasElement).dataset.step === "20000");
    const steps = await page.evaluate(() => (window as unknown as { __imageSteps: string[] }).__imageSteps.map(Number));
    expect(steps.at(-1)).toBe(20000);
    expect(steps.filter((s) => s > 0 && s < 20000).length, `image redrawn at steps ${steps.join(", ")}`).toBeGreaterThan(0);
    const colours = await page.evaluate(() => {
      const c = document.querySelector("samlab-explorer")!.shadowRoot!.querySelector("figure[data-view=image] canvas") as HTMLCanvasElement;
      const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<string>();
      for (let i = 0; i < d.length; i += 4) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
      return seen.size;
    });
    expect(colours).toBeGreaterThan(20);
    // Bit for bit: the CLI's JSON (text of every double) and simulate() here (raw bytes). The whole
    // Result agrees except wall-clock fields (timing, the loader's and the separability LP's ms).
    const c = await cli;
    expect(JSON.stringify(r.final.beta)).toBe(JSON.stringify(c.final.beta));
    const strip = (x: Result) => JSON.stringify({ ...x, timing: undefined, data: { ...x.data, loadMs: undefined, separability: x.data.separability ? { ...x.data.separability, ms: undefined } : undefined } });
    expect(strip(r)).toBe(strip(c));
    const api = await simulate(r.spec);
    expect(await pageBetaHex(page)).toBe(hexOf(api.final.beta));
    // The cosine view draws the Result's own diagnostics (HiGHS references, as simulate() and the CLI compute them).
    expect(r.diagnostics?.references).toBe("computed");
    const cosL1 = r.diagnostics!.cosine!.l1!;
    expect(cosL1).toHaveLength(r.trajectory.step.length);
    await page.waitForFunction(
      (v) => {
        const ex = window.samlab.explorers[0] as unknown as { charts: Map<string, { data: { datasets: { data: { y: number }[] }[] } }> };
        const pts = ex.charts.get("cosine")?.data.datasets[0]?.data;
        return !!pts?.length && pts[pts.length - 1]!.y === v;
      },
      cosL1.at(-1)!,
    );
    await shot(page, "digits");
    await page.close();
    clean();
  });

  it("shows sharpness computed in the worker: λ_max with the 2/η and ℓ2-SAM edges, the balance, and the Sharpness toggle", async () => {
    const spec = { version: 1, data: { generator: "gaussian-sparse", n: 20, d: 6, k: 3, seed: 2 }, depth: 2, algo: "sam-l2", rho: 0.05, lr: 0.1, steps: 2000, init: { values: [[0.3, 0.3, 0.3, 0.3, 0.3, 0.3], [0.1, 0.1, 0.1, 0.1, 0.1, 0.1]] }, record: { points: 40, sharpness: true } };
    const cli = cliRunAsync(parseSpec(spec));
    const page = await open(specUrl(spec));
    const r = await finished(page);
    expect(r.trajectory.lambdaMax).toEqual((await cli).trajectory.lambdaMax);
    expect(r.final.traceH).toBe((await cli).final.traceH);
    const fig = page.locator("samlab-explorer figure[data-view=sharpness]");
    expect(await fig.locator(".note").textContent()).toMatch(/^λ_max is the largest eigenvalue of the loss's Hessian; .* 2\/η \(dashed\)/);
    await fig.scrollIntoViewIfNeeded();
    await page.locator("samlab-explorer figure[data-view=balance]").scrollIntoViewIfNeeded();
    await page.waitForFunction(() => {
      const ex = window.samlab.explorers[0] as unknown as { charts: Map<string, { data: { datasets: { label: string; data: unknown[] }[] } }> };
      return (ex.charts.get("sharpness")?.data.datasets.length ?? 0) === 3 && (ex.charts.get("balance")?.data.datasets[0]?.data.length ?? 0) > 10;
    }, null, { timeout: 30_000 });
    const labels = await page.evaluate(() => (window.samlab.explorers[0] as unknown as { charts: Map<string, { data: { datasets: { label: string }[] } }> }).charts.get("sharpness")!.data.datasets.map((d) => d.label));
    expect(labels).toEqual(["λ_max", "2/η (GD edge)", "ℓ2-SAM edge"]);
    await fig.screenshot({ path: join(ARTIFACTS, "web-sharpness.png") });
    // the toggle: unticking it restarts the run without record.sharpness
    const box = page.getByLabel("Sharpness (λ_max, tr H)");
    expect(await box.isChecked()).toBe(true);
    await box.uncheck();
    await page.waitForFunction(() => window.samlab.result?.spec.record.sharpness === undefined && window.samlab.result?.status.state === "finished", null, { timeout: 30_000 });
    expect(await page.evaluate(() => window.samlab.result!.trajectory.lambdaMax)).toBeUndefined();
    await page.close();
    clean();
  });

  it("renders the embed demo: one script tag, four figures, samlab-finish events carrying Results", async () => {
    const page = await open("/embed.html");
    await page.waitForFunction(() => window.samlab?.explorers?.length === 4 && window.samlab.explorers.every((e) => e.state === "finished"), null, { timeout: 30_000 });
    const log = await page.locator("#log").textContent();
    for (const id of ["fig-sequential", "fig-compare", "fig-inline", "fig-phase"]) expect(log).toContain(id);
    const scripts = await page.evaluate(() => [...document.querySelectorAll("script[src]")].map((s) => s.getAttribute("src")));
    expect(scripts).toEqual(["./samlab-explorer.js"]);
    // Each figure drew its views (non-blank canvases) and shows only the controls it asked for.
    const info = await page.evaluate(() =>
      window.samlab.explorers.map((e) => {
        const root = e.shadowRoot!;
        const canvases = [...root.querySelectorAll("canvas")];
        const inked = canvases.filter((c) => {
          const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < d.length; i += 4 * 97) if (d[i]! > 0) return true;
          return false;
        }).length;
        return { id: e.id, canvases: canvases.length, inked, fieldsets: root.querySelectorAll("fieldset").length };
      }),
    );
    for (const f of info) expect(f.inked, f.id).toBe(f.canvases);
    expect(info.find((f) => f.id === "fig-inline")!.fieldsets).toBe(0);
    const inline = (await page.evaluate(() => window.samlab.explorers.find((e) => e.id === "fig-inline")!.result)) as Result;
    await expectSameAsCliNoPage(inline);
    await shot(page, "embed");
    await page.close();
    clean();
  });

  it("works from 360 px wide, without horizontal scrolling, with reduced motion", async () => {
    const page = await context.newPage();
    await page.emulateMedia({ reducedMotion: "reduce" });
    await page.setViewportSize({ width: 360, height: 740 });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(`${server.url}/?preset=l2-gd`);
    const r = await finished(page);
    expect(r.final.dominant).toBe(1);
    const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, ex: document.querySelector("samlab-explorer")!.shadowRoot!.querySelector(".root")!.scrollWidth }));
    expect(widths.doc).toBeLessThanOrEqual(360);
    expect(widths.ex).toBeLessThanOrEqual(360);
    await expect(page.getByRole("button", { name: "Replay" }).isVisible()).resolves.toBe(true);
    await shot(page, "narrow-360");
    await page.close();
    clean();
  });
});

async function expectSameAsCliNoPage(r: Result): Promise<void> {
  const cli = cliRun(r.spec);
  expect(JSON.stringify(r.final.beta)).toBe(JSON.stringify(cli.final.beta));
}
