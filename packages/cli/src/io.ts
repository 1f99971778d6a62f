/**
 * File input and output: specs from files or stdin, and outputs written atomically (a temporary
 * file in the same folder, then rename), so an interrupted or killed process never leaves a
 * half-written file behind.
 */
import { accessSync, closeSync, constants, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { oneLine } from "@samlab/sim";
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
    return Buffer.concat(chunks, total).toString("utf8");
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
    return JSON.parse(text);
  } catch (e) {
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

/**
 * Fails early, before a long run, when `path` could not be written at its end: its folder cannot be
 * made or written, or `path` is a folder. `flag` names the option in the message.
 */
export function checkWritable(path: string, flag: string): void {
  const dir = dirname(path);
  try {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    if (existsSync(path) && statSync(path).isDirectory()) throw Object.assign(new Error("it is a folder"), { code: "EISDIR" });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${flag} ${oneLine(path)}: cannot write there (${code === "EISDIR" ? "it is a folder" : code ?? (e as Error).message})`);
  }
}

/** Writes `content` to `path` atomically (temp file + fsync + rename). */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const tmp = tempName(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "w");
    writeSync(fd, typeof content === "string" ? Buffer.from(content) : content);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw new CliError(`cannot write ${path}: ${(e as Error).message}`);
  }
}
