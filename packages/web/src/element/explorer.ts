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
 * (worker/) and export (export/). It holds the public API and the custom-element callbacks, and
 * hands the work to its parts in this folder (each imports only those below it):
 *
 *   explorer.ts  → spec-sync.ts  the spec's ways in (attributes, URL, form) and out (form, title, URL)
 *                → runner.ts     the run lifecycle: session and worker, start/play/pause/step, Result
 *                → errors.ts     refused specs and failed runs: messages, `error`, samlab-error
 *                → frame.ts      the shadow DOM: status panel, form, views, the views' context
 *                → events.ts, attributes.ts, global.ts
 */
import type { Result, Spec } from "@samlab/sim";
import { CONTROL_IDS } from "../controls/form.js";
import { onExplorerKey } from "../controls/keyboard.js";
import { ShareExport } from "../export/share-export.js";
import type { RunView } from "../state/runs.js";
import { ExplorerStore, type PhaseJob, type RunState } from "../state/store.js";
import { compareFromUrl, shareUrl } from "../state/url.js";
import { VIEW_IDS } from "../views/index.js";
import { openCell } from "../views/phase.js";
import { Scheduler } from "../views/scheduler.js";
import { ChartSet, type AnyChart } from "../views/view.js";
import { ErrorDisplay } from "./errors.js";
import { Frame } from "./frame.js";
import { registerExplorer, samlabGlobal, unregisterExplorer, type SamlabGlobal } from "./global.js";
import { Runner } from "./runner.js";
import { SpecSync } from "./spec-sync.js";

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
  /** The shadow DOM: title, messages, status line, the form and the views (frame.ts). */
  private readonly frame: Frame;
  /** The rejected spec's and failed runs' messages and events (errors.ts). */
  private readonly errors: ErrorDisplay;
  /** The run session and start/play/pause/step (runner.ts). */
  private readonly runner: Runner;
  /** Specs in from attributes, URL, form; the form, title, URL and data-state out (spec-sync.ts). */
  private readonly specs: SpecSync;
  private readonly share: ShareExport;
  private connected = false;
  private built = false;
  private keyHandler = (e: KeyboardEvent) => this.onKey(e);

  constructor() {
    super();
    this.shadow = this.attachShadow({ mode: "open" });
    this.scheduler = new Scheduler({
      connected: () => this.connected,
      playing: () => this.store.state === "playing",
      advance: () => this.runner.advanceFrame(),
      outstanding: () => this.runs.some((r) => r.outstanding),
      draw: (key) => {
        if (!this.runner.session?.main()) return;
        this.frame.draw(key);
      },
      afterPlayingFrame: () => this.frame.status.announce(this.runner.statusText()),
    });
    this.frame = new Frame({
      el: this,
      shadow: this.shadow,
      uid: this.uid,
      store: this.store,
      charts: this.chartSet,
      scheduler: this.scheduler,
      session: () => this.runner.session,
      actions: {
        togglePlay: () => (this.state === "playing" ? this.pause() : this.play()),
        step: () => this.step(),
        reset: () => this.reset(),
        restart: () => this.restart(),
        loadPreset: (id) => this.loadPreset(id),
        applyForm: () => this.specs.applyForm(),
        applyHyper: () => this.specs.applyHyper(),
        applySpecText: (text) => this.specs.applySpecText(text),
        copyLink: () => void this.share.copy("link"),
        copyCommand: () => void this.share.copy("command"),
        exportPng: () => void this.exportPng(),
        exportData: (kind) => void this.share.data(kind),
        exportWeights: (kind) => this.share.weights(kind),
        announce: (text) => this.frame.status.announce(text, true),
      },
      open: (spec) => this.load(spec, true),
      setCompare: (pair) => {
        // a new pair restarts the runs: they play on if they were playing or had finished
        const go = this.state === "playing" || this.state === "finished";
        this.setAttribute("compare", pair.join(","));
        if (go) this.play();
      },
      onKey: (e) => this.onKey(e),
    });
    this.share = new ShareExport({
      shadow: () => this.shadow,
      spec: () => this.store.spec,
      presetId: () => this.store.presetId,
      shareUrl: () => this.shareUrl(),
      currentResult: () => this.currentResult(),
      main: () => this.runner.session?.main(),
      canvases: () => [...this.chartSet.map.values()].map((c) => c.canvas),
      title: () => this.frame.status.title.textContent ?? "samlab",
      shareOut: () => this.frame.controls?.shareOut,
      announce: (text) => this.frame.status.announce(text, true),
    });
    this.errors = new ErrorDisplay(this, this.store, this.frame, () => this.runner.session?.stop());
    this.runner = new Runner(this, this.store, this.scheduler, this.frame, this.errors);
    this.specs = new SpecSync(this, this.store, this.frame, this.runner, this.errors, this.share);
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
    return this.errors.value;
  }
  /** The main run's position: steps taken (integrator steps for flows) and the spec's step count. */
  get progress(): { step: number; steps: number } {
    const main = this.runner.session?.main();
    return { step: main?.step ?? 0, steps: main?.steps ?? this.store.spec?.steps ?? 0 };
  }
  /** Resolves with the Result when the current run finishes. */
  whenFinished(): Promise<Result> {
    return this.runner.whenFinished();
  }

  /** Loads a spec (validated and clamped; throws SpecError) and restarts; plays unless `play` is false. */
  load(spec: unknown, play = true): void {
    this.specs.load(spec, play);
  }

  loadPreset(id: string, play = true): void {
    this.specs.loadPreset(id, play);
  }

  play(): void {
    this.runner.play();
  }

  pause(): void {
    this.runner.pause();
  }

  /** Advances every active run by one frame's worth of steps (steps-per-frame, 100 in auto mode). */
  step(): void {
    this.runner.step();
  }

  /** Restarts the current spec at step 0, paused. */
  reset(): void {
    this.runner.reset();
  }

  /** Starts the current spec again from step 0 and plays: the same spec, the same bits. */
  restart(): void {
    this.runner.restart();
  }

  /** Opens phase cell (i, j) as the main run: exactly the cell's spec (`phaseSpec` of @samlab/sim). */
  openCell(i: number, j: number): void {
    if (this.frame.ctx) openCell(this.frame.ctx, i, j);
  }

  /** The link that reproduces the current run in the explorer page. */
  shareUrl(): string {
    return shareUrl(this, this.store.spec);
  }

  /** The current Result: the finished one, or a fresh partial one from the worker. */
  currentResult(): Promise<Result | undefined> {
    if (this.store.result) return Promise.resolve(this.store.result);
    const session = this.runner.session;
    return session ? session.currentResult() : Promise.resolve(undefined);
  }

  /** All visible charts on one white PNG, two per row, titled with the spec's name. */
  exportPng(): Promise<void> {
    return this.share.png();
  }

  // Read by the browser tests (test/web.test.ts) to watch the runs, the phase job and the charts.
  /** The current runs (main first, then the comparison runs). */
  get runs(): RunView[] {
    return this.runner.runs;
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
    this.runner.connect();
    if (!this.built) this.build();
    if (this.getAttribute("keyboard") === "global") document.addEventListener("keydown", this.keyHandler);
    registerExplorer(this);
    if (!this.store.spec) this.specs.loadInitial();
  }

  disconnectedCallback(): void {
    this.connected = false;
    document.removeEventListener("keydown", this.keyHandler);
    this.scheduler.stop();
    this.runner.disconnect();
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
      if (this.store.spec) this.runner.start(this.store.spec, [], this.state === "playing");
    } else if (name === "spec" || name === "preset") {
      this.specs.loadInitial();
    }
  }

  private build(): void {
    this.built = true;
    this.frame.build();
  }

  private onKey(e: KeyboardEvent): void {
    onExplorerKey(e, { playing: () => this.state === "playing", play: () => this.play(), pause: () => this.pause(), step: () => this.step(), reset: () => this.reset() });
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
