/**
 * IDX, the format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic
 * number 00 00 TT DD (TT the element type, DD the number of dimensions), DD big-endian uint32 sizes,
 * then the elements, big-endian, row-major. Gzipped files are inflated on the fly (input.ts).
 *
 * Streaming with bounded memory: records (images, labels) are decoded one at a time and only the
 * selected ones are kept, so picking 500 images of a 60 000-image file holds 500 images.
 */
import { DataError } from "./errors.js";
import { byteChunks, type DataInput, type InputLimits } from "./input.js";

/** Element types by their IDX code: size in bytes and name. */
const TYPES: Record<number, { size: number; name: string }> = {
  0x08: { size: 1, name: "unsigned byte" },
  0x09: { size: 1, name: "signed byte" },
  0x0b: { size: 2, name: "short" },
  0x0c: { size: 4, name: "int" },
  0x0d: { size: 4, name: "float" },
  0x0e: { size: 8, name: "double" },
};

export interface IdxOptions extends InputLimits {
  /** Keep record i (0-based, along the first dimension) when this returns true; default: all. */
  select?: (i: number) => boolean;
  /** Expected number of dimensions (e.g. 3 for images, 1 for labels), checked against the header. */
  ndims?: number;
  /** Cap on kept numbers; default 50 000 000. */
  maxCells?: number;
  /** Cap on the numbers per record (the dimension d); default 1 000 000. */
  maxD?: number;
}

export interface IdxArray {
  /** Element type code (0x08 = unsigned byte, …). */
  type: number;
  /** Sizes from the header; dims[0] is the number of records. */
  dims: number[];
  /** Indices (along dims[0]) of the kept records, ascending. */
  kept: number[];
  /** The kept records, row-major (kept.length × product of dims[1..]). */
  data: Float64Array;
}

const hex = (b: Uint8Array) => "0x" + Array.from(b.subarray(0, 4), (v) => v.toString(16).padStart(2, "0")).join("");

