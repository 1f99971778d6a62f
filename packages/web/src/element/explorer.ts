/**
 * `<samlab-explorer>`: the explorer as a custom element. A host page includes one script and writes
 *
 *   <samlab-explorer preset="l2-sam-sequential" views="shares,dominant" controls="playback,rho"></samlab-explorer>
 *
 * Attributes: spec (JSON), preset, views, controls, compare, steps-per-frame, paused, url-state,
 * keyboard ("global" listens on the whole document), app-url. Events (bubbling, composed):
 * samlab-start, samlab-progress, samlab-finish (detail.result = the Result), samlab-error, and
 * `error` (not bubbling) when the `spec` attribute is rejected (then nothing runs).
 * docs/WEB.md documents all of them.
 *
 * This class is the shell that wires the rooms (README.md, "Rooms"): the store (state/), the
 * form (controls/), the views and their scheduler (views/), the run session with its worker
 * (worker/) and export (export/). It owns the run lifecycle — start, play, pause, step — and the
 * public API; everything drawn or typed lives in the rooms.
 */
import { SpecError, type Result, type Spec } from "@samlab/sim";
import { Controls, CONTROL_IDS } from "../controls/form.js";
import { onExplorerKey } from "../controls/keyboard.js";
import { ShareExport } from "../export/share-export.js";
import { presetById } from "../state/presets.js";
import type { RunView } from "../state/runs.js";
import { acceptSpec, acceptSpecText, presetSpec } from "../state/spec-state.js";
import { ExplorerStore, type PhaseJob, type RunState } from "../state/store.js";
import { compareFromUrl, initialSpec, shareUrl, writeUrl } from "../state/url.js";
import { h } from "../ui/dom.js";
import { ALGO_LABEL, fmtInt } from "../ui/format.js";
import { STYLES } from "../ui/styles.js";
import { createView, VIEW_IDS, type PhaseView, type View } from "../views/index.js";
import { openCell } from "../views/phase.js";
import { Scheduler } from "../views/scheduler.js";
import { StatusPanel, statusText } from "../views/status.js";
import { ChartSet, type AnyChart, type ViewContext } from "../views/view.js";
import { RunSession, type SessionTopics } from "../worker/session.js";
import { compareAlgos, controlIds, viewIds } from "./attributes.js";
import { registerExplorer, samlabGlobal, unregisterExplorer, type SamlabGlobal } from "./global.js";

export { VIEW_IDS, CONTROL_IDS };
export type { RunState };

let elementCount = 0;

export class SamlabExplorer extends HTMLElement {
  static observedAttributes = ["spec", "preset", "views", "controls", "compare", "steps-per-frame"];

  private readonly shadow: ShadowRoot;
  private readonly uid = `sx${++elementCount}`;
  private readonly store = new ExplorerStore();
  private readonly chartSet = new ChartSet();
  private readonly scheduler: Scheduler;
  private session?: RunSession;
  private status = new StatusPanel(this.uid);
  private controls?: Controls;
  private views: View[] = [];
  private phaseView?: PhaseView;
  /** What the current views read and ask for (made once per build). */
  private ctx?: ViewContext;
  /** Unsubscribers of the current views' session subscriptions (dropped on rebuild). */
  private viewSubs: (() => void)[] = [];
  private resultWaiters: ((r: Result) => void)[] = [];
  private connected = false;
  private built = false;
  private lastProgressEventAt = 0;
  /** The rejected `spec` attribute's error, while nothing runs because of it. */
  private errorValue?: { field: string; message: string };
  private errorGeneration = 0;
  private readonly share = new ShareExport({
    shadow: () => this.shadow,
    spec: () => this.store.spec,
    presetId: () => this.store.presetId,
    shareUrl: () => this.shareUrl(),
    currentResult: () => this.currentResult(),
    main: () => this.session?.main(),
    canvases: () => [...this.chartSet.map.values()].map((c) => c.canvas),
    title: () => this.status.title.textContent ?? "samlab",
    shareOut: () => this.controls?.shareOut,
    announce: (text) => this.status.announce(text, true),
  });
  private keyHandler = (e: KeyboardEvent) => this.onKey(e);

