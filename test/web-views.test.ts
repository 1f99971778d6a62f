/**
 * The explorer's panels follow the current spec and explain themselves, in Chromium on the built
 * page (packages/web/dist served by the CLI's static server): the phase diagram and the side-by-side
 * view run the spec that is loaded (depth, ρ, data, algorithm), the compared pair is chosen in the
 * panel and kept in the address, and every panel's "?" shows one sentence.
 */
import { join } from "node:path";
import type { Result, Spec } from "@samlab/sim";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./web/browser.js";
import { serveStatic, type StaticServer } from "./web/server.js";

const DIST = join(new URL("..", import.meta.url).pathname, "packages/web/dist");

let server: StaticServer;
let browser: Browser;
let context: BrowserContext;
const problems: string[] = [];

async function open(path: string): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(server.url + path);
  return page;
}

const specUrl = (spec: unknown) => `/?spec=${encodeURIComponent(JSON.stringify(spec))}`;

/** What the tests read of the element (its public getters: runs, phase; see element/explorer.ts). */
type Ex = HTMLElement & {
  spec: Spec;
  result?: Result;
  load(spec: unknown): void;
  openCell(i: number, j: number): void;
  runs: { role: string; algo: string; done: boolean; result?: Result }[];
  phase?: { job: number; done: boolean; cells: (number | undefined)[]; setup: { template: Record<string, unknown>; base: number[]; mu?: number[]; why?: string; grid: { size: number } } };
};

/** Waits until the main run, the comparison runs and the phase diagram are all done; returns what the panels show. */
async function settled(page: Page) {
  await page.waitForFunction(
    () => {
      const ex = window.samlab.explorers[0] as unknown as Ex;
      return ex.result !== undefined && ex.runs.length === 3 && ex.runs.every((r) => r.done && r.result) && ex.phase?.done === true;
    },
    null,
    { timeout: 60_000 },
  );
  return page.evaluate(() => {
    const ex = window.samlab.explorers[0] as unknown as Ex;
    const root = ex.shadowRoot!;
    const text = (sel: string) => root.querySelector(sel)?.textContent ?? "";
    const p = ex.phase!;
    return {
      job: p.job,
      template: p.setup.template,
      base: p.setup.base,
      mu: p.setup.mu,
      why: p.setup.why,
      cells: p.cells,
      phaseCaption: text("figure[data-view=phase] figcaption"),
      phaseSetup: text("figure[data-view=phase] .note.setup"),
      phaseNote: text("figure[data-view=phase] .note"),
      compareCaption: text("figure[data-view=compare] figcaption"),
      compareAttr: ex.getAttribute("compare"),
      compared: ex.runs.slice(1).map((r) => ({ algo: r.algo, spec: r.result!.spec })),
      url: location.search,
    };
  });
}

