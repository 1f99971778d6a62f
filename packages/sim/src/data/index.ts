/**
 * `@samlab/sim/data`: a spec's data and initialization as arrays — the seeded generators, and the
 * streaming loaders of data files and named sources (CSV, LIBSVM, IDX; label mapping, selection,
 * scaling, the separability check).
 */
export type { Dataset, DataInfo, LoadedDataset, Separability } from "./dataset.js";
export { makeDataset, makeInit, featureMagnitudes, gaussianSparse } from "./generators.js";
export { Rng } from "./rng.js";
export { loadDataset, checkSeparability, type LoadOptions } from "./loaders/load.js";
export { parseCsv, type CsvOptions } from "./loaders/csv.js";
export type { RawTable } from "./loaders/table.js";
export { parseLibsvm, type LibsvmOptions } from "./loaders/libsvm.js";
export { parseIdx, type IdxOptions, type IdxArray } from "./loaders/idx.js";
export { mapLabels, selectClasses, type LabelMapping, type LabelSelection } from "./loaders/labels.js";
export { DataError } from "./loaders/errors.js";
export { DataNotFoundError, openInput, fashionMnistDir, FASHION_MNIST_CLASSES, DEBIAN_DATA_DIR, type Opener } from "./loaders/sources.js";
export type { DataInput } from "./loaders/input.js";
