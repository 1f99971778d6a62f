/**
 * Adversarial input, property-based with fast-check: random and crafted inputs to the
 * spec validator, the CLI's flag parser, the web page's URL state, the checkpoint and sweep
 * loaders and the data loaders (CSV, LIBSVM, IDX) never crash, hang or allocate without bound —
 * each either returns a valid value or throws its one documented error type with a one-line
 * message; size limits answer with a clear error (a hang fails by the test timeout). Then crafted
 * bad inputs through the built CLI: exit 2 and one line on stderr. Run counts and the time of the
 * slowest call go to test-artifacts/fuzz.json as a report (speed is measured there, not asserted).
 *
 * Seeds: fast-check picks a random seed per run and prints it on failure; re-run a failure with
 * FC_SEED=<seed> (and FC_PATH) to replay it. `.ci/run` sets FC_SEED from the commit, so CI on a
 * given commit always fuzzes the same inputs.
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, ftruncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliError, specFromOptions, SPEC_FLAGS } from "@samlab/cli";
import {
  CheckpointError,
  DataError,
  LIMITS,
  SpecError,
  checkpointToJson,
  parseCheckpointJson,
  parseSpec,
  parseSpecJson,
  simulateStream,
  type SimulationState,
} from "@samlab/sim";
import { parseCsv, parseIdx, parseLibsvm } from "@samlab/sim/data";
import { SweepError, expandSweep } from "@samlab/sim/sweep";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { WEB_LIMITS, acceptSpecText, loadFromQuery } from "../packages/web/src/state/spec-state.js";
import { launchChromium } from "./web/browser.js";
import { serveStatic } from "./web/server.js";

const ROOT = new URL("..", import.meta.url).pathname;
const CLI = join(ROOT, "packages/cli/dist/cli.js");
const tmp = mkdtempSync(join(tmpdir(), "samlab-fuzz-"));
const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : undefined;
const PATH = process.env.FC_PATH;
const stats: Record<string, { runs: number; slowestMs: number; accepted: number; rejected: number }> = {};
/** Milliseconds each crafted oversized spec took to be refused. */
const crafted: Record<string, number> = {};

function record(name: string, ms: number, ok: boolean): void {
  const s = (stats[name] ??= { runs: 0, slowestMs: 0, accepted: 0, rejected: 0 });
  s.runs++;
  s.slowestMs = Math.max(s.slowestMs, Math.round(ms * 100) / 100);
  if (ok) s.accepted++;
  else s.rejected++;
}

