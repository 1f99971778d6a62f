/**
 * The spec validator: a complete example spec (every top-level field) parses; every invalid field gets its own message
 * naming the field and what was expected (table-driven).
 */
import { describe, expect, it } from "vitest";
import { parseSpec, parseSpecJson, SpecError } from "../index.js";
import { recordSchedule } from "../run/index.js";

const example = {
  version: 1,
  data: { x: [[1, 2]], y: [1] },
  depth: 2,
  init: { alpha: 0.02 },
  loss: "logistic",
  algo: "sam-l2",
  rho: 0.05,
  lr: 0.01,
  steps: 100000,
  record: { points: 200, spacing: "log" },
  seed: 1,
};

describe("parseSpec", () => {
  it("accepts a complete example spec and echoes it with defaults filled in", () => {
    const s = parseSpec(example);
    expect(s).toMatchObject(example);
    expect(s.engine).toBe("wasm");
    expect(s.record.beta).toBe("auto");
  });

  it("accepts generators, explicit and random inits", () => {
    expect(parseSpec({ version: 1, data: { generator: "single", d: 5 } }).data).toEqual({ generator: "single", d: 5 });
    expect(parseSpec({ version: 1, data: { generator: "gaussian-sparse", n: 50, d: 10, k: 3, minMargin: 0.1, seed: 4 } }).depth).toBe(2);
    expect(parseSpec({ version: 1, data: { x: [[1, 2]] }, depth: 2, init: { values: [[1, 2], [3, 4]] } }).init).toEqual({ values: [[1, 2], [3, 4]] });
    expect(parseSpec({ version: 1, data: { x: [[1, 2]] }, init: { alpha: [0.1, 0.2] } }).init).toEqual({ alpha: [0.1, 0.2] });
    expect(parseSpec({ version: 1, data: { x: [[1, 2]] }, init: { random: "abs-gaussian", alpha: 0.1, seed: 2 } }).init).toMatchObject({ random: "abs-gaussian" });
  });

  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ["not an object", [] as unknown as Record<string, unknown>, "spec", /JSON object/],
    ["missing version", { data: example.data }, "version", /required/],
    ["wrong version", { ...example, version: 2 }, "version", /expected 1/],
    ["missing data", { version: 1 }, "data", /required/],
    ["data not an object", { ...example, data: 3 }, "data", /expected an object/],
    ["x not an array", { ...example, data: { x: "1,2" } }, "data.x", /array of examples/],
    ["x empty", { ...example, data: { x: [] } }, "data.x", /at least one example/],
    ["x non-numeric", { ...example, data: { x: [[1, "a"]] } }, "data.x[0][1]", /finite number/],
    ["x ragged", { ...example, data: { x: [[1, 2], [3]] } }, "data.x[1]", /expected 2 numbers/],
    ["y wrong label", { ...example, data: { x: [[1, 2]], y: [0] } }, "data.y[0]", /−1 or \+1/],
    ["y wrong length", { ...example, data: { x: [[1, 2]], y: [1, -1] } }, "data.y", /expected 1 labels/],
    ["unknown generator", { ...example, data: { generator: "moons", n: 3 } }, "data.generator", /single/],
    ["generator bad d", { ...example, data: { generator: "single", d: 0 } }, "data.d", /d ≥ 1/],
    ["gaussian k > d", { ...example, data: { generator: "gaussian-sparse", n: 5, d: 3, k: 4 } }, "data.k", /k ≤ d/],
    ["unknown data field", { ...example, data: { x: [[1, 2]], z: 1 } }, "data.z", /unknown field/],
    ["depth zero", { ...example, depth: 0 }, "depth", /depth L in \[1, 64\]/],
    ["depth fractional", { ...example, depth: 1.5 }, "depth", /integer depth/],
    ["init values rows", { ...example, init: { values: [[1, 2]] } }, "init.values", /expected 2 rows/],
    ["init values cols", { ...example, init: { values: [[1, 2], [1]] } }, "init.values[1]", /expected 2 numbers/],
    ["init alpha length", { ...example, init: { alpha: [1, 2, 3] } }, "init.alpha", /2 numbers/],
    ["init alpha string", { ...example, init: { alpha: "big" } }, "init.alpha", /number or an array/],
    ["init unknown form", { ...example, init: { beta: 1 } }, "init.beta", /unknown field: expected { alpha }, { values } or { random, alpha }/],
    ["init random kind", { ...example, init: { random: "cauchy", alpha: 1 } }, "init.random", /abs-gaussian/],
    ["loss", { ...example, loss: "hinge" }, "loss", /logistic/],
    ["algo", { ...example, algo: "sam" }, "algo", /sam-l2/],
    ["rho negative", { ...example, rho: -1 }, "rho", /≥ 0/],
    ["rho string", { ...example, rho: "0.1" }, "rho", /number/],
    ["lr zero", { ...example, lr: 0 }, "lr", /> 0/],
    ["steps negative", { ...example, steps: -5 }, "steps", /steps/],
    ["steps fractional", { ...example, steps: 10.5 }, "steps", /integer/],
    ["record points", { ...example, record: { points: 1 } }, "record.points", /\[2, /],
    ["record spacing", { ...example, record: { spacing: "cubic" } }, "record.spacing", /log/],
    ["record every too small", { ...example, steps: 1000, record: { points: 10, every: 1 } }, "record.every", /every ≥ 125/],
    ["seed negative", { ...example, seed: -1 }, "seed", /seed/],
    ["engine", { ...example, engine: "gpu" }, "engine", /wasm/],
    ["unknown top-level field", { ...example, rh0: 0.1 }, "rh0", /unknown field/],
  ];
  it.each(bad)("%s → names %s", (_label, spec, field, message) => {
    let err: unknown;
    try {
      parseSpec(spec);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).field).toBe(field);
    expect((err as SpecError).message).toMatch(message);
    expect((err as SpecError).message).not.toMatch(/\n/);
  });

  it("reports JSON syntax errors as a SpecError", () => {
    expect(() => parseSpecJson("{ version: 1")).toThrow(SpecError);
  });
});

describe("recordSchedule", () => {
  const rec = (points: number, spacing: "log" | "linear" = "log", every?: number) => ({ points, spacing, beta: "auto" as const, ...(every ? { every } : {}) });
  it.each([
    [0, rec(10)],
    [1, rec(10)],
    [5, rec(200)],
    [1e7, rec(200)],
    [1e12, rec(50)],
    [1000, rec(11, "linear")],
    [1000, rec(200, "log", 100)],
    [999, rec(200, "log", 100)],
  ])("steps=%d: strictly increasing, from 0 to the last step, at most the points asked", (steps, r) => {
    const s = Array.from(recordSchedule(steps, r));
    expect(s[0]).toBe(0);
    expect(s.at(-1)).toBe(steps);
    expect(s.length).toBeLessThanOrEqual(r.points);
    for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThan(s[i - 1]!);
    for (const v of s) expect(Number.isInteger(v)).toBe(true);
  });
  it("log spacing is dense early and sparse late; linear is even", () => {
    const log = Array.from(recordSchedule(1e6, rec(61)));
    expect(log.slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(log.length).toBeGreaterThan(45);
    expect(Array.from(recordSchedule(100, rec(11, "linear")))).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(Array.from(recordSchedule(1000, rec(200, "log", 300)))).toEqual([0, 300, 600, 900, 1000]);
  });
});
