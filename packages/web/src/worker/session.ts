/**
 * The page side of the worker protocol for one element: starts the main run (and the comparison
 * runs), asks for chunks of steps, keeps each run's model (state/runs.ts) up to date from the
 * worker's replies, and announces what happened on its bus. It decides nothing about playing or
 * drawing; the element does (element/explorer.ts).
 */
import type { Result, Spec, SpecInput } from "@samlab/sim";
import { Bus } from "../state/bus.js";
import { newRun, type RunRole, type RunView } from "../state/runs.js";
import { compareSpec } from "../state/compare.js";
import { WorkerClient } from "./client.js";
import type { FromWorker } from "./protocol.js";

type Progress = Extract<FromWorker, { type: "progress" }>;
/** The phase-diagram job's messages: cells, its end, or its error. */
export type PhaseMessage = Extract<FromWorker, { type: "cells" | "phase-done" }> | (Extract<FromWorker, { type: "error" }> & { job: number });

export interface SessionTopics {
  started: [run: RunView];
  progress: [run: RunView, message: Progress];
  result: [run: RunView, result: Result];
  runError: [run: RunView, error: { field?: string; message: string }];
  phase: [message: PhaseMessage];
  /** After every message about a current run (the element schedules a frame). */
  changed: [];
  /** The worker itself failed (it could not load, or threw outside a run). */
  failure: [message: string];
}

export class RunSession {
  readonly bus = new Bus<SessionTopics>();
  private readonly client = new WorkerClient();
  private nextRun = 1;
  private nextJob = 1;
  /** The current runs: the main run first, then the comparison runs "a" and "b" when shown. */
  runs: RunView[] = [];
  private readonly resultWaiters = new Map<number, ((r: Result) => void)[]>();

  constructor() {
    this.client.onmessage = (m) => this.onMessage(m);
    this.client.onfailure = (message) => this.bus.emit("failure", message);
  }

  main(): RunView | undefined {
    return this.runs.find((r) => r.role === "main");
  }
  run(role: RunRole): RunView | undefined {
    return this.runs.find((r) => r.role === role);
  }

  /** Drops the current runs and starts `spec`, plus the same spec under each algorithm of `compare`. */
  start(spec: Spec, compare: [string, string] | undefined): void {
    for (const r of this.runs) this.client.send({ type: "drop", run: r.id });
    this.runs = [newRun(this.nextRun++, "main", spec.algo, spec.steps)];
    if (compare) this.runs.push(newRun(this.nextRun++, "a", compare[0], spec.steps), newRun(this.nextRun++, "b", compare[1], spec.steps));
    for (const r of this.runs) {
      const s: Record<string, unknown> = r.role === "main" ? { ...spec } : compareSpec(spec, r.algo);
      this.client.send({ type: "start", run: r.id, spec: s });
    }
  }

  /** Drops every current run (an element whose spec was rejected runs nothing). */
  stop(): void {
    for (const r of this.runs) this.client.send({ type: "drop", run: r.id });
    this.runs = [];
  }

  /** Asks for the next chunk: `steps` steps, or about 12 ms (main) / 3 ms (comparison) of compute. */
  advance(r: RunView, steps: number | undefined, snapshot: boolean): void {
    if (!r.started || r.done || r.outstanding) return;
    r.outstanding = true;
    // Auto speed: the main run gets most of each frame's compute, the comparison runs the rest.
    const budgetMs = r.role === "main" ? 12 : 3;
    this.client.send({ type: "advance", run: r.id, ...(steps !== undefined ? { steps } : { budgetMs }), snapshot });
  }

  /** Changes η and ρ of every unfinished run from its current step on. */
  hyper(rho: number, lr: number): void {
    for (const r of this.runs) if (!r.done) this.client.send({ type: "hyper", run: r.id, rho, lr });
  }

  /** Asks the worker for the main run's Result so far (it arrives as a `result` message). */
  requestResult(): void {
    const main = this.main();
    if (main?.started) this.client.send({ type: "result", run: main.id });
  }

  /** The main run's Result so far, fresh from the worker (undefined before the run has started). */
  currentResult(): Promise<Result | undefined> {
    const main = this.main();
    if (!main?.started) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const list = this.resultWaiters.get(main.id) ?? [];
      list.push(resolve);
      this.resultWaiters.set(main.id, list);
      this.client.send({ type: "result", run: main.id });
    });
  }

  /** Starts the phase-diagram job over `specs`; returns its id. */
  startPhase(specs: SpecInput[]): number {
    const job = this.nextJob++;
    this.client.send({ type: "phase", job, specs });
    return job;
  }

  /** Stops a phase-diagram job (its spec changed): the worker drops its remaining cells. */
  cancelPhase(job: number): void {
    this.client.send({ type: "cancel", job });
  }

  terminate(): void {
    this.client.terminate();
  }

  private onMessage(m: FromWorker): void {
    if (m.type === "cells" || m.type === "phase-done" || (m.type === "error" && m.job !== undefined)) return this.bus.emit("phase", m as PhaseMessage);
    if (m.type === "result") {
      const waiters = this.resultWaiters.get(m.run);
      this.resultWaiters.delete(m.run);
      for (const w of waiters ?? []) w(m.result);
    }
    const r = this.runs.find((x) => x.id === (m as { run?: number }).run);
    if (!r) return; // a dropped run
    switch (m.type) {
      case "started":
        r.started = true;
        r.d = m.d;
        r.n = m.n;
        r.steps = m.steps;
        r.magnitudes = m.magnitudes;
        r.shape = m.shape;
        this.bus.emit("started", r);
        break;
      case "progress":
        r.outstanding = false;
        r.series.append(m.rows, m.stride);
        r.step = m.step;
        if (m.snapshot) r.snapshot = m.snapshot;
        if (m.snapshot && m.snapshot.step === 0 && !r.w0) r.w0 = m.snapshot.w;
        if (m.done) r.done = true;
        this.bus.emit("progress", r, m);
        break;
      case "result":
        r.result = m.result;
        this.bus.emit("result", r, m.result);
        break;
      case "error":
        r.outstanding = false;
        r.error = m.message;
        r.done = true;
        this.bus.emit("runError", r, { field: m.field, message: m.message });
        break;
    }
    this.bus.emit("changed");
  }
}