/** Runs `f`; it must return, or throw one of `allowed` with a one-line, non-empty message. */
function expectClean<T>(name: string, f: () => T, allowed: (new (...a: never[]) => Error)[]): T | undefined {
  const t0 = performance.now();
  try {
    const v = f();
    record(name, performance.now() - t0, true);
    return v;
  } catch (e) {
    record(name, performance.now() - t0, false);
    if (!allowed.some((C) => e instanceof C)) throw new Error(`${name}: unexpected ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
    const msg = (e as Error).message;
    expect(msg.length).toBeGreaterThan(0);
    expect(msg, "one line").not.toMatch(/\n/);
    expect(msg.length).toBeLessThan(1000);
    return undefined;
  }
}

async function expectCleanAsync<T>(name: string, f: () => Promise<T>, allowed: (new (...a: never[]) => Error)[]): Promise<T | undefined> {
  const t0 = performance.now();
  try {
    const v = await f();
    record(name, performance.now() - t0, true);
    return v;
  } catch (e) {
    record(name, performance.now() - t0, false);
    if (!allowed.some((C) => e instanceof C)) throw new Error(`${name}: unexpected ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
    expect((e as Error).message).not.toMatch(/\n/);
    return undefined;
  }
}

const params = (numRuns: number) => ({ numRuns, ...(SEED !== undefined ? { seed: SEED, path: PATH } : {}) });

afterAll(() => {
  mkdirSync(join(ROOT, "test-artifacts"), { recursive: true });
  writeFileSync(join(ROOT, "test-artifacts/fuzz.json"), JSON.stringify({ seed: SEED ?? "random (fast-check prints it on failure)", properties: stats, craftedOversizedSpecsMs: crafted }, null, 2) + "\n");
});

// ---------------------------------------------------------------- generators

const BASE = { version: 1, data: { x: [[1, 2, 3], [2, -1, 1]], y: [1, -1] }, depth: 2, algo: "sam-l2", rho: 0.05, lr: 0.01, steps: 1000, init: { alpha: 0.1 }, record: { points: 50 } };
const PATHS = [
  "version", "name", "data", "data.x", "data.x.0", "data.x.0.1", "data.y", "data.y.0", "data.generator", "data.d", "data.n", "data.k", "data.seed", "data.file", "data.source",
  "depth", "init", "init.alpha", "init.values", "init.random", "init.seed", "loss", "algo", "rho", "lr", "steps", "record", "record.points", "record.every", "record.spacing",
  "record.beta", "seed", "engine", "mode", "lrSchedule", "flow", "tMax", "tMin", "timeScale", "rtol", "atol", "maxSteps", "precision", "unknownField",
];

/** Values that tend to break validators: extremes, wrong types, near-miss enums, long and odd strings, nested junk. */
const nasty = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 2, 0.5, 1e-320, 5e-324, 1e15, 1e16, 2 ** 31, 2 ** 32, 2 ** 53, 1e308, -1e308, Number.MAX_VALUE, Infinity, -Infinity, NaN),
  fc.constantFrom("", " ", "gd", "GD", "sam-l2 ", "flow", "discrete", "wasm", "reference", "log", "linear", "auto", "single", "gaussian-sparse", "__proto__", "constructor", "1e5", "NaN", "<script>alert(1)</script>", "\u0000", "\ud800"),
  fc.constantFrom(null, true, false, [], {}, [[]], [[1]], [[1, 2], [3]], { alpha: 1 }, { values: [[1]] }, { random: "gaussian", alpha: 1 }, { generator: "single", d: 3 }),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 300 }),
  fc.array(fc.double(), { maxLength: 40 }),
  fc.array(fc.array(fc.oneof(fc.double(), fc.integer({ min: -3, max: 3 })), { maxLength: 8 }), { maxLength: 8 }),
  fc.jsonValue({ maxDepth: 4 }),
);

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let o: Record<string, unknown> = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof o[p] !== "object" || o[p] === null) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts.at(-1)!] = value;
}

const mutatedSpec = fc.array(fc.tuple(fc.constantFrom(...PATHS), nasty), { minLength: 1, maxLength: 4 }).map((edits) => {
  const s = structuredClone(BASE) as Record<string, unknown>;
  // Clone each value: fc.constantFrom hands out the same object every time, and setPath
  // writes into it, so without the clone the constants mutate (and can become cyclic) across runs.
  for (const [p, v] of edits) setPath(s, p, structuredClone(v));
  return s;
});

// ---------------------------------------------------------------- the spec validator

