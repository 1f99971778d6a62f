import { spawnSync } from "node:child_process";
import { parseSpec } from "@samlab/sim";
import { measure, phaseSpec, PHASE_CLASSES } from "@samlab/sim/experiments";
import { describe, expect, it } from "vitest";
import { PRESETS } from "./presets.js";
import { cellSpec, classColor, classLabel, phaseSetup } from "./phase-grid.js";
import { acceptSpecText, cliCommand, loadFromQuery, queryFor, WEB_LIMITS } from "./spec-state.js";

const base = { version: 1, data: { x: [[1, 2]] } };

describe("URL state", () => {
  it("reads ?spec= (URL-encoded JSON) and writes a query that reads back to the same spec", () => {
    const spec = parseSpec({ ...base, name: "a & b ? c=d #e", steps: 1234, init: { alpha: [0.1, 0.2] } });
    const q = queryFor(spec);
    expect(q.startsWith("?spec=")).toBe(true);
    const back = loadFromQuery(q);
    expect(back.source).toBe("spec");
    expect(back.spec).toEqual(spec);
    expect(back.messages).toEqual([]);
    expect(queryFor(back.spec)).toBe(q);
  });

  it("round-trips the SAM family's fields through the URL (batch, sam.group/xi/ascentSteps, asam, rhoSchedule, switch)", () => {
    const spec = parseSpec({ ...base, data: { x: [[1, 2], [2, 1]], y: [1, -1] }, algo: "asam", batch: 1, sam: { group: 1, xi: 0.2, ascentSteps: 3 }, rhoSchedule: "linear-decay", switch: { step: 5, algo: "usam", rho: 0.1 } });
    const back = loadFromQuery(queryFor(spec));
    expect(back.messages).toEqual([]);
    expect(back.spec).toEqual(spec);
    expect(back.spec).toMatchObject({ batch: 1, sam: { group: 1, xi: 0.2, ascentSteps: 3 } });
  });

  it("also reads a ?spec= whose JSON has a literal '+' (percent-encoding without form encoding)", () => {
    const l = loadFromQuery(`?spec=${encodeURIComponent('{"version":1,"data":{"x":[[1,2]]},"steps":1e+3,"rho":0.05}')}`.replace("%2B", "+"));
    expect(l.error).toBeUndefined();
    expect(l.spec.steps).toBe(1000);
  });

  it("reads ?preset=<id> for every preset, and every preset is a valid spec", () => {
    for (const p of PRESETS) {
      const l = loadFromQuery(`?preset=${p.id}`);
      expect(l.presetId).toBe(p.id);
      expect(l.spec).toEqual(parseSpec(p.spec));
    }
    expect(loadFromQuery("?preset=nope").error?.field).toBe("preset");
  });

  it("falls back to the default preset with a message naming the field when the spec is bad", () => {
    const bad = loadFromQuery(`?spec=${encodeURIComponent(JSON.stringify({ ...base, depth: "<b>" }))}`);
    expect(bad.error?.field).toBe("depth");
    expect(bad.messages[0]).toMatch(/^Link not loaded: depth: /);
    expect(bad.source).toBe("default");
    expect(loadFromQuery("?spec=%7B").error?.field).toBe("spec");
    expect(loadFromQuery(`?spec=${"1".repeat(WEB_LIMITS.maxSpecChars + 1)}`).error?.message).toMatch(/at most 100000 characters/);
  });
});