/** Parses an IDX stream. `file` names it in errors (byte offsets are in the uncompressed stream). */
export async function parseIdx(input: DataInput, file: string, opts: IdxOptions = {}): Promise<IdxArray> {
  const maxCells = opts.maxCells ?? 50_000_000;
  let pos = 0; // bytes consumed
  let header = new Uint8Array(0);
  let headerLen = 4;
  let type = 0;
  let dims: number[] = [];
  let elem = 1;
  let recordElems = 1;
  let recordBytes = 0;
  let records = 0;
  let rec: Uint8Array | undefined; // the record being assembled
  let recFill = 0;
  let recIndex = 0;
  let kept: number[] = [];
  let keepMask: Uint8Array | undefined;
  let data = new Float64Array(0);
  let out = 0;
  let view: DataView | undefined;

  const decode = (i: number) => {
    const base = out * recordElems;
    if (type === 0x08) for (let k = 0; k < recordElems; k++) data[base + k] = rec![k]!;
    else
      for (let k = 0; k < recordElems; k++) {
        const o = k * elem;
        const v = type === 0x09 ? view!.getInt8(o) : type === 0x0b ? view!.getInt16(o) : type === 0x0c ? view!.getInt32(o) : type === 0x0d ? view!.getFloat32(o) : view!.getFloat64(o);
        if (!Number.isFinite(v)) throw new DataError(file, `record ${i}, element ${k}: expected a finite number, got ${v}`, { offset: headerLen + i * recordBytes + o });
        data[base + k] = v;
      }
    out++;
  };

  const parseHeader = () => {
    if (header[0] !== 0 || header[1] !== 0 || !TYPES[header[2]!] || header[3] === 0) {
      throw new DataError(file, `wrong magic number ${hex(header)}: not an IDX file (expected 00 00 TT DD, e.g. 0x00000803 for images, 0x00000801 for labels)`, { offset: 0 });
    }
    type = header[2]!;
    headerLen = 4 + 4 * header[3]!;
  };

  const startData = () => {
    const dv = new DataView(header.buffer, header.byteOffset, header.byteLength);
    dims = Array.from({ length: header[3]! }, (_, k) => dv.getUint32(4 + 4 * k));
    if (opts.ndims !== undefined && dims.length !== opts.ndims) {
      throw new DataError(file, `expected a ${opts.ndims}-dimensional IDX file, got ${dims.length} dimension(s) [${dims.join(" × ")}] (magic ${hex(header)})`, { offset: 3 });
    }
    elem = TYPES[type]!.size;
    recordElems = dims.slice(1).reduce((a, b) => a * b, 1);
    recordBytes = recordElems * elem;
    records = dims[0]!;
    // before anything proportional to the declared sizes is allocated or iterated (a crafted 12-byte
    // header can declare 2³²−1 records): every record holds ≥ 1 number, so more records than maxCells
    // cannot fit; a zero dimension would make the record count unbounded by the file's length
    const zero = dims.indexOf(0, 1);
    if (zero > 0 && records > 0) throw new DataError(file, `dimension ${zero + 1} is 0 [${dims.join(" × ")}]: the records hold no numbers`, { offset: 4 + 4 * zero });
    if (records > maxCells) throw new DataError(file, `the header declares ${records} records, more than the ${maxCells} numbers allowed`, { offset: 4 });
    const maxD = opts.maxD ?? 1_000_000;
    if (opts.ndims !== 1 && recordElems > maxD) throw new DataError(file, `the header declares records of ${recordElems} numbers [${dims.join(" × ")}], more than the largest dimension allowed, d ≤ ${maxD}`, { offset: 8 });
    if (recordElems > maxCells) throw new DataError(file, `the header declares records of ${recordElems} numbers [${dims.join(" × ")}], more than the ${maxCells} allowed`, { offset: 8 });
    keepMask = new Uint8Array(records);
    kept = [];
    for (let i = 0; i < records; i++)
      if (!opts.select || opts.select(i)) {
        keepMask[i] = 1;
        kept.push(i);
      }
    if (kept.length * recordElems > maxCells) throw new DataError(file, `${kept.length} records × ${recordElems} is more than ${maxCells} numbers: select fewer`);
    data = new Float64Array(kept.length * recordElems);
    rec = new Uint8Array(Math.max(recordBytes, 1));
    view = new DataView(rec.buffer);
  };

  for await (const chunk of byteChunks(input, file, opts)) {
    let at = 0;
    while (at < chunk.length) {
      if (!rec) {
        // header bytes
        const need = headerLen - header.length;
        const take = Math.min(need, chunk.length - at);
        const h = new Uint8Array(header.length + take);
        h.set(header);
        h.set(chunk.subarray(at, at + take), header.length);
        header = h;
        at += take;
        pos += take;
        if (header.length === 4 && headerLen === 4) parseHeader();
        if (header.length === headerLen && headerLen > 4) startData();
        continue;
      }
      if (recIndex >= records) {
        throw new DataError(file, `${chunk.length - at} or more extra bytes after the ${records} records of ${recordBytes} bytes the header declares (the file is longer than its header says)`, { offset: pos });
      }
      const take = Math.min(recordBytes - recFill, chunk.length - at);
      if (keepMask![recIndex]) rec.set(chunk.subarray(at, at + take), recFill);
      recFill += take;
      at += take;
      pos += take;
      if (recFill === recordBytes) {
        if (keepMask![recIndex]) decode(recIndex);
        recIndex++;
        recFill = 0;
      }
    }
  }
  if (header.length < 4) throw new DataError(file, pos === 0 ? "empty file (expected an IDX header)" : `truncated header: the file ends at byte ${pos}, inside the 4-byte magic number`, { offset: pos });
  if (!rec) throw new DataError(file, `truncated header: the file ends at byte ${pos}, inside the ${headerLen}-byte header`, { offset: pos });
  if (recIndex < records) {
    const expected = headerLen + records * recordBytes;
    if (recFill > 0) throw new DataError(file, `truncated file: it ends inside record ${recIndex} of ${records} (expected ${expected} bytes, got ${pos})`, { offset: pos });
    throw new DataError(file, `the header claims ${records} records [${dims.join(" × ")}] (${expected} bytes) but the file holds ${recIndex} (${pos} bytes)`, { offset: pos });
  }
  return { type, dims, kept, data };
}