  constructor() {
    super();
    this.shadow = this.attachShadow({ mode: "open" });
    this.scheduler = new Scheduler({
      connected: () => this.connected,
      playing: () => this.store.state === "playing",
      advance: () => {
        const k = this.stepsPerFrame();
        for (const r of this.runs) this.session?.advance(r, k, true);
      },
      outstanding: () => this.runs.some((r) => r.outstanding),
      draw: (key) => {
        if (!this.session?.main()) return;
        this.views.find((v) => v.key === key)?.draw();
      },
      afterPlayingFrame: () => this.status.announce(this.statusText()),
    });
    // The store's news: the form, the title and the URL follow the spec; the rest follow the state.
    this.store.bus.on("spec", (spec, how) => {
      if (how === "start") {
        this.controls?.fill(spec, this.store.presetId);
        const preset = this.store.presetId ? presetById(this.store.presetId) : undefined;
        this.status.setTitle(spec.name ?? preset?.title ?? "samlab run", preset?.claim ?? `${ALGO_LABEL[spec.algo]}, L = ${spec.depth}, ρ = ${spec.rho}, η = ${spec.lr}, ${fmtInt(spec.steps)} steps`);
      }
      else this.controls?.showSpecText(spec);
      if (this.hasAttribute("url-state")) writeUrl(spec, this.getAttribute("compare"));
      // a link or command shown under the share buttons is rewritten for the new spec, never left stale
      this.share.specChanged();
    });
    this.store.bus.on("state", (s) => {
      this.setAttribute("data-state", s);
      this.controls?.showState(s);
      this.status.announce(this.statusText(), true);
    });
  }

  // ---------------------------------------------------------------- public API

  /** The current (validated, clamped) spec. */
  get spec(): Spec | undefined {
    return this.store.spec;
  }
  /** The Result of the current run once it has finished (undefined while it runs). */
  get result(): Result | undefined {
    return this.store.result;
  }
  get state(): RunState {
    return this.store.state;
  }
  /** Why nothing runs: the rejected `spec` attribute's { field, message } (undefined otherwise). */
  get error(): { field: string; message: string } | undefined {
    return this.errorValue;
  }
  /** The main run's position: steps taken (integrator steps for flows) and the spec's step count. */
  get progress(): { step: number; steps: number } {
    const main = this.session?.main();
    return { step: main?.step ?? 0, steps: main?.steps ?? this.store.spec?.steps ?? 0 };
  }
  /** Resolves with the Result when the current run finishes. */
  whenFinished(): Promise<Result> {
    if (this.store.result) return Promise.resolve(this.store.result);
    return new Promise((r) => this.resultWaiters.push(r));
  }

  /** Loads a spec (validated and clamped; throws SpecError) and restarts; plays unless `play` is false. */
  load(spec: unknown, play = true): void {
    const { spec: s, messages } = acceptSpec(spec);
    this.store.presetId = undefined;
    this.start(s, messages, play);
  }

