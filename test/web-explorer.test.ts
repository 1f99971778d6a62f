/**
 * The explorer page and the single-file element in Chromium (packages/web/dist served on 127.0.0.1,
 * as in web.test.ts): the page never shows stale state, a rejected `spec` attribute runs nothing and
 * says why, the max-margin references load (no 404) in the page and in the embed, and a reader can
 * load a CSV, read each layer's weights, restart, export the weights and reach every control from
 * the keyboard. Runs are compared with simulate() in this process.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSpec, simulate, type Result } from "@samlab/sim";
import { sparseRegressionSpec } from "@samlab/sim/experiments";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./web/browser.js";
import { serveStatic, type StaticServer } from "./web/server.js";

const ROOT = new URL("..", import.meta.url).pathname;
const DIST = join(ROOT, "packages/web/dist");
const tmp = mkdtempSync(join(tmpdir(), "samlab-web-explorer-"));

let server: StaticServer;
let browser: Browser;
let context: BrowserContext;
const problems: string[] = [];
/** Every HTTP response ≥ 400 and every failed request, for all pages. */
const httpErrors: string[] = [];

async function open(path: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400) httpErrors.push(`${r.status()} ${r.url()}`);
  });
  page.on("requestfailed", (r) => httpErrors.push(`failed ${r.url()} ${r.failure()?.errorText ?? ""}`));
  await page.goto(server.url + path);
  return page;
}

async function finished(page: Page, timeout = 60_000): Promise<Result> {
  await page.waitForFunction(() => window.samlab?.result?.status?.state !== undefined, null, { timeout });
  return (await page.evaluate(() => window.samlab.result)) as Result;
}

const specUrl = (spec: unknown) => `/?spec=${encodeURIComponent(JSON.stringify(spec))}`;
const urlSpec = async (page: Page) => JSON.parse(new URL(await page.evaluate(() => location.href)).searchParams.get("spec")!) as unknown;
const hex = (v: number[]) => Buffer.from(Float64Array.from(v).buffer).toString("hex");

/** A host page around the single-file element (served at an address of the test server). */
async function hostPage(body: string): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400) httpErrors.push(`${r.status()} ${r.url()}`);
  });
  await page.route("**/host.html", (route) => route.fulfill({ contentType: "text/html", body: `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body>${body}</body></html>` }));
  await page.goto(`${server.url}/host.html`);
  return page;
}

