/**
 * The loaders on hand-made fixtures (packages/sim/test-fixtures, values read off by hand) and on
 * every malformed case: each error names the file and the line or byte offset.
 */
import { readFileSync } from "node:fs";
import { createReadStream } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCsv } from "./csv.js";
import { DataError } from "./errors.js";
import { parseIdx } from "./idx.js";
import { mapLabels } from "./labels.js";
import { parseLibsvm } from "./libsvm.js";
import { loadDataset } from "./load.js";
import { subsampleIndices } from "./preprocess.js";
import { DataNotFoundError } from "./sources.js";

const FIX = new URL("../../../test-fixtures/", import.meta.url);
const fx = (name: string) => new URL(name, FIX).pathname;
const bytes = (name: string) => new Uint8Array(readFileSync(fx(name)));

/** Expects `p` to reject with a DataError naming `file` and matching `where` and `reason`. */
async function rejectsWith(p: Promise<unknown>, file: string, where: RegExp, reason: RegExp): Promise<DataError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DataError);
  const de = e as DataError;
  expect(de.file).toBe(file);
  expect(de.message).toMatch(where);
  expect(de.message).toMatch(reason);
  expect(de.message).not.toContain("\n");
  return de;
}

describe("CSV", () => {
  it("reads a header, named classes and the label column by name", async () => {
    const t = await parseCsv(bytes("small.csv"), "small.csv");
    expect(t.featureNames).toEqual(["f1", "f2", "f3"]);
    expect([t.n, t.d]).toEqual([4, 3]);
    expect(Array.from(t.x)).toEqual([1, 2, 3, -1, 0.5, 2, 2, 2, 0.2, 0, -3, 1]);
    expect(t.labels).toEqual(["cat", "dog", "cat", "dog"]);
    const { y, mapping } = mapLabels(t.labels, undefined, "small.csv");
    expect(Array.from(y)).toEqual([-1, 1, -1, 1]);
    expect(mapping).toMatchObject({ negative: "cat", positive: "dog", counts: { negative: 2, positive: 2 } });
  });

  it("reads whitespace-separated rows without a header, skipping comments and blank lines; {0,1} → {−1,+1}", async () => {
    const t = await parseCsv(bytes("small-noheader.txt"), "small-noheader.txt");
    expect(t.featureNames).toBeUndefined();
    expect([t.n, t.d]).toEqual([3, 3]);
    expect(Array.from(t.x)).toEqual([1, 2, 3, -1, 0.5, 2, 2, 2, 0.2]);
    const { y, mapping } = mapLabels(t.labels, undefined, "f");
    expect(Array.from(y)).toEqual([-1, 1, -1]);
    expect(mapping.rule).toBe("{0, 1} → {−1, +1}");
  });

  it("label by index: the other columns must be numeric", async () => {
    await rejectsWith(parseCsv(bytes("small.csv"), "small.csv", { label: 0 }), "small.csv", /line 2, field 4/, /expected a number \("class"\), got "cat"/);
  });

  it("reads from a Node stream and a Blob alike, and in 1-byte chunks", async () => {
    const a = await parseCsv(createReadStream(fx("small.csv")), "s");
    const b = await parseCsv(new Blob([bytes("small.csv")]), "s");
    const one = bytes("small.csv");
    const c = await parseCsv((function* () {
      for (let i = 0; i < one.length; i++) yield one.subarray(i, i + 1);
    })(), "s");
    expect(Array.from(b.x)).toEqual(Array.from(a.x));
    expect(Array.from(c.x)).toEqual(Array.from(a.x));
    expect(c.labels).toEqual(a.labels);
  });

  it("ragged rows", async () => {
    await rejectsWith(parseCsv(bytes("ragged.csv"), "ragged.csv"), "ragged.csv", /^ragged\.csv: line 4: /, /ragged row: expected 3 fields like line 2, got 2/);
  });
  it("non-numeric values", async () => {
    await rejectsWith(parseCsv(bytes("non-numeric.csv"), "non-numeric.csv"), "non-numeric.csv", /line 3, field 2/, /expected a number \("b"\), got "four"/);
  });
  it("NaN values", async () => {
    await rejectsWith(parseCsv(bytes("nan.csv"), "nan.csv"), "nan.csv", /line 4, field 1/, /expected a finite number \("a"\), got NaN/);
  });
  it("more than two classes where two are needed", async () => {
    const t = await parseCsv(bytes("three-classes.csv"), "three-classes.csv");
    expect(() => mapLabels(t.labels, undefined, "three-classes.csv")).toThrow(/three-classes\.csv: 3 classes \(setosa, versicolor, virginica\) where two are needed/);
  });
  it("an empty selection", async () => {
    await rejectsWith(parseCsv(bytes("header-only.csv"), "header-only.csv"), "header-only.csv", /header-only\.csv: /, /no data rows/);
    const t = await parseCsv(bytes("small.csv"), "small.csv", { classes: ["bird", "fish"] });
    expect(t.n).toBe(0);
    expect(() => mapLabels(t.labels, ["bird", "fish"], "small.csv")).toThrow(/empty selection: no row has label bird or fish/);
  });
});

