/**
 * `loadDataset`: a spec's `data` (a file or a named source) → a Dataset with y ∈ {−1, +1}, plus
 * what was done to get there (label mapping, selection, scaling, separability). Called once per
 * run by `createSimulation`, before the engine starts.
 */
import type { DataInfo, Dataset, LoadedDataset, Separability } from "../dataset.js";
import { maxMargin } from "../../analysis/maxmargin/solver.js";
import { LIMITS } from "../../spec/limits.js";
import type { DataFile, DataLoadedTest, DataSource } from "../../spec/schema-data.js";
import { parseCsv } from "./csv.js";
import { DataError } from "./errors.js";
import { parseIdx } from "./idx.js";
import { applyMapping, canonicalLabel, checkClassesPresent, listLabels, mapLabels, selectClasses, type LabelSelection } from "./labels.js";
import { parseLibsvm } from "./libsvm.js";
import type { RawTable } from "./table.js";
import { complementIndices, heldOutIndices, maxAbs, scaleInPlace, standardizeInPlace, standardizeWith, subsampleIndices, takeRows } from "./preprocess.js";
import { Sha256 } from "../../math/sha256.js";
import { rawChunks, type DataInput } from "./input.js";
import { DataNotFoundError, FASHION_MNIST_CLASSES, MISSING_FASHION_MNIST, fashionMnistDir, fashionMnistFiles, inputName, openInput, vendoredFile, type Opener } from "./sources.js";

export interface LoadOptions {
  /** The network depth: depth·d is checked against the spec cap as soon as d is known. */
  depth?: number;
  /** How to open paths and URLs (default: fetch for URLs, node:fs for paths). */
  open?: Opener;
  /** Skip the separability LP whatever the spec says. */
  skipSeparability?: boolean;
}

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

