/**
 * The page-side model of a run: the columns recorded so far (appended chunk by chunk from the
 * worker's record rows) and where the run stands. No DOM; the views read it, the run session
 * (worker/session.ts) writes it.
 */
import { REC, type Result } from "@samlab/sim";

/** The state shown in the table view, computed from the current parameters (not only recorded points). */
export interface Snapshot {
  step: number;
  t: number;
  beta: number[];
  loss: number;
  minMargin: number;
  /** The weights w_l (L rows of d numbers) at this step. */
  w: number[][];
}

/** Recorded columns of one run, appended chunk by chunk from the worker's record rows. */
export class Series {
  step: number[] = [];
  t: number[] = [];
  loss: number[] = [];
  l1: number[] = [];
  l2: number[] = [];
  wNorm: number[] = [];
  minMargin: number[] = [];
  dominant: number[] = [];
  beta: Float64Array[] = [];
  /** max_j [max_l w_lj² − min_l w_lj²] (always recorded). */
  balance: number[] = [];
  /** λ_max of the Hessian and its edges of stability (NaN unless the spec records sharpness; edges NaN for flows). */
  lambdaMax: number[] = [];
  traceH: number[] = [];
  edgeGD: number[] = [];
  edgeSAM: number[] = [];

  /** Called once per progress message of the run. */
  append(rows: Float64Array, stride: number): void {
    const m = Math.floor(rows.length / stride);
    for (let i = 0; i < m; i++) {
      const o = i * stride;
      this.step.push(rows[o + REC.STEP]!);
      this.t.push(rows[o + REC.T]!);
      this.loss.push(rows[o + REC.LOSS]!);
      this.l1.push(rows[o + REC.L1]!);
      this.l2.push(rows[o + REC.L2]!);
      this.wNorm.push(rows[o + REC.WNORM]!);
      this.minMargin.push(rows[o + REC.MIN_MARGIN]!);
      this.dominant.push(rows[o + REC.DOMINANT]!);
      this.balance.push(rows[o + REC.BALANCE]!);
      this.lambdaMax.push(rows[o + REC.LAMBDA_MAX]!);
      this.traceH.push(rows[o + REC.TRACE_H]!);
      this.edgeGD.push(rows[o + REC.EDGE_GD]!);
      this.edgeSAM.push(rows[o + REC.EDGE_SAM]!);
      if (stride > REC.FIXED) this.beta.push(rows.slice(o + REC.FIXED, o + stride));
    }
  }
}

/** "main" is the run the page is about; "a" and "b" are the two runs of the comparison view. */
export type RunRole = "main" | "a" | "b";

export interface RunView {
  id: number;
  role: RunRole;
  algo: string;
  series: Series;
  started: boolean;
  /** An `advance` was sent and its progress has not come back yet. */
  outstanding: boolean;
  done: boolean;
  step: number;
  steps: number;
  d: number;
  n: number;
  magnitudes: number[];
  /** [height, width] when the features are image pixels (digits: [8, 8]). */
  shape?: [number, number];
  snapshot?: Snapshot;
  /** The initialization: the weights of the step-0 snapshot. */
  w0?: number[][];
  result?: Result;
  error?: string;
}

export function newRun(id: number, role: RunRole, algo: string, steps: number): RunView {
  return { id, role, algo, series: new Series(), started: false, outstanding: false, done: false, step: 0, steps, d: 0, n: 0, magnitudes: [] };
}

/** The dominant coordinate (0-based) and the step it took over, from the recorded columns. */
export function sequenceFromSeries(s: Series): { coord: number; step: number }[] {
  const out: { coord: number; step: number }[] = [];
  for (let i = 0; i < s.step.length; i++) {
    if (!(s.l1[i]! > 0)) continue;
    const c = s.dominant[i]!;
    if (!out.length || out[out.length - 1]!.coord !== c) out.push({ coord: c, step: s.step[i]! });
  }
  return out;
}
