/**
 * Where the named data sources live and how inputs are opened.
 *
 * - "fashion-mnist": the four gzipped IDX files of the Debian package `dataset-fashion-mnist`
 *   (/usr/share/datasets/fashion-mnist); elsewhere set SAMLAB_DATA_DIR (the folder holding
 *   `fashion-mnist/`) or the spec's `data.dir` (the folder holding the four files, a path or a URL).
 * - "digits", "iris": vendored in this package (packages/sim/data, with their licences). The
 *   `new URL("…", import.meta.url)` literals let bundlers (Vite) ship the files with the page.
 *
 * Opening: URLs (http(s):, blob:, data:) are fetched; paths and file: URLs are read with node:fs,
 * imported on demand so that browser bundles never load it.
 */
import { DataError } from "./errors.js";
import type { DataInput } from "./input.js";

/** Thrown when a file or data set is absent (a DataError; the experiments skip on it). */
export class DataNotFoundError extends DataError {
  constructor(file: string, reason: string) {
    super(file, reason);
    this.name = "DataNotFoundError";
  }
}

/** Opens a path or URL as a byte input. Replace it (LoadOptions.open) to read from elsewhere. */
export type Opener = (file: string | URL) => Promise<DataInput>;

export const DEBIAN_DATA_DIR = "/usr/share/datasets";

const isUrl = (s: string) => /^[a-z][a-z0-9+.-]+:/i.test(s) && !/^[a-z]:[\\/]/i.test(s);

function nodeFs(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === "string";
}

/** The default opener: fetch for URLs, node:fs for paths and file: URLs. */
export const openInput: Opener = async (file) => {
  const s = String(file);
  if (isUrl(s) && !s.startsWith("file:")) {
    let res: Response;
    try {
      res = await fetch(s);
    } catch (e) {
      throw new DataNotFoundError(s, `cannot fetch: ${(e as Error).message}`);
    }
    if (!res.ok || !res.body) throw new DataNotFoundError(s, `cannot fetch: HTTP ${res.status}`);
    return res.body as ReadableStream<Uint8Array>;
  }
  if (!nodeFs()) {
    if (s.startsWith("file:")) throw new DataNotFoundError(s, "file: URLs cannot be read in a browser (give an http(s) URL or a File)");
    // a relative path in a browser: resolve against the page
    return openInput(new URL(s, (globalThis as { location?: { href: string } }).location?.href ?? "http://localhost/").href);
  }
  const name = "node:fs";
  const fs = (await import(/* @vite-ignore */ name)) as typeof import("node:fs");
  const target = typeof file === "string" && s.startsWith("file:") ? new URL(s) : file;
  const shown = typeof target === "string" ? target : decodeURIComponent(target.pathname);
  try {
    const st = await fs.promises.stat(target);
    if (st.isDirectory()) throw new DataError(shown, "is a directory, not a data file");
    // a named pipe (or device, socket) can block a read forever, past SIGINT and SIGTERM: regular files only
    if (!st.isFile()) throw new DataError(shown, `is not a regular file (${st.isFIFO() ? "a named pipe" : st.isSocket() ? "a socket" : "a device"}): data files must be regular files`);
  } catch (e) {
    if (e instanceof DataError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw code === "ENOENT" ? new DataNotFoundError(shown, "no such file") : new DataError(shown, `cannot read: ${(e as Error).message}`);
  }
  return fs.createReadStream(target, { highWaterMark: 1 << 16 }) as unknown as AsyncIterable<Uint8Array>;
};

/** A name for an input in messages: the path, or the URL's path for file: URLs. */
export function inputName(file: string | URL): string {
  if (typeof file === "string") return file;
  return file.protocol === "file:" ? decodeURIComponent(file.pathname) : file.href;
}

/** The Fashion-MNIST folder: spec `dir`, else $SAMLAB_DATA_DIR/fashion-mnist, else the Debian location. */
export function fashionMnistDir(dir?: string): string {
  if (dir) return dir.replace(/\/+$/, "");
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.SAMLAB_DATA_DIR;
  return `${(env || DEBIAN_DATA_DIR).replace(/\/+$/, "")}/fashion-mnist`;
}

/** The Fashion-MNIST files of a split. */
export function fashionMnistFiles(dir: string, split: "train" | "test"): { images: string; labels: string } {
  const stem = split === "train" ? "train" : "t10k";
  return { images: `${dir}/${stem}-images-idx3-ubyte.gz`, labels: `${dir}/${stem}-labels-idx1-ubyte.gz` };
}

/** Fashion-MNIST class names (index = label). */
export const FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"] as const;

/** The vendored files (packages/sim/data). */
export function vendoredFile(source: "digits" | "iris"): URL {
  return source === "digits" ? new URL("../../../data/digits.csv.gz", import.meta.url) : new URL("../../../data/iris.csv", import.meta.url);
}

export const MISSING_FASHION_MNIST =
  "Fashion-MNIST not found: install the Debian package dataset-fashion-mnist (bash scripts/setup.sh --test does), or set SAMLAB_DATA_DIR (the folder holding fashion-mnist/) or data.dir";