describe("LIBSVM", () => {
  it("reads sparse rows (1-based indices, comments)", async () => {
    const t = await parseLibsvm(bytes("small.libsvm"), "small.libsvm");
    expect([t.n, t.d]).toEqual([4, 3]);
    expect(Array.from(t.x)).toEqual([0.5, 0, 2, 0, 1.5, 0, 1, -1, 0.25, 0, 0, -2]);
    expect(t.labels).toEqual(["1", "-1", "1", "-1"]);
    expect(mapLabels(t.labels, undefined, "f").mapping.rule).toBe("labels are already ±1");
    const wide = await parseLibsvm(bytes("small.libsvm"), "small.libsvm", { d: 5 });
    expect(wide.d).toBe(5);
  });
  it("non-numeric values", async () => {
    await rejectsWith(parseLibsvm(bytes("non-numeric.libsvm"), "non-numeric.libsvm"), "non-numeric.libsvm", /line 2: /, /expected a number at index 1, got "x"/);
  });
  it("indices that do not increase", async () => {
    await rejectsWith(parseLibsvm(bytes("unordered.libsvm"), "unordered.libsvm"), "unordered.libsvm", /line 1: /, /indices must increase: 1 after 2/);
  });
});

describe("IDX", () => {
  const expected = Array.from({ length: 36 }, (_, k) => (Math.floor(k / 6) * 7 + (k % 6) * 3) % 256);
  it("reads raw and gzipped files alike", async () => {
    for (const f of ["images-idx3-ubyte", "images-idx3-ubyte.gz"]) {
      const a = await parseIdx(bytes(f), f);
      expect(a.dims).toEqual([6, 2, 3]);
      expect(a.type).toBe(0x08);
      expect(Array.from(a.data)).toEqual(expected);
    }
    const l = await parseIdx(createReadStream(fx("labels-idx1-ubyte.gz")), "l", { ndims: 1 });
    expect(Array.from(l.data)).toEqual([0, 1, 2, 1, 0, 1]);
  });
  it("keeps only the selected records", async () => {
    const a = await parseIdx(bytes("images-idx3-ubyte.gz"), "f", { select: (i) => i === 1 || i === 4 });
    expect(a.kept).toEqual([1, 4]);
    expect(Array.from(a.data)).toEqual([...expected.slice(6, 12), ...expected.slice(24, 30)]);
  });
  it("wrong magic number", async () => {
    await rejectsWith(parseIdx(bytes("bad-magic-idx3-ubyte"), "bad-magic-idx3-ubyte"), "bad-magic-idx3-ubyte", /: byte 0: /, /wrong magic number 0x12340803/);
  });
  it("truncated header", async () => {
    await rejectsWith(parseIdx(bytes("truncated-header-idx3-ubyte"), "t"), "t", /byte 10: /, /truncated header/);
  });
  it("truncated file (ends inside a record)", async () => {
    await rejectsWith(parseIdx(bytes("truncated-idx3-ubyte"), "truncated-idx3-ubyte"), "truncated-idx3-ubyte", /byte 42: /, /truncated file: it ends inside record 4 of 6 \(expected 52 bytes, got 42\)/);
  });
  it("a header claiming more data than the file holds", async () => {
    await rejectsWith(parseIdx(bytes("short-count-idx3-ubyte"), "s"), "s", /byte 52: /, /the header claims 9 records \[9 × 2 × 3\] \(70 bytes\) but the file holds 6/);
  });
  it("bytes after the declared records", async () => {
    await rejectsWith(parseIdx(bytes("extra-bytes-idx1-ubyte"), "e"), "e", /byte 14: /, /extra bytes after the 6 records/);
  });
  it("a truncated gzip stream", async () => {
    await rejectsWith(parseIdx(bytes("truncated-idx3-ubyte.gz"), "z"), "z", /byte \d+: /, /truncated or corrupt gzip data/);
  });
  it("the wrong kind of file (labels where images are expected)", async () => {
    await rejectsWith(parseIdx(bytes("labels-idx1-ubyte"), "l", { ndims: 3 }), "l", /byte 3: /, /expected a 3-dimensional IDX file, got 1/);
  });
});