  loadPreset(id: string, play = true): void {
    const p = presetById(id);
    if (!p) throw new SpecError("preset", `unknown preset "${id}"`);
    this.store.presetId = id;
    this.start(presetSpec(id), [], play);
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
    this.phaseView?.startWanted();
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

  /** Opens phase cell (i, j) as the main run: exactly the cell's spec (`phaseSpec` of @samlab/sim). */
  openCell(i: number, j: number): void {
    if (this.ctx) openCell(this.ctx, i, j);
  }

  /** The link that reproduces the current run in the explorer page. */
  shareUrl(): string {
    return shareUrl(this, this.store.spec);
  }

  /** The current Result: the finished one, or a fresh partial one from the worker. */
  currentResult(): Promise<Result | undefined> {
    if (this.store.result) return Promise.resolve(this.store.result);
    return this.session ? this.session.currentResult() : Promise.resolve(undefined);
  }

  /** All visible charts on one white PNG, two per row, titled with the spec's name. */
  exportPng(): Promise<void> {
    return this.share.png();
  }

  // Read by the browser tests (test/web.test.ts) to watch the runs, the phase job and the charts.
  /** The current runs (main first, then the comparison runs). */
  get runs(): RunView[] {
    return this.session?.runs ?? [];
  }
  /** The phase-diagram job, once started. */
  get phase(): PhaseJob | undefined {
    return this.store.phase;
  }
  /** The charts by id, in creation order. */
  get charts(): Map<string, AnyChart> {
    return this.chartSet.map;
  }

  // ---------------------------------------------------------------- lifecycle

  connectedCallback(): void {
    // The compared pair in the address wins over the attribute (set while not yet connected: no restart).
    const urlPair = this.hasAttribute("url-state") ? compareFromUrl() : null;
    if (urlPair) this.setAttribute("compare", urlPair);
    this.connected = true;
    this.session ??= this.makeSession();
    if (!this.built) this.build();
    if (this.getAttribute("keyboard") === "global") document.addEventListener("keydown", this.keyHandler);
    registerExplorer(this);
    if (!this.store.spec) this.loadInitial();
  }

  disconnectedCallback(): void {
    this.connected = false;
    document.removeEventListener("keydown", this.keyHandler);
    this.scheduler.stop();
    this.session?.terminate();
    this.session = undefined;
    this.store.dropSpec();
    this.store.phase = undefined; // its job died with the worker
    this.chartSet.destroyAll();
    this.built = false;
    unregisterExplorer(this);
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (!this.connected || old === value) return;
    if (name === "views" || name === "controls" || name === "compare") {
      this.chartSet.destroyAll();
      this.build();
      if (this.store.spec) this.start(this.store.spec, [], this.state === "playing");
    } else if (name === "spec" || name === "preset") {
      this.loadInitial();
    }
  }

  private loadInitial(): void {
    const loaded = initialSpec(this);
    this.errorValue = undefined;
    if (loaded.spec === undefined) return this.reject(loaded.error, loaded.messages);
    this.store.presetId = loaded.presetId;
    if (loaded.error) this.emit("samlab-error", { field: loaded.error.field, message: loaded.error.message });
    this.start(loaded.spec, loaded.messages, !this.hasAttribute("paused"), loaded.error !== undefined);
  }

  /**
   * A rejected `spec` attribute: nothing runs (the previous runs are dropped), the message line
   * (role="alert") names the field, and `error` / `samlab-error` events carry { field, message }.
   * The events go out on the next task, so that a host script that adds its listeners right after
   * the element was defined (the script tag before it) still hears them; `element.error` keeps it.
   */
  private reject(error: { field: string; message: string }, messages: string[]): void {
    this.session?.stop();
    this.store.result = undefined;
    this.store.presetId = undefined;
    this.store.phaseWanted = undefined;
    this.store.dropSpec();
    this.errorValue = error;
    this.status.setTitle("Not loaded", "");
    this.status.showMessages(messages, true);
    this.store.setState("error");
    this.status.announce(`Not running: ${error.message}`, true);
    const generation = ++this.errorGeneration;
    setTimeout(() => {
      if (generation !== this.errorGeneration || this.errorValue !== error) return;
      // like a resource's `error` event: on the element itself, not bubbling
      this.dispatchEvent(new CustomEvent("error", { detail: { ...error } }));
      this.emit("samlab-error", { ...error });
    }, 0);
  }

  /** Steps per frame, or undefined for "auto" (about 12 ms of compute per frame). */
  private stepsPerFrame(): number | undefined {
    const v = this.controls?.speed() ?? this.getAttribute("steps-per-frame") ?? "auto";
    const k = Number(v);
    return v === "auto" || !Number.isFinite(k) || k < 1 ? undefined : Math.floor(k);
  }

  // ---------------------------------------------------------------- wiring the rooms

  /** What the views may read and ask for; their session subscriptions are dropped on the next build. */
  private viewContext(): ViewContext {
    return {
      uid: this.uid,
      store: this.store,
      session: this.session!,
      charts: this.chartSet,
      mark: (key) => this.scheduler.mark(key),
      kick: () => this.scheduler.kick(),
      open: (spec) => this.load(spec, true),
      setCompare: (pair) => {
        // a new pair restarts the runs: they play on if they were playing or had finished
        const go = this.state === "playing" || this.state === "finished";
        this.setAttribute("compare", pair.join(","));
        if (go) this.play();
      },
      listen: <K extends keyof SessionTopics>(topic: K, handler: (...args: SessionTopics[K]) => void) => {
        this.viewSubs.push(this.session!.bus.on(topic, handler));
      },
    };
  }

  /** Builds the shadow DOM: the frame (title, messages, status), the form and the views. */
  private build(): void {
    this.built = true;
    const controls = controlIds(this);
    const views = viewIds(this);
    this.shadow.replaceChildren();
    const style = h("style");
    style.textContent = STYLES;
    this.status = new StatusPanel(this.uid);
    this.controls = controls.length
      ? new Controls(this.uid, controls, this.getAttribute("steps-per-frame"), {
          togglePlay: () => (this.state === "playing" ? this.pause() : this.play()),
          step: () => this.step(),
          reset: () => this.reset(),
          restart: () => this.restart(),
          loadPreset: (id) => this.loadPreset(id),
          applyForm: () => this.applyForm(),
          applyHyper: () => this.applyHyper(),
          applySpecText: (text) => this.applySpecText(text),
          copyLink: () => void this.share.copy("link"),
          copyCommand: () => void this.share.copy("command"),
          exportPng: () => void this.exportPng(),
          exportData: (kind) => void this.share.data(kind),
          exportWeights: (kind) => this.share.weights(kind),
          announce: (text) => this.status.announce(text, true),
        })
      : undefined;
    const viewBox = h("div", { class: "views" });
    const root = h(
      "div",
      { class: "root", tabindex: 0, role: "group", "aria-labelledby": `${this.uid}-title`, "aria-description": "Keys: space play or pause, right arrow step, r reset" },
      h("div", { class: "title" }, this.status.title, this.status.claim),
      this.status.msg,
      h("div", { class: `layout${controls.length ? "" : " nocontrols"}` }, this.controls?.form ?? null, viewBox),
      this.status.status,
    );
    root.addEventListener("keydown", (e) => this.onKey(e));
    this.shadow.append(style, root);
    for (const unsubscribe of this.viewSubs.splice(0)) unsubscribe();
    const ctx = (this.ctx = this.viewContext());
    this.views = views.map((id) => createView(id, ctx));
    this.phaseView = this.views.find((v): v is PhaseView => v.id === "phase");
    for (const v of this.views) viewBox.append(v.figure);
    this.scheduler.track(
      this.views.map((v) => v.key),
      this.views.map((v) => v.figure),
      (f) => this.views.find((v) => v.figure === f)?.key ?? "",
    );
  }

  private makeSession(): RunSession {
    const s = new RunSession();
    s.bus.on("progress", (r, m) => {
      this.scheduler.mark(r.role === "main" ? "main" : "compare");
      if (r.role === "main") {
        const now = performance.now();
        if (now - this.lastProgressEventAt > 250 || m.done) {
          this.lastProgressEventAt = now;
          this.emit("samlab-progress", { step: m.step, steps: r.steps });
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
      this.status.showMessages([`Run failed: ${e.message}`], true);
      this.store.setState("error");
      this.emit("samlab-error", { field: e.field, message: e.message });
    });
    s.bus.on("changed", () => this.scheduler.kick());
    s.bus.on("failure", (message) => {
      this.status.showMessages([message], true);
      this.store.setState("error");
    });
    return s;
  }

  // ---------------------------------------------------------------- runs

  private start(spec: Spec, messages: string[], play: boolean, isError = false): void {
    if (!this.session) return;
    this.errorValue = undefined;
    this.errorGeneration++;
    this.store.hyperNotes = [];
    this.store.result = undefined;
    const g = samlabGlobal();
    if (g.result && g.owner === this) g.result = undefined;
    const views = viewIds(this);
    this.session.start(spec, views.includes("compare") ? compareAlgos(this, spec) : undefined);
    this.store.setSpec(spec, "start");
    this.status.showMessages(messages, isError);
    // The phase diagram waits for the main run (it would halve its speed otherwise).
    this.store.phaseWanted = views.includes("phase") ? spec : undefined;
    if (this.store.phaseWanted && !play) this.phaseView?.startWanted();
    for (const v of VIEW_IDS) this.scheduler.mark(v);
    this.store.setState(play ? "playing" : "ready");
    this.emit("samlab-start", { spec });
    this.scheduler.kick();
  }

  private onMainResult(r: RunView, result: Result): void {
    if (!r.done) {
      this.scheduler.mark("main");
      return; // a partial Result (after a pause): kept by the worker, exported on demand
    }
    this.store.result = result;
    this.phaseView?.startWanted();
    const g = samlabGlobal();
    g.result = result;
    g.owner = this;
    for (const w of this.resultWaiters.splice(0)) w(result);
    this.scheduler.mark("main");
    if (!result.status.ok && result.status.message) this.status.showMessages([result.status.message], true);
    this.emit("samlab-finish", { result });
    this.status.announce(this.statusText(), true);
  }

  private statusText(): string {
    return statusText(this.state, this.session?.main(), this.store.spec, this.store.isFlow(), this.store.result);
  }

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private onKey(e: KeyboardEvent): void {
    onExplorerKey(e, { playing: () => this.state === "playing", play: () => this.play(), pause: () => this.pause(), step: () => this.step(), reset: () => this.reset() });
  }

  // ---------------------------------------------------------------- form → spec

  private applyForm(): void {
    const cur = this.store.spec;
    if (!cur || !this.controls) return;
    try {
      const { spec, messages } = acceptSpec(this.controls.specFromForm(cur));
      this.store.presetId = undefined;
      this.start(spec, messages, true);
    } catch (e) {
      this.reportSpecError(e);
    }
  }

  /** ρ and η: changed in place while a run is under way, otherwise a restart with the new values. */
  private applyHyper(): void {
    const main = this.session?.main();
    const cur = this.store.spec;
    const midRun = main && main.started && main.step > 0 && !main.done;
    if (!midRun || !cur || !this.controls) {
      this.applyForm();
      return;
    }
    const { rho, lr } = this.controls.hyper(cur);
    if (!(Number.isFinite(rho) && rho >= 0)) return this.reportSpecError(new SpecError("rho", "expected a number ≥ 0"));
    if (!(Number.isFinite(lr) && lr > 0)) return this.reportSpecError(new SpecError("lr", "expected a number > 0"));
    this.session!.hyper(rho, lr);
    const note = `η = ${lr}, ρ = ${rho} from step ${fmtInt(main.step)}`;
    this.store.hyperNotes.push(note);
    this.store.setSpec({ ...cur, rho, lr }, "hyper");
    this.status.showMessages([`Changed mid-run: ${this.store.hyperNotes.join("; ")}. The link now starts with these values; reset to rerun from step 0.`]);
    this.status.announce(`Changed ${note}`, true);
  }

  private applySpecText(text: string): void {
    try {
      const { spec, messages } = acceptSpecText(text);
      this.store.presetId = undefined;
      this.start(spec, messages, true);
    } catch (e) {
      this.reportSpecError(e);
    }
  }

  private reportSpecError(e: unknown): void {
    const err = e instanceof SpecError ? e : new SpecError("spec", e instanceof Error ? e.message : String(e));
    this.status.showMessages([`Not applied: ${err.message}`], true);
    this.emit("samlab-error", { field: err.field, message: err.message });
    this.status.announce(`Not applied: ${err.message}`, true);
  }
}

/** Defines `<samlab-explorer>` once (safe to call from several bundles). */
export function defineExplorer(): void {
  samlabGlobal();
  if (!customElements.get("samlab-explorer")) customElements.define("samlab-explorer", SamlabExplorer);
}

declare global {
  interface Window {
    samlab: SamlabGlobal<SamlabExplorer>;
  }
  interface HTMLElementTagNameMap {
    "samlab-explorer": SamlabExplorer;
  }
}

export { samlabGlobal, type SamlabGlobal } from "./global.js";
export { maxMarginDirections, type MaxMarginRef } from "../views/cosine.js";
export { diverging } from "../views/image.js";
