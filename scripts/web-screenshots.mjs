#!/usr/bin/env node
// The explorer's screenshots in docs/WEB.md: docs/web/explorer-1280.png and docs/web/explorer-390.png,
// the page as built (packages/web/dist; this script builds nothing: run `pnpm build` first) with its
// default preset played to the end, at 1280 and 390 CSS pixels wide: the explorer element, from its top.
//
// Needs Chromium (SAMLAB_CHROMIUM, default /usr/bin/chromium: `bash scripts/setup.sh --test` installs
// it) and playwright-core (a dev dependency of test/). Usage: node scripts/web-screenshots.mjs
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "packages/web/dist");
const out = join(root, "docs/web");
if (!existsSync(join(dist, "index.html"))) {
  process.stderr.write("web-screenshots: packages/web/dist is not built: run `pnpm build` first\n");
  process.exit(2);
}
const serverJs = join(root, "packages/cli/dist/static-server.js");
if (!existsSync(serverJs)) {
  process.stderr.write("web-screenshots: packages/cli is not built (its static server serves the page): run `pnpm build` first\n");
  process.exit(2);
}
// playwright-core is a dev dependency of the test package; the page is served by the CLI's own server (as `samlab web` does)
const { chromium } = createRequire(join(root, "test", "package.json"))("playwright-core");
const { serveStatic } = await import(serverJs);

mkdirSync(out, { recursive: true });
const server = await serveStatic(dist);
const browser = await chromium.launch({
  executablePath: process.env.SAMLAB_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"],
});
try {
  for (const width of [1280, 390]) {
    const page = await browser.newPage({ viewport: { width, height: width >= 1000 ? 900 : 844 }, deviceScaleFactor: 1 });
    await page.emulateMedia({ reducedMotion: "reduce" });
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => window.samlab?.result?.status?.state !== undefined, null, { timeout: 120_000 });
    // every view scrolled into view once, so that each draws (views redraw only when on screen)
    const figures = page.locator("samlab-explorer figure:not([hidden])");
    for (let i = 0; i < (await figures.count()); i++) await figures.nth(i).scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await page.evaluate(() => window.scrollTo(0, 0));
    const file = join(out, `explorer-${width}.png`);
    // the explorer itself (the page's text above it is plain prose): its top, one screen and a bit
    const top = Math.max(0, Math.floor(await page.locator("samlab-explorer").evaluate((e) => e.getBoundingClientRect().top + window.scrollY)) - 8);
    const total = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: top, width, height: Math.min(total - top, width >= 1000 ? 1000 : 1800) } });
    process.stdout.write(`wrote ${file}\n`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