describe("loadDataset", () => {
  it("loads a CSV file with classes, scaling and a seeded subsample, and reports what it did", async () => {
    const ds = await loadDataset({ file: fx("small.csv"), format: "csv", classes: ["dog", "cat"], scale: 2, separability: false }, 1);
    expect(Array.from(ds.y)).toEqual([1, -1, 1, -1]);
    expect(Array.from(ds.x.subarray(0, 3))).toEqual([2, 4, 6]);
    expect(ds.info).toMatchObject({ format: "csv", rowsRead: 4, selected: 4, scale: 2, labels: { negative: "dog", positive: "cat", rule: "classes [dog, cat] → [−1, +1]" } });
    const sub = await loadDataset({ file: fx("small.csv"), format: "csv", n: 2, seed: 3, separability: false }, 1);
    expect(sub.n).toBe(2);
    expect(Array.from(sub.x)).toEqual(subsampleIndices(4, 2, 3, "f").flatMap((i) => [[1, 2, 3], [-1, 0.5, 2], [2, 2, 0.2], [0, -3, 1]][i]!));
  });

  it("loads an IDX pair, selecting classes before decoding images, pixels scaled to [0, 1]", async () => {
    const ds = await loadDataset({ file: fx("images-idx3-ubyte.gz"), format: "idx", labels: fx("labels-idx1-ubyte.gz"), classes: [0, 2], scale: "unit", separability: false }, 1);
    expect(ds.n).toBe(3); // records 0, 2, 4
    expect(Array.from(ds.y)).toEqual([-1, 1, -1]);
    expect(ds.x[6 + 1]).toBeCloseTo(expected2(2, 1) / 255, 15);
    expect(ds.info).toMatchObject({ rowsRead: 6, selected: 3, shape: [2, 3], scale: 1 / 255 });
  });

  it("standardizes features", async () => {
    const ds = await loadDataset({ file: fx("small.libsvm"), format: "libsvm", standardize: true, separability: false }, 1);
    for (let j = 0; j < ds.d; j++) {
      let m = 0;
      let v = 0;
      for (let i = 0; i < ds.n; i++) m += ds.x[i * ds.d + j]! / ds.n;
      for (let i = 0; i < ds.n; i++) v += (ds.x[i * ds.d + j]! - m) ** 2 / ds.n;
      expect(m).toBeCloseTo(0, 12);
      expect(v).toBeCloseTo(1, 12);
    }
  });

  it("the vendored sets: iris setosa vs versicolor, digits 0 vs 1, and the train/test complement", async () => {
    const iris = await loadDataset({ source: "iris", classes: ["setosa", "versicolor"], separability: false }, 1);
    expect([iris.n, iris.d]).toEqual([100, 4]);
    expect(iris.info.labels.counts).toEqual({ negative: 50, positive: 50 });
    const train = await loadDataset({ source: "digits", classes: [0, 1], n: 100, seed: 2, separability: false }, 1);
    const test = await loadDataset({ source: "digits", classes: [0, 1], n: 100, seed: 2, split: "test", separability: false }, 1);
    expect([train.n, test.n, train.d]).toEqual([100, 260, 64]);
    expect(train.info).toMatchObject({ shape: [8, 8], scale: 1 / 16, rowsRead: 1797, selected: 360 });
    expect(Math.max(...train.x)).toBeLessThanOrEqual(1);
  });

  it("a missing file is a DataNotFoundError naming it", async () => {
    await expect(loadDataset({ file: "/nonexistent/x.csv", format: "csv" }, 1)).rejects.toThrow(DataNotFoundError);
    await expect(loadDataset({ source: "fashion-mnist", classes: [0, 1], dir: "/nonexistent" }, 1)).rejects.toThrow(/Fashion-MNIST not found.*dataset-fashion-mnist/);
  });
});

/** Pixel (row r, column c of the 2×3 image) of record i in images-idx3-ubyte. */
function expected2(i: number, k: number): number {
  return (i * 7 + k * 3) % 256;
}
