/**
 * Sweep expansion: order and indices, overrides at dotted paths, one-line errors naming the field
 * (and for a run, its index and the key that set the value), and the shard partition's properties.
 */
import { describe, expect, it } from "vitest";
import { canonicalJson, expandSweep, expandSweepJson, getPath, parsePath, parseShard, shardIndices, SweepError, SWEEP_LIMITS } from "./index.js";

const base = { version: 1, data: { x: [[1, 2]], y: [1] }, depth: 2, algo: "sam-l2", steps: 100 };

function err(f: () => unknown): SweepError {
  try {
    f();
  } catch (e) {
    if (e instanceof SweepError) return e;
    throw e;
  }
  throw new Error("expected a SweepError");
}

describe("expandSweep", () => {
  it("expands a grid with the last key varying fastest; indices count from 0", () => {
    const s = expandSweep({ version: 1, base, grid: { rho: [0.01, 0.05], "init.alpha": [0.01, 0.1, 1] } });
    expect(s.keys).toEqual(["rho", "init.alpha"]);
    expect(s.gridSize).toBe(6);
    expect(s.runs.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(s.runs.map((r) => [r.spec.rho, (r.spec.init as { alpha: number }).alpha])).toEqual([
      [0.01, 0.01],
      [0.01, 0.1],
      [0.01, 1],
      [0.05, 0.01],
      [0.05, 0.1],
      [0.05, 1],
    ]);
    expect(s.runs[4]!.overrides).toEqual({ rho: 0.05, "init.alpha": 0.1 });
    expect(s.runs[4]!.sources).toEqual({ rho: "grid.rho[1]", "init.alpha": 'grid["init.alpha"][1]' });
    // Untouched fields come from the base; defaults are filled in.
    expect(s.runs[0]!.spec).toMatchObject({ algo: "sam-l2", steps: 100, lr: 0.01, data: { x: [[1, 2]] } });
  });

  it("combines a list (outermost) with a grid; list keys become columns after the grid's", () => {
    const s = expandSweep({ version: 1, base, list: [{ algo: "gd" }, { algo: "usam", lr: 0.5 }], grid: { "init.alpha": [0.1, 1] } });
    expect(s.keys).toEqual(["init.alpha", "algo", "lr"]);
    expect(s.runs.map((r) => [r.spec.algo, r.spec.lr, (r.spec.init as { alpha: number }).alpha])).toEqual([
      ["gd", 0.01, 0.1],
      ["gd", 0.01, 1],
      ["usam", 0.5, 0.1],
      ["usam", 0.5, 1],
    ]);
    expect(s.runs[0]!.overrides).toEqual({ "init.alpha": 0.1, algo: "gd" });
  });

  it("a list alone; whole sub-objects and indexed paths as values; the base is never mutated", () => {
    const b = structuredClone(base);
    const s = expandSweep({
      version: 1,
      base: b,
      list: [{ data: { generator: "single", d: 3 } }, { "data.x[0][1]": 5 }, { init: { values: [[1, 1], [2, 2]] } }],
    });
    expect(s.runs).toHaveLength(3);
    expect(s.runs[0]!.spec.data).toEqual({ generator: "single", d: 3 });
    expect(s.runs[1]!.spec.data).toEqual({ x: [[1, 5]], y: [1] });
    expect(s.runs[2]!.spec.init).toEqual({ values: [[1, 1], [2, 2]] });
    expect(b).toEqual(base);
  });

  it("varies the SAM family's fields: batch, sam.group, sam.ascentSteps, sam.xi and algo asam", () => {
    const data = { x: [[1, 2], [2, -1], [0.5, 1], [-1, 0.3]], y: [1, -1, 1, -1] };
    const s = expandSweep({ version: 1, base: { ...base, data }, list: [{ algo: "sam-l2" }, { algo: "asam", "sam.xi": 0.1 }], grid: { batch: [2, 4], "sam.group": [1, 2], "sam.ascentSteps": [1, 3] } });
    expect(s.runs).toHaveLength(16);
    expect(s.keys).toEqual(["batch", "sam.group", "sam.ascentSteps", "algo", "sam.xi"]);
    const last = s.runs.at(-1)!.spec;
    expect(last).toMatchObject({ algo: "asam", batch: 4, sam: { group: 2, ascentSteps: 3, xi: 0.1 } });
    expect(s.runs[0]!.spec).toMatchObject({ algo: "sam-l2", batch: 2, sam: { group: 1, ascentSteps: 1 } });
    // a value the spec refuses names the run and the field
    const e = err(() => expandSweep({ version: 1, base: { ...base, data }, grid: { "sam.ascentSteps": [1, 0] } }));
    expect(e.message).toContain("sam.ascentSteps");
  });

  it("is deterministic: the same file gives the same runs and the same canonical text", () => {
    const f = { version: 1, base, grid: { seed: [1, 2, 3], rho: [0.1, 0.2] } };
    expect(canonicalJson(expandSweep(f).runs.map((r) => r.spec))).toBe(canonicalJson(expandSweep(structuredClone(f)).runs.map((r) => r.spec)));
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: undefined }] })).toBe('{"a":[1,{"d":2}],"b":1}');
  });

  const bad: [string, unknown, string, RegExp, number?][] = [
    ["not an object", [], "sweep", /JSON object/],
    ["missing version", { base, grid: { rho: [1] } }, "version", /required/],
    ["wrong version", { version: 2, base, grid: { rho: [1] } }, "version", /expected 1/],
    ["unknown field", { version: 1, base, grids: { rho: [1] } }, "grids", /unknown field/],
    ["missing base", { version: 1, grid: { rho: [1] } }, "base", /required/],
    ["neither grid nor list", { version: 1, base }, "sweep", /grid and\/or a list/],
    ["empty grid", { version: 1, base, grid: {} }, "grid", /at least one key/],
    ["grid value not an array", { version: 1, base, grid: { rho: 0.1 } }, "grid.rho", /^grid\.rho: expected an array of values$/],
    ["empty value list", { version: 1, base, grid: { "init.alpha": [] } }, 'grid["init.alpha"]', /at least one value/],
    ["empty list", { version: 1, base, list: [] }, "list", /at least one entry/],
    ["list entry not an object", { version: 1, base, list: [{ rho: 1 }, 3] }, "list[1]", /override objects|expected an object/],
    ["bad path", { version: 1, base, grid: { "init..alpha": [1] } }, 'grid["init..alpha"]', /dotted spec path/],
    ["version swept", { version: 1, base, grid: { version: [1] } }, "grid.version", /cannot be swept/],
    ["overlapping grid keys", { version: 1, base, grid: { init: [{ alpha: 1 }], "init.alpha": [1] } }, 'grid["init.alpha"]', /overlaps grid.init/],
    ["list key also in grid", { version: 1, base, grid: { rho: [1] }, list: [{ algo: "gd" }, { rho: 2 }] }, "list[1].rho", /overlaps grid.rho/],
  ];
  it.each(bad)("sweep file error: %s → %s", (_, input, field, message) => {
    const e = err(() => expandSweep(input));
    expect(e.field).toBe(field);
    expect(e.run).toBeUndefined();
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain("\n");
  });

  it("a run's invalid spec names the run index, the spec field and the key that set it", () => {
    const e = err(() => expandSweep({ version: 1, base, grid: { lr: [0.1, 0.2], rho: [0.1, -1] } }));
    expect(e.run).toBe(1);
    expect(e.field).toBe("rho");
    expect(e.source).toBe("grid.rho[1] = -1");
    expect(e.message).toBe("run 1: rho: expected a number ≥ 0 (set by grid.rho[1] = -1)");

    const e2 = err(() => expandSweep({ version: 1, base, list: [{ algo: "gd" }, { "init.alpha": [1, 2, 3] }] }));
    expect(e2.run).toBe(1);
    expect(e2.field).toBe("init.alpha");
    expect(e2.message).toMatch(/^run 1: init\.alpha: expected a number or 2 numbers .*set by list\[1\]\["init\.alpha"\] = \[1,2,3\]/);

    const e3 = err(() => expandSweep({ version: 1, base, grid: { rhoo: [1] } }));
    expect(e3.message).toMatch(/^run 0: rhoo: unknown field .*set by grid.rhoo\[0\] = 1/);

    const e4 = err(() => expandSweep({ version: 1, base: { ...base, lr: -1 }, grid: { rho: [1] } }));
    expect(e4.message).toMatch(/^run 0: lr: expected a number > 0 \(set by base\)$/);
  });

  it("an API caller's cyclic or BigInt override value still gives a one-line SweepError", () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    const e = err(() => expandSweep({ version: 1, base, list: [{ precision: { source: cyclic } }] }));
    expect(e.run).toBe(0);
    expect(e.message).toMatch(/set by list\[0\]\.precision = \[object Object\]/);
    expect(err(() => expandSweep({ version: 1, base, grid: { rho: [10n] } })).message).toMatch(/^run 0: rho: .*set by grid\.rho\[0\] = 10n\)$/);
  });

  it("refuses sweeps with more runs than the cap, before expanding them", () => {
    const many = Array.from({ length: 1000 }, (_, i) => i + 1);
    const e = err(() => expandSweep({ version: 1, base, grid: { seed: many, steps: many } }));
    expect(e.field).toBe("grid");
    expect(e.message).toMatch(new RegExp(`1000000 runs, more than the ${SWEEP_LIMITS.maxRuns}`));
  });

  it("reports JSON syntax errors as a sweep error", () => {
    expect(err(() => expandSweepJson("{ version: 1")).field).toBe("sweep");
  });
});