/** Loads a data file or named source; `seed` is the spec's seed (used when data.seed is absent). */
export async function loadDataset(data: (DataFile | DataSource) & { test?: DataLoadedTest }, seed: number, options: LoadOptions = {}): Promise<LoadedDataset> {
  const t0 = now();
  // every byte read (compressed, as stored) goes through one content hash: a checkpoint records it,
  // and resuming on a data file that changed since is refused (run/checkpoint.ts)
  const hash = new Sha256();
  const baseOpen = options.open ?? openInput;
  const open: Opener = async (f) => tap(await baseOpen(f), hash);
  const s = data.seed ?? seed;
  // data.test { fraction }: rows held out of the selection before the training subsample n is drawn
  const holdOut = data.test?.fraction !== undefined ? { fraction: data.test.fraction, seed: data.test.seed ?? s } : undefined;
  let testRows: number[] | undefined;
  let table: RawTable;
  let format: DataInfo["format"];
  let origin: string;
  let unit = 0; // the divisor that "unit" scaling means for this data (0: max|x|)
  let rows: number[] | undefined; // rows of `table` to keep (undefined: subsample by n)
  let classNames: [string, string] | undefined;
  const maxCells = LIMITS.maxCells;
  // the selected classes, canonicalized and checked once; the parsers filter by them, mapLabels maps them
  const selection = selectClasses(data.classes, "file" in data ? data.file : data.source);
  const classes = selection && [selection.negative, selection.positive];

  if ("file" in data) {
    origin = data.file;
    format = data.format!;
    if (format === "idx") {
      ({ table, rows, testRows } = await loadIdxPair(open, data.file, data.labels!, selection, data.n, s, holdOut));
      unit = 255;
    } else {
      const input = await open(data.file);
      table =
        format === "csv"
          ? await parseCsv(input, data.file, { label: data.label, header: data.header, delimiter: data.delimiter, classes, maxCells, maxD: LIMITS.maxD })
          : await parseLibsvm(input, data.file, { d: data.d, classes, maxCells, maxD: LIMITS.maxD });
    }
  } else if (data.source === "fashion-mnist") {
    const dir = fashionMnistDir(data.dir);
    const f = fashionMnistFiles(dir, data.split ?? "train");
    origin = `fashion-mnist (${data.split ?? "train"}, ${dir})`;
    format = "idx";
    try {
      ({ table, rows, testRows } = await loadIdxPair(open, f.images, f.labels, selection, data.n, s, holdOut));
    } catch (e) {
      if (e instanceof DataNotFoundError) throw new DataNotFoundError(e.file, MISSING_FASHION_MNIST);
      throw e;
    }
    unit = 255;
    if (data.classes) classNames = data.classes.map((c) => FASHION_MNIST_CLASSES[Number(c)] ?? String(c)) as [string, string];
  } else {
    const url = vendoredFile(data.source);
    origin = data.source;
    format = "csv";
    table = await parseCsv(await open(url), inputName(url), { classes, maxCells });
    if (data.source === "digits") {
      table.shape = [8, 8];
      unit = 16;
    }
    if (data.split === "test") {
      if (data.n === undefined) throw new DataError(data.source, 'split "test" needs n: it is the rows that split "train" with the same n and seed leaves out');
      rows = complementIndices(table.n, subsampleIndices(table.n, data.n, s, data.source));
      if (rows.length === 0) throw new DataError(data.source, `empty selection: n = ${data.n} leaves no rows for split "test"`);
    }
  }

  const file = "file" in data ? data.file : origin;
  if (options.depth !== undefined && options.depth * table.d > LIMITS.maxCells) {
    throw new DataError(file, `d = ${table.d} features with depth ${options.depth}: depth·d = ${options.depth * table.d} is more than the ${LIMITS.maxCells} allowed`);
  }
  const selected = table.selected ?? table.n;
  // before subsampling (a small n may leave out a class by chance; a misspelt class never has rows)
  if (selection && !table.labelsChecked) checkClassesPresent(selection, table.labels, file, table.labelsSeen);
  if (holdOut && !rows) {
    const held = heldOutIndices(table.n, holdOut.fraction, holdOut.seed, file);
    const rest = complementIndices(table.n, held);
    testRows = held;
    rows = subsampleIndices(rest.length, data.n, s, file).map((k) => rest[k]!);
  }
  rows ??= subsampleIndices(table.n, data.n, s, file);
  const n = rows.length;
  const d = table.d;
  const x = rows.length === table.n && rows.every((r, i) => r === i) ? table.x : takeRows(table.x, d, rows);
  const labels = rows.map((i) => table.labels[i]!);
  const { y, mapping } = mapLabels(labels, selection, file);

  const sc = data.scale ?? ("source" in data && data.source !== "iris" ? "unit" : "none");
  let scale = 1;
  if (sc === "unit") {
    const m = unit || maxAbs(x);
    scale = m > 0 ? 1 / m : 1;
  } else if (typeof sc === "number") scale = sc;
  scaleInPlace(x, scale);
  const standardization = data.standardize ? standardizeInPlace(x, n, d) : undefined;
  // the test set: the same label mapping, scale factor and (training) standardization
  let test: LoadedDataset["test"];
  let testFrom: string | undefined;
  if (testRows) {
    test = { n: testRows.length, x: takeRows(table.x, d, testRows), y: applyMapping(testRows.map((i) => table.labels[i]!), mapping, file) };
    testFrom = `${testRows.length} of ${selected} selected rows held out (fraction ${holdOut!.fraction}, seed ${holdOut!.seed})`;
  } else if (data.test?.file !== undefined && "file" in data) {
    const t = await loadTestFile(open, data, data.test, selection, s);
    if (t.d !== d) throw new DataError(data.test.file, `expected ${d} features (the training file's), got ${t.d}`);
    test = { n: t.n, x: t.x, y: applyMapping(t.labels, mapping, data.test.file) };
    testFrom = `${t.n} rows of ${data.test.file}`;
  }
  if (test) {
    scaleInPlace(test.x, scale);
    if (standardization) standardizeWith(test.x, test.n, d, standardization);
  }

  const ds: LoadedDataset = {
    n,
    d,
    x,
    y,
    info: {
      origin,
      format,
      labels: mapping,
      ...(classNames ? { classNames } : {}),
      rowsRead: table.rowsRead,
      selected,
      scale,
      standardized: data.standardize === true,
      ...(table.shape ? { shape: table.shape } : {}),
      ...(table.featureNames ? { featureNames: table.featureNames } : {}),
      ...(testFrom ? { testOrigin: testFrom } : {}),
      contentHash: "sha256:" + hash.hex(),
      loadMs: 0,
    },
    ...(test ? { test } : {}),
  };
  if (data.separability !== false && !options.skipSeparability) ds.info.separability = await checkSeparability(ds);
  ds.info.loadMs = now() - t0;
  return ds;
}

/** Passes an input's raw chunks through unchanged, adding them to `hash`. */
async function* tap(input: DataInput, hash: Sha256): AsyncGenerator<Uint8Array> {
  for await (const c of rawChunks(input)) {
    hash.update(c);
    yield c;
  }
}

/**
 * The separability LP of the reference solutions (maxmargin.ts): the ℓ1 max-margin problem, whose
 * first stage is the ℓ∞ separability test. Non-separable data may still be trained; it is flagged.
 */
export async function checkSeparability(ds: Dataset): Promise<Separability> {
  const t0 = now();
  const s = await maxMargin({ x: ds.x, y: ds.y, n: ds.n, d: ds.d }, "l1");
  return { separable: s.separable, l1Margin: s.margin, l1Beta: s.beta, ms: now() - t0 };
}