describe("the explorer's panels", () => {
  beforeAll(async () => {
    server = await serveStatic(DIST);
    browser = await launchChromium();
    context = await browser.newContext();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });
  const clean = () => expect(problems.splice(0), "console errors / page errors").toEqual([]);

  it("run the current spec in the phase diagram and the side-by-side view: depth, ρ, data and algorithm follow a new spec; the pair is chosen in the panel and kept in the address", async () => {
    // ℓ∞-SAM, L = 2, one example, rescaled steps: the theory's prediction applies.
    const first = { version: 1, data: { x: [[1, 2]], y: [1] }, depth: 2, init: { alpha: [0.2, 0.05] }, algo: "sam-linf", rho: 0.1, lr: 0.03, lrSchedule: "rescaled", steps: 1000, record: { points: 40, spacing: "log" } };
    const page = await open(specUrl(first));
    const a = await settled(page);
    expect(a.template).toMatchObject({ depth: 2, rho: 0.1, algo: "sam-linf", lr: 0.03, steps: 1000, data: { x: [[1, 2]], y: [1] } });
    expect(a.mu).toEqual([1, 2]);
    expect(a.phaseCaption).toMatch(/^ℓ∞-SAM phase diagram over \(α₁, α₂\)/);
    expect(a.phaseSetup).toMatch(/ℓ∞-SAM, L = 2, ρ = 0\.1, logistic loss/);
    expect(a.phaseNote).toMatch(/\d+ of \d+ cells match the prediction\./);
    // default pair: GD against the spec's algorithm, on the spec
    expect(a.compared.map((r) => r.algo)).toEqual(["gd", "sam-linf"]);
    for (const r of a.compared) expect(r.spec).toMatchObject({ depth: 2, rho: 0.1, lr: 0.03, lrSchedule: "rescaled", init: { alpha: [0.2, 0.05] } });
    expect(a.compareCaption).toMatch(/^Side by side: GD vs ℓ∞-SAM \(L = 2, ρ = 0\.1, logistic loss, η = 0\.03 \(rescaled\)/);

    // Another depth, ρ, data (three coordinates) and algorithm: both panels follow.
    const second = { version: 1, data: { x: [[1, 2, 3], [2, 1, 1]], y: [1, 1] }, depth: 3, init: { alpha: [0.3, 0.3, 0.07] }, algo: "sam-l2", rho: 0.05, lr: 0.05, steps: 600, sam: { ascentSteps: 2 }, record: { points: 40, spacing: "log" } };
    await page.evaluate((s) => (window.samlab.explorers[0] as unknown as Ex).load(s), second);
    const b = await settled(page);
    expect(b.job).not.toBe(a.job);
    expect(b.template).toMatchObject({ depth: 3, rho: 0.05, algo: "sam-l2", steps: 600, sam: { ascentSteps: 2 }, data: { x: [[1, 2, 3], [2, 1, 1]] } });
    expect(b.base).toEqual([0.3, 0.3, 0.07]);
    expect(b.mu).toBeUndefined();
    expect(b.phaseCaption).toMatch(/^ℓ2-SAM phase diagram/);
    expect(b.phaseSetup).toMatch(/ℓ2-SAM, L = 3, ρ = 0\.05.*x₃ keeps its α.*No prediction for this setting: the theory covers ℓ∞-SAM only\./);
    expect(b.phaseNote).toMatch(/No prediction for this setting\./);
    expect(b.compared.map((r) => r.algo)).toEqual(["gd", "sam-l2"]);
    for (const r of b.compared) expect(r.spec).toMatchObject({ depth: 3, rho: 0.05, steps: 600, data: { x: [[1, 2, 3], [2, 1, 1]] } });
    expect(b.compared[1]!.spec.sam).toEqual({ ascentSteps: 2 }); // GD takes no SAM options
    expect(b.compared[0]!.spec.sam).toBeUndefined();
    expect(b.compareCaption).toMatch(/^Side by side: GD vs ℓ2-SAM \(L = 3, ρ = 0\.05, logistic loss, η = 0\.05, 600 steps, 2 ascent steps/);

    // A cell opens the spec with only α₁, α₂ changed, and keeps the diagram (no new job).
    const cell = await page.evaluate(() => {
      const ex = window.samlab.explorers[0] as unknown as Ex;
      ex.openCell(3, 20);
      return new Promise<Spec>((resolve) => ex.addEventListener("samlab-finish", (e) => resolve((e as CustomEvent).detail.result.spec), { once: true }));
    });
    expect(cell).toMatchObject({ depth: 3, rho: 0.05, algo: "sam-l2", steps: 600, sam: { ascentSteps: 2 } });
    expect((cell.init as { alpha: number[] }).alpha[2]).toBe(0.07);
    expect(await page.evaluate(() => (window.samlab.explorers[0] as unknown as Ex).phase!.job)).toBe(b.job);

    // The pair, chosen in the panel: the attribute, the runs, the caption and the address follow.
    const panel = page.locator("samlab-explorer figure[data-view=compare]");
    await panel.locator("select").nth(0).selectOption("usam");
    await page.waitForFunction(() => window.samlab.explorers[0]!.getAttribute("compare") === "usam,sam-l2");
    // the rebuilt panel shows the chosen pair at once, before its runs exist (a second pick reads it back)
    expect(await panel.locator("select").nth(0).inputValue()).toBe("usam");
    await panel.locator("select").nth(1).selectOption("sam-linf");
    const c = await settled(page);
    expect(c.compareAttr).toBe("usam,sam-linf");
    expect(c.compared.map((r) => r.algo)).toEqual(["usam", "sam-linf"]);
    for (const r of c.compared) expect(r.spec).toMatchObject({ depth: 3, rho: 0.05 });
    expect(c.compareCaption).toMatch(/^Side by side: USAM vs ℓ∞-SAM/);
    expect(new URLSearchParams(c.url).get("compare")).toBe("usam,sam-linf");
    // a reload keeps the pair
    await page.reload();
    const d = await settled(page);
    expect(d.compared.map((r) => r.algo)).toEqual(["usam", "sam-linf"]);
    expect(await panel.locator("select").nth(0).inputValue()).toBe("usam");
    await page.close();
    clean();
  });

  it("explain every panel in one sentence behind its '?' button (aria-expanded), in the CLI's words for regimes, without internal names", async () => {
    const page = await open("/?preset=linf-phase");
    await page.waitForFunction(() => window.samlab.result !== undefined, null, { timeout: 60_000 });
    // every view the page shows (β as an image only for image data)
    const figures = page.locator("samlab-explorer figure[data-view]:not([hidden])");
    const n = await figures.count();
    expect(n).toBeGreaterThanOrEqual(10);
    const seen: Record<string, string> = {};
    for (let k = 0; k < n; k++) {
      const fig = figures.nth(k);
      const id = (await fig.getAttribute("data-view"))!;
      const button = fig.locator("button.help-toggle");
      const help = fig.locator(".help");
      expect(await button.getAttribute("aria-expanded"), id).toBe("false");
      expect(await help.isVisible(), id).toBe(false);
      expect(await button.getAttribute("aria-controls"), id).toBe(await help.getAttribute("id"));
      await button.click();
      expect(await button.getAttribute("aria-expanded"), id).toBe("true");
      expect(await help.isVisible(), id).toBe(true);
      const text = (await help.textContent())!.trim();
      // one sentence: ends with a full stop, no other sentence end inside
      expect(text, id).toMatch(/\.$/);
      expect(text.slice(0, -1), id).not.toMatch(/[.!?]\s+[A-Z]/);
      seen[id] = text;
      await button.press("Enter"); // a real button: the keyboard closes it again
      expect(await button.getAttribute("aria-expanded"), id).toBe("false");
      expect(await help.isVisible(), id).toBe(false);
    }
    for (const w of ["zero", "stalled", "not converged", "e₁"]) expect(seen.phase).toContain(w);
    expect(seen.shares).toMatch(/log axis/);
    expect(seen.shares).toMatch(/first recorded step/);
    expect(seen.dominant).toMatch(/amplification order/);
    // nothing meant for developers reaches the reader
    const all = await page.locator("samlab-explorer .root").innerText();
    for (const w of ["TODO", "FIXME", "phaseSpec", "phaseClass", "simulate()", "HiGHS", "Result's", "worker", "#1"]) expect(all, w).not.toContain(w);
    await page.close();
    clean();
  });
});
