/**
 * Byte input for the data loaders, the same in Node and browsers: a loader takes any
 * {@link DataInput} (bytes, a Blob/File, a web ReadableStream, or any async iterable of chunks such
 * as a Node `fs.createReadStream`) and reads it chunk by chunk. Gzip is recognized by its magic
 * bytes (1f 8b) and inflated on the fly with the standard `DecompressionStream` (Node ≥ 18, every
 * current browser), so a loader never holds the whole file, compressed or not.
 */
import { DataError } from "./errors.js";

export type DataInput = Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * Caps on what one data input may cost, checked while streaming so that a crafted input stops early:
 * a 1 MB gzip of blank lines inflates to 1 GB (10⁹ empty lines) and would otherwise cost minutes.
 * The largest real file (5·10⁷ numbers, the n·d cap, at ~20 characters each) is ~1 GB of text.
 */
export const INPUT_LIMITS = {
  /** Bytes after decompression (2 GiB). */
  maxBytes: 2 * 1024 ** 3,
  /** Text lines, blank and comment lines included. */
  maxLines: 10_000_000,
} as const;

/** Per-call overrides of {@link INPUT_LIMITS} (tests use small ones). */
export interface InputLimits {
  maxBytes?: number;
  maxLines?: number;
}

/** The raw chunks of an input (no decompression). Called once per load. */
export async function* rawChunks(input: DataInput): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) {
    yield input;
    return;
  }
  if (input instanceof ArrayBuffer) {
    yield new Uint8Array(input);
    return;
  }
  if (typeof Blob !== "undefined" && input instanceof Blob) {
    yield* rawChunks(input.stream() as ReadableStream<Uint8Array>);
    return;
  }
  if (typeof (input as ReadableStream).getReader === "function") {
    const reader = (input as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value?.length) yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  if (Symbol.asyncIterator in (input as object)) {
    for await (const c of input as AsyncIterable<Uint8Array>) if (c.length) yield c instanceof Uint8Array ? c : new Uint8Array(c);
    return;
  }
  for (const c of input as Iterable<Uint8Array>) if (c.length) yield c;
}

/**
 * The decompressed bytes of an input, chunk by chunk. `file` names the input in errors. Gzip
 * streams that end early or are corrupt become a DataError naming how many compressed bytes were read.
 */