describe("fuzz: spec validator (parseSpec, parseSpecJson)", () => {
  it("random JSON values: a Spec or a one-line SpecError, nothing else", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        expectClean("parseSpec(random JSON)", () => parseSpec(v), [SpecError]);
      }),
      params(1500),
    );
  });

  it("any JS value (maps, typed arrays, sparse arrays, null prototypes, boxed values)", () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withBigInt: true, withDate: true }), (v) => {
        expectClean("parseSpec(any JS value)", () => parseSpec(v), [SpecError]);
        expectClean("parseSpec({version:1, data: any})", () => parseSpec({ version: 1, data: v }), [SpecError]);
      }),
      params(800),
    );
  });

  it("valid specs with 1–4 fields replaced by hostile values; what passes re-parses to the same JSON", () => {
    fc.assert(
      fc.property(mutatedSpec, (s) => {
        const spec = expectClean("parseSpec(mutated spec)", () => parseSpec(s), [SpecError]);
        if (spec) {
          expect(JSON.stringify(parseSpec(JSON.parse(JSON.stringify(spec))))).toBe(JSON.stringify(spec));
          expect(spec.steps).toBeLessThanOrEqual(LIMITS.maxSteps);
        }
      }),
      params(3000),
    );
  });

  it("random text and corrupted spec JSON", () => {
    const good = JSON.stringify(BASE);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 500 }), fc.string({ unit: "binary", maxLength: 200 }), fc.tuple(fc.nat(good.length), fc.nat(good.length), fc.string({ maxLength: 5 })).map(([a, b, ins]) => good.slice(0, Math.min(a, b)) + ins + good.slice(Math.max(a, b)))), (text) => {
        expectClean("parseSpecJson(text)", () => parseSpecJson(text), [SpecError]);
      }),
      params(2000),
    );
  });

  it("crafted oversized inputs are refused with the limit in the message", () => {
    const cases: [string, unknown, RegExp][] = [
      ["a sparse data.x of length 2³²−1", { version: 1, data: { x: new Array(2 ** 32 - 1) } }, /^data\.x: expected at most 1000000 examples, got 4294967295$/],
      ["10⁷ (shared) empty rows", { version: 1, data: { x: new Array(1e7).fill([]) } }, /^data\.x: expected at most 1000000 examples/],
      ["one row of 2·10⁶ numbers", { version: 1, data: { x: [new Array(2e6).fill(1)] } }, /^data\.x\[0\]: expected at most 1000000 coordinates, got 2000000$/],
      ["10⁶ × 60 matrix (6·10⁷ cells, one shared row)", { version: 1, data: { x: new Array(1e6).fill(new Array(60).fill(1)) } }, /^data\.x: expected at most 50000000 numbers in all$/],
      ["a sparse init.alpha of length 10⁹", { version: 1, data: { x: [[1, 2]] }, init: { alpha: new Array(1e9) } }, /^init\.alpha: expected at most 1000000 numbers, got 1000000000$/],
      ["init.values with 10⁸ rows", { version: 1, data: { x: [[1, 2]] }, init: { values: new Array(1e8) } }, /^init\.values: expected at most 64 rows/],
      ["a sparse data.y of length 2³²−1", { version: 1, data: { x: [[1, 2]], y: new Array(2 ** 32 - 1) } }, /^data\.y: expected at most 1000000 labels/],
      ["gaussian-sparse n = d = 10⁶", { version: 1, data: { generator: "gaussian-sparse", n: 1e6, d: 1e6 } }, /^data: expected at most 50000000 numbers \(n·d\)/],
      ["steps = 1e300", { version: 1, data: { x: [[1]] }, steps: 1e300 }, /^steps: expected an integer number of steps in \[0, 1e15\]/],
      ["depth 10⁶", { version: 1, data: { x: [[1]] }, depth: 1e6 }, /^depth: expected an integer depth L in \[1, 64\], at most 64 \(got 1000000\)$/],
      ["a 10⁷-character name", { version: 1, name: "x".repeat(1e7), data: { x: [[1]] } }, /^name: expected at most 200 characters$/],
      ["record.points 10⁹", { version: 1, data: { x: [[1]] }, record: { points: 1e9 } }, /^record\.points: expected an integer number of points in \[2, 1000000\]/],
    ];
    for (const [what, input, re] of cases) {
      const t0 = performance.now();
      let err: unknown;
      try {
        parseSpec(input);
      } catch (e) {
        err = e;
      }
      const ms = performance.now() - t0;
      expect(err, what).toBeInstanceOf(SpecError);
      expect((err as Error).message, what).toMatch(re);
      crafted[what] = Math.round(ms * 10) / 10;
    }
    // deeply nested JSON text: a SpecError, not a stack overflow
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    expect(() => parseSpecJson(deep)).toThrow(SpecError);
    expect(() => parseSpecJson(`{"version":1,"data":${"[".repeat(100_000)}${"]".repeat(100_000)}}`)).toThrow(SpecError);
  });
});

// ---------------------------------------------------------------- the CLI flag parser

