/**
 * File input and output: specs from files or stdin, and outputs written atomically (a temporary
 * file in the same folder, then rename), so an interrupted or killed process never leaves a
 * half-written file behind.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CliError } from "./errors.js";

/** Reads a JSON file (or stdin for "-") and parses it; errors name the file and the position. */
export function readJsonFile(path: string, what = "spec"): unknown {
  let text: string;
  try {
    text = path === "-" ? readFileSync(0, "utf8") : readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${what} file ${path}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (e as Error).message}`);
  }
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
    throw new CliError(`${path === "-" ? "stdin" : path}: invalid JSON${where} (${(e as Error).message.split("\n")[0]})`);
  }
}

/** Writes `content` to `path` atomically (temp file + fsync + rename). */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
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
