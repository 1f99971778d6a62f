/**
 * Adversarial input, property-based with fast-check (the second part of the fuzzing suite, next to
 * fuzz.test.ts): data files as they arrive from disk (gzip, byte-order marks, floods of blank lines,
 * quoted newlines, huge indices, misspelt classes) through `loadDataset`; sweep paths built from
 * prototype segments; single edits anywhere in a checkpoint; crafted shard manifests. Each input is
 * accepted with a consistent value or refused with its one documented error type and a one-line
 * message — and, whatever happens, Object.prototype stays clean and no edited checkpoint is ever
 * accepted. Seeds: FC_SEED / FC_PATH as in fuzz.test.ts; stats go to test-artifacts/fuzz-files.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ManifestError, parseManifest, SWEEP_OUTPUT_FORMAT } from "@samlab/cli";
import { CheckpointError, DataError, SpecError, checkpointToJson, parseCheckpointJson, simulateStream, type SimulationState } from "@samlab/sim";
import { loadDataset } from "@samlab/sim/data";
import { SWEEP_LIMITS, SweepError, expandSweep, shardIndices } from "@samlab/sim/sweep";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;
const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : undefined;
const params = (numRuns: number) => ({ numRuns, ...(SEED !== undefined ? { seed: SEED, path: process.env.FC_PATH } : {}) });
const stats: Record<string, { runs: number; accepted: number; rejected: number; slowestMs: number }> = {};

type Allowed = (new (...a: never[]) => Error)[];

function tally(name: string, t0: number, ok: boolean): void {
  const s = (stats[name] ??= { runs: 0, accepted: 0, rejected: 0, slowestMs: 0 });
  s.runs++;
  if (ok) s.accepted++;
  else s.rejected++;
  s.slowestMs = Math.max(s.slowestMs, Math.round((performance.now() - t0) * 100) / 100);
}

/** An error must be one of `allowed`, with a one-line, non-empty message. */
function expectAllowed(name: string, e: unknown, allowed: Allowed): void {
  if (!allowed.some((C) => e instanceof C)) throw new Error(`${name}: unexpected ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
  const msg = (e as Error).message;
  expect(msg.length).toBeGreaterThan(0);
  expect(msg, "one line").not.toMatch(/\n/);
}

/** Runs `f`; it must return, or throw one of `allowed` with a one-line message. */
function clean<T>(name: string, f: () => T, allowed: Allowed): T | undefined {
  const t0 = performance.now();
  try {
    const v = f();
    tally(name, t0, true);
    return v;
  } catch (e) {
    tally(name, t0, false);
    expectAllowed(name, e, allowed);
    return undefined;
  }
}

async function cleanAsync<T>(name: string, f: () => Promise<T>, allowed: Allowed): Promise<T | undefined> {
  const t0 = performance.now();
  try {
    const v = await f();
    tally(name, t0, true);
    return v;
  } catch (e) {
    tally(name, t0, false);
    expectAllowed(name, e, allowed);
    return undefined;
  }
}

afterAll(() => {
  mkdirSync(join(ROOT, "test-artifacts"), { recursive: true });
  writeFileSync(join(ROOT, "test-artifacts/fuzz-files.json"), JSON.stringify({ seed: SEED ?? "random (fast-check prints it on failure)", properties: stats }, null, 2) + "\n");
});

const prototypeClean = () => {
  expect(Object.getOwnPropertyNames(Object.prototype).filter((k) => k === "polluted" || k === "x")).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
};

describe("fuzz: data files as they come from disk", () => {
  const enc = new TextEncoder();
  const line = fc.oneof(
    fc.constantFrom("1,2,a", "3,-1,b", "0.5,1e999,a", '"1\n2",3,a', '"x,y",1,b', "", "   ", "# comment", "\t1\t2\tb", "a,b,label", "1 7:1 40000000:2", "-1 1:0.5 2:1", "+1 3:1e-300"),
    fc.tuple(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.constantFrom("a", "b", "c", "0", "1")).map(([u, v, l]) => `${u},${v},${l}`),
  );
  const good = fc.tuple(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.constantFrom("a", "b")).map(([u, v, l]) => `${u},${v},${l}`);
  // mostly-good files too, so that the accepting paths (hash, class check, depth·d check) are explored
  const lines = fc.oneof(fc.array(line, { maxLength: 30 }), fc.array(good, { minLength: 2, maxLength: 30 }), fc.tuple(fc.array(good, { minLength: 2, maxLength: 20 }), line).map(([g, l]) => [...g, l]));
  const text = fc.tuple(lines, fc.constantFrom("\n", "\r\n"), fc.nat(3000)).map(([ls, eol, blanks]) => ls.join(eol) + eol.repeat(blanks));
  const file = fc.tuple(text, fc.boolean(), fc.boolean(), fc.constantFrom("csv", "csv", "libsvm") as fc.Arbitrary<"csv" | "libsvm">).map(([t, bom, gz, format]) => {
    const raw = enc.encode((bom ? "\ufeff" : "") + t);
    return { bytes: gz ? new Uint8Array(gzipSync(raw)) : raw, format };
  });
  const classes = fc.option(fc.constantFrom<[string, string]>(["a", "b"], ["a", "bb"], ["0", "1"], ["c", "a"], ["-1", "1"]), { nil: undefined });

  it("loadDataset: a data set consistent with its file, or a one-line DataError", async () => {
    await fc.assert(
      fc.asyncProperty(file, classes, fc.integer({ min: 1, max: 64 }), async (f, cls, depth) => {
        const open = async () => f.bytes;
        const ds = await cleanAsync("loadDataset(file)", () => loadDataset({ file: `fuzz.${f.format}`, format: f.format, separability: false, ...(cls ? { classes: cls } : {}) }, 1, { open, depth }), [DataError]);
        if (!ds) return;
        expect(ds.x.length).toBe(ds.n * ds.d);
        expect(ds.d * depth).toBeLessThanOrEqual(50_000_000);
        expect(ds.x.every(Number.isFinite)).toBe(true);
        expect(ds.info.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
        if (cls) expect(new Set(Array.from(ds.y))).toEqual(new Set([-1, 1]));
      }),
      params(800),
    );
  });
});

describe("fuzz: sweep paths never reach a prototype", () => {
  const segment = fc.constantFrom("__proto__", "constructor", "prototype", "data", "x", "init", "alpha", "rho", "record", "[0]", "[1]", '["__proto__"]', "polluted");
  const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.map((p, i) => (p.startsWith("[") || i === 0 ? p : `.${p}`)).join(""));
  const base = { version: 1, data: { x: [[1, 2]] }, steps: 1 };

  it("expandSweep on prototype-laden paths: a Sweep or a SweepError, and Object.prototype stays clean", () => {
    fc.assert(
      fc.property(path, fc.oneof(fc.constant(1), fc.constant({ polluted: 1 }), fc.jsonValue({ maxDepth: 2 })), fc.boolean(), (p, v, inGrid) => {
        clean("expandSweep(prototype path)", () => expandSweep(inGrid ? { version: 1, base, grid: { [p]: [v] } } : { version: 1, base, list: [{ [p]: v }] }), [SweepError, SpecError]);
        prototypeClean();
      }),
      params(1500),
    );
    // JSON text with "__proto__" keys anywhere (JSON.parse makes them own properties)
    fc.assert(
      fc.property(fc.constantFrom('{"__proto__":{"polluted":1}}', '{"data":{"__proto__":{"polluted":1}}}', '{"polluted":1}'), fc.constantFrom("base", "grid", "list"), (inner, where) => {
        const text =
          where === "base" ? `{"version":1,"base":${inner},"grid":{"rho":[1]}}` : where === "grid" ? `{"version":1,"base":${JSON.stringify(base)},"grid":{"rho":[${inner}]}}` : `{"version":1,"base":${JSON.stringify(base)},"list":[${inner}]}`;
        clean("expandSweep(__proto__ keys)", () => expandSweep(JSON.parse(text)), [SweepError, SpecError]);
        prototypeClean();
      }),
      params(200),
    );
  });
});

describe("fuzz: checkpoints are accepted only as written", () => {
  it("any single edit of any field is refused, unless it changes nothing", async () => {
    let state: SimulationState | undefined;
    for await (const _ of simulateStream({ version: 1, data: { x: [[1, 2, 3], [2, -1, 1]], y: [1, -1] }, depth: 2, algo: "sam-l2", steps: 3000 }, { checkpointEvery: 2000, onCheckpoint: (s) => void (state ??= s) }));
    const text = checkpointToJson(state!);
    const doc = JSON.parse(text) as Record<string, unknown>;
    // every leaf path of the document: edits anywhere, the integrity block included
    const leaves: (string | number)[][] = [];
    const walk = (v: unknown, p: (string | number)[]) => {
      if (typeof v === "object" && v !== null) for (const [k, c] of Object.entries(v)) walk(c, [...p, Array.isArray(v) ? Number(k) : k]);
      else leaves.push(p);
    };
    walk(doc, []);
    const value = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -0, 1, 0.05, 0.01, 2000, "-0", "NaN", "sha256:" + "0".repeat(64), "", null, true), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.nat(leaves.length - 1), value, (i, v) => {
        const d = structuredClone(doc);
        const p = leaves[i]!;
        let o = d as Record<string | number, unknown>;
        for (const k of p.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
        o[p.at(-1)!] = v;
        const edited = JSON.stringify(d);
        const back = parseCheckpointOrNothing(edited);
        // accepted only if the edit left the written state as it was (e.g. 0.05 written over 0.05)
        if (back) expect(checkpointToJson(back)).toBe(text);
      }),
      params(2000),
    );
  });
});

function parseCheckpointOrNothing(text: string): SimulationState | undefined {
  return clean("parseCheckpointJson(single edit)", () => parseCheckpointJson(text), [CheckpointError]);
}

describe("fuzz: shard manifests (sweep.json) are validated like specs", () => {
  const good = {
    format: SWEEP_OUTPUT_FORMAT,
    sweep: { version: 1 },
    hash: "sha256:" + "ab".repeat(32),
    totalRuns: 10,
    keys: ["rho"],
    shard: { index: 1, count: 3 },
    runs: 3,
    complete: true,
    results: true,
    status: { finished: 3 },
    timing: { startedAt: "2026-01-01T00:00:00.000Z", wallMs: 5, workers: 2, runMsTotal: 4 },
    samlab: { version: "0.3.0", node: "v22" },
  };
  const fields = ["format", "hash", "totalRuns", "keys", "shard", "shard.index", "shard.count", "runs", "complete", "results", "status", "timing", "timing.wallMs", "timing.workers", "samlab"];
  const nasty = fc.oneof(fc.constantFrom(0, -1, 1, 2, 3e8, 1e308, 2 ** 53, 0.5, null, true, "", "x", [], {}, { index: 0, count: 0 }, { index: 5, count: 3 }), fc.double(), fc.integer(), fc.jsonValue({ maxDepth: 3 }));

  it("a manifest or a one-line ManifestError; an accepted one is bounded (its shard iterates within the run cap)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...fields), nasty), { maxLength: 3 }), (edits) => {
        const m = structuredClone(good) as Record<string, unknown>;
        for (const [f, v] of edits) {
          const [a, b] = f.split(".") as [string, string?];
          if (b === undefined) m[a] = structuredClone(v);
          else if (typeof m[a] === "object" && m[a] !== null) (m[a] as Record<string, unknown>)[b] = structuredClone(v);
        }
        const parsed = expectManifest(m);
        if (!parsed) return;
        expect(parsed.totalRuns).toBeLessThanOrEqual(SWEEP_LIMITS.maxRuns);
        const shard = parsed.shard ?? { index: 0, count: 1 };
        expect(shardIndices(parsed.totalRuns, shard).length).toBeLessThanOrEqual(parsed.totalRuns);
      }),
      params(2000),
    );
  });
});

function expectManifest(m: unknown) {
  return clean("parseManifest(edited)", () => parseManifest(m, SWEEP_LIMITS.maxRuns), [ManifestError]);
}
