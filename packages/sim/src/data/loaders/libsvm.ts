/**
 * LIBSVM / svmlight: `label index:value index:value … [# comment]`, 1-based ascending indices,
 * absent entries are 0. Streaming: rows are kept sparse (only the selected ones) and made dense at
 * the end, when the dimension (the largest index, or `d`) is known.
 */
import { DataError } from "./errors.js";
import { notFinite } from "./csv.js";
import { GrowableF64, parseNumber, textLines, type DataInput, type InputLimits } from "./input.js";
import { canonicalLabel, classFilter } from "./labels.js";
import type { RawTable } from "./table.js";

export interface LibsvmOptions extends InputLimits {
  /** The dimension; default: the largest index that occurs. Indices above it are an error. */
  d?: number;
  /** Keep only rows with these labels. */
  classes?: readonly (string | number)[];
  /** Cap on kept numbers (rows × d, dense); default 50 000 000. */
  maxCells?: number;
  /** Cap on the dimension (the largest index); default 1 000 000. */
  maxD?: number;
}

export async function parseLibsvm(input: DataInput, file: string, opts: LibsvmOptions = {}): Promise<RawTable> {
  const keep = classFilter(opts.classes);
  const maxCells = opts.maxCells ?? 50_000_000;
  const maxD = opts.maxD ?? 1_000_000;
  const idx: number[] = [];
  const val = new GrowableF64();
  const rowStart: number[] = [0];
  const labels: string[] = [];
  let maxIndex = 0;
  let rowsRead = 0;
  const seen = new Set<string>(); // distinct labels, for a message naming the classes there are
  for await (const { text, line } of textLines(input, file, opts)) {
    const hash = text.indexOf("#");
    const body = (hash >= 0 ? text.slice(0, hash) : text).trim();
    if (body === "") continue;
    const tokens = body.split(/\s+/);
    rowsRead++;
    const lab = canonicalLabel(tokens[0]!);
    if (lab.includes(":")) throw new DataError(file, `expected a label first, got ${JSON.stringify(tokens[0])}`, { line });
    if (seen.size < 1000) seen.add(lab);
    if (keep && !keep(lab)) continue;
    let prev = 0;
    for (let k = 1; k < tokens.length; k++) {
      const t = tokens[k]!;
      const colon = t.indexOf(":");
      if (colon < 0) throw new DataError(file, `expected index:value, got ${JSON.stringify(t.slice(0, 40))} (field ${k + 1})`, { line });
      const key = t.slice(0, colon);
      if (key === "qid") continue;
      const j = /^\d+$/.test(key) ? Number(key) : NaN;
      if (!(j >= 1)) throw new DataError(file, `expected a positive integer index, got ${JSON.stringify(key)} (field ${k + 1}; indices are 1-based)`, { line });
      if (j <= prev) throw new DataError(file, `indices must increase: ${j} after ${prev} (field ${k + 1})`, { line });
      if (opts.d !== undefined && j > opts.d) throw new DataError(file, `index ${j} exceeds d = ${opts.d} (field ${k + 1})`, { line });
      // before the index can size anything: a 25-byte line "1 4e7:1" would otherwise allocate gigabytes
      if (j > maxD) throw new DataError(file, `index ${j} is above the largest dimension allowed, d ≤ ${maxD} (field ${k + 1})`, { line });
      const vs = t.slice(colon + 1);
      const v = parseNumber(vs);
      if (v === undefined || !Number.isFinite(v)) throw new DataError(file, notFinite(vs, v, ` at index ${j}`), { line });
      prev = j;
      maxIndex = Math.max(maxIndex, j);
      if (v !== 0) {
        idx.push(j - 1);
        val.push(v);
      }
    }
    labels.push(lab);
    rowStart.push(idx.length);
    if (labels.length * Math.max(maxIndex, opts.d ?? 0) > maxCells) throw new DataError(file, `more than ${maxCells} numbers selected (${labels.length} rows × d = ${Math.max(maxIndex, opts.d ?? 0)}): choose fewer rows (classes) or a smaller d`, { line });
    if (opts.d !== undefined && labels.length * opts.d > maxCells) throw new DataError(file, `more than ${maxCells} numbers selected: choose fewer rows (classes)`, { line });
  }
  if (rowsRead === 0) throw new DataError(file, "empty file: no data rows");
  const n = labels.length;
  const d = opts.d ?? maxIndex;
  if (d < 1 && n > 0) throw new DataError(file, "no features: every row is empty (give d to load all-zero rows)");
  if (n * d > maxCells) throw new DataError(file, `${n} rows × ${d} features is more than ${maxCells} numbers: choose fewer rows (classes)`);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let k = rowStart[i]!; k < rowStart[i + 1]!; k++) x[i * d + idx[k]!] = val.buf[k]!;
  return { n, d: Math.max(d, 0), x, labels, rowsRead, labelsSeen: [...seen] };
}