describe("explorer page and element (Chromium)", () => {
  beforeAll(async () => {
    server = await serveStatic(DIST);
    browser = await launchChromium();
    context = await browser.newContext({ acceptDownloads: true });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });
  const clean = () => {
    expect(problems.splice(0), "console errors / page errors").toEqual([]);
    expect(httpErrors.splice(0), "HTTP errors").toEqual([]);
  };

  it("keeps the share box, the spec box, the URL and the charts on the current spec", async () => {
    const spec = { version: 1, name: "stale", data: { x: [[1, 2, 3]], y: [1] }, depth: 2, algo: "sam-l2", rho: 0.05, lr: 0.01, steps: 20_000_000, init: { alpha: 0.1 } };
    const page = await open(specUrl(spec));
    await page.waitForFunction(() => window.samlab.explorers[0]!.progress.step > 1000);
    await page.getByRole("button", { name: "Copy command" }).click();
    const share = page.locator("samlab-explorer output.share");
    const commandSpec = async () => JSON.parse(/^printf '%s\\n' '(.*)' \| samlab run/.exec((await share.textContent())!)![1]!.replace(/'\\''/g, "'")) as unknown;
    expect(await commandSpec()).toEqual(await urlSpec(page));
    // ρ mid-run: the command, the URL and the spec box all carry the new ρ
    await page.getByLabel("ρ (radius)").fill("0.07");
    await page.getByLabel("ρ (radius)").press("Enter");
    await page.waitForFunction(() => window.samlab.explorers[0]!.spec!.rho === 0.07);
    expect(await commandSpec()).toMatchObject({ rho: 0.07 });
    expect(await urlSpec(page)).toEqual(await commandSpec());
    await page.locator("samlab-explorer summary", { hasText: "Edit the spec as JSON" }).click();
    expect(JSON.parse(await page.getByLabel("Spec JSON (version 1)").inputValue())).toEqual(await urlSpec(page));
    // a restart with another depth: the link shown follows too, and the loss chart draws the new run
    await page.getByRole("button", { name: "Copy link" }).click();
    await page.getByLabel("Depth L", { exact: true }).fill("3");
    await page.getByLabel("Depth L", { exact: true }).press("Enter");
    await page.waitForFunction(() => window.samlab.explorers[0]!.spec!.depth === 3);
    const link = new URL((await share.textContent())!);
    expect(JSON.parse(link.searchParams.get("spec")!)).toEqual(await urlSpec(page));
    expect(await urlSpec(page)).toMatchObject({ depth: 3, rho: 0.07 });
    await page.locator("samlab-explorer figure[data-view=loss]").scrollIntoViewIfNeeded();
    await page.waitForFunction(() => {
      const ex = window.samlab.explorers[0] as unknown as { runs: { step: number }[]; charts: Map<string, { data: { datasets: { data: { x: number }[] }[] } }> };
      const pts = ex.charts.get("loss")?.data.datasets[0]?.data ?? [];
      // the chart holds points of this run only (its steps so far), not the depth-2 run's
      return pts.length > 2 && pts[pts.length - 1]!.x <= ex.runs[0]!.step;
    });
    await page.close();
    clean();
  });

  it("shows ∞ rather than Infinity and log axes from a decade with round steps (flows to t = 1e50, an overflowing clock, a loss at 1e-218)", async () => {
    const specs = [
      { version: 1, data: { x: [[1, 2, 3]], y: [1] }, depth: 2, algo: "sam-l2", rho: 0.05, mode: "flow", flow: "sam", tMax: 1e50, init: { alpha: 0.1 } },
      { version: 1, data: { x: [[1, 2]], y: [1] }, depth: 2, algo: "gd", lr: 1, lrSchedule: "loss-normalized", steps: 3000, init: { alpha: 0.5 }, record: { points: 50 } },
      { version: 1, data: { x: [[1, 2]], y: [1] }, depth: 1, algo: "gd", lr: 100, steps: 1000, init: { alpha: 0 }, loss: "exponential" },
    ];
    const page = await open(specUrl({ version: 1, data: { x: [[1, 2]] }, steps: 100 }));
    await finished(page);
    for (const spec of specs) {
      await page.goto(server.url + specUrl(spec));
      const r = await finished(page);
      for (const v of ["loss", "table", "shares"]) await page.locator(`samlab-explorer figure[data-view=${v}]`).scrollIntoViewIfNeeded();
      await page.waitForFunction(() => /loss/.test(document.querySelector("samlab-explorer")!.shadowRoot!.querySelector("table.values")!.textContent ?? ""));
      const text = await page.evaluate(() => document.querySelector("samlab-explorer")!.shadowRoot!.querySelector(".root")!.textContent!);
      expect(text).not.toMatch(/Infinity/);
      if (r.trajectory.t.some((t) => t === Infinity)) expect(text).toMatch(/t = Σ η∞/);
      // every log axis: finite decade bounds around its data, ticks at multiples of a 1-2-5 step of decades
      const axes = await page.evaluate(() => {
        const ex = window.samlab.explorers[0] as unknown as { charts: Map<string, { scales: Record<string, { type: string; min: number; max: number; ticks: { value: number }[] }> }> };
        const out: { id: string; min: number; max: number; ticks: number[] }[] = [];
        for (const [id, c] of ex.charts) for (const [k, s] of Object.entries(c.scales)) if (s.type === "logarithmic" && id !== "phase" && s.ticks.length) out.push({ id: `${id}.${k}`, min: s.min, max: s.max, ticks: s.ticks.map((t) => t.value) });
        return out;
      });
      expect(axes.length).toBeGreaterThan(3);
      for (const a of axes) {
        expect(Number.isFinite(a.min) && Number.isFinite(a.max) && a.min > 0 && a.max > a.min, a.id).toBe(true);
        const exps = a.ticks.map((v) => Math.log10(v));
        for (const e of exps) expect(Math.abs(e - Math.round(e)), a.id).toBeLessThan(1e-9);
        expect(Math.abs(Math.log10(a.min) - Math.round(Math.log10(a.min))), `${a.id} min on a decade`).toBeLessThan(1e-9);
        expect(a.ticks.length, a.id).toBeLessThanOrEqual(7);
        if (exps.length > 1) {
          const step = Math.round(exps[1]! - exps[0]!);
          expect([1, 2, 5, 10, 20, 50, 100], a.id).toContain(step);
          for (const e of exps) expect(Math.abs(Math.round(e) % step), `${a.id}: ticks at multiples of ${step} decades`).toBe(0);
        }
      }
    }
    await page.close();
    clean();
  });

  it("an element whose spec attribute is invalid runs nothing, shows the error naming the field, and fires error and samlab-error; a valid spec then runs", async () => {
    const page = await hostPage(`
      <script>window.__events = []; document.addEventListener("samlab-error", (e) => window.__events.push(["samlab-error", e.detail]));</script>
      <samlab-explorer id="bad" views="loss" controls="playback" spec='{"version":1,"data":{"x":[[1,2]]},"lr":-1}'></samlab-explorer>
      <script type="module" src="./samlab-explorer.js"></script>
      <script type="module">document.getElementById("bad").addEventListener("error", (e) => window.__events.push(["error", e.detail]));</script>`);
    await page.waitForFunction(() => (window as unknown as { __events: unknown[] }).__events.length >= 2);
    const events = await page.evaluate(() => (window as unknown as { __events: [string, { field: string; message: string }][] }).__events);
    expect(events.map((e) => e[0]).sort()).toEqual(["error", "samlab-error"]);
    for (const [, d] of events) expect(d).toEqual({ field: "lr", message: expect.stringMatching(/^lr: expected a number > 0/) });
    const alert = page.locator("samlab-explorer [role=alert]").first();
    expect(await alert.isVisible()).toBe(true);
    expect(await alert.textContent()).toMatch(/^spec attribute not loaded: lr: expected a number > 0/);
    const el = await page.evaluate(() => {
      const e = document.getElementById("bad") as unknown as { state: string; spec: unknown; runs: unknown[]; error: unknown; result: unknown };
      return { state: e.state, spec: e.spec ?? null, runs: e.runs.length, error: e.error, result: e.result ?? null };
    });
    expect(el).toEqual({ state: "error", spec: null, runs: 0, error: { field: "lr", message: expect.stringMatching(/^lr:/) }, result: null });
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (document.getElementById("bad") as unknown as { runs: unknown[] }).runs.length)).toBe(0);
    // a corrected attribute loads and runs
    await page.evaluate(() => document.getElementById("bad")!.setAttribute("spec", JSON.stringify({ version: 1, data: { x: [[1, 2]] }, steps: 200 })));
    await page.waitForFunction(() => (document.getElementById("bad") as unknown as { state: string }).state === "finished");
    expect(await alert.isVisible()).toBe(false);
    await page.close();
    clean();
  });

  it("loads the max-margin references (HiGHS) in the page and in the single-file embed: cosines drawn, no 404", async () => {
    const page = await open("/?preset=l2-gd");
    const r = await finished(page);
    expect(r.diagnostics?.references).toBe("computed");
    await page.locator("samlab-explorer figure[data-view=cosine]").scrollIntoViewIfNeeded();
    await page.waitForFunction((v) => {
      const ex = window.samlab.explorers[0] as unknown as { charts: Map<string, { data: { datasets: { data: { y: number }[] }[] } }> };
      const pts = ex.charts.get("cosine")?.data.datasets[0]?.data;
      return !!pts?.length && pts[pts.length - 1]!.y === v;
    }, r.diagnostics!.cosine!.l1!.at(-1)!);
    await page.close();
    const spec = { version: 1, data: { x: [[1, 2, 0.5], [0.5, -1, 2]], y: [1, -1] }, depth: 2, algo: "sam-l2", rho: 0.05, lr: 0.05, steps: 3000, init: { alpha: 0.1 } };
    const embed = await hostPage(`<samlab-explorer id="e" views="cosine" controls="none" spec='${JSON.stringify(spec)}'></samlab-explorer><script type="module" src="./samlab-explorer.js"></script>`);
    const requests: string[] = [];
    embed.on("request", (q) => requests.push(q.url()));
    await embed.waitForFunction(() => (document.getElementById("e") as unknown as { result?: { diagnostics?: unknown } }).result?.diagnostics !== undefined, null, { timeout: 60_000 });
    const er = (await embed.evaluate(() => (document.getElementById("e") as unknown as { result: Result }).result)) as Result;
    expect(er.diagnostics?.references).toBe("computed");
    expect(JSON.stringify(er.diagnostics)).toBe(JSON.stringify((await simulate(spec)).diagnostics));
    const drawn = await embed.evaluate(() => (document.getElementById("e") as unknown as { charts: Map<string, { data: { datasets: { data: unknown[] }[] } }> }).charts.get("cosine")!.data.datasets.map((d) => d.data.length));
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.every((n) => n > 0)).toBe(true);
    expect(requests.filter((u) => u.endsWith(".wasm"))).toEqual([]); // one file: highs.wasm travels inside it
    await embed.close();
    clean();
  });

  it("loads a pasted or uploaded CSV like the CLI (errors name the line), shows each layer's weights, restarts the same run and exports the weights", async () => {
    const page = await open(specUrl({ version: 1, name: "csv", data: { x: [[1, 2]] }, steps: 100 }));
    await finished(page);
    await page.locator("samlab-explorer summary", { hasText: "Load your own data (CSV)" }).click();
    const paste = page.getByLabel("Paste CSV (features, then a label column; two classes)");
    await paste.fill("a,b,label\n1,2,1\n3,oops,0\n");
    await page.getByRole("button", { name: "Use CSV" }).click();
    const out = page.locator("samlab-explorer .csv-out");
    await expect.poll(() => out.textContent()).toBe('Not loaded: pasted CSV: line 3, field 2: expected a number ("b"), got "oops"');
    await paste.fill("a;b;c;label\n1;2;0.5;yes\n-1;0.5;2;no\n2;1;1;yes\n");
    await page.getByRole("button", { name: "Use CSV" }).click();
    await page.waitForFunction(() => (window.samlab.explorers[0]!.spec!.data as { x?: number[][] }).x?.length === 3);
    expect(await out.textContent()).toBe("pasted CSV: 3 examples × 3 features, labels no → −1, yes → +1 (sorted order).");
    const pasted = asSpec(await urlSpec(page));
    expect(pasted.data).toEqual({ x: [[1, 2, 0.5], [-1, 0.5, 2], [2, 1, 1]], y: [1, -1, 1] });
    // the same through a file
    const file = join(tmp, "mine.csv");
    writeFileSync(file, "x1,x2,y\n0.5,1,-1\n2,1,1\n");
    await page.getByLabel("or choose a CSV file").setInputFiles(file);
    await page.waitForFunction(() => (window.samlab.explorers[0]!.spec!.data as { x?: number[][] }).x?.length === 2);
    expect(asSpec(await urlSpec(page)).data).toEqual({ x: [[0.5, 1], [2, 1]], y: [-1, 1] });
    expect(await out.textContent()).toMatch(/^mine\.csv: 2 examples × 2 features/);

    // each layer's weights at step 0 and now, from the run's own parameters
    const spec = { version: 1, name: "weights", data: { x: [[1, 2, 3]], y: [1] }, depth: 3, algo: "sam-l2", rho: 0.05, lr: 0.01, steps: 4000, init: { values: [[0.3, 0.2, 0.1], [0.1, 0.2, 0.3], [0.2, 0.2, 0.2]] } };
    await page.goto(server.url + specUrl(spec));
    const r1 = await finished(page);
    const fig = page.locator("samlab-explorer figure[data-view=weights]");
    await fig.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => /step 4,000/.test(document.querySelector("samlab-explorer")!.shadowRoot!.querySelector("figure[data-view=weights] .note")?.textContent ?? ""));
    const cells = await fig.locator("tr").evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
    expect(cells[0]).toEqual(["layer", "x1", "x2", "x3"]);
    expect(cells.slice(1).map((r) => r[0])).toEqual(["w1", "w2", "w3"]);
    const fmt = (v: number) => String(Number(v.toPrecision(3)));
    for (let l = 0; l < 3; l++) for (let j = 0; j < 3; j++) expect(cells[l + 1]![j + 1]).toBe(`${fmt(spec.init.values[l]![j]!)} → ${fmt(r1.final.w[l]![j]!)}`);
    // Restart: from step 0 again, the same bits
    const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Weights CSV", exact: true }).click()]);
    const csv = readFileSync((await dl.path())!, "utf8").trim().split("\n");
    expect(dl.suggestedFilename()).toBe("samlab-weights-weights.csv");
    expect(csv[0]).toBe("layer,when,step,w1,w2,w3");
    expect(csv.slice(1).map((l) => l.split(",").slice(0, 3).join(","))).toEqual(["1,init,0", "1,now,4000", "2,init,0", "2,now,4000", "3,init,0", "3,now,4000"]);
    expect(csv[2]!.split(",").slice(3).map(Number)).toEqual(r1.final.w[0]);
    const [dj] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Weights JSON", exact: true }).click()]);
    expect(JSON.parse(readFileSync((await dj.path())!, "utf8"))).toEqual({ format: "samlab-weights", version: 1, step: 4000, init: spec.init.values, now: r1.final.w });
    await page.evaluate(() => ((window as unknown as { __old: unknown }).__old = window.samlab.result));
    await page.getByRole("button", { name: "Restart from step 0 and play" }).click();
    await page.waitForFunction(() => window.samlab.result !== undefined && window.samlab.result !== (window as unknown as { __old: unknown }).__old);
    const r2 = (await page.evaluate(() => window.samlab.result)) as Result;
    expect(hex(r2.final.beta)).toBe(hex(r1.final.beta));
    expect(hex(r1.final.beta)).toBe(hex((await simulate(spec)).final.beta));
    await page.close();
    clean();
  });

  it("reaches every control from the keyboard (Tab, in order, nothing skipped)", async () => {
    const page = await open(specUrl({ version: 1, data: { x: [[1, 2]] }, steps: 100 }));
    await finished(page);
    // open every <details> so that the controls inside are on the page
    await page.evaluate(() => document.querySelector("samlab-explorer")!.shadowRoot!.querySelectorAll("details").forEach((d) => ((d as HTMLDetailsElement).open = true)));
    const controls = await page.evaluate(() => {
      const root = document.querySelector("samlab-explorer")!.shadowRoot!;
      const visible = (el: Element) => (el as HTMLElement).offsetParent !== null || (el as HTMLElement).getClientRects().length > 0;
      return [...root.querySelectorAll("form input, form select, form textarea, form button, form summary")].filter(visible).map((el, k) => {
        (el as HTMLElement).dataset.k = String(k);
        return k;
      }).length;
    });
    expect(controls).toBeGreaterThan(40);
    await page.locator("samlab-explorer form select").first().focus();
    const seen = new Set<string>();
    for (let i = 0; i < controls + 20; i++) {
      const k = await page.evaluate(() => (document.querySelector("samlab-explorer")!.shadowRoot!.activeElement as HTMLElement | null)?.dataset.k);
      if (k !== undefined) seen.add(k);
      await page.keyboard.press("Tab");
    }
    const missed = await page.evaluate((got) => {
      const root = document.querySelector("samlab-explorer")!.shadowRoot!;
      return [...root.querySelectorAll("[data-k]")].filter((el) => !got.includes((el as HTMLElement).dataset.k!)).map((el) => `${el.tagName} ${el.getAttribute("aria-label") ?? el.textContent?.slice(0, 30) ?? ""}`);
    }, [...seen]);
    expect(missed).toEqual([]);
    await page.close();
    clean();
  });

  it("has presets for the sparse-regression and flatness experiments: exactly the experiment's spec, the same bits as simulate()", async () => {
    const page = await open("/?preset=sparse-regression");
    const r = await finished(page);
    expect(r.spec).toEqual(parseSpec(sparseRegressionSpec("1-sam", 0.5, 1)));
    expect(hex(r.final.beta)).toBe(hex((await simulate(r.spec)).final.beta));
    expect(await page.getByLabel("Source", { exact: true }).inputValue()).toBe("sparse-regression");
    await page.goto(`${server.url}/?preset=flatness`);
    const f = await finished(page);
    expect(f.spec).toMatchObject({ loss: "squared", algo: "sam-l2", sam: { group: 1 }, record: { sharpness: true }, data: { generator: "sparse-regression", n: 20, d: 30, k: 3, test: 200 } });
    expect(f.trajectory.traceH?.length).toBe(f.trajectory.step.length);
    expect(hex(f.final.beta)).toBe(hex((await simulate(f.spec)).final.beta));
    // an edit keeps the generator (the form knows sparse regression)
    await page.getByLabel("Steps", { exact: true }).fill("500");
    await page.getByLabel("Steps", { exact: true }).press("Enter");
    await page.waitForFunction(() => window.samlab.explorers[0]!.spec!.steps === 500);
    expect(await urlSpec(page)).toMatchObject({ data: { generator: "sparse-regression", test: 200 }, loss: "squared" });
    await page.close();
    clean();
  });
});

function asSpec(v: unknown): { data: unknown } {
  return v as { data: unknown };
}
