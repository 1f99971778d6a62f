/**
 * `samlab run` on data files end to end: malformed files exit 2 with one line naming the file and
 * the line or byte offset; a good file reports its label mapping and the separability check.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLI = new URL("../packages/cli/dist/cli.js", import.meta.url).pathname;
const FIX = new URL("../packages/sim/test-fixtures/", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "samlab-data-"));
const run = (spec: unknown, extra: string[] = []) => {
  const file = join(tmp, `spec-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return spawnSync(process.execPath, [CLI, "run", "--spec", file, ...extra], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
};
const fileSpec = (data: Record<string, unknown>) => ({ version: 1, data, steps: 50, record: { points: 10 } });
/** stderr lines that are not HiGHS banner output. */
const errLines = (s: string) => s.split("\n").filter((l) => l && !l.startsWith("H"));

describe("samlab run with a data file", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["ragged row", { file: FIX + "ragged.csv" }, /ragged\.csv: line 4: ragged row/],
    ["non-numeric value", { file: FIX + "non-numeric.csv" }, /non-numeric\.csv: line 3, field 2: expected a number/],
    ["NaN", { file: FIX + "nan.csv" }, /nan\.csv: line 4, field 1: expected a finite number/],
    ["three classes", { file: FIX + "three-classes.csv" }, /three-classes\.csv: 3 classes \(setosa, versicolor, virginica\) where two are needed/],
    ["empty selection", { file: FIX + "small.csv", classes: ["bird", "fish"] }, /small\.csv: empty selection/],
    ["wrong magic", { file: FIX + "bad-magic-idx3-ubyte", labels: FIX + "labels-idx1-ubyte" }, /bad-magic-idx3-ubyte: byte 0: wrong magic number/],
    ["truncated file", { file: FIX + "truncated-idx3-ubyte", labels: FIX + "labels-idx1-ubyte" }, /truncated-idx3-ubyte: byte 42: truncated file/],
    ["header claims more", { file: FIX + "short-count-idx3-ubyte", labels: FIX + "labels-idx1-ubyte" }, /short-count-idx3-ubyte: byte 52: the header claims 9 records/],
    ["truncated gzip", { file: FIX + "truncated-idx3-ubyte.gz", labels: FIX + "labels-idx1-ubyte" }, /truncated-idx3-ubyte\.gz: byte \d+: truncated or corrupt gzip/],
    ["libsvm non-numeric", { file: FIX + "non-numeric.libsvm" }, /non-numeric\.libsvm: line 2: expected a number/],
    ["missing file", { file: join(tmp, "nope.csv") }, /nope\.csv: no such file/],
  ];
  it.each(cases)("%s: exit 2, one line naming the file and where", (_name, data, re) => {
    const p = run(fileSpec(data));
    expect(p.status).toBe(2);
    const lines = errLines(p.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^samlab: bad data: /);
    expect(lines[0]).toMatch(re);
    expect(p.stdout).toBe("");
  });

  it("a spec naming no format for an unknown extension is a spec error (exit 2)", () => {
    const p = run(fileSpec({ file: "data.bin" }));
    expect(p.status).toBe(2);
    expect(errLines(p.stderr)[0]).toMatch(/invalid spec: data\.format: required/);
  });

  it("a good file: summary with the label mapping and the separability check; the Result carries them", () => {
    const data = { file: FIX + "small.csv", classes: ["cat", "dog"] };
    const p = run({ ...fileSpec(data), init: { random: "gaussian", alpha: 0.1, seed: 1 } });
    expect(p.status).toBe(0);
    expect(p.stdout).toMatch(/labels +cat → −1 \(2\), dog → \+1 \(2\)/);
    expect(p.stdout).toMatch(/separability +linearly separable without bias: ℓ1 max-margin/);
    const j = run({ ...fileSpec(data), init: { random: "gaussian", alpha: 0.1, seed: 1 } }, ["--json"]);
    const r = JSON.parse(j.stdout);
    expect(r.data).toMatchObject({ n: 4, d: 3, format: "csv", labels: { negative: "cat", positive: "dog" }, separability: { separable: true } });
    expect(r.spec.data).toEqual({ ...data, format: "csv" });
  });
});
