/**
 * `samlab maxmargin` and the diagnostics in `samlab run`, through the built CLI.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;
const CLI = join(ROOT, "packages/cli/dist/cli.js");
const tmp = mkdtempSync(join(tmpdir(), "samlab-mm-"));
const env = { ...process.env, NO_COLOR: "1", SAMLAB_DEBUG: "" };
const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: tmp, env, maxBuffer: 64 << 20 });
const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, j) => Math.abs(v - b[j]!)));

type Sol = { beta: number[]; margin: number; separable: boolean; support: number[]; active: number[] };

describe("samlab maxmargin", () => {
  // x1 = (4, 1), x2 = (1, 2) labelled +1 and x3 = (−2, −2) labelled −1.
  // ℓ∞: (1, 1), margin 3 (β1 + 2β2 ≤ 3 on the box, equality only at (1, 1)).
  // ℓ1: β ≥ 0, β1 + β2 = 1, margins 1 + 3β1 and 2 − β1 cross at β1 = 1/4: (1/4, 3/4), margin 7/4.
  // ℓ2: only x2 active: β ∝ (1, 2), margin ‖x2‖ = √5 (x1 and x3 then have 6/√5 > √5).
  const args = ["maxmargin", "--x", "[[4,1],[1,2],[-2,-2]]", "--y", "[1,1,-1]"];

  it("--json: unit-norm directions and margins for l1, l2, linf", () => {
    const r = cli([...args, "--json"]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<"l1" | "l2" | "linf", Sol>;
    expect(Object.keys(out)).toEqual(["l1", "l2", "linf"]);
    expect(maxDiff(out.l1.beta, [0.25, 0.75])).toBeLessThan(1e-12);
    expect(out.l1.margin).toBeCloseTo(1.75, 12);
    expect(maxDiff(out.l2.beta, [1 / Math.sqrt(5), 2 / Math.sqrt(5)])).toBeLessThan(1e-12);
    expect(out.l2.margin).toBeCloseTo(Math.sqrt(5), 12);
    expect(maxDiff(out.linf.beta, [1, 1])).toBeLessThan(1e-12);
    expect(out.linf.margin).toBeCloseTo(3, 12);
    for (const s of Object.values(out)) expect(s.separable).toBe(true);
  });

  it("--x/--y also in samlab run's format (\"4,1;1,2;-2,-2\"), with the same answer", () => {
    const a = JSON.parse(cli([...args, "--json"]).stdout);
    const b = cli(["maxmargin", "--x", "4,1;1,2;-2,-2", "--y", "1,1,-1", "--json"]);
    expect(b.status).toBe(0);
    expect(JSON.parse(b.stdout)).toEqual(a);
  });

  it("human output: direction, margin, support and active constraints per norm; --norm selects", () => {
    const r = cli([...args, "--norm", "l1"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ℓ1 max-margin/);
    expect(r.stdout).toMatch(/beta\s+\[0\.25, 0\.75\]/);
    expect(r.stdout).toMatch(/margin\s+1\.75/);
    expect(r.stdout).toMatch(/support\s+coordinates 0, 1/);
    expect(r.stdout).toMatch(/active\s+examples 0, 1/);
    expect(r.stdout).not.toMatch(/ℓ2 max-margin/);
  });

  it("--spec FILE uses the spec's data; margins agree with min_i y_i <beta, x_i>", () => {
    const x = [
      [1, -2, 0.5],
      [0.3, 1, -1],
      [-1, -1, 2],
      [2, 0.1, 0.4],
    ];
    const y = [1, -1, -1, 1];
    const file = join(tmp, "spec.json");
    writeFileSync(file, JSON.stringify({ version: 1, data: { x, y }, steps: 10 }));
    const r = cli(["maxmargin", "--spec", file, "--json"]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, Sol>;
    const norms = { l1: (b: number[]) => b.reduce((s, v) => s + Math.abs(v), 0), l2: (b: number[]) => Math.hypot(...b), linf: (b: number[]) => Math.max(...b.map(Math.abs)) };
    for (const [p, nrm] of Object.entries(norms)) {
      const s = out[p]!;
      expect(Math.abs(nrm(s.beta) - 1)).toBeLessThan(1e-12);
      const m = Math.min(...x.map((row, i) => y[i]! * row.reduce((a, v, j) => a + v * s.beta[j]!, 0)));
      expect(Math.abs(s.margin - m)).toBeLessThan(1e-12);
    }
  });

  it("non-separable data is reported plainly (exit 0)", () => {
    const r = cli(["maxmargin", "--x", "[[1,1],[-1,1],[1,-1],[-1,-1]]", "--y", "[1,-1,-1,1]", "--json"]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, Sol>;
    for (const s of Object.values(out)) {
      expect(s.separable).toBe(false);
      expect(s.margin).toBe(0);
    }
    expect(cli(["maxmargin", "--x", "[[1,1],[-1,-1]]"]).stdout).toMatch(/NOT linearly separable/);
  });

  it("bad input: one line on stderr, exit 2, no stack trace", () => {
    for (const [a, msg] of [
      [["maxmargin", "--x", "[[1,2],[3]]"], /--x: row 1 has 1 numbers/],
      [["maxmargin", "--x", "[[1,2]]", "--y", "[2]"], /--y: label 0: expected −1 or \+1/],
      [["maxmargin", "--x", "[[1,2]", "--y", "[1]"], /--x: expected JSON/],
      [["maxmargin", "--x", "1,a"], /--x: expected a finite number, got "a"/],
      [["maxmargin", "--x", "[[1,2]]", "--norm", "l3"], /--norm: expected l1, l2, linf or all/],
      [["maxmargin"], /--x: required/],
    ] as const) {
      const r = cli([...a]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("samlab run shows the diagnostics", () => {
  it("summary lines and --json fields", () => {
    const args = ["run", "--x", "1,2,3", "--depth", "1", "--algo", "gd", "--lr", "0.1", "--alpha", "0", "--steps", "2000"];
    const human = cli(args);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/amplification\s+minor first: (yes|no)/);
    expect(human.stdout).toMatch(/max-margin refs\s+ℓ1 cos/);
    // L = 1 GD from 0 on one example: β ∥ x, the ℓ2 max-margin direction.
    expect(human.stdout).toMatch(/limit\s+ℓ2 max-margin/);
    const json = cli([...args, "--json"]);
    const r = JSON.parse(json.stdout);
    expect(r.diagnostics.references).toBe("computed");
    expect(r.diagnostics.limit.kind).toBe("l2-max-margin");
    expect(r.diagnostics.finalCosine.l2).toBeCloseTo(1, 12);
    expect(typeof r.diagnostics.amplification.minorFirst).toBe("boolean");
  });
});