describe("fuzz: CLI flags (specFromOptions, then parseSpec)", () => {
  const keys = SPEC_FLAGS.map((f) => f.key);
  const flagText = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.constantFrom("1", "0", "-1", "1e6", "1e400", "NaN", "Infinity", "0x10", "1,2", "1,2;3,4", "1;;2", ";", ",", "1,,2", "|", "1|2,3", " 3 ", "gd", "sam-l2", "single", "gaussian-sparse", "-0", "1e-400"),
    fc.array(fc.double({ noNaN: false }), { maxLength: 6 }).map((a) => a.join(",")),
  );
  it("random values for random flags: a spec, a CliError or a SpecError; never anything else", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), flagText, { maxKeys: 6 }), (opts) => {
        const out = expectClean("specFromOptions(random flags)", () => specFromOptions(opts), [CliError, SpecError]);
        if (out) expectClean("parseSpec(spec from flags)", () => parseSpec(out.spec), [SpecError]);
      }),
      params(3000),
    );
  });
});

// ---------------------------------------------------------------- the web page's URL state

describe("fuzz: web URL state (packages/web/src/state/spec-state.ts)", () => {
  const check = (search: string) => {
    const t0 = performance.now();
    const loaded = loadFromQuery(search); // never throws: a bad link falls back to a preset with a message
    record("loadFromQuery", performance.now() - t0, loaded.error === undefined);
    // whatever was loaded is a valid spec within the web caps
    const s = parseSpec(loaded.spec);
    expect(s.record.points).toBeLessThanOrEqual(WEB_LIMITS.maxPoints);
    expect(s.depth).toBeLessThanOrEqual(WEB_LIMITS.maxDepth);
    if (s.mode !== "flow") expect(s.steps).toBeLessThanOrEqual(WEB_LIMITS.maxSteps);
    for (const m of loaded.messages) expect(m).not.toMatch(/\n/);
    if (loaded.error) expect(loaded.messages[0]).toMatch(/^(Link not loaded: |preset: )/);
  };
  it("random query strings, random ?spec= text and hostile specs never throw and always load a capped spec", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ maxLength: 300 }).map((s) => `?spec=${s}`),
          fc.string({ maxLength: 300 }).map((s) => `?spec=${encodeURIComponent(s)}`),
          fc.jsonValue({ maxDepth: 5 }).map((v) => `?spec=${encodeURIComponent(JSON.stringify(v))}`),
          mutatedSpec.map((s) => `?spec=${encodeURIComponent(JSON.stringify(s))}`),
          fc.string({ maxLength: 40 }).map((s) => `?preset=${encodeURIComponent(s)}`),
          fc.constantFrom("?spec=%", "?spec=%E0%A4%A", "?spec=&spec=", "?spec=null", "?spec=1e999", "?preset=__proto__", "?preset=constructor", "?spec=%7B%22__proto__%22%3A%7B%7D%7D"),
        ),
        check,
      ),
      params(2500),
    );
  });
  it("crafted huge links are refused with the cap in the message", () => {
    const huge = `?spec=${encodeURIComponent(JSON.stringify({ version: 1, data: { x: Array.from({ length: 30_000 }, () => [1, 2]) } }))}`;
    check(huge);
    expect(loadFromQuery(huge).messages[0]).toMatch(/expected at most 100000 characters/);
    const big = { version: 1, data: { generator: "gaussian-sparse", n: 1e6, d: 50 }, steps: 1e15, record: { points: 1e6 }, depth: 64 };
    check(`?spec=${encodeURIComponent(JSON.stringify(big))}`);
    const clamped = acceptSpecText(JSON.stringify(big));
    expect(clamped.messages.join("\n")).toMatch(/data\.n: 1e6 is above the web cap/);
    expect(clamped.spec.steps * (clamped.spec.depth + 1)).toBeLessThan(1e12);
  });
});