export async function* byteChunks(input: DataInput, file: string, limits: InputLimits = {}): AsyncGenerator<Uint8Array> {
  const maxBytes = limits.maxBytes ?? INPUT_LIMITS.maxBytes;
  let total = 0;
  const counted = (c: Uint8Array, gzip: boolean): Uint8Array => {
    total += c.length;
    if (total > maxBytes) throw new DataError(file, `more than ${mib(maxBytes)} of data${gzip ? " after decompression (a gzip bomb?)" : ""}: the limit for one data file`, { offset: maxBytes });
    return c;
  };
  const it = rawChunks(input);
  let first = await it.next();
  // need two bytes to recognize gzip; merge a 1-byte first chunk with the next
  while (!first.done && first.value.length < 2) {
    const more = await it.next();
    if (more.done) break;
    const merged = new Uint8Array(first.value.length + more.value.length);
    merged.set(first.value);
    merged.set(more.value, first.value.length);
    first = { done: false, value: merged };
  }
  if (first.done) return;
  const head = first.value;
  if (!(head[0] === 0x1f && head[1] === 0x8b)) {
    yield counted(head, false);
    for (let c = await it.next(); !c.done; c = await it.next()) yield counted(c.value, false);
    return;
  }
  if (typeof DecompressionStream === "undefined") throw new DataError(file, "gzip input needs DecompressionStream (Node ≥ 18 or a current browser)");
  let compressed = 0;
  const source = new ReadableStream<Uint8Array>({
    start(ctl) {
      compressed += head.length;
      ctl.enqueue(head);
    },
    async pull(ctl) {
      const c = await it.next();
      if (c.done) ctl.close();
      else {
        compressed += c.value.length;
        ctl.enqueue(c.value);
      }
    },
  });
  const reader = source.pipeThrough(new DecompressionStream("gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>).getReader();
  for (;;) {
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = await reader.read();
    } catch (e) {
      if (e instanceof DataError) throw e;
      const msg = (e as Error)?.message ?? String(e);
      throw new DataError(file, `truncated or corrupt gzip data (${/end|incomplete|truncat/i.test(msg) ? "the compressed stream ends early" : msg}; the offset counts compressed bytes)`, { offset: compressed });
    }
    if (r.done) return;
    if (r.value.length) {
      try {
        counted(r.value, true);
      } catch (e) {
        void reader.cancel().catch(() => {}); // stop inflating at once
        throw e;
      }
      yield r.value;
    }
  }
}

const mib = (b: number) => (b >= 1024 ** 3 ? `${b / 1024 ** 3} GiB` : b >= 1048576 ? `${(b / 1048576).toFixed(0)} MiB` : `${b} bytes`);

/** One text line and its 1-based number. */
export interface Line {
  text: string;
  line: number;
}

/**
 * UTF-8 lines of an input (\n or \r\n), decompressed on the fly; a final line without \n counts.
 * Blank lines and lines starting with '#' (comments) are counted but not returned. A
 * UTF-8 byte-order mark at the start (spreadsheet exports write one) is dropped, so that it never
 * becomes part of the first header name.
 */
export async function* textLines(input: DataInput, file: string, limits: InputLimits = {}): AsyncGenerator<Line> {
  const maxLines = limits.maxLines ?? INPUT_LIMITS.maxLines;
  const dec = new TextDecoder("utf-8", { ignoreBOM: false });
  let carry = "";
  let line = 0;
  for await (const chunk of byteChunks(input, file, limits)) {
    const s = carry + dec.decode(chunk, { stream: true });
    let start = 0;
    for (let k = s.indexOf("\n"); k >= 0; k = s.indexOf("\n", start)) {
      line++;
      if (line > maxLines) throw new DataError(file, `more than ${maxLines} lines (blank and comment lines included): the limit for one data file`, { line });
      // blank and comment lines are skipped here, in the scan, never handed on one by one: a gzip of
      // 10⁷ blank lines then costs a fraction of a second (both formats skip them; '#' starts a comment)
      const text = s.charCodeAt(k - 1) === 13 ? s.slice(start, k - 1) : s.slice(start, k);
      start = k + 1;
      if (text.length === 0 || text.charCodeAt(0) === 35 || (text.charCodeAt(0) <= 32 && text.trim() === "")) continue;
      yield { text, line };
    }
    carry = s.slice(start);
    if (carry.length > 16 * 1024 * 1024) throw new DataError(file, `line ${line + 1} is longer than 16 MB (is this a text file?)`, { line: line + 1 });
  }
  carry += dec.decode();
  if (carry.length) yield { text: carry.endsWith("\r") ? carry.slice(0, -1) : carry, line: line + 1 };
}

/** A growable Float64Array (amortized doubling), for rows whose count is unknown until the end. */
export class GrowableF64 {
  buf = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.buf.length) this.grow(this.length + 1);
    this.buf[this.length++] = v;
  }
  grow(min: number): void {
    if (min <= this.buf.length) return;
    const next = new Float64Array(Math.max(min, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  toArray(): Float64Array {
    return this.buf.slice(0, this.length);
  }
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses a decimal number strictly (no "", hex, "1,5"); returns undefined when it is not one. */
export function parseNumber(s: string): number | undefined {
  const t = s.trim();
  if (!NUMBER.test(t)) return undefined;
  return Number(t);
}

/** Whether a token spells a non-finite number (NaN, inf, …), for a clearer error than "not a number". */
export function isNonFiniteWord(s: string): boolean {
  return /^[+-]?(nan|inf|infinity)$/i.test(s.trim());
}
