/**
 * CSV (and TSV / semicolon / whitespace-separated) tables: one example per line, one column holds
 * the label. Streaming: one line at a time; only the selected rows are kept (docs/DATA.md).
 */
import { DataError } from "./errors.js";
import { GrowableF64, isNonFiniteWord, parseNumber, textLines, type DataInput, type InputLimits } from "./input.js";
import { canonicalLabel, classFilter } from "./labels.js";
import type { RawTable } from "./table.js";

export type { RawTable };

export interface CsvOptions extends InputLimits {
  /** The label column: a header name, or a 0-based index (negative counts from the end). Default: a column named label/y/class/target/species, else the last. */
  label?: string | number;
  /** true, false, or "auto" (default): the first line is a header when a non-label field of it is not a number. */
  header?: boolean | "auto";
  /** Field separator; default: detected from the first line (",", "\t", ";", else runs of spaces). */
  delimiter?: string;
  /** Keep only rows with these labels (raw labels; numbers compared by value). */
  classes?: readonly (string | number)[];
  /** Cap on kept numbers (rows × features); default 50 000 000. */
  maxCells?: number;
  /** Cap on the number of features; default 1 000 000. */
  maxD?: number;
}

/** Why a field is not a finite number, naming the cause (an overflowing literal such as 1e999 included). */
export function notFinite(f: string, v: number | undefined, col = ""): string {
  const t = f.trim();
  if (v !== undefined && !Number.isFinite(v)) return `expected a finite number${col}, got ${t.slice(0, 40)}: too large for a double (it overflows to Infinity; the largest double is about 1.8e308)`;
  if (isNonFiniteWord(f)) return `expected a finite number${col}, got ${t}`;
  return t === "" ? `empty field${col}` : `expected a number${col}, got ${JSON.stringify(t.slice(0, 40))}`;
}

const LABEL_NAMES = ["label", "y", "class", "target", "species"];

/**
 * Splits one line; double-quoted fields may contain the delimiter and "" for a quote. A quote still
 * open at the end of the line (a quoted field with a newline inside) is reported, not split wrongly.
 */
function splitFields(line: string, delim: string | null, file: string, lineNo: number): string[] {
  if (delim === null) return line.trim().split(/\s+/);
  if (!line.includes('"')) return line.split(delim);
  const out: string[] = [];
  let cur = "";
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += c;
    } else if (c === '"' && cur.trim() === "") {
      q = true;
      cur = "";
    } else if (line.startsWith(delim, i)) {
      out.push(cur);
      cur = "";
      i += delim.length - 1;
    } else cur += c;
  }
  if (q) throw new DataError(file, `a quoted field (field ${out.length + 1}) is still open at the end of the line: newlines inside quoted fields are not supported (put each example on one line)`, { line: lineNo });
  out.push(cur);
  return out;
}

function detectDelimiter(line: string): string | null {
  for (const d of [",", "\t", ";"]) if (line.includes(d)) return d;
  return null;
}

/** Parses a CSV input. `file` names it in errors. */
export async function parseCsv(input: DataInput, file: string, opts: CsvOptions = {}): Promise<RawTable> {
  const keep = classFilter(opts.classes);
  const maxCells = opts.maxCells ?? 50_000_000;
  const maxD = opts.maxD ?? 1_000_000;
  let delim: string | null | undefined = opts.delimiter;
  let width = -1;
  let labelCol = -1;
  let names: string[] | undefined;
  let firstDataLine = 0;
  const x = new GrowableF64();
  const labels: string[] = [];
  let rowsRead = 0;
  const seen = new Set<string>(); // distinct labels, for a message naming the classes there are
  for await (const { text, line } of textLines(input, file, opts)) {
    if (text.trim() === "" || text.startsWith("#")) continue;
    if (delim === undefined) delim = detectDelimiter(text);
    const fields = splitFields(text, delim, file, line);
    if (width < 0) {
      width = fields.length;
      if (width - 1 > maxD) throw new DataError(file, `${width - 1} features (columns besides the label), more than the ${maxD} allowed (d ≤ ${maxD})`, { line });
      if (width < 2) throw new DataError(file, `expected at least 2 fields (features and a label), got ${width}${delim === null ? "" : ` separated by ${JSON.stringify(delim)}`}`, { line });
      const unq = fields.map((f) => canonicalLabel(f));
      const isHeader =
        opts.header === true ||
        (opts.header !== false && (typeof opts.label === "string" || unq.every((f) => parseNumber(f) === undefined) || unq.some((f, j) => j !== resolveIndex(opts.label, width) && parseNumber(f) === undefined && !isNonFiniteWord(f))));
      if (isHeader) names = unq;
      labelCol = resolveLabel(opts.label, names, width, file, line);
      if (isHeader) continue;
    }
    if (fields.length !== width) throw new DataError(file, `ragged row: expected ${width} fields like line ${firstDataLine || line}, got ${fields.length}`, { line });
    if (!firstDataLine) firstDataLine = line;
    rowsRead++;
    const lab = canonicalLabel(fields[labelCol]!);
    if (lab === "") throw new DataError(file, "empty label", { line, column: labelCol + 1 });
    if (seen.size < 1000) seen.add(lab);
    if (keep && !keep(lab)) continue;
    if ((labels.length + 1) * (width - 1) > maxCells) throw new DataError(file, `more than ${maxCells} numbers selected: choose fewer rows (classes) or a smaller file`, { line });
    for (let j = 0; j < width; j++) {
      if (j === labelCol) continue;
      const f = fields[j]!;
      const v = parseNumber(f);
      if (v === undefined || !Number.isFinite(v)) throw new DataError(file, notFinite(f, v, names ? ` ("${names[j]}")` : ""), { line, column: j + 1 });
      x.push(v);
    }
    labels.push(lab);
  }
  if (width < 0) throw new DataError(file, "empty file: no data rows");
  if (rowsRead === 0) throw new DataError(file, "no data rows (only a header)");
  return { n: labels.length, d: width - 1, x: x.toArray(), labels, ...(names ? { featureNames: names.filter((_, j) => j !== labelCol) } : {}), rowsRead, labelsSeen: [...seen] };
}

function resolveIndex(label: string | number | undefined, width: number): number {
  if (typeof label !== "number") return width - 1;
  return label < 0 ? width + label : label;
}

function resolveLabel(label: string | number | undefined, names: string[] | undefined, width: number, file: string, line: number): number {
  if (typeof label === "string") {
    if (!names) throw new DataError(file, `label column "${label}" named, but the file has no header`, { line });
    const j = names.indexOf(label);
    if (j < 0) throw new DataError(file, `no column named "${label}" in the header (columns: ${names.slice(0, 12).join(", ")}${names.length > 12 ? ", …" : ""})`, { line });
    return j;
  }
  if (typeof label === "number") {
    const j = resolveIndex(label, width);
    if (!Number.isInteger(label) || j < 0 || j >= width) throw new DataError(file, `label column ${label} out of range (${width} columns)`, { line });
    return j;
  }
  if (names) {
    const j = names.findIndex((nm) => LABEL_NAMES.includes(nm.toLowerCase()));
    if (j >= 0) return j;
  }
  return width - 1;
}
