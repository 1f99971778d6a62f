/**
 * runs.parquet: the same table as runs.csv, in Parquet (for pandas, polars, DuckDB, Arrow). Built
 * from the CSV text itself, so `sweep` and `merge` write the same file from the same table. Called
 * once per sweep or merge. Written with hyparquet-writer (pure JS, no native code, one dependency).
 */
import { parquetWriteBuffer } from "hyparquet-writer";
import { writeFileAtomic } from "./io.js";

/** Splits one CSV line (RFC 4180 quoting; runs.csv rows never span lines). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let s = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error("unterminated quoted CSV field");
        s += line.slice(i, q);
        if (line[q + 1] === '"') {
          s += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(s);
      i++; // the comma
    } else {
      const c = line.indexOf(",", i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/**
 * Column types: "run" is INT32; a column whose non-empty cells are all numbers is DOUBLE (empty →
 * null); anything else is STRING (JSON values of swept objects stay JSON text).
 */
const TEXT = new Set(["status", "engine", "dominant", "dominantSequence", "takeoverSteps", "limit", "limitBasis", "message"]);

export function csvToParquet(csv: string): Uint8Array {
  const [header, ...rows] = csv.replace(/\n$/, "").split("\n").map(parseCsvLine);
  const columnData = header!.map((name, c) => {
    const cells = rows.map((r) => r[c] ?? "");
    if (TEXT.has(name)) return { name, type: "STRING" as const, data: cells };
    if (name === "run") return { name, type: "INT32" as const, data: Int32Array.from(cells, Number), nullable: false };
    const numeric = cells.every((s) => s === "" || s === "NaN" || (s.trim() !== "" && !Number.isNaN(Number(s)))) && cells.some((s) => s !== "");
    if (numeric) return { name, type: "DOUBLE" as const, data: cells.map((s) => (s === "" ? null : Number(s))) };
    return { name, type: "STRING" as const, data: cells };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData, createdBy: "samlab" }));
}

export function writeParquetFromCsv(path: string, csv: string): void {
  writeFileAtomic(path, csvToParquet(csv));
}