describe("fuzz: the explorer page itself, on random hostile links", () => {
  it("never throws, never injects markup, stays responsive, shows at most a one-line message", async () => {
    const samples = fc.sample(
      fc.oneof(
        mutatedSpec.map((s) => JSON.stringify(s)),
        fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 200 }),
        mutatedSpec.map((s) => JSON.stringify({ ...s, name: `<img src=x onerror="window.__pwned=1">${(s as { name?: unknown }).name ?? ""}` })),
      ),
      { numRuns: 10, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
    const server = await serveStatic(join(ROOT, "packages/web/dist"));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      for (const text of [JSON.stringify(BASE), ...samples]) {
        const t0 = performance.now();
        await page.goto(`${server.url}/?spec=${encodeURIComponent(text)}`);
        await page.waitForFunction(() => window.samlab?.explorers?.[0]?.state && window.samlab.explorers[0].state !== "loading", null, { timeout: 30_000 });
        const seen = await page.evaluate(() => {
          const root = document.querySelector("samlab-explorer")!.shadowRoot!;
          const msg = root.querySelector(".msg");
          return { img: document.querySelectorAll("img").length + root.querySelectorAll("img").length, pwned: (window as unknown as { __pwned?: number }).__pwned ?? null, msg: msg?.textContent ?? "" };
        });
        const st = (stats["explorer page (load to settled)"] ??= { runs: 0, slowestMs: 0, accepted: 0, rejected: 0 });
        st.runs++;
        st.slowestMs = Math.max(st.slowestMs, Math.round(performance.now() - t0));
        if (seen.msg.startsWith("Link not loaded")) st.rejected++;
        else st.accepted++;
        expect(seen.msg, "one line").not.toMatch(/\n/);
        expect(seen.img, text).toBe(0);
        expect(seen.pwned, text).toBeNull();
        await expect(page.evaluate(() => 1), "the tab still answers").resolves.toBe(1);
      }
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});

// ---------------------------------------------------------------- checkpoint and sweep loaders

describe("fuzz: checkpoint and sweep loaders", () => {
  let text = "";
  it("corrupted checkpoints: a state or a one-line CheckpointError", async () => {
    let state: SimulationState | undefined;
    for await (const _ of simulateStream({ version: 1, data: { x: [[1, 2, 3]] }, depth: 2, algo: "sam-l2", steps: 3000 }, { checkpointEvery: 1000, onCheckpoint: (s) => void (state ??= s) }));
    text = checkpointToJson(state!);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(fc.nat(text.length), fc.nat(text.length), fc.string({ maxLength: 8 })).map(([a, b, ins]) => text.slice(0, Math.min(a, b)) + ins + text.slice(Math.max(a, b))),
          fc.nat(text.length).map((k) => text.slice(0, k)),
          fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
          fc.tuple(fc.constantFrom("format", "spec", "engine", "step", "t", "clock", "hyper", "w", "records", "timing", "every"), nasty).map(([k, v]) => JSON.stringify({ ...JSON.parse(text), [k]: v })),
        ),
        (t) => {
          const s = expectClean("parseCheckpointJson(corrupted)", () => parseCheckpointJson(t), [CheckpointError]);
          if (s) expect(s.w.every(Number.isFinite)).toBe(true);
        },
      ),
      params(2500),
    );
  });

  it("random sweep files: a Sweep or a one-line SweepError", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 5 }),
          fc.record({ version: fc.constant(1), base: mutatedSpec, grid: fc.dictionary(fc.constantFrom(...PATHS), fc.array(nasty, { maxLength: 4 }), { maxKeys: 3 }) }),
          fc.record({ version: fc.constant(1), base: fc.constant(BASE), list: fc.array(fc.dictionary(fc.constantFrom(...PATHS), nasty, { maxKeys: 3 }), { maxLength: 4 }) }),
        ),
        (v) => {
          expectClean("expandSweep(random)", () => expandSweep(v), [SweepError, SpecError]);
        },
      ),
      params(1500),
    );
  });
});

// ---------------------------------------------------------------- data loaders

