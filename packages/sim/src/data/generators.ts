/**
 * Turns a spec's `data` and `init` into concrete arrays (generators are seeded and deterministic).
 */
import { Rng, STREAM } from "./rng.js";
import type { Dataset } from "./dataset.js";
import { SpecError } from "../spec/errors.js";
import { isLoadedData, type DataFile, type DataSource, type DataSparseRegression, type DataSpec } from "../spec/schema-data.js";
import type { InitSpec } from "../spec/schema.js";


/** Materializes the data of a spec; `seed` is the spec's seed (used when the generator has none). */
export function makeDataset(data: DataSpec, seed: number): Dataset {
  if (isLoadedData(data)) throw new SpecError("data", "a data file or named source loads asynchronously: use loadDataset(spec.data, seed) (createSimulation and simulate do)");
  if ("generator" in data && data.generator === "sparse-regression") {
    return sparseRegression(data.n, data.d, data.k ?? Math.min(5, data.d), data.noise ?? 0, data.test ?? 0, data.seed ?? seed);
  }
  const ds = trainingSet(data, seed);
  return "test" in data && data.test ? { ...ds, test: testSet(data.test, ds.d) } : ds;
}

function testSet(t: { x: number[][]; y: number[] }, d: number): NonNullable<Dataset["test"]> {
  const x = new Float64Array(t.x.length * d);
  t.x.forEach((row, i) => x.set(row, i * d));
  return { n: t.x.length, x, y: Float64Array.from(t.y) };
}

function trainingSet(data: Exclude<DataSpec, DataFile | DataSource | DataSparseRegression>, seed: number): Dataset {
  if ("x" in data) {
    const n = data.x.length;
    const d = data.x[0]!.length;
    const x = new Float64Array(n * d);
    data.x.forEach((row, i) => x.set(row, i * d));
    const y = Float64Array.from(data.y ?? new Array<number>(n).fill(1));
    return { n, d, x, y };
  }
  if (data.generator === "single") {
    const s = data.scale ?? 1;
    const x = new Float64Array(data.d);
    for (let j = 0; j < data.d; j++) x[j] = s * (j + 1);
    return { n: 1, d: data.d, x, y: Float64Array.of(data.y ?? 1) };
  }
  return gaussianSparse(data.n, data.d, data.k ?? Math.min(5, data.d), data.minMargin ?? 0.1, data.seed ?? seed);
}

/**
 * Regression data: n + test points x ~ N(0, I_d) (the first n train, the rest test), targets
 * y = <β*, x> + noise·N(0, 1), where β* has k non-zero Gaussian entries (|v| ≥ 0.25) at seeded
 * positions and unit ℓ2 norm — β* drawn exactly as {@link gaussianSparse} draws it. Per example: d
 * normals for x, then one for the noise (drawn even when noise = 0, so the noise level never shifts x).
 */
export function sparseRegression(n: number, d: number, k: number, noise: number, test: number, seed: number): Dataset {
  const rng = new Rng(seed, STREAM.data);
  const betaStar = sparseDirection(rng, d, k);
  const draw = (m: number) => {
    const x = new Float64Array(m * d);
    const y = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = rng.normal();
        x[i * d + j] = v;
        s += betaStar[j]! * v;
      }
      y[i] = s + noise * rng.normal();
    }
    return { x, y };
  };
  const train = draw(n);
  const ds: Dataset = { n, d, x: train.x, y: train.y, betaStar };
  if (test > 0) ds.test = { n: test, ...draw(test) };
  return ds;
}

/** A k-sparse unit direction at seeded positions, entries Gaussian with |v| ≥ 0.25. */
function sparseDirection(rng: Rng, d: number, k: number): number[] {
  const perm = Array.from({ length: d }, (_, j) => j);
  for (let j = d - 1; j > 0; j--) {
    const r = rng.below(j + 1);
    [perm[j], perm[r]] = [perm[r]!, perm[j]!];
  }
  const betaStar = new Array<number>(d).fill(0);
  let norm = 0;
  for (let q = 0; q < k; q++) {
    let v = 0;
    while (Math.abs(v) < 0.25) v = rng.normal();
    betaStar[perm[q]!] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm);
  for (let j = 0; j < d; j++) betaStar[j] = betaStar[j]! / norm;
  return betaStar;
}

/**
 * n Gaussian points x ~ N(0, I_d) labelled by y = sign<β*, x>, where β* has k non-zero Gaussian
 * entries at seeded positions and unit ℓ2 norm; points with |<β*, x>| < minMargin are redrawn.
 */
export function gaussianSparse(n: number, d: number, k: number, minMargin: number, seed: number): Dataset {
  const rng = new Rng(seed, STREAM.data);
  const betaStar = sparseDirection(rng, d, k);
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  const row = new Float64Array(d);
  const maxTries = 1000 * n + 1000;
  let tries = 0;
  for (let i = 0; i < n; ) {
    if (++tries > maxTries) throw new SpecError("data.minMargin", `expected a smaller minimum margin: ${minMargin} rejected too many points`);
    let m = 0;
    for (let j = 0; j < d; j++) {
      row[j] = rng.normal();
      m += betaStar[j]! * row[j]!;
    }
    if (Math.abs(m) < minMargin || m === 0) continue;
    x.set(row, i * d);
    y[i] = m > 0 ? 1 : -1;
    i++;
  }
  return { n, d, x, y, betaStar };
}

/** Materializes the initialization as L×d layer-major parameters. */
export function makeInit(init: InitSpec, depth: number, d: number, seed: number): Float64Array {
  const w = new Float64Array(depth * d);
  if ("values" in init) {
    init.values.forEach((row, l) => w.set(row, l * d));
  } else if ("random" in init) {
    const rng = new Rng(init.seed ?? seed, STREAM.init);
    for (let k = 0; k < w.length; k++) {
      const u = init.random === "uniform" ? rng.uniform() : rng.normal();
      w[k] = init.alpha * (init.random === "abs-gaussian" ? Math.abs(u) : u);
    }
  } else {
    const a = init.alpha;
    for (let l = 0; l < depth; l++) for (let j = 0; j < d; j++) w[l * d + j] = Array.isArray(a) ? a[j]! : a;
  }
  return w;
}

/** Mean |x_j| over the data set: each feature's magnitude (what "minor" and "major" refer to). */
export function featureMagnitudes(ds: Dataset): number[] {
  const m = new Array<number>(ds.d).fill(0);
  for (let i = 0; i < ds.n; i++) for (let j = 0; j < ds.d; j++) m[j] += Math.abs(ds.x[i * ds.d + j]!);
  return m.map((v) => v / ds.n);
}
