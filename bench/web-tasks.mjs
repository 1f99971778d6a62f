// `pnpm bench:web` — the explorer page's main thread while a run plays: the CPU and wall time of each
// main-thread task (a Chromium trace) and the long-task observer's entries (tasks over 50 ms wall),
// for a 2·10⁶-step ℓ2-SAM run replayed with the keyboard (r, then space). The page's budget is 50 ms
// of CPU per task (one frame's work with room to spare); the report says whether it held. Wall times
// on a shared machine stretch with its load, so the 1-minute load average is reported alongside.
// Needs a build (pnpm build) and Chromium (SAMLAB_CHROMIUM, default /usr/bin/chromium).
// Writes bench/out/web-tasks.json.
import { createServer } from "node:http";
import { mkdirSync, writeFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "packages", "web", "dist");
// playwright-core is a dev dependency of the test package
const { chromium } = createRequire(join(here, "..", "test", "package.json"))("playwright-core");
const BUDGET_CPU_MS = 50;

const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm", ".svg": "image/svg+xml", ".png": "image/png" };
const server = createServer(async (req, res) => {
  try {
    let file = normalize(join(dist, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)));
    if (file !== dist && !file.startsWith(dist + sep)) throw new Error("outside");
    if ((await stat(file)).isDirectory()) file = join(file, "index.html");
    res.writeHead(200, { "Content-Type": types[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" });
    res.end(await readFile(file));
  } catch {
    res.writeHead(404);
    res.end("not found");
  }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.SAMLAB_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(() => {
    window.__long = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.__long.push(e.duration);
    }).observe({ type: "longtask", buffered: true });
  });
  const spec = { version: 1, name: "long-task budget", data: { x: [[1, 2, 3, 4, 5]], y: [1] }, depth: 2, algo: "sam-l2", rho: 0.1, lr: 0.001, steps: 2_000_000, init: { alpha: 0.05 }, record: { points: 1000 } };
  await page.goto(`${url}/?spec=${encodeURIComponent(JSON.stringify(spec))}`);
  await page.waitForFunction(() => window.samlab?.result?.status?.state !== undefined, null, { timeout: 120_000 });
  const firstLoadLongTasksMs = await page.evaluate(() => window.__long);
  await page.evaluate(() => (window.__long = []));
  const loadAverage1m = loadavg()[0];
  await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"] });
  const t0 = Date.now();
  await page.keyboard.press("r");
  await page.keyboard.press("Space");
  await page.waitForFunction(() => window.samlab.explorers[0].state === "playing");
  await page.waitForFunction(() => window.samlab.explorers[0].state === "finished", null, { timeout: 120_000 });
  const playWallMs = Date.now() - t0;
  const trace = JSON.parse((await browser.stopTracing()).toString("utf8"));
  const mains = new Set(trace.traceEvents.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  const tasks = trace.traceEvents.filter((e) => e.name === "RunTask" && e.ph === "X" && mains.has(`${e.pid}:${e.tid}`));
  const cpuMs = tasks.map((e) => (e.tdur ?? e.dur ?? 0) / 1000);
  const wallMs = tasks.map((e) => (e.dur ?? 0) / 1000);
  const maxTaskCpuMs = +Math.max(0, ...cpuMs).toFixed(2);
  const report = {
    date: new Date().toISOString(),
    loadAverage1m,
    playWallMs,
    mainThreadTasks: tasks.length,
    maxTaskCpuMs,
    maxTaskWallMs: +Math.max(0, ...wallMs).toFixed(2),
    tasksOver16msCpu: cpuMs.filter((t) => t > 16).length,
    budgetCpuMs: BUDGET_CPU_MS,
    withinBudget: maxTaskCpuMs < BUDGET_CPU_MS,
    longTaskObserverMs: await page.evaluate(() => window.__long),
    firstLoadLongTasksMs,
  };
  mkdirSync(join(here, "out"), { recursive: true });
  writeFileSync(join(here, "out", "web-tasks.json"), JSON.stringify(report, null, 2) + "\n");
  console.log(
    `web main thread while playing: ${report.mainThreadTasks} tasks, max ${maxTaskCpuMs} ms CPU / ${report.maxTaskWallMs} ms wall per task ` +
      `(budget ${BUDGET_CPU_MS} ms CPU: ${report.withinBudget ? "held" : "EXCEEDED"}), ${report.longTaskObserverMs.length} long tasks, load ${loadAverage1m.toFixed(2)}`,
  );
  console.log("wrote bench/out/web-tasks.json");
} finally {
  await browser.close();
  server.closeAllConnections();
  server.close();
}
