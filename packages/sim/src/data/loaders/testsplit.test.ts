/**
 * Test sets of data files and named sources (`data.test`): a seeded fraction of the selected rows
 * held out before the training subsample is drawn, or a second file read with the training file's
 * options; both take the training set's label mapping, scale and standardization.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSpec, simulate, SpecError } from "../../index.js";
import { DataError } from "./errors.js";
import { loadDataset } from "./load.js";

const FIX = new URL("../../../test-fixtures/", import.meta.url);
const fx = (name: string) => new URL(name, FIX).pathname;

/** The rows of an n×d matrix as strings (a multiset when sorted). */
const rowsOf = (x: Float64Array, n: number, d: number) => Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * d, (i + 1) * d)).join(","));
const sorted = (a: string[]) => [...a].sort();

describe("data.test { fraction }: held-out rows", () => {
  const digits = { source: "digits" as const, classes: [0, 1], separability: false };

  it("partitions the selected rows: test and training rows together are every row once", async () => {
    const all = await loadDataset(digits, 1);
    const ds = await loadDataset({ ...digits, test: { fraction: 0.25, seed: 5 } }, 1);
    expect(all.n).toBe(360);
    expect([ds.n, ds.test?.n]).toEqual([270, 90]);
    const d = ds.d;
    expect(sorted([...rowsOf(ds.x, ds.n, d), ...rowsOf(ds.test!.x, ds.test!.n, d)])).toEqual(sorted(rowsOf(all.x, all.n, d)));
    // labels travel with their rows: the multiset of (row, label) pairs is the same
    const pairs = (x: Float64Array, y: Float64Array, n: number) => rowsOf(x, n, d).map((r, i) => `${r}|${y[i]}`);
    expect(sorted([...pairs(ds.x, ds.y, ds.n), ...pairs(ds.test!.x, ds.test!.y, ds.test!.n)])).toEqual(sorted(pairs(all.x, all.y, all.n)));
    expect(ds.info.testOrigin).toBe("90 of 360 selected rows held out (fraction 0.25, seed 5)");
  });

  it("is seeded: the same seed holds out the same rows, another seed others; n subsamples the rest", async () => {
    const a = await loadDataset({ ...digits, test: { fraction: 0.25, seed: 5 } }, 1);
    const b = await loadDataset({ ...digits, test: { fraction: 0.25, seed: 5 } }, 9);
    const c = await loadDataset({ ...digits, test: { fraction: 0.25, seed: 6 } }, 1);
    expect(Array.from(b.test!.x)).toEqual(Array.from(a.test!.x));
    expect(Array.from(c.test!.x)).not.toEqual(Array.from(a.test!.x));
    const sub = await loadDataset({ ...digits, n: 50, seed: 3, test: { fraction: 0.25, seed: 5 } }, 1);
    expect(Array.from(sub.test!.x)).toEqual(Array.from(a.test!.x)); // the held-out rows do not depend on n
    const rest = new Map<string, number>();
    for (const r of rowsOf(a.x, a.n, a.d)) rest.set(r, (rest.get(r) ?? 0) + 1);
    for (const r of rowsOf(sub.x, sub.n, sub.d)) {
      expect(rest.get(r), "a training row outside the rows left after holding out").toBeGreaterThan(0);
      rest.set(r, rest.get(r)! - 1);
    }
    expect(sub.n).toBe(50);
  });

  it("standardizes the test rows with the training rows' means and deviations", async () => {
    const raw = await loadDataset({ source: "iris", classes: ["setosa", "versicolor"], separability: false, test: { fraction: 0.3, seed: 2 } }, 1);
    const std = await loadDataset({ source: "iris", classes: ["setosa", "versicolor"], separability: false, standardize: true, test: { fraction: 0.3, seed: 2 } }, 1);
    const { n, d } = raw;
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += raw.x[i * d + j]! / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (raw.x[i * d + j]! - m) ** 2 / n;
      const s = Math.sqrt(v);
      for (let k = 0; k < raw.test!.n; k++) expect(std.test!.x[k * d + j]).toBeCloseTo((raw.test!.x[k * d + j]! - m) / s, 12);
    }
    expect(Array.from(std.test!.y)).toEqual(Array.from(raw.test!.y));
  });

  it("holds out IDX records before decoding, and scales them like the training images", async () => {
    const idx = { file: fx("images-idx3-ubyte.gz"), format: "idx" as const, labels: fx("labels-idx1-ubyte.gz"), classes: [0, 2], scale: "unit" as const, separability: false };
    const all = await loadDataset(idx, 1);
    const ds = await loadDataset({ ...idx, test: { fraction: 0.34, seed: 1 } }, 1);
    expect([ds.n, ds.test?.n]).toEqual([2, 1]); // round(0.34 · 3) = 1
    expect(sorted([...rowsOf(ds.x, ds.n, ds.d), ...rowsOf(ds.test!.x, 1, ds.d)])).toEqual(sorted(rowsOf(all.x, all.n, all.d)));
    expect(ds.info.shape).toEqual([2, 3]);
  });

  it("refuses a fraction that leaves no test row or no training row, naming the file", async () => {
    const e = await loadDataset({ file: fx("small.csv"), format: "csv", separability: false, test: { fraction: 0.1 } }, 1).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DataError);
    expect((e as Error).message).toMatch(/small\.csv.*test fraction 0\.1 of 4 selected rows holds out 0: expected at least one test row and one training row/);
  });
});

