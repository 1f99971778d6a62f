/**
 * The generated API reference (docs/api/README.md): TypeDoc over the three packages' entry points
 * (@samlab/sim's root and subpath exports each), into a temporary folder, must succeed and document
 * the main exports.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;

describe("API docs (TypeDoc)", () => {
  it("pnpm docs:api generates a reference for core-wasm, sim and cli", () => {
    const out = mkdtempSync(join(tmpdir(), "samlab-apidocs-"));
    const p = spawnSync(process.execPath, [join(ROOT, "node_modules/typedoc/bin/typedoc"), "--out", out, "--logLevel", "Error"], { cwd: ROOT, encoding: "utf8" });
    expect(p.status, p.stdout + p.stderr).toBe(0);
    expect(existsSync(join(out, "index.html"))).toBe(true);
    const all = readdirSync(out, { recursive: true }).map(String);
    // pages are named functions/_samlab_<package>.<name>.html; @samlab/sim has one module per entry
    // point: "index" (the root, @samlab/sim) and each subpath export (@samlab/sim/analysis, …)
    for (const name of ["sim.index.simulate", "sim.index.resume", "sim.index.parseCheckpointJson", "sim.index.parseSpec", "sim.analysis.classifyLimit", "sim.analysis.maxMargin", "sim.data.loadDataset", "sim.engine.loadWasm", "sim.sweep.expandSweep", "sim.experiments.runExperiment", "sim.math.portableLog", "sim.run.recordSchedule", "core-wasm.compileCore", "core-wasm.instantiateCore", "cli.main"]) {
      expect(all, name).toContain(join("functions", `_samlab_${name}.html`));
    }
    const sim = join("functions", "_samlab_sim.index.simulate.html");
    expect(readFileSync(join(out, sim), "utf8")).toMatch(/Runs a spec to the end/);
  });
});
