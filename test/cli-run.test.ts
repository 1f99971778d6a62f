/**
 * `samlab run` end to end: the built CLI as a user runs it (node packages/cli/dist/cli.js).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simulate } from "@samlab/sim";
import { describe, expect, it } from "vitest";

const CLI = new URL("../packages/cli/dist/cli.js", import.meta.url).pathname;
const run = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", input, env: { ...process.env, NO_COLOR: "1" } });
const tmp = mkdtempSync(join(tmpdir(), "samlab-cli-"));

describe("samlab run", () => {
  it("--json prints one Result document with the documented fields", () => {
    const p = run(["run", "--x", "1,2,3,4", "--depth", "2", "--algo", "sam-l2", "--rho", "0.05", "--lr", "0.01", "--alpha", "0.02", "--steps", "20000", "--json"]);
    expect(p.status).toBe(0);
    const r = JSON.parse(p.stdout);
    expect(r.final.beta).toHaveLength(4);
    expect(r.final.w).toHaveLength(2);
    expect(r.final.w[0]).toHaveLength(4);
    expect(typeof r.final.loss).toBe("number");
    expect(r.final.step).toBe(20000);
    expect(r.trajectory.step[0]).toBe(0);
    expect(r.trajectory.step.at(-1)).toBe(20000);
    expect(r.trajectory.loss).toHaveLength(r.trajectory.step.length);
    expect(r.trajectory.beta).toHaveLength(r.trajectory.step.length);
    expect(r.trajectory.beta[0]).toHaveLength(4);
    expect(r.timing.nsPerStep).toBeGreaterThan(0);
    expect(r.spec).toMatchObject({ version: 1, depth: 2, algo: "sam-l2", rho: 0.05, lr: 0.01, steps: 20000, init: { alpha: 0.02 } });
  });

  it("gives the same final β as the API, bit for bit, and its echoed spec re-runs identically", async () => {
    const p = run(["run", "--gen", "gaussian-sparse", "--n", "30", "--d", "8", "--algo", "sam-linf", "--rho", "0.01", "--lr", "0.05", "--steps", "5000", "--json"]);
    expect(p.status).toBe(0);
    const r = JSON.parse(p.stdout);
    const api = await simulate(r.spec);
    expect(api.final.beta).toEqual(r.final.beta);
    const file = join(tmp, "echo.json");
    writeFileSync(file, JSON.stringify(r.spec));
    const again = JSON.parse(run(["run", "--spec", file, "--json"]).stdout);
    expect(again.final.beta).toEqual(r.final.beta);
  });

  it("--threads 2 gives the same Result as one thread (three row blocks); a bad --threads is one line, exit 2", () => {
    const args = ["run", "--gen", "gaussian-sparse", "--n", "600", "--d", "40", "--depth", "3", "--algo", "sam-l2", "--rho", "0.05", "--lr", "0.05", "--steps", "300", "--json"];
    const one = JSON.parse(run(args).stdout);
    const p = run([...args, "--threads", "2"]);
    expect(p.status).toBe(0);
    const two = JSON.parse(p.stdout);
    expect(two.final.w).toEqual(one.final.w);
    expect(two.trajectory.loss).toEqual(one.trajectory.loss);
    const bad = run([...args, "--threads", "4"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('samlab: --threads: expected 1 or 2 (threads for one run), got "4"');
  });

  it("--sam-group 1 runs 1-SAM: the API's bits, on one thread and two; with gd it is a one-line error, exit 2", async () => {
    const args = ["run", "--gen", "gaussian-sparse", "--n", "300", "--d", "12", "--algo", "usam", "--rho", "0.05", "--lr", "0.05", "--steps", "200", "--sam-group", "1", "--json"];
    const p = run(args);
    expect(p.status).toBe(0);
    const one = JSON.parse(p.stdout);
    expect(one.spec.sam).toEqual({ group: 1 });
    const api = await simulate(one.spec);
    expect(api.final.w).toEqual(one.final.w);
    const nSam = await simulate({ ...one.spec, sam: undefined });
    expect(nSam.final.w).not.toEqual(one.final.w);
    const two = JSON.parse(run([...args, "--threads", "2"]).stdout);
    expect(two.final.w).toEqual(one.final.w);
    expect(two.trajectory.pertNorm).toEqual(one.trajectory.pertNorm);
    const bad = run(["run", "--sam-group", "2", "--steps", "10"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toContain("--sam-group (spec field sam.group)");
  });

  it("--batch, --algo asam, --sam-xi, --ascent-steps: the API's bits on one thread and two; bad values are one line, exit 2", async () => {
    const args = ["run", "--gen", "gaussian-sparse", "--n", "300", "--d", "12", "--algo", "asam", "--sam-xi", "0.05", "--ascent-steps", "2", "--batch", "40", "--rho", "0.05", "--lr", "0.05", "--steps", "200", "--seed", "4", "--json"];
    const p = run(args);
    expect(p.status, p.stderr).toBe(0);
    const one = JSON.parse(p.stdout);
    expect(one.spec).toMatchObject({ algo: "asam", batch: 40, sam: { xi: 0.05, ascentSteps: 2 } });
    const api = await simulate(one.spec);
    expect(api.final.w).toEqual(one.final.w);
    const two = JSON.parse(run([...args, "--threads", "2"]).stdout);
    expect(two.final.w).toEqual(one.final.w);
    expect(two.trajectory.loss).toEqual(one.trajectory.loss);
    for (const [flag, value, field] of [
      ["--batch", "0", "batch"],
      ["--sam-xi", "-1", "sam.xi"],
      ["--ascent-steps", "0", "sam.ascentSteps"],
    ] as const) {
      const bad = run(["run", "--algo", "asam", flag, value, "--steps", "10"]);
      expect(bad.status).toBe(2);
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
      expect(bad.stderr).toContain(`${flag} (spec field ${field})`);
    }
    const help = run(["run", "--help"]).stdout;
    for (const flag of ["--batch <b>", "--sam-xi <xi>", "--ascent-steps <k>"]) expect(help).toContain(flag);
    expect(help).toContain("asam");
  });

  it("flags override the spec file's fields; --spec - reads stdin", () => {
    const spec = { version: 1, data: { x: [[1, 2]] }, algo: "gd", lr: 0.1, steps: 100 };
    const r = JSON.parse(run(["run", "--spec", "-", "--steps", "50", "--algo", "usam", "--json"], JSON.stringify(spec)).stdout);
    expect(r.spec.steps).toBe(50);
    expect(r.spec.algo).toBe("usam");
    expect(r.spec.lr).toBe(0.1);
  });

  it("prints a human summary without --json", () => {
    const p = run(["run", "--x", "1,2,3,4", "--algo", "sam-l2", "--alpha", "0.02", "--steps", "10000"]);
    expect(p.status).toBe(0);
    expect(p.stdout).toMatch(/direction β\/‖β‖₂/);
    expect(p.stdout).toMatch(/dominant sequence x[₁-₉]/); // 1-based with subscripts, as in the paper
    expect(p.stdout).toMatch(/final loss/);
    expect(p.stderr).toBe(""); // no progress bar when stderr is not a terminal
  });

  it("a regression's summary names its limit kind and the relative distances to the interpolators", () => {
    const spec = new URL("../examples/sparse-regression-1sam.json", import.meta.url).pathname;
    const p = run(["run", "--spec", spec]);
    expect(p.status).toBe(0);
    const limit = p.stdout.split("\n").find((l) => l.startsWith("limit "))!;
    expect(limit).toMatch(/^limit +min-ℓ1 interpolator: β fits the training data .*\(relative distance 0\.00\d+/);
    expect(p.stdout).toMatch(/\n {2}distances +min-ℓ1 interpolator 0\.00\d+, min-ℓ2 interpolator 0\.\d+ \(‖β − β_ref‖₂\/‖β_ref‖₂/);
    expect(p.stdout).not.toMatch(/not converged|nearest e/);
  });

  it("--out writes the Result (.json) or the trajectory (.csv), with no temporary files left", () => {
    const j = join(tmp, "r.json");
    const c = join(tmp, "traj.csv");
    expect(run(["run", "--x", "1,2", "--steps", "1000", "--out", j, "-q"]).status).toBe(0);
    expect(run(["run", "--x", "1,2", "--steps", "1000", "--out", c, "-q"]).status).toBe(0);
    expect(JSON.parse(readFileSync(j, "utf8")).final.step).toBe(1000);
    const lines = readFileSync(c, "utf8").trim().split("\n");
    expect(lines[0]).toMatch(/^step,t,loss,.*beta_1,beta_2$/);
    expect(lines.at(-1)!.split(",")[0]).toBe("1000");
    expect(readdirSync(tmp).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it.each([
    [["run", "--rho", "-1"], /--rho \(spec field rho\): expected a number ≥ 0/],
    [["run", "--rho", "abc"], /--rho: expected a number, got "abc"/],
    [["run", "--algo", "adam"], /--algo \(spec field algo\): expected one of/],
    [["run", "--x", "1,2", "--alpha", "1,2,3"], /--alpha .*expected a number or 2 numbers/],
    [["run", "--steps", "1.5"], /--steps .*integer/],
    [["run", "--bogus"], /unknown option '--bogus'/],
    [["run", "--spec", "/nonexistent/spec.json"], /cannot read spec file .*no such file/],
    [["run", "--out", "result.txt"], /--out result.txt: expected a file name ending in .json/],
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["run", "--x", "1,2", "--y", "2"], /^samlab: invalid spec: --y \(spec field data\.y\[0\]\): expected a label −1 or \+1$/],
    [["run", "--lr", "1e400"], /^samlab: --lr: "1e400" is out of range/],
    [["run", "--algo", "sam_l2"], /--algo \(spec field algo\): expected one of .*, got "sam_l2" \(did you mean "sam-l2"\?\)$/],
    [["run", "--lr-schedule", "rescale"], /--lr-schedule \(spec field lrSchedule\): .*\(did you mean "rescaled"\?\)$/],
  ])("bad input %j exits 2 with one line naming the problem", (args, message) => {
    const p = run(args as string[]);
    expect(p.status).toBe(2);
    expect(p.stderr.split("\n")[0]).toMatch(message);
    expect(p.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(p.stdout).toBe("");
  });

  it("--help lists every value of each enum flag the spec accepts", () => {
    const help = run(["run", "--help"]).stdout.replace(/\s+/g, " ");
    const lrHelp = help.slice(help.indexOf("--lr-schedule <s>"), help.indexOf(" --", help.indexOf("--lr-schedule <s>") + 2));
    for (const v of ["constant", "loss-normalized", "inv-sqrt", "rescaled"]) expect(lrHelp).toMatch(new RegExp(`\\b${v}\\b`));
    for (const v of ["gd", "sam-l2", "sam-linf", "usam"]) expect(help).toContain(v);
  });

  it("a malformed spec file names the file, line and column", () => {
    const f = join(tmp, "bad.json");
    writeFileSync(f, '{\n  "version": 1,\n  "data": { "x": [[1, 2]] ,}\n}');
    const p = run(["run", "--spec", f]);
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: invalid JSON at line 3`));
  });

  it("a diverging run exits 3, says where, and still writes its partial Result", () => {
    const j = join(tmp, "div.json");
    const p = run(["run", "--x", "1,2", "--y", "-1", "--loss", "exponential", "--lr", "1e200", "--steps", "100", "--out", j, "-q"]);
    expect(p.status).toBe(3);
    expect(p.stderr).toMatch(/non-finite value appeared at step \d+/);
    expect(JSON.parse(readFileSync(j, "utf8")).status.state).toBe("nonfinite");
  });

  it("--help works on every command and exits 0", () => {
    for (const args of [["--help"], ["run", "--help"], ["help", "run"]]) {
      const p = run(args);
      expect(p.status).toBe(0);
      expect(p.stdout).toMatch(/Usage: samlab/);
    }
  });

  it("the bin is runnable with plain node through the package's bin entry", () => {
    const pkg = JSON.parse(readFileSync(new URL("../packages/cli/package.json", import.meta.url), "utf8"));
    expect(pkg.bin.samlab).toBe("./dist/cli.js");
    expect(readFileSync(CLI, "utf8").startsWith("#!/usr/bin/env node")).toBe(true);
    expect(existsSync(CLI)).toBe(true);
    const out = execFileSync(process.execPath, [CLI, "--version"], { encoding: "utf8" });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