describe("web caps", () => {
  it("clamps steps, depth, generated n and d and record.points, with one message each", () => {
    const s = acceptSpecText(JSON.stringify({ version: 1, data: { generator: "gaussian-sparse", n: 20000, d: 2000 }, depth: 64, steps: 1e12, record: { points: 100000 } }));
    expect(s.spec.steps).toBeLessThanOrEqual(WEB_LIMITS.maxSteps);
    expect(s.spec.depth).toBe(WEB_LIMITS.maxDepth);
    expect(s.spec.data).toMatchObject({ n: 200, d: 200 });
    expect(s.spec.record.points).toBe(WEB_LIMITS.maxPoints);
    expect(s.messages.map((m) => m.split(":")[0])).toEqual(["data.d", "data.n", "depth", "steps", "record.points"]);
  });

  it("rejects inline data beyond the caps, data files and named data sets, naming the field", () => {
    const big = { version: 1, data: { x: Array.from({ length: 2001 }, () => [1]) } };
    expect(() => acceptSpecText(JSON.stringify(big))).toThrow(/data\.x: expected at most 2000 examples/);
    expect(() => acceptSpecText(JSON.stringify({ version: 1, data: { file: "x.csv" } }))).toThrow(/data\.file/);
  });

  it("accepts the vendored named data sets (digits, iris) and rejects fashion-mnist and data folders with a one-line message", () => {
    for (const data of [{ source: "digits", classes: [0, 1], n: 200, seed: 1 }, { source: "iris", classes: ["setosa", "versicolor"] }]) {
      const spec = parseSpec({ version: 1, data });
      expect(acceptSpecText(JSON.stringify(spec))).toEqual({ spec, messages: [] });
    }
    const fm = loadFromQuery(`?spec=${encodeURIComponent(JSON.stringify({ version: 1, data: { source: "fashion-mnist", classes: [0, 1] } }))}`);
    expect(fm.error?.field).toBe("data.source");
    expect(fm.messages).toHaveLength(1);
    expect(fm.messages[0]).toMatch(/^Link not loaded: data.source: fashion-mnist needs the CLI \(samlab run\): not available in a browser/);
    expect(fm.messages[0]).not.toMatch(/\n/);
    expect(() => acceptSpecText(JSON.stringify({ version: 1, data: { source: "digits", classes: [0, 1], dir: "/etc" } }))).toThrow(/data folder needs the CLI/);
    expect(loadFromQuery("?preset=digits").spec.data).toEqual({ source: "digits", classes: [0, 1], n: 200, seed: 1 });
  });

  it("keeps specs within the caps unchanged", () => {
    const spec = parseSpec({ ...base, steps: 1e6, depth: 3 });
    expect(acceptSpecText(JSON.stringify(spec))).toEqual({ spec, messages: [] });
  });
});

describe("samlab run command", () => {
  it("hands the CLI exactly the spec through sh (dash) and bash: quotes, backslashes, newlines and % in names survive", () => {
    const spec = parseSpec({ ...base, name: "it's a\nb \\n \\t %s \"q\" \\" });
    const cmd = cliCommand(spec);
    expect(cmd).toMatch(/ \| samlab run --spec - --json$/);
    // `samlab` stands in as a shell function that prints what it reads on stdin
    for (const shell of ["sh", "bash"]) {
      const out = spawnSync(shell, ["-c", `samlab() { cat; }\n${cmd}`], { encoding: "utf8" });
      expect(out.status, `${shell}: ${out.stderr}`).toBe(0);
      expect(JSON.parse(out.stdout), shell).toEqual(spec);
    }
  });
});

describe("phase diagram", () => {
  it("is the reproduction experiment's grid for its spec: α log-spaced in [0.01, 1], cells are exactly phaseSpec", () => {
    const setup = phaseSetup(parseSpec(phaseSpec("sam-linf", [0.2, 0.05])), 1, 2);
    if ("unavailable" in setup) throw new Error(setup.unavailable);
    const g = setup.grid;
    expect(g.size).toBe(24);
    expect(g.alphas).toEqual(measure.logspace(0.01, 1, 24));
    expect(g.edges).toHaveLength(25);
    for (let k = 0; k < 24; k++) expect(g.edges[k]! < g.alphas[k]! && g.alphas[k]! < g.edges[k + 1]!).toBe(true);
    const c = cellSpec(setup, 2, 9);
    const s = parseSpec(c);
    expect(s).toEqual(parseSpec(phaseSpec("sam-linf", [g.alphas[2]!, g.alphas[9]!])));
    expect(s).toMatchObject({ algo: "sam-linf", lrSchedule: "rescaled", lr: 0.01, steps: 3000, rho: 0.1, depth: 2 });
    // Within the web caps, unchanged.
    expect(acceptSpecText(JSON.stringify(c))).toEqual({ spec: s, messages: [] });
  });

  it("uses the experiment's class labels and colours", () => {
    expect([0, 1, 2, 3, 4].map(classLabel)).toEqual(PHASE_CLASSES.map((c) => c.label));
    expect([0, 1, 2, 3, 4].map(classColor)).toEqual(PHASE_CLASSES.map((c) => c.color));
  });
});
