/**
 * Crafted and careless input through the public API: data files that would allocate without bound
 * or cost minutes (a huge LIBSVM index, a gzip of blank lines, depth·d past the cap, a record buffer
 * past a WebAssembly memory), a misspelt class, specs without data or nested 10⁵ deep, sweeps that
 * write into Object.prototype or expand to gigabytes, and edited checkpoints. Each is refused with
 * its one documented error type and a message naming the cause.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { CheckpointError, DataError, LIMITS, SpecError, checkpointToJson, createSimulation, parseCheckpointJson, parseSpec, resume, simulateStream, type SimulationState } from "@samlab/sim";
import { loadDataset, parseCsv, parseIdx, parseLibsvm } from "@samlab/sim/data";
import { Sha256, sha256 } from "@samlab/sim/math";
import { SweepError, expandSweep, shardIndices } from "@samlab/sim/sweep";
import { describe, expect, it } from "vitest";

const tmp = mkdtempSync(join(tmpdir(), "samlab-input-"));
const enc = (s: string) => new TextEncoder().encode(s);

describe("SHA-256 (the content hash of checkpoints and data files)", () => {
  it("equals node:crypto's on lengths around every block boundary, whole and in pieces", () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 65_537]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 255);
      const want = createHash("sha256").update(bytes).digest("hex");
      expect(sha256(bytes)).toBe(`sha256:${want}`);
      const h = new Sha256();
      for (let i = 0; i < n; i += 37) h.update(bytes.subarray(i, i + 37));
      expect(h.hex()).toBe(want);
    }
    expect(sha256("é")).toBe(`sha256:${createHash("sha256").update("é", "utf8").digest("hex")}`);
  });
});

describe("data loaders: caps before allocating, early stops, causes named", () => {
  it("a 15-byte LIBSVM line with a huge feature index is refused before anything is sized by it", async () => {
    await expect(parseLibsvm(enc("1 40000000:1\n"), "big.libsvm")).rejects.toThrow(DataError);
    await expect(parseLibsvm(enc("1 40000000:1\n"), "big.libsvm")).rejects.toThrow(/line 1: index 40000000 is above the largest dimension allowed, d ≤ 1000000/);
  });

  it("a CSV wider than d ≤ 10⁶ and an IDX header declaring 2·10⁶-number records are refused", async () => {
    const wide = Array.from({ length: 1_000_002 }, () => "0").join(",") + "\n";
    await expect(parseCsv(enc(wide), "wide.csv")).rejects.toThrow(/1000001 features .*more than the 1000000 allowed/);
    const header = new Uint8Array(16);
    new DataView(header.buffer).setUint32(0, 0x00000803);
    new DataView(header.buffer).setUint32(4, 1);
    new DataView(header.buffer).setUint32(8, 2000);
    new DataView(header.buffer).setUint32(12, 1000);
    await expect(parseIdx(header, "big.idx")).rejects.toThrow(/records of 2000000 numbers .*d ≤ 1000000/);
  });

  it("depth·d past the cap with a data file is refused once d is known, before the engine allocates", async () => {
    const file = join(tmp, "wide.libsvm");
    writeFileSync(file, "1 1000000:1\n-1 1:1\n");
    const spec = { version: 1, data: { file, separability: false }, depth: 64, steps: 1 };
    await expect(createSimulation(spec)).rejects.toThrow(/depth·d = 64000000 is more than the 50000000 allowed/);
  });

  it("a record buffer past the cap is a spec error naming record.points, not an engine abort", async () => {
    const spec = { version: 1, data: { generator: "single", d: 2048 }, steps: 2_000_000, record: { points: 1_000_000, spacing: "linear" } };
    const err = await createSimulation(spec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).field).toBe("record.points");
    expect((err as SpecError).message).toMatch(/record fewer points or set record\.beta false/);
  });

  it("a gzip of blank lines stops at the line cap; a gzip bomb stops at the decompressed-size cap", async () => {
    const blank = gzipSync(Buffer.alloc(10_000_001, 10));
    expect(blank.length).toBeLessThan(100_000);
    await expect(parseCsv(blank, "blank.csv.gz")).rejects.toThrow(/blank\.csv\.gz: line 10000001: more than 10000000 lines/);
    const bomb = gzipSync(Buffer.alloc(50_000_000, 48));
    await expect(parseCsv(bomb, "bomb.csv.gz", { maxBytes: 1_000_000 })).rejects.toThrow(/bomb\.csv\.gz: byte 1000000: more than 1000000 bytes of data after decompression \(a gzip bomb\?\)/);
  });

  it("a misspelt class is named, with the labels there are, instead of training on one class", async () => {
    const csv = "x,label\n1,setosa\n2,versicolor\n3,virginica\n";
    const open = async () => enc(csv);
    const load = (classes: [string, string]) => loadDataset({ file: "iris.csv", format: "csv", classes, separability: false }, 1, { open });
    await expect(load(["setosa", "versicolr"])).rejects.toThrow('iris.csv: no row has label "versicolr" (one of "classes"); the labels are: "setosa", "versicolor", "virginica"');
    const ok = await load(["setosa", "versicolor"]);
    expect(Array.from(ok.y)).toEqual([-1, 1]);
  });

  it("an overflowing literal (1e999) and a quoted newline are named as such", async () => {
    await expect(parseCsv(enc("a,label\n1e999,1\n"), "inf.csv")).rejects.toThrow(/line 2, field 1: expected a finite number \("a"\), got 1e999: too large for a double/);
    await expect(parseCsv(enc('a,b,label\n"1\n2",3,1\n'), "q.csv")).rejects.toThrow(/line 2: a quoted field \(field 1\) is still open at the end of the line/);
  });
});

describe("specs", () => {
  it("data is required; a 10⁵-deep value is a SpecError; 1e999 and a too-large d name the cause", () => {
    expect(() => parseSpec({ version: 1, steps: 10 })).toThrow(/^data: required/);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(() => parseSpec({ version: 1, data: { x: [[1]] }, name: deep })).toThrow(SpecError);
    expect(() => parseSpec({ version: 1, data: { x: [[1]] }, name: deep })).toThrow(/nested more than 64 levels deep/);
    expect(() => parseSpec({ version: 1, data: { x: [[1, Infinity]] } })).toThrow(/^data\.x\[0\]\[1\]: expected a finite number, got a number literal too large for a double/);
    expect(() => parseSpec({ version: 1, data: { generator: "single", d: 2e6 } })).toThrow(/^data\.d: expected an integer dimension d ≥ 1, at most 1000000 \(got 2000000\)$/);
  });
});

describe("sweeps", () => {
  const base = { version: 1, data: { x: [[1, 2]] }, steps: 1 };
  it("no sweep path reaches Object.prototype (every path setter, every form)", () => {
    const paths = ["__proto__.x", "constructor.prototype.x", "data.__proto__.x", "data.x.constructor.prototype.x", "init[\"__proto__\"].x", "prototype.x"];
    for (const p of paths) {
      for (const input of [{ version: 1, base, grid: { [p]: [1] } }, { version: 1, base, list: [{ [p]: 1 }] }]) {
        expect(() => expandSweep(input), p).toThrow(SweepError);
      }
    }
    // and a base holding a "__proto__" key (JSON.parse makes it an own property) pollutes nothing either
    expect(() => expandSweep(JSON.parse(`{"version":1,"base":{"version":1,"data":{"x":[[1]]},"__proto__":{"x":1}},"grid":{"rho":[0.1]}}`))).toThrow(SweepError);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>).x).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, "x")).toBe(false);
  });

  it("a 10⁵-deep sweep, a sweep expanding to gigabytes and a crafted shard are refused before any work", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => expandSweep({ version: 1, base: { ...base, name: deep }, grid: { rho: [1] } })).toThrow(/nested more than 66 levels deep/);
    const x = Array.from({ length: 3000 }, (_, i) => [i % 7, 1]);
    const big = { version: 1, base: { ...base, data: { x } }, grid: { rho: Array.from({ length: 1000 }, (_, i) => i), lr: Array.from({ length: 100 }, (_, i) => i + 1) } };
    expect(() => expandSweep(big)).toThrow(/expands to 100000 runs of about \d+ characters each/);
    expect(() => shardIndices(3, { index: 0, count: 0 })).toThrow(SweepError);
    expect(() => shardIndices(3e8, { index: 0, count: 1 })).toThrow(/totalRuns: expected an integer from 0 to 100000/);
  });
});

describe("checkpoints: content hashes", () => {
  async function firstState(spec: unknown): Promise<SimulationState> {
    let state: SimulationState | undefined;
    for await (const _ of simulateStream(spec, { checkpointEvery: 300, onCheckpoint: (s) => void (state ??= s) }));
    return state!;
  }

  it("any edit that keeps the structure is refused, naming the part; the untouched text resumes", async () => {
    const text = checkpointToJson(await firstState({ version: 1, data: { x: [[1, 2, 3]] }, algo: "sam-l2", steps: 1000 }));
    expect(parseCheckpointJson(text).clock.step).toBe(300);
    const doc = JSON.parse(text);
    const edits: [string, (d: Record<string, any>) => void][] = [
      ["w", (d) => (d.w[1][2] = 0.5)],
      ["spec", (d) => (d.spec.rho = 0.07)],
      ["spec", (d) => (d.spec.steps = 2000)],
      ["hyper", (d) => (d.hyper.rho = 0.07)],
      ["clock", (d) => (d.t = 3.5)],
      ["records", (d) => (d.records.f64le = (d.records.f64le[0] === "A" ? "B" : "A") + d.records.f64le.slice(1))],
      ["timing", (d) => (d.timing.steps = 1)],
    ];
    for (const [part, edit] of edits) {
      const d = structuredClone(doc);
      edit(d);
      const err = (() => {
        try {
          parseCheckpointJson(JSON.stringify(d));
        } catch (e) {
          return e;
        }
      })();
      expect(err, part).toBeInstanceOf(CheckpointError);
      expect((err as CheckpointError).field, part).toBe(`integrity.${part}`);
      expect((err as Error).message, part).toMatch(/does not match its content hash/);
    }
    const { integrity: _, ...bare } = doc;
    expect(() => parseCheckpointJson(JSON.stringify(bare))).toThrow(/^integrity: expected an object/);
  });

  it("resuming on a data file that changed since the checkpoint throws a CheckpointError naming the data", async () => {
    const file = join(tmp, "d.csv");
    writeFileSync(file, "a,b,label\n1,2,1\n2,-1,0\n");
    const state = await firstState({ version: 1, data: { file }, steps: 1000 });
    expect(state.dataHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const back = parseCheckpointJson(checkpointToJson(state));
    expect((await resume(back)).final.step).toBe(1000);
    writeFileSync(file, "a,b,label\n1,2,1\n2,-1.5,0\n");
    await expect(resume(back)).rejects.toThrow(CheckpointError);
    await expect(resume(back)).rejects.toThrow(/^data: the data \(.*d\.csv\) changed since the checkpoint was written/);
  });
});