describe("fuzz: data loaders (CSV, LIBSVM, IDX)", () => {
  const enc = new TextEncoder();
  const csvish = fc
    .array(fc.array(fc.oneof(fc.double().map(String), fc.integer({ min: -2, max: 2 }).map(String), fc.constantFrom("", "a", '"', '"x,y"', "NaN", "inf", "1e999", "label", "0", "1", "-1", " ", "\t")), { maxLength: 6 }), { maxLength: 12 })
    .chain((rows) => fc.tuple(fc.constantFrom(",", "\t", ";", " "), fc.constantFrom("\n", "\r\n", "\r")).map(([sep, eol]) => rows.map((r) => r.join(sep)).join(eol)));
  const libsvmish = fc
    .array(fc.tuple(fc.constantFrom("+1", "-1", "0", "1", "2", "x", ""), fc.array(fc.tuple(fc.integer({ min: -2, max: 2 ** 31 }), fc.oneof(fc.double().map(String), fc.constantFrom("", "1", "nan", "1e400"))), { maxLength: 5 })), { maxLength: 10 })
    .map((rows) => rows.map(([y, f]) => [y, ...f.map(([i, v]) => `${i}:${v}`)].join(" ")).join("\n"));
  // well-formed files too, so that the accepting paths are explored (and their output checked)
  const num = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
  const goodLibsvm = fc
    .array(fc.tuple(fc.constantFrom("+1", "-1"), fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 4 }), fc.array(num, { minLength: 4, maxLength: 4 })), { minLength: 2, maxLength: 10 })
    .map((rows) => rows.map(([y, idx, v]) => [y, ...[...idx].sort((a, b) => a - b).map((i, k) => `${i}:${v[k]}`)].join(" ")).join("\n") + "\n");
  const goodCsv = fc
    .tuple(fc.integer({ min: 1, max: 4 }), fc.array(fc.tuple(fc.constantFrom("0", "1"), fc.array(num, { minLength: 4, maxLength: 4 })), { minLength: 2, maxLength: 10 }))
    .map(([d, rows]) => ["a,b,c,d".split(",").slice(0, d).join(",") + ",label", ...rows.map(([y, v]) => [...v.slice(0, d), y].join(","))].join("\n"));
  const bytes = fc.oneof(fc.uint8Array({ maxLength: 400 }), csvish.map((s) => enc.encode(s)), libsvmish.map((s) => enc.encode(s)), goodLibsvm.map((s) => enc.encode(s)), goodCsv.map((s) => enc.encode(s)));
  const idxHeader = fc
    .tuple(fc.constantFrom(0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x07), fc.integer({ min: 0, max: 4 }), fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(0x7fffffff, 0xffffffff, 1e6)), { minLength: 4, maxLength: 4 }), fc.uint8Array({ maxLength: 200 }))
    .map(([type, dims, sizes, body]) => {
      const head = new Uint8Array(4 + 4 * dims);
      const view = new DataView(head.buffer);
      view.setUint8(2, type);
      view.setUint8(3, dims);
      for (let k = 0; k < dims; k++) view.setUint32(4 + 4 * k, sizes[k]! >>> 0);
      const out = new Uint8Array(head.length + body.length);
      out.set(head);
      out.set(body, head.length);
      return out;
    });

  it("random and crafted bytes: a table or a one-line DataError", async () => {
    await fc.assert(
      fc.asyncProperty(bytes, fc.record({ label: fc.option(fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -3, max: 3 })), { nil: undefined }), header: fc.option(fc.constantFrom(true, false, "auto" as const), { nil: undefined }) }), async (b, o) => {
        const tables = [
          await expectCleanAsync("parseCsv", () => parseCsv(b, "fuzz.csv", { ...(o.label !== undefined ? { label: o.label } : {}), ...(o.header !== undefined ? { header: o.header } : {}), maxCells: 1e5 }), [DataError]),
          await expectCleanAsync("parseLibsvm", () => parseLibsvm(b, "fuzz.libsvm", { maxCells: 1e5 }), [DataError]),
        ];
        for (const t of tables) {
          if (!t) continue;
          expect(t.x.length).toBe(t.n * t.d);
          expect(t.labels.length).toBe(t.n);
          expect(t.x.every(Number.isFinite)).toBe(true);
        }
      }),
      params(1200),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(idxHeader, fc.uint8Array({ maxLength: 100 })), async (b) => {
        await expectCleanAsync("parseIdx", () => parseIdx(b, "fuzz-idx3-ubyte", { maxCells: 1e5 }), [DataError]);
      }),
      params(1500),
    );
  });
});