describe("data.test { file }: a second file", () => {
  it("reads it with the training file's options and label mapping; n subsamples it", async () => {
    const train = await loadDataset({ file: fx("small.csv"), format: "csv", classes: ["dog", "cat"], separability: false, test: { file: fx("small.csv") } }, 1);
    expect(Array.from(train.test!.y)).toEqual(Array.from(train.y)); // dog → −1, cat → +1 in both
    expect(Array.from(train.test!.x)).toEqual(Array.from(train.x));
    const sub = await loadDataset({ file: fx("small.libsvm"), format: "libsvm", scale: 2, separability: false, test: { file: fx("small.libsvm"), n: 2, seed: 4 } }, 1);
    expect(sub.test!.n).toBe(2);
    for (const r of rowsOf(sub.test!.x, 2, sub.d)) expect(rowsOf(sub.x, sub.n, sub.d)).toContain(r); // scaled like the training rows
    expect(sub.info.testOrigin).toMatch(/^2 rows of .*small\.libsvm$/);
  });

  it("refuses a test label outside the training classes and a different dimension, naming the test file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "samlab-test-"));
    const bird = join(dir, "bird.csv");
    writeFileSync(bird, "f1,f2,f3,class\n1,2,3,cat\n0,0,1,bird\n");
    const e1 = await loadDataset({ file: fx("small.csv"), format: "csv", separability: false, test: { file: bird } }, 1).catch((x: unknown) => x);
    expect(e1).toBeInstanceOf(DataError);
    expect((e1 as DataError).file).toBe(bird);
    expect((e1 as Error).message).toMatch(/test row 2: label bird is not one of the training classes \(cat, dog\)/);
    const e2 = await loadDataset({ file: fx("small.csv"), format: "csv", separability: false, test: { file: fx("three-classes.csv") } }, 1).catch((x: unknown) => x);
    expect(e2).toBeInstanceOf(DataError);
    expect((e2 as Error).message).toMatch(/three-classes\.csv.*expected 3 features \(the training file's\), got 2/);
  });
});

describe("data.test with data files in the spec", () => {
  const file = { file: "train.csv" };
  const fieldOf = (test: unknown, data: Record<string, unknown> = file) => {
    try {
      parseSpec({ version: 1, data: { ...data, test } });
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      return `${(e as SpecError).field}: ${(e as SpecError).expected}`;
    }
    return "accepted";
  };
  it("accepts { fraction, seed } and { file, n, seed }; IDX needs the test labels file", () => {
    expect(fieldOf({ fraction: 0.2, seed: 3 })).toBe("accepted");
    expect(fieldOf({ file: "test.csv", n: 10 })).toBe("accepted");
    expect(fieldOf({ fraction: 0.5 }, { source: "iris" })).toBe("accepted");
    expect(fieldOf({ file: "t-images-idx3-ubyte", labels: "t-labels-idx1-ubyte" }, { file: "images-idx3-ubyte", labels: "labels-idx1-ubyte" })).toBe("accepted");
  });
  it("refuses each malformed test set with one line naming the field", () => {
    expect(fieldOf({ fraction: 1 })).toBe("data.test.fraction: expected a number in (0, 1)");
    expect(fieldOf({})).toBe("data.test: expected exactly one of fraction (held-out rows) or file (a second file)");
    expect(fieldOf({ fraction: 0.2, file: "t.csv" })).toBe("data.test: expected exactly one of fraction (held-out rows) or file (a second file)");
    expect(fieldOf({ fraction: 0.2, n: 5 })).toBe("data.test.n: applies to { file } only (the fraction sets the held-out rows)");
    expect(fieldOf({ file: "t.csv" }, { source: "iris" })).toBe("data.test.file: applies to data files only (a named source: use { fraction })");
    expect(fieldOf({ fraction: 0.2 }, { source: "digits", n: 10, split: "test" })).toMatch(/^data\.test: expected no test set with "split": "test"/);
    expect(fieldOf({ file: "t-images-idx3-ubyte" }, { file: "images-idx3-ubyte", labels: "labels-idx1-ubyte" })).toBe("data.test.labels: required: expected the IDX labels file of the test images (format idx)");
    expect(fieldOf({ file: "t.csv", labels: "l" })).toBe('data.test.labels: applies to "format": "idx" only');
    expect(fieldOf({ fraction: 0.2, shuffle: true })).toBe("data.test.shuffle: unknown field (check its spelling)");
  });
  it("a run on a named source with held-out rows reports testLoss and testError", async () => {
    // digits 0 vs 1 is separable; a linear model (L = 1) separates the held-out rows too
    const r = await simulate({ version: 1, data: { source: "digits", classes: [0, 1], separability: false, test: { fraction: 0.2, seed: 1 } }, depth: 1, lr: 0.5, steps: 2000, record: { points: 5 } });
    expect(r.data.n).toBe(288);
    expect(r.data.testOrigin).toBe("72 of 360 selected rows held out (fraction 0.2, seed 1)");
    expect(r.final.testError).toBe(0);
    expect(r.final.testLoss).toBeLessThan(0.05);
  });
});