describe("paths", () => {
  it("parses dotted and indexed paths and reads values", () => {
    expect(parsePath("init.values[1][0]")).toEqual(["init", "values", 1, 0]);
    expect(parsePath("rho")).toEqual(["rho"]);
    expect(parsePath("a..b")).toBeNull();
    expect(parsePath("[0]")).toBeNull();
    expect(parsePath("a.")).toBeNull();
    expect(getPath({ init: { values: [[1], [2]] } }, "init.values[1][0]")).toBe(2);
    expect(getPath({ a: 1 }, "a.b")).toBeUndefined();
  });
});

describe("shards", () => {
  it("parses i/N and rejects the rest", () => {
    expect(parseShard("1/4")).toEqual({ index: 1, count: 4 });
    for (const bad of ["4/4", "1/0", "-1/3", "a/b", "1", "1/2/3"]) expect(() => parseShard(bad)).toThrow(SweepError);
  });

  it("partitions 0…total−1: disjoint, complete, sizes within one, each ascending and ≡ i (mod N)", () => {
    // Exhaustive over small sizes (cheap, and covers total < count, total = 0, count = 1).
    for (let total = 0; total <= 120; total++) {
      for (let count = 1; count <= 17; count++) {
        const parts = Array.from({ length: count }, (_, index) => shardIndices(total, { index, count }));
        const all = parts.flat().sort((a, b) => a - b);
        expect(all).toEqual(Array.from({ length: total }, (_, i) => i));
        const sizes = parts.map((p) => p.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        parts.forEach((p, i) => p.forEach((k, j) => expect(k % count === i && (j === 0 || k > p[j - 1]!)).toBe(true)));
      }
    }
  });
});