/**
 * An IDX images + labels pair: the labels are read first (one byte per record), the classes and a
 * seeded subsample chosen from them, and then only those images are decoded from the image stream.
 * `rowsRead` counts all records, `selected` those with the selected classes.
 */
async function loadIdxPair(
  open: Opener,
  imagesFile: string,
  labelsFile: string,
  selection: LabelSelection | undefined,
  n: number | undefined,
  seed: number,
  holdOut?: { fraction: number; seed: number },
): Promise<{ table: RawTable; rows: number[]; testRows?: number[] }> {
  const lab = await parseIdx(await open(labelsFile), labelsFile, { ndims: 1 });
  const all = Array.from(lab.data, (v) => canonicalLabel(String(v)));
  const seen = [...new Set(all)];
  const candidates: number[] = [];
  for (let i = 0; i < all.length; i++) if (!selection || selection.keep(all[i]!)) candidates.push(i);
  if (selection && candidates.length === 0) throw new DataError(labelsFile, `empty selection: no record has label ${selection.negative} or ${selection.positive}; the labels are: ${listLabels(seen)}`);
  if (selection) checkClassesPresent(selection, all, labelsFile, seen);
  // held-out rows first (data.test.fraction), then the training subsample from the rest, as for the other formats
  const held = holdOut ? heldOutIndices(candidates.length, holdOut.fraction, holdOut.seed, labelsFile) : [];
  const rest = holdOut ? complementIndices(candidates.length, held) : candidates.map((_, k) => k);
  const chosen = subsampleIndices(rest.length, n, seed, labelsFile).map((k) => candidates[rest[k]!]!);
  const heldRecords = held.map((k) => candidates[k]!);
  const mask = new Uint8Array(all.length);
  for (const i of chosen) mask[i] = 1;
  for (const i of heldRecords) mask[i] = 2;
  const img = await parseIdx(await open(imagesFile), imagesFile, { select: (i) => mask[i] !== 0 });
  if (img.dims.length < 2) throw new DataError(imagesFile, `expected an IDX file of records with at least 2 dimensions (images), got ${img.dims.length} (is this the labels file?)`, { offset: 3 });
  if (img.dims[0] !== lab.dims[0]) throw new DataError(imagesFile, `${img.dims[0]} images but ${lab.dims[0]} labels in ${labelsFile}`);
  const d = img.dims.slice(1).reduce((a, b) => a * b, 1);
  // the decoded records in file order; training and held-out rows are positions among them
  const decoded: number[] = [];
  for (let i = 0; i < all.length; i++) if (mask[i] !== 0) decoded.push(i);
  const rows: number[] = [];
  const testRows: number[] = [];
  decoded.forEach((i, k) => (mask[i] === 1 ? rows : testRows).push(k));
  const table: RawTable = {
    n: decoded.length,
    d,
    x: img.data,
    labels: decoded.map((i) => all[i]!),
    rowsRead: all.length,
    selected: candidates.length,
    labelsSeen: seen.slice(0, 1000),
    labelsChecked: true,
    ...(img.dims.length === 3 ? { shape: [img.dims[1]!, img.dims[2]!] as [number, number] } : {}),
  };
  return { table, rows, ...(holdOut ? { testRows } : {}) };
}

/**
 * `data.test.file`: a second file read with the training file's format and options (label column,
 * header, delimiter, LIBSVM dimension; for IDX its own labels file) and class selection, then an
 * optional seeded subsample `n`.
 */
async function loadTestFile(open: Opener, data: DataFile, test: DataLoadedTest, selection: LabelSelection | undefined, seed: number): Promise<{ n: number; d: number; x: Float64Array; labels: string[] }> {
  const file = test.file!;
  const classes = selection && [selection.negative, selection.positive];
  const s = test.seed ?? seed;
  if (data.format === "idx") {
    const { table, rows } = await loadIdxPair(open, file, test.labels!, selection, test.n, s);
    return { n: rows.length, d: table.d, x: table.x, labels: table.labels };
  }
  const input = await open(file);
  const table =
    data.format === "csv"
      ? await parseCsv(input, file, { label: data.label, header: data.header, delimiter: data.delimiter, classes, maxCells: LIMITS.maxCells })
      : await parseLibsvm(input, file, { d: data.d, classes, maxCells: LIMITS.maxCells });
  const rows = subsampleIndices(table.n, test.n, s, file);
  const x = rows.length === table.n ? table.x : takeRows(table.x, table.d, rows);
  return { n: rows.length, d: table.d, x, labels: rows.map((i) => table.labels[i]!) };
}
