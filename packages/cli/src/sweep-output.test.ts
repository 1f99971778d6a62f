/**
 * runs.csv quoting round-trips through the CSV reader that builds runs.parquet, and the Parquet
 * column types follow the documented rule (run INT32, numbers DOUBLE, text STRING).
 */
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { csvToParquet, parseCsvLine } from "./parquet.js";
import { csvField, csvHeader, csvRow, manifestJson, type SweepManifest } from "./sweep-output.js";

describe("runs.csv fields", () => {
  it("quotes commas and quotes, flattens newlines, and parses back", () => {
    const cells = ["plain", "a,b", 'say "hi"', "two\nlines", "", '{"x":[[1,2]]}'];
    const line = cells.map(csvField).join(",");
    expect(line).not.toContain("\n");
    expect(parseCsvLine(line)).toEqual(["plain", "a,b", 'say "hi"', "two lines", "", '{"x":[[1,2]]}']);
    expect(parseCsvLine("1,,3,")).toEqual(["1", "", "3", ""]);
  });

  it("a row has one cell per header column, swept objects as JSON", () => {
    const header = csvHeader(["rho", "data"], 2);
    const row = csvRow({ index: 3, status: "nonfinite", message: "diverged, at step 7", loss: 0.5, limit: "basis", limitBasis: "e2", beta: [1, 2] }, [0.1, { x: [[1, 2]] }], 2);
    const h = parseCsvLine(header);
    const r = parseCsvLine(row);
    expect(r).toHaveLength(h.length);
    const at = (c: string) => r[h.indexOf(c)];
    expect([at("run"), at("rho"), at("data"), at("status"), at("loss"), at("limit"), at("limitBasis"), at("beta_2"), at("message")]).toEqual(["3", "0.1", '{"x":[[1,2]]}', "nonfinite", "0.5", "basis", "e2", "2", "diverged, at step 7"]);
  });
});

describe("runs.parquet", () => {
  it("holds the CSV's table with typed columns; empty numbers are null", async () => {
    const csv = ["run,rho,algo,loss,dominantSequence,message", "0,0.1,gd,0.25,3,", "1,0.2,usam,,0>3,\"a, b\""].join("\n") + "\n";
    const bytes = csvToParquet(csv);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const types = Object.fromEntries(parquetMetadata(file).schema.slice(1).map((s) => [s.name, s.type]));
    expect(types).toEqual({ run: "INT32", rho: "DOUBLE", algo: "BYTE_ARRAY", loss: "DOUBLE", dominantSequence: "BYTE_ARRAY", message: "BYTE_ARRAY" });
    expect(await parquetReadObjects({ file })).toEqual([
      { run: 0, rho: 0.1, algo: "gd", loss: 0.25, dominantSequence: "3", message: "" },
      { run: 1, rho: 0.2, algo: "usam", loss: null, dominantSequence: "0>3", message: "a, b" },
    ]);
  });
});

describe("sweep.json", () => {
  it("keeps the echoed sweep on one line and stays valid JSON", () => {
    const m = { format: "samlab.sweep-output/1", sweep: { version: 1, base: { data: { x: [[1, 2]] } }, grid: { rho: [1, 2] } }, hash: "sha256:0", totalRuns: 2 } as unknown as SweepManifest;
    const text = manifestJson(m);
    expect(text).toContain('"sweep": {"version":1,"base":{"data":{"x":[[1,2]]}},"grid":{"rho":[1,2]}},');
    expect(JSON.parse(text)).toEqual(m);
  });
});
