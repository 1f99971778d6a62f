/**
 * `samlab run --stream FILE`: appends each chunk's newly recorded points to FILE as they are
 * produced, so a long run's trajectory is on disk while it runs (and memory stays flat however many
 * points are written). FILE.jsonl gets one JSON object per point with the Result's trajectory column
 * names ({"step":…,"t":…,"loss":…,…,"beta":[…]}); FILE.csv gets the same header and rows as
 * `--out FILE.csv` (trajectoryToCsv). Called once per chunk (about every 50 ms) from `run`.
 */
import { closeSync, ftruncateSync, fsyncSync, openSync } from "node:fs";
import { REC, TRAJECTORY_COLUMNS, curvatureColumns, trajectoryCsvHeader, trajectoryCsvRow, trajectoryFromRows, type Result, type Trajectory } from "@samlab/sim";
import { CliError } from "./errors.js";
import { writeAll, writeErrorText } from "./io.js";

/** Point `i` of a trajectory as one JSON Lines record (the Result's column names; `beta` when recorded). */
export function jsonLine(t: Trajectory, i: number): string {
  const o: Record<string, unknown> = {};
  for (const c of TRAJECTORY_COLUMNS) o[c] = t[c][i];
  for (const c of curvatureColumns(t)) o[c] = t[c]![i];
  const beta = t.beta[i];
  if (beta?.length) o.beta = beta;
  return JSON.stringify(o);
}

/** A Result's trajectory as JSON Lines (`--out FILE.jsonl`): the same lines `--stream FILE.jsonl` writes. */
export function trajectoryToJsonLines(r: Result): string {
  const lines: string[] = [];
  for (let i = 0; i < r.trajectory.step.length; i++) lines.push(jsonLine(r.trajectory, i));
  return lines.length ? lines.join("\n") + "\n" : "";
}

export class TrajectoryStream {
  private fd: number;
  private readonly csv: boolean;
  private headerDone = false;
  /** Points written so far (to add, at the end, any the Result holds that no chunk carried). */
  written = 0;
  /** Bytes of whole lines in the file: after a failed write the file is cut back to them. */
  private bytes = 0;

  constructor(
    readonly path: string,
    private readonly depth: number,
  ) {
    if (!/\.(jsonl|csv)$/.test(path)) throw new CliError(`--stream ${path}: expected a file name ending in .jsonl (JSON Lines) or .csv`);
    this.csv = path.endsWith(".csv");
    try {
      this.fd = openSync(path, "w");
    } catch (e) {
      throw new CliError(`--stream ${path}: cannot open: ${(e as Error).message}`);
    }
  }

  /** Appends the record rows of one chunk (`stride`-long rows in the REC layout). */
  writeRows(rows: Float64Array, stride: number): void {
    if (rows.length < stride) return;
    // The same function buildResult uses, so the streamed values equal the Result's bit for bit.
    this.writeColumns(trajectoryFromRows(rows, stride, this.depth, stride > REC.FIXED), 0, stride - REC.FIXED);
  }

  /** Appends the Result's points past those already written (a point recorded when a run stops early), flushes to disk, then closes. */
  finish(r: Result): void {
    this.writeColumns(r.trajectory, this.written, r.trajectory.beta.length ? r.data.d : 0);
    try {
      fsyncSync(this.fd);
    } catch (e) {
      this.close();
      throw new CliError(`--stream ${this.path}: cannot write: ${writeErrorText(e)}`);
    }
    this.close();
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /**
   * Appends whole lines, every byte checked: on a failed or short write (a full disk, a file-size
   * limit) the file is cut back to its last whole line and a one-line CliError names the cause.
   */
  private append(text: string): void {
    const data = Buffer.from(text);
    try {
      writeAll(this.fd, data);
      this.bytes += data.length;
    } catch (e) {
      // keep the whole lines that made it (a short write ends mid-line): cut after the last newline written
      const written = (e as { written?: number }).written ?? 0;
      const keep = written > 0 ? data.lastIndexOf(10, written - 1) + 1 : 0;
      let lines = 0;
      for (let i = 0; i < keep; i++) if (data[i] === 10) lines++;
      try {
        ftruncateSync(this.fd, this.bytes + keep);
      } catch {
        /* the cut is best effort: the error below is what matters */
      }
      this.close();
      const points = this.written + Math.max(0, lines - (this.csv && this.bytes === 0 ? 1 : 0));
      throw new CliError(`--stream ${this.path}: cannot write: ${writeErrorText(e)}; the file keeps the ${points} whole points written before`);
    }
  }

  private writeColumns(t: Trajectory, from: number, d: number): void {
    if (!this.headerDone) {
      this.headerDone = true;
      if (this.csv) this.append(trajectoryCsvHeader(d, t) + "\n");
    }
    const lines: string[] = [];
    for (let i = from; i < t.step.length; i++) {
      if (this.csv) lines.push(trajectoryCsvRow(t, i));
      else lines.push(jsonLine(t, i));
    }
    if (!lines.length) return;
    this.append(lines.join("\n") + "\n");
    this.written += lines.length;
  }
}