// ---------------------------------------------------------------- crafted bad input through the built CLI

describe("crafted bad input through the built CLI", () => {
  const cli = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", input, cwd: tmp, env: { ...process.env, NO_COLOR: "1", SAMLAB_DEBUG: "" }, timeout: 60_000 });
  it("exit 2, one line on stderr, nothing on stdout", () => {
    // a 300 MB (sparse) spec file is refused by its size, before it is read
    const big = join(tmp, "big.json");
    const fd = openSync(big, "w");
    ftruncateSync(fd, 300 * 1024 * 1024);
    closeSync(fd);
    writeFileSync(join(tmp, "deep.json"), "[".repeat(500_000));
    writeFileSync(join(tmp, "nul.json"), "\u0000\u0001{}");
    const cases: [string[], string | undefined, RegExp][] = [
      [["run", "--spec", "big.json"], undefined, /^samlab: spec big\.json is larger than 256 MiB/],
      [["run", "--spec", "deep.json"], undefined, /^samlab: deep\.json: invalid JSON/],
      [["run", "--spec", "nul.json"], undefined, /^samlab: nul\.json: invalid JSON/],
      [["run", "--spec", "-"], "{\"version\":1,\"data\":{\"x\":[[1,2]]},\"steps\":1e400}", /^samlab: invalid spec: steps: expected a finite number, got a number literal too large for a double/],
      [["run", "--spec", "-"], "", /^samlab: stdin: invalid JSON/],
      [["run", "--spec", "-"], "[]", /^samlab: -: expected a JSON object|^samlab: invalid spec: spec: expected a JSON object/],
      [["run", "--x", "1,2;3"], undefined, /^samlab: invalid spec: --x \(spec field data\.x\[1\]\): expected 2 numbers like data\.x\[0\], got 1$/],
      [["run", "--x", "1,abc"], undefined, /^samlab: --x: expected a number, got "abc"$/],
      [["run", "--steps", "1e16"], undefined, /^samlab: invalid spec: --steps \(spec field steps\)/],
      [["run", "--lr", "Infinity"], undefined, /^samlab: --lr: expected a number/],
      [["run", "--depth", "0.5"], undefined, /^samlab: invalid spec: --depth/],
      [["run", "--gen", "<img src=x>"], undefined, /^samlab: invalid spec: --gen \(spec field data\.generator\)/],
      [["run", "--algo", "sam"], undefined, /^samlab: invalid spec: --algo \(spec field algo\): expected one of/],
      [["run", "--out", "r.txt"], undefined, /^samlab: --out r\.txt: expected a file name ending in \.json/],
      [["run", "--stream", "s.xml"], undefined, /^samlab: --stream s\.xml: expected a file name ending in \.jsonl/],
      [["run", "--nope"], undefined, /^samlab: unknown option '--nope'/],
      [["run", "--spec", "-"], JSON.stringify({ version: 1, data: { x: [[1]] }, "a\u001b[31m\nb": 1 }), /^samlab: invalid spec: a\\u001b\[31m\\u000ab: unknown field \(check its spelling\)$/],
      [["resume", "big.json"], undefined, /^samlab: checkpoint big\.json is larger than 256 MiB/],
      [["resume", "-"], "{\"format\":\"samlab.checkpoint/1\"}", /^samlab: invalid checkpoint stdin: spec: /],
      [["sweep", "deep.json", "--out", "o"], undefined, /^samlab: /],
    ];
    for (const [args, input, re] of cases) {
      const p = cli(args, input);
      const what = args.join(" ");
      expect(p.status, `${what}: ${p.stderr}`).toBe(2);
      expect(p.stderr.trimEnd(), what).toMatch(re);
      // one error line (commander may add "(Did you mean …?)" and "(run with --help for usage)" hints)
      expect(p.stderr.trimEnd().split("\n").filter((l) => !l.startsWith("(")), what).toHaveLength(1);
      expect(p.stdout, what).toBe("");
    }
  });
});
