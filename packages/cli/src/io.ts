/**
 * File input and output: specs from files or stdin, and outputs written atomically (a temporary
 * file in the same folder, then rename), so an interrupted or killed process never leaves a
 * half-written file behind.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { MAX_NESTING, oneLine, tooDeep } from "@samlab/sim";
import { CliError } from "./errors.js";

/** Largest JSON input read by default (specs, sweeps, checkpoints): 256 MiB, below V8's string limit (~512 MiB). */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

const mib = (b: number) => `${(b / 1048576).toFixed(b < 1048576 ? 3 : 0)} MiB`;

/**
 * Reads a text file (or stdin for "-") of at most `maxBytes`, failing early with a clear message
 * (a regular file by its size, before reading; stdin or a device after `maxBytes` + 1 bytes).
 */
export function readTextFile(path: string, what = "spec", maxBytes = MAX_INPUT_BYTES): string {
  const name = path === "-" ? "stdin" : path;
  const tooBig = () => new CliError(`${what} ${name} is larger than ${mib(maxBytes)} (the limit for ${what} files)`);
  let fd: number | undefined;
  try {
    fd = path === "-" ? 0 : openSync(path, "r");
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error("it is a directory"), { code: "EISDIR" });
    if (st.isFile() && st.size > maxBytes) throw tooBig();
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      let k: number;
      try {
        k = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue; // a non-blocking stdin pipe: wait for data
        if ((e as NodeJS.ErrnoException).code === "EOF") break;
        throw e;
      }
      if (k === 0) break;
      total += k;
      if (total > maxBytes) throw tooBig();
      chunks.push(Buffer.from(buf.subarray(0, k)));
    }
    const text = Buffer.concat(chunks, total).toString("utf8");
    // a UTF-8 byte-order mark (Windows editors write one) is not part of the JSON: drop it
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${what} file ${path}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (e as Error).message}`);
  } finally {
    if (fd !== undefined && fd !== 0) closeSync(fd);
  }
}

/** Reads a JSON file (or stdin for "-") and parses it; errors name the file and the position. */
export function readJsonFile(path: string, what = "spec", maxBytes = MAX_INPUT_BYTES): unknown {
  const text = readTextFile(path, what, maxBytes);
  try {
    return boundedDepth(JSON.parse(text), path, what);
  } catch (e) {
    if (e instanceof CliError) throw e;
    const m = /position (\d+)/.exec((e as Error).message);
    let where = "";
    if (m) {
      const pos = Number(m[1]);
      const before = text.slice(0, pos);
      const line = before.split("\n").length;
      const col = pos - before.lastIndexOf("\n");
      where = ` at line ${line}, column ${col}`;
    }
    throw new CliError(`${path === "-" ? "stdin" : oneLine(path)}: invalid JSON${where} (${oneLine((e as Error).message)})`);
  }
}

/**
 * readJsonFile, then a bound on the nesting depth before anything walks the value recursively
 * (structuredClone, zod, JSON.stringify overflow the stack on a crafted 10⁵-deep document).
 */
function boundedDepth(value: unknown, path: string, what: string): unknown {
  const deep = tooDeep(value, MAX_NESTING + 2);
  if (deep !== undefined) throw new CliError(`${what} ${path === "-" ? "stdin" : oneLine(path)}: ${oneLine(deep, 80)}: nested more than ${MAX_NESTING + 2} levels deep (no samlab file is)`);
  return value;
}

const tempName = (path: string) => join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes temporary files that an earlier writer of `path` left behind when it was killed
 * (SIGKILL) in the middle of `writeFileAtomic`: `.NAME.<pid>.<ms>.tmp` of processes no longer
 * alive. `path` itself is never touched. Called before a command starts writing `path`.
 */
export function removeStaleTemps(path: string): string[] {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const m = /^(\d+)\.(\d+)\.tmp$/.exec(name.slice(prefix.length));
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      /* gone already */
    }
  }
  return removed;
}

/** What an error code of a failed write means, in words (the code is kept: ENOSPC, EFBIG, EROFS, …). */
export function writeErrorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    ENOSPC: "no space left on the device",
    EFBIG: "file too large (a file-size limit, ulimit -f, or the file system's)",
    EDQUOT: "disk quota exceeded",
    EROFS: "read-only file system",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    ENOENT: "no such folder",
    ENOTDIR: "a part of the path is not a folder",
    EISDIR: "it is a folder",
    EIO: "input/output error",
  };
  return err?.code && why[err.code] ? `${err.code}: ${why[err.code]}` : ((err?.message ?? String(e)).split("\n")[0] ?? "");
}

/**
 * Fails early, before a long run, when `path` could not be written at its end: its folder cannot be
 * made, or a file cannot be created in it (a real probe: an access() check passes for /proc and for
 * a read-only mount as root), or `path` is a folder. `flag` names the option in the message.
 */
export function checkWritable(path: string, flag: string): void {
  const dir = dirname(path);
  const probe = join(dir, `.${basename(path)}.${process.pid}.probe.tmp`);
  try {
    if (existsSync(path) && statSync(path).isDirectory()) throw Object.assign(new Error("it is a folder"), { code: "EISDIR" });
    makeDir(dir);
    const fd = openSync(probe, "wx");
    closeSync(fd);
    unlinkSync(probe);
  } catch (e) {
    try {
      unlinkSync(probe);
    } catch {
      /* never made */
    }
    const code = (e as NodeJS.ErrnoException).code;
    // creating a file in /proc or /sys fails with ENOENT although the folder exists
    const why = code === "ENOENT" && existsSync(dir) ? "ENOENT: this folder does not take new files (a kernel file system such as /proc?)" : writeErrorText(e);
    throw new CliError(`${flag} ${oneLine(path)}: cannot write there (${why})`);
  }
}

/**
 * The output policy of every command: an output that exists already is refused unless `force`, and
 * two outputs of one command may not be the same file. `outputs` are [path, flag] pairs (absent
 * paths skipped); `inputs` are files the command reads, which no output may overwrite either —
 * except `allowed`, one [path, flag] output that may (`resume FILE` continues its checkpoints in FILE).
 */
export function checkOutputs(outputs: [string | undefined, string][], force: boolean, inputs: [string, string][] = [], allowed?: [string, string]): void {
  const seen = new Map<string, string>();
  for (const [p, what] of inputs) if (p !== "-") seen.set(resolve(p), what);
  for (const [p, flag] of outputs) {
    if (p === undefined) continue;
    const abs = resolve(p);
    const ok = allowed !== undefined && allowed[1] === flag && resolve(allowed[0]) === abs;
    const other = seen.get(abs);
    if (other !== undefined && !ok) throw new CliError(`${flag} ${oneLine(p)}: the same file as ${other}; give each output its own file`);
    seen.set(abs, flag);
    if (!force && !ok && existsSync(abs)) throw new CliError(`${flag} ${oneLine(p)}: exists already; use --force to overwrite it, or another name`);
  }
}

/**
 * Makes a folder and its missing parents, one level at a time. (Node's `mkdirSync(…, { recursive:
 * true })` loops forever in a folder that refuses new entries with ENOENT, such as /proc.)
 */
export function makeDir(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
}

/** Writes all of `data` to `fd`, however many calls it takes (a write may be short: a full disk, a file-size limit, a signal). */
export function writeAll(fd: number, data: Uint8Array): void {
  let off = 0;
  try {
    while (off < data.length) {
      const k = writeSync(fd, data, off, data.length - off);
      // no progress without an error: the device takes no more (POSIX allows a 0-byte write to mean that)
      if (k <= 0) throw Object.assign(new Error("the write made no progress"), { code: "ENOSPC" });
      off += k;
    }
  } catch (e) {
    // how far it got, for a caller that keeps what was written (a stream cut back to whole lines)
    throw Object.assign(e as Error, { written: off });
  }
}

/**
 * Writes `content` to `path` atomically: a temporary file in the same folder, written completely
 * (every byte, checked), fsync'ed, then renamed over `path`. On any failure the temporary file is
 * removed, `path` keeps its previous content (if any), and a one-line CliError names the cause.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const tmp = tempName(path);
  let fd: number | undefined;
  try {
    makeDir(dirname(path));
    fd = openSync(tmp, "w");
    writeAll(fd, typeof content === "string" ? Buffer.from(content) : content);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        /* closing a failed file */
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* never made, or already gone */
    }
    throw new CliError(`cannot write ${oneLine(path)}: ${writeErrorText(e)}`);
  }
}
