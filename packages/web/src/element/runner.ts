/**
 * The run lifecycle: the element's run session with its worker (worker/session.ts) and what the
 * element does with the session's news — start, play, pause, step, reset, restart; the pace
 * (steps per frame, or "auto": the next chunk at once); the finished Result (`samlab-finish`,
 * `window.samlab.result`, `whenFinished()`); the status line's text.
 */
import type { Result, Spec } from "@samlab/sim";
import type { RunView } from "../state/runs.js";
import type { ExplorerStore, RunState } from "../state/store.js";
import { VIEW_IDS } from "../views/index.js";
import type { Scheduler } from "../views/scheduler.js";
import { statusText } from "../views/status.js";
import { RunSession } from "../worker/session.js";
import { compareAlgos, viewIds } from "./attributes.js";
import type { ErrorDisplay } from "./errors.js";
import { emit } from "./events.js";
import type { Frame } from "./frame.js";
import { samlabGlobal } from "./global.js";

export class Runner {
  /** The session while the element is connected (its worker is terminated on disconnect). */
  session?: RunSession;
  private resultWaiters: ((r: Result) => void)[] = [];
  private lastProgressEventAt = 0;

  constructor(
    private readonly el: HTMLElement,
    private readonly store: ExplorerStore,
    private readonly scheduler: Scheduler,
    private readonly frame: Frame,
    private readonly errors: ErrorDisplay,
  ) {}

  /** The current runs (main first, then the comparison runs). */
  get runs(): RunView[] {
    return this.session?.runs ?? [];
  }

  get state(): RunState {
    return this.store.state;
  }

  /** Makes the session (and its worker) unless there is one. */
  connect(): void {
    this.session ??= this.makeSession();
  }

  /** Ends the session and its worker. */
  disconnect(): void {
    this.session?.terminate();
    this.session = undefined;
  }

  /** Resolves with the Result when the current run finishes. */
  whenFinished(): Promise<Result> {
    if (this.store.result) return Promise.resolve(this.store.result);
    return new Promise((r) => this.resultWaiters.push(r));
  }

  /** Starts `spec` at step 0 (the main run, plus the comparison runs if that view is shown). */
  start(spec: Spec, messages: string[], play: boolean, isError = false): void {
    if (!this.session) return;
    this.errors.clear();
    this.store.hyperNotes = [];
    this.store.result = undefined;
    const g = samlabGlobal();
    if (g.result && g.owner === this.el) g.result = undefined;
    const views = viewIds(this.el);
    this.session.start(spec, views.includes("compare") ? compareAlgos(this.el, spec) : undefined);
    this.store.setSpec(spec, "start");
    this.frame.status.showMessages(messages, isError);
    // The phase diagram waits for the main run (it would halve its speed otherwise).
    this.store.phaseWanted = views.includes("phase") ? spec : undefined;
    if (this.store.phaseWanted && !play) this.frame.phaseView?.startWanted();
    for (const v of VIEW_IDS) this.scheduler.mark(v);
    this.store.setState(play ? "playing" : "ready");
    emit(this.el, "samlab-start", { spec });
    this.scheduler.kick();
  }

  play(): void {
    const spec = this.store.spec;
    if (!spec || this.state === "error" || this.state === "loading") return;
    if (this.state === "finished") {
      this.start(spec, [], true);
      return;
    }
    this.store.setState("playing");
    this.scheduler.kick();
  }

  pause(): void {
    if (this.state !== "playing") return;
    this.store.setState("paused");
    this.session?.requestResult();
    this.frame.phaseView?.startWanted();
  }

  /** Advances every active run by one frame's worth of steps (steps-per-frame, 100 in auto mode). */
  step(): void {
    if (this.state === "playing") this.pause();
    if (this.state === "finished" || this.state === "loading" || this.state === "error") return;
    const k = this.stepsPerFrame() ?? 100;
    for (const r of this.runs) this.session?.advance(r, k, true);
    this.store.setState("paused");
  }

  /** Restarts the current spec at step 0, paused. */
  reset(): void {
    if (this.store.spec) this.start(this.store.spec, [], false);
  }

  /** Starts the current spec again from step 0 and plays: the same spec, the same bits. */
  restart(): void {
    if (this.store.spec && this.state !== "error") this.start(this.store.spec, [], true);
  }

  /** A playing frame: each run asks for its next chunk (steps-per-frame, or a time budget in auto mode). */
  advanceFrame(): void {
    const k = this.stepsPerFrame();
    for (const r of this.runs) this.session?.advance(r, k, true);
  }

  /** Steps per frame, or undefined for "auto" (about 12 ms of compute per frame). */
  stepsPerFrame(): number | undefined {
    const v = this.frame.controls?.speed() ?? this.el.getAttribute("steps-per-frame") ?? "auto";
    const k = Number(v);
    return v === "auto" || !Number.isFinite(k) || k < 1 ? undefined : Math.floor(k);
  }

  statusText(): string {
    return statusText(this.state, this.session?.main(), this.store.spec, this.store.isFlow(), this.store.result);
  }

  private makeSession(): RunSession {
    const s = new RunSession();
    s.bus.on("progress", (r, m) => {
      this.scheduler.mark(r.role === "main" ? "main" : "compare");
      if (r.role === "main") {
        const now = performance.now();
        if (now - this.lastProgressEventAt > 250 || m.done) {
          this.lastProgressEventAt = now;
          emit(this.el, "samlab-progress", { step: m.step, steps: r.steps });
        }
      }
      if (s.runs.every((x) => x.done) && this.state !== "error") this.store.setState("finished");
      // Auto speed: the main run (then, once it is done, the others) asks for its next chunk at
      // once instead of waiting for the next frame, so the worker never idles; drawing stays on
      // animation frames. With a fixed steps-per-frame, advancing stays one chunk per frame.
      else if (this.state === "playing" && this.stepsPerFrame() === undefined && !r.done) {
        const main = s.main();
        if (r.role === "main" || !main || main.done) s.advance(r, undefined, true);
      }
    });
    s.bus.on("result", (r, result) => {
      if (r.role === "main") this.onMainResult(r, result);
      else this.scheduler.mark("compare");
    });
    s.bus.on("runError", (r, e) => {
      if (r.role !== "main") return;
      this.errors.runFailed(e);
    });
    s.bus.on("changed", () => this.scheduler.kick());
    s.bus.on("failure", (message) => this.errors.workerFailed(message));
    return s;
  }

  private onMainResult(r: RunView, result: Result): void {
    if (!r.done) {
      this.scheduler.mark("main");
      return; // a partial Result (after a pause): kept by the worker, exported on demand
    }
    this.store.result = result;
    this.frame.phaseView?.startWanted();
    const g = samlabGlobal();
    g.result = result;
    g.owner = this.el;
    for (const w of this.resultWaiters.splice(0)) w(result);
    this.scheduler.mark("main");
    if (!result.status.ok && result.status.message) this.frame.status.showMessages([result.status.message], true);
    emit(this.el, "samlab-finish", { result });
    this.frame.status.announce(this.statusText(), true);
  }
}
