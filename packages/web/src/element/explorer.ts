/**
 * `<samlab-explorer>`: the explorer as a custom element. A host page includes one script and writes
 *
 *   <samlab-explorer preset="l2-sam-sequential" views="shares,dominant" controls="playback,rho"></samlab-explorer>
 *
 * Attributes: spec (JSON), preset, views, controls, compare, steps-per-frame, paused, url-state,
 * keyboard ("global" listens on the whole document), app-url. Events (bubbling, composed):
 * samlab-start, samlab-progress, samlab-finish (detail.result = the Result), samlab-error.
 * docs/WEB.md documents all of them.
 *
 * All simulation happens in the element's worker; the main thread appends the streamed record rows
 * to columns and redraws dirty charts on animation frames within a small time budget.
 */
import { predictedClass, PHASE_TAU, REC, SpecError, trajectoryToCsv, type Result, type Spec } from "@samlab/sim";
import type { Chart } from "chart.js";
import { PALETTE, dataset, decimateIndices, heatmapChart, lineChart, type HeatCell, type XY } from "../views/charts.js";
import { PHASE_CLASSES, PHASE_RHO, cellSpec, classColor, classLabel, phaseGrid, type PhaseGrid } from "../views/phase-grid.js";
import { DEFAULT_PRESET, PRESETS, presetById } from "../state/presets.js";
import type { FromWorker, Snapshot } from "../worker/protocol.js";
import { acceptSpec, acceptSpecText, cliCommand, loadFromQuery, presetSpec, queryFor, WEB_LIMITS, webData } from "../state/spec-state.js";
import { STYLES } from "../ui/styles.js";
import { WorkerClient } from "../worker/client.js";

export const VIEW_IDS = ["shares", "loss", "margins", "cosine", "dominant", "image", "compare", "phase", "table"] as const;
export const CONTROL_IDS = ["presets", "data", "depth", "algo", "rho", "lr", "init", "loss", "steps", "seed", "playback", "speed", "share", "export"] as const;
type ViewId = (typeof VIEW_IDS)[number];
type ControlId = (typeof CONTROL_IDS)[number];

const ALGO_LABEL: Record<string, string> = { gd: "GD", "sam-l2": "ℓ2-SAM", "sam-linf": "ℓ∞-SAM", usam: "USAM" };
const SPEEDS = ["auto", "1", "10", "100", "1000", "10000", "100000"];
/** The editor's grid is for "a few examples"; larger data stays editable through the spec JSON. */
const EDITOR_MAX_N = 20;
const EDITOR_MAX_D = 12;
/** Coordinates drawn in the share charts (the largest current shares when d is larger). */
const MAX_LINES = 12;
const MAX_POINTS_DRAWN = 150;

declare const __SAMLAB_APP_URL__: string;

export type RunState = "loading" | "ready" | "playing" | "paused" | "finished" | "error";

/** Recorded columns of one run, appended chunk by chunk from the worker's record rows. */
class Series {
  step: number[] = [];
  t: number[] = [];
  loss: number[] = [];
  l1: number[] = [];
  l2: number[] = [];
  wNorm: number[] = [];
  minMargin: number[] = [];
  dominant: number[] = [];
  beta: Float64Array[] = [];

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
      if (stride > REC.FIXED) this.beta.push(rows.slice(o + REC.FIXED, o + stride));
    }
  }
}

interface RunView {
  id: number;
  role: "main" | "a" | "b";
  algo: string;
  series: Series;
  started: boolean;
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
  result?: Result;
  error?: string;
}

type Child = Node | string | null | undefined | false;
/** Builds DOM with attributes and text nodes only (never markup from data). */
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(typeof c === "string" ? document.createTextNode(c) : c);
  return el;
}

const fmtNum = (v: number | undefined, digits = 4): string => {
  if (v === undefined || Number.isNaN(v)) return "–";
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(digits - 1) : String(Number(v.toPrecision(digits)));
};
const fmtInt = (v: number) => (v >= 1e6 ? v.toExponential(2).replace("e+", "e") : v.toLocaleString("en-US"));

function parseList(text: string): number[] {
  return text
    .split(/[,;\s]+/)
    .filter((s) => s !== "")
    .map((s) => Number(s));
}

let elementCount = 0;

export class SamlabExplorer extends HTMLElement {
  static observedAttributes = ["spec", "preset", "views", "controls", "compare", "steps-per-frame"];

  private readonly shadow: ShadowRoot;
  private readonly uid = `sx${++elementCount}`;
  private client?: WorkerClient;
  private specValue?: Spec;
  private stateValue: RunState = "loading";
  private runs: RunView[] = [];
  private nextRun = 1;
  private resultValue?: Result;
  private resultWaiters: ((r: Result) => void)[] = [];
  private presetId?: string;
  private hyperNotes: string[] = [];
  private charts = new Map<string, Chart<"line", XY[]> | Chart<"scatter", XY[]>>();
  private dirty = new Set<string>();
  private lastDrawn = new Map<string, number>();
  private raf = 0;
  /** Views whose charts are still to be created, one per frame, before any run advances. */
  private warmup: string[] = [];
  /** Views currently on screen (IntersectionObserver); off-screen views are redrawn when they scroll in. */
  private visible = new Set<string>();
  private observer?: IntersectionObserver;
  private connected = false;
  private built = false;
  private lastStatusAt = 0;
  private lastProgressEventAt = 0;
  /** The phase-diagram job: the reproduction experiment's grid, computed once per element (it does not depend on the main run). */
  private phase?: { job: number; grid: PhaseGrid; cells: (number | undefined)[]; done: boolean };
  private nextJob = 1;
  /** The spec whose phase diagram is to be computed once the main run stops. */
  private phaseWanted?: Spec;
  /** Keyboard cursor in the phase diagram (column i = α₁, row j = α₂), shown while the canvas has focus. */
  private phaseCursor: { i: number; j: number; on: boolean } = { i: 0, j: 0, on: false };
  private reducedMotion = typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
  private readonly els: Record<string, HTMLElement> = {};
  private editData: { x: number[][]; y: number[] } = { x: [[1, 2]], y: [1] };
  private keyHandler = (e: KeyboardEvent) => this.onKey(e);

  constructor() {
    super();
    this.shadow = this.attachShadow({ mode: "open" });
  }

  // ---------------------------------------------------------------- public API

  /** The current (validated, clamped) spec. */
  get spec(): Spec | undefined {
    return this.specValue;
  }
  /** The Result of the current run once it has finished (undefined while it runs). */
  get result(): Result | undefined {
    return this.resultValue;
  }
  get state(): RunState {
    return this.stateValue;
  }
  /** The main run's position: steps taken (integrator steps for flows) and the spec's step count. */
  get progress(): { step: number; steps: number } {
    const main = this.runs.find((r) => r.role === "main");
    return { step: main?.step ?? 0, steps: main?.steps ?? this.specValue?.steps ?? 0 };
  }
  /** Resolves with the Result when the current run finishes. */
  whenFinished(): Promise<Result> {
    if (this.resultValue) return Promise.resolve(this.resultValue);
    return new Promise((r) => this.resultWaiters.push(r));
  }

  /** Loads a spec (validated and clamped; throws SpecError) and restarts; plays unless `play` is false. */
  load(spec: unknown, play = true): void {
    const { spec: s, messages } = acceptSpec(spec);
    this.presetId = undefined;
    this.start(s, messages, play);
  }

  loadPreset(id: string, play = true): void {
    const p = presetById(id);
    if (!p) throw new SpecError("preset", `unknown preset "${id}"`);
    this.presetId = id;
    this.start(presetSpec(id), [], play);
  }

  play(): void {
    if (!this.specValue || this.stateValue === "error" || this.stateValue === "loading") return;
    if (this.stateValue === "finished") {
      this.start(this.specValue, [], true);
      return;
    }
    this.setState("playing");
    this.kick();
  }

  pause(): void {
    if (this.stateValue !== "playing") return;
    this.setState("paused");
    this.requestResult();
    this.startWantedPhase();
  }

  /** Advances every active run by one frame's worth of steps (steps-per-frame, 100 in auto mode). */
  step(): void {
    if (this.stateValue === "playing") this.pause();
    if (this.stateValue === "finished" || this.stateValue === "loading" || this.stateValue === "error") return;
    const k = this.stepsPerFrame() ?? 100;
    for (const r of this.runs) this.advanceRun(r, k, true);
    this.setState("paused");
  }

  /** Restarts the current spec at step 0, paused. */
  reset(): void {
    if (this.specValue) this.start(this.specValue, [], false);
  }

  // ---------------------------------------------------------------- lifecycle

  connectedCallback(): void {
    this.connected = true;
    if (!this.built) this.build();
    this.client ??= this.makeClient();
    if (this.getAttribute("keyboard") === "global") document.addEventListener("keydown", this.keyHandler);
    registerExplorer(this);
    if (!this.specValue) this.loadInitial();
  }

  disconnectedCallback(): void {
    this.connected = false;
    document.removeEventListener("keydown", this.keyHandler);
    cancelAnimationFrame(this.raf);
    this.raf = 0;
    this.observer?.disconnect();
    this.client?.terminate();
    this.client = undefined;
    this.specValue = undefined;
    this.phase = undefined; // its job died with the worker
    for (const c of this.charts.values()) c.destroy();
    this.charts.clear();
    this.built = false;
    unregisterExplorer(this);
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (!this.connected || old === value) return;
    if (name === "views" || name === "controls" || name === "compare") {
      for (const c of this.charts.values()) c.destroy();
      this.charts.clear();
      this.build();
      if (this.specValue) this.start(this.specValue, [], this.stateValue === "playing");
    } else if (name === "spec" || name === "preset") {
      this.loadInitial();
    }
  }

  private makeClient(): WorkerClient {
    const c = new WorkerClient();
    c.onmessage = (m) => this.onWorker(m);
    c.onfailure = (message) => {
      this.showMessages([message], true);
      this.setState("error");
    };
    return c;
  }

  private loadInitial(): void {
    let loaded;
    const urlState = this.hasAttribute("url-state");
    const attrSpec = this.getAttribute("spec");
    const attrPreset = this.getAttribute("preset") ?? DEFAULT_PRESET;
    if (urlState && (location.search.includes("spec=") || location.search.includes("preset="))) {
      loaded = loadFromQuery(location.search, attrPreset);
    } else if (attrSpec !== null) {
      try {
        const { spec, messages } = acceptSpecText(attrSpec);
        loaded = { spec, messages, source: "attribute" as const, presetId: undefined };
      } catch (e) {
        const err = e instanceof SpecError ? e : new SpecError("spec", String(e));
        loaded = { spec: presetSpec(attrPreset), messages: [`spec attribute not loaded: ${err.message}`], error: { field: err.field, message: err.message }, source: "default" as const, presetId: attrPreset };
      }
    } else {
      loaded = loadFromQuery(`?preset=${encodeURIComponent(attrPreset)}`, DEFAULT_PRESET);
    }
    this.presetId = loaded.presetId;
    if (loaded.error) this.emit("samlab-error", { field: loaded.error.field, message: loaded.error.message });
    this.start(loaded.spec, loaded.messages, !this.hasAttribute("paused"), loaded.error !== undefined);
  }

  // ---------------------------------------------------------------- configuration

  private list<T extends string>(attr: string, all: readonly T[], fallback: readonly T[]): T[] {
    const v = this.getAttribute(attr);
    if (v === null) return [...fallback];
    const t = v.trim();
    if (t === "all") return [...all];
    if (t === "none" || t === "") return [];
    return t
      .split(/[\s,]+/)
      .filter((s): s is T => (all as readonly string[]).includes(s));
  }
  private views(): ViewId[] {
    return this.list("views", VIEW_IDS, ["shares", "loss", "dominant", "table"]);
  }
  private controls(): ControlId[] {
    return this.list("controls", CONTROL_IDS, CONTROL_IDS);
  }
  private compareAlgos(): [string, string] {
    const [a, b] = (this.getAttribute("compare") ?? "gd,sam-l2").split(/[\s,]+/);
    const ok = (s: string | undefined, f: string) => (s && s in ALGO_LABEL ? s : f);
    return [ok(a, "gd"), ok(b, "sam-l2")];
  }
  /** Steps per frame, or undefined for "auto" (about 12 ms of compute per frame). */
  private stepsPerFrame(): number | undefined {
    const sel = this.els.speed as HTMLSelectElement | undefined;
    const v = sel?.value ?? this.getAttribute("steps-per-frame") ?? "auto";
    const k = Number(v);
    return v === "auto" || !Number.isFinite(k) || k < 1 ? undefined : Math.floor(k);
  }
  private appUrl(): string {
    const attr = this.getAttribute("app-url");
    if (attr) return new URL(attr, location.href).href.split("?")[0]!;
    if (this.hasAttribute("url-state")) return location.href.split(/[?#]/)[0]!;
    return new URL(__SAMLAB_APP_URL__, import.meta.url).href;
  }

  // ---------------------------------------------------------------- building the DOM

  private build(): void {
    this.built = true;
    const controls = this.controls();
    const views = this.views();
    this.shadow.replaceChildren();
    const style = h("style");
    style.textContent = STYLES;
    const title = h("h2", { id: `${this.uid}-title` });
    const claim = h("p", { class: "claim" });
    const msg = h("p", { class: "msg", role: "alert", hidden: true });
    const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
    this.els.title = title;
    this.els.claim = claim;
    this.els.msg = msg;
    this.els.status = status;
    const form = h("form", { class: "controls", "aria-label": "Run settings" });
    form.addEventListener("submit", (e) => e.preventDefault());
    const viewBox = h("div", { class: "views" });
    const root = h(
      "div",
      { class: "root", tabindex: 0, role: "group", "aria-labelledby": `${this.uid}-title`, "aria-description": "Keys: space play or pause, right arrow step, r reset" },
      h("div", { class: "title" }, title, claim),
      msg,
      h("div", { class: `layout${controls.length ? "" : " nocontrols"}` }, controls.length ? form : null, viewBox),
      status,
    );
    root.addEventListener("keydown", (e) => this.onKey(e));
    this.shadow.append(style, root);
    if (controls.length) this.buildControls(form, controls);
    for (const v of views) viewBox.append(this.buildView(v));
    this.warmup = views.map((v) => (v === "compare" ? "cmp" : v));
    this.observer?.disconnect();
    this.visible.clear();
    if (typeof IntersectionObserver === "function") {
      this.observer = new IntersectionObserver((entries) => {
        for (const e of entries) {
          const v = (e.target as HTMLElement).dataset.view!;
          const id = v === "compare" ? "cmp" : v;
          if (e.isIntersecting) this.visible.add(id);
          else this.visible.delete(id);
        }
        this.kick();
      });
      for (const f of viewBox.querySelectorAll("figure")) this.observer.observe(f);
    } else for (const v of this.warmup) this.visible.add(v);
  }

  private field(label: string, control: HTMLElement, id: string): HTMLElement {
    control.id = `${this.uid}-${id}`;
    return h("div", { class: "row" }, h("label", { for: control.id }, label), control);
  }

  private select(id: string, options: [string, string][], onChange: () => void): HTMLSelectElement {
    const s = h("select");
    for (const [value, label] of options) s.append(h("option", { value }, label));
    s.addEventListener("change", onChange);
    this.els[id] = s;
    return s;
  }

  private num(id: string, attrs: Record<string, string | number>, onChange: () => void): HTMLInputElement {
    const i = h("input", { type: "number", inputmode: "decimal", ...attrs });
    i.addEventListener("change", onChange);
    this.els[id] = i;
    return i;
  }

  private buildControls(form: HTMLFormElement, c: ControlId[]): void {
    const has = (k: ControlId) => c.includes(k);
    const apply = () => this.applyForm();
    if (has("presets")) {
      const s = this.select("preset", [["", "(custom)"], ...PRESETS.map((p): [string, string] => [p.id, p.title])], () => {
        const id = (this.els.preset as HTMLSelectElement).value;
        if (id) this.loadPreset(id);
      });
      form.append(h("fieldset", {}, h("legend", {}, "Preset"), this.field("Experiment", s, "preset")));
    }
    if (has("playback") || has("speed")) {
      const fs = h("fieldset", {}, h("legend", {}, "Run"));
      if (has("playback")) {
        const playBtn = h("button", { type: "button", class: "primary", "aria-keyshortcuts": "Space" }, "Play");
        playBtn.addEventListener("click", () => (this.stateValue === "playing" ? this.pause() : this.play()));
        const stepBtn = h("button", { type: "button", "aria-keyshortcuts": "ArrowRight" }, "Step");
        stepBtn.addEventListener("click", () => this.step());
        const resetBtn = h("button", { type: "button", "aria-keyshortcuts": "R" }, "Reset");
        resetBtn.addEventListener("click", () => this.reset());
        this.els.play = playBtn;
        this.els.stepBtn = stepBtn;
        fs.append(h("div", { class: "buttons" }, playBtn, stepBtn, resetBtn));
      }
      if (has("speed")) {
        const s = this.select("speed", SPEEDS.map((v): [string, string] => [v, v === "auto" ? "auto (~12 ms/frame)" : v]), () => {});
        s.value = SPEEDS.includes(this.getAttribute("steps-per-frame") ?? "") ? this.getAttribute("steps-per-frame")! : "auto";
        fs.append(this.field("Steps / frame", s, "speed"));
      }
      form.append(fs);
    }
    const model = h("fieldset", {}, h("legend", {}, "Algorithm"));
    if (has("algo")) model.append(this.field("Algorithm", this.select("algo", Object.entries(ALGO_LABEL), apply), "algo"));
    if (has("rho")) model.append(this.field("ρ (radius)", this.num("rho", { min: 0, step: "any" }, () => this.applyHyper()), "rho"));
    if (has("lr")) model.append(this.field("η (step size)", this.num("lr", { min: 0, step: "any" }, () => this.applyHyper()), "lr"));
    if (has("depth")) model.append(this.field("Depth L", this.num("depth", { min: 1, max: WEB_LIMITS.maxDepth, step: 1 }, apply), "depth"));
    if (has("loss")) model.append(this.field("Loss", this.select("loss", [["logistic", "logistic"], ["exponential", "exponential"]], apply), "loss"));
    if (has("steps")) model.append(this.field("Steps", this.num("steps", { min: 0, max: WEB_LIMITS.maxSteps, step: 1 }, apply), "steps"));
    if (has("seed")) model.append(this.field("Seed", this.num("seed", { min: 0, step: 1 }, apply), "seed"));
    if (model.children.length > 1) form.append(model);
    if (has("init")) {
      const fs = h("fieldset", {}, h("legend", {}, "Initialization"));
      const mode = this.select(
        "initMode",
        [
          ["constant", "constant α"],
          ["per-coordinate", "α per coordinate"],
          ["random", "random (seeded)"],
          ["values", "explicit values"],
        ],
        () => {
          this.syncInitVisibility();
          this.applyForm();
        },
      );
      const alpha = this.num("alpha", { step: "any" }, apply);
      const alphas = h("input", { type: "text", placeholder: "e.g. 0.2, 0.05", spellcheck: "false" });
      alphas.addEventListener("change", apply);
      this.els.alphas = alphas;
      const randomKind = this.select("randomKind", [["abs-gaussian", "α·|N(0,1)|"], ["gaussian", "α·N(0,1)"], ["uniform", "α·U(0,1)"]], apply);
      const values = h("input", { type: "text", placeholder: "rows a,b;c,d", spellcheck: "false" });
      values.addEventListener("change", apply);
      this.els.values = values;
      const rowAlpha = this.field("α", alpha, "alpha");
      const rowAlphas = this.field("α₁, …, α_d", alphas, "alphas");
      const rowRandom = this.field("Distribution", randomKind, "randomKind");
      const rowValues = this.field("w (L rows)", values, "values");
      this.els.rowAlpha = rowAlpha;
      this.els.rowAlphas = rowAlphas;
      this.els.rowRandom = rowRandom;
      this.els.rowValues = rowValues;
      fs.append(this.field("Kind", mode, "initMode"), rowAlpha, rowAlphas, rowRandom, rowValues);
      form.append(fs);
    }
    if (has("data")) {
      const fs = h("fieldset", {}, h("legend", {}, "Data"));
      const kind = this.select(
        "dataKind",
        [
          ["inline", "examples (edit below)"],
          ["single", "one example x = s·(1,…,d)"],
          ["gaussian-sparse", "Gaussian, sparse β* (seeded)"],
          ["digits", "digits 0 vs 1 (UCI, 8×8 images)"],
          ["iris", "iris setosa vs versicolor"],
        ],
        () => {
          this.syncDataVisibility();
          this.applyForm();
        },
      );
      const grid = h("div", { class: "grid-editor" });
      this.els.grid = grid;
      const addRow = h("button", { type: "button" }, "+ example");
      const delRow = h("button", { type: "button" }, "− example");
      const addCol = h("button", { type: "button" }, "+ feature");
      const delCol = h("button", { type: "button" }, "− feature");
      const edit = (f: () => void) => () => {
        f();
        this.renderGrid();
        this.applyForm();
      };
      addRow.addEventListener("click", edit(() => {
        if (this.editData.x.length < EDITOR_MAX_N) {
          this.editData.x.push(this.editData.x[this.editData.x.length - 1]!.map(() => 1));
          this.editData.y.push(1);
        }
      }));
      delRow.addEventListener("click", edit(() => {
        if (this.editData.x.length > 1) {
          this.editData.x.pop();
          this.editData.y.pop();
        }
      }));
      addCol.addEventListener("click", edit(() => {
        if (this.editData.x[0]!.length < EDITOR_MAX_D) for (const r of this.editData.x) r.push(r.length + 1);
      }));
      delCol.addEventListener("click", edit(() => {
        if (this.editData.x[0]!.length > 1) for (const r of this.editData.x) r.pop();
      }));
      const inlineBox = h("div", {}, grid, h("div", { class: "buttons" }, addRow, delRow, addCol, delCol));
      this.els.inlineBox = inlineBox;
      const genD = this.num("genD", { min: 1, max: WEB_LIMITS.maxD, step: 1 }, apply);
      const genScale = this.num("genScale", { step: "any" }, apply);
      const genN = this.num("genN", { min: 1, max: WEB_LIMITS.maxN, step: 1 }, apply);
      const genK = this.num("genK", { min: 1, step: 1 }, apply);
      const genSeed = this.num("genSeed", { min: 0, step: 1 }, apply);
      const rowD = this.field("d", genD, "genD");
      const rowScale = this.field("scale s", genScale, "genScale");
      const rowN = this.field("n", genN, "genN");
      const rowK = this.field("k (non-zeros)", genK, "genK");
      const rowSeed = this.field("data seed", genSeed, "genSeed");
      Object.assign(this.els, { rowD, rowScale, rowN, rowK, rowSeed });
      fs.append(this.field("Source", kind, "dataKind"), inlineBox, rowD, rowScale, rowN, rowK, rowSeed);
      form.append(fs);
    }
    if (has("share") || has("export")) {
      const fs = h("fieldset", {}, h("legend", {}, "Share and export"));
      const out = h("output", { class: "share", "aria-live": "polite" });
      this.els.shareOut = out;
      const buttons = h("div", { class: "buttons" });
      const btn = (label: string, f: () => void | Promise<void>) => {
        const b = h("button", { type: "button" }, label);
        b.addEventListener("click", () => void f());
        buttons.append(b);
      };
      if (has("share")) {
        btn("Copy link", () => this.copy("link", this.shareUrl()));
        btn("Copy command", () => this.copy("samlab run command", this.specValue ? cliCommand(this.specValue) : ""));
      }
      if (has("export")) {
        btn("PNG", () => this.exportPng());
        btn("CSV", () => this.exportData("csv"));
        btn("JSON", () => this.exportData("json"));
      }
      fs.append(buttons, out);
      if (has("share")) {
        const ta = h("textarea", { rows: 4, spellcheck: "false" });
        const apply = h("button", { type: "button" }, "Apply spec");
        apply.addEventListener("click", () => {
          try {
            const { spec, messages } = acceptSpecText((ta as HTMLTextAreaElement).value);
            this.presetId = undefined;
            this.start(spec, messages, true);
          } catch (e) {
            this.reportSpecError(e);
          }
        });
        this.els.specText = ta;
        const lab = h("label", { for: `${this.uid}-specText` }, "Spec JSON (version 1)");
        ta.id = `${this.uid}-specText`;
        fs.append(h("details", {}, h("summary", {}, "Edit the spec as JSON"), lab, ta, h("div", { class: "buttons" }, apply)));
      }
      form.append(fs);
    }
  }

  private figure(id: ViewId, caption: string, wide = false, ...content: Child[]): HTMLElement {
    const capId = `${this.uid}-cap-${id}`;
    return h("figure", { class: wide ? "wide" : undefined, "data-view": id, "aria-labelledby": capId }, h("figcaption", { id: capId }, caption), ...content);
  }

  private chartBox(id: string, label: string): HTMLElement {
    const canvas = h("canvas", { role: "img", "aria-label": label });
    const na = h("div", { class: "na", hidden: true });
    this.els[`na-${id}`] = na;
    this.els[`canvas-${id}`] = canvas;
    const legend = h("div", { class: "legend", "aria-hidden": "true" });
    this.els[`legend-${id}`] = legend;
    return h("div", {}, h("div", { class: "chart" }, canvas, na), legend);
  }

  private buildView(v: ViewId): HTMLElement {
    switch (v) {
      case "shares":
        return this.figure(v, "Coordinate shares |β_j| / ‖β‖₁", false, this.chartBox("shares", "Share of each coordinate of beta against steps, log axis"));
      case "loss":
        return this.figure(v, "Training loss", false, this.chartBox("loss", "Loss against steps, log axes"));
      case "margins":
        return this.figure(v, "Normalized margins", false, this.chartBox("margins", "Normalized margins against steps"));
      case "cosine":
        return this.figure(v, "Cosine to the max-margin directions", false, this.chartBox("cosine", "Cosine between beta and the l1 and l2 max-margin directions"), (this.els.cosineNote = h("p", { class: "note" })));
      case "dominant":
        return this.figure(v, "Dominant coordinate argmax_j |β_j|", false, this.chartBox("dominant", "Dominant coordinate against steps"), (this.els.domNote = h("p", { class: "note" })));
      case "image": {
        const canvas = h("canvas", { role: "img", "aria-label": "beta drawn as an image", width: 200, height: 200, class: "betaimg" });
        const bar = h("canvas", { "aria-hidden": "true", width: 200, height: 12, class: "colorbar" });
        const scale = h("div", { class: "scale", "aria-hidden": "true" }, h("span", {}, "−m"), h("span", {}, "0"), h("span", {}, "+m"));
        this.els["canvas-image"] = canvas;
        this.els.imageBar = bar;
        this.els.imageScale = scale;
        const fig = this.figure(
          v,
          "β as an image (one pixel per feature)",
          false,
          h("div", { class: "imagebox" }, canvas, bar, scale),
          (this.els.imageNote = h("p", { class: "note" }, "Blue: β_j < 0 (pushes towards the first class), red: β_j > 0, white: 0; symmetric scale ±m = max_j |β_j| of the frame shown.")),
        );
        fig.hidden = true; // shown once the data turns out to have an image shape
        this.els.figImage = fig;
        return fig;
      }
      case "compare": {
        const [a, b] = this.compareAlgos();
        return this.figure(
          v,
          `Side by side: ${ALGO_LABEL[a]} vs ${ALGO_LABEL[b]} (same data and initialization)`,
          true,
          h(
            "div",
            { class: "pair" },
            h("div", {}, h("p", { class: "sub" }, ALGO_LABEL[a]!), this.chartBox("cmpA", `Coordinate shares under ${ALGO_LABEL[a]}`)),
            h("div", {}, h("p", { class: "sub" }, ALGO_LABEL[b]!), this.chartBox("cmpB", `Coordinate shares under ${ALGO_LABEL[b]}`)),
          ),
          (this.els.cmpNote = h("p", { class: "note" })),
        );
      }
      case "phase": {
        const legend = h(
          "div",
          { class: "legend" },
          ...PHASE_CLASSES.map((c) => h("span", {}, h("span", { class: "swatch", style: `background:${c.color}` }), c.label)),
          h("span", {}, h("span", { class: "swatch guide" }), `predicted boundaries α₁ = ρ, α₂ = ρ (ρ = ${PHASE_RHO})`),
        );
        const box = this.chartBox("phase", "Phase diagram of l-infinity SAM over the initial sizes alpha 1 and alpha 2; click a cell, or use the arrow keys and Enter, to open that run");
        const canvas = this.els["canvas-phase"]!;
        canvas.setAttribute("tabindex", "0");
        canvas.setAttribute("role", "application");
        canvas.setAttribute("aria-roledescription", "phase diagram");
        canvas.setAttribute("aria-keyshortcuts", "ArrowLeft ArrowRight ArrowUp ArrowDown Enter");
        canvas.addEventListener("focus", () => {
          // Keyboard focus only: on a mouse click the note must not change between mousedown and
          // click (a shorter note can shorten the page and move the diagram under the pointer).
          if (!canvas.matches(":focus-visible")) return;
          this.phaseCursor.on = true;
          this.describeCursor();
          this.drawView("phase");
        });
        canvas.addEventListener("blur", () => {
          this.phaseCursor.on = false;
          this.drawView("phase");
        });
        canvas.addEventListener("keydown", (e) => this.onPhaseKey(e));
        const setup = h(
          "p",
          { class: "note" },
          `The reproduction experiment's setup (samlab reproduce linf-phase): x = (1, 2), L = 2, ρ = ${PHASE_RHO}, η = 0.01 with the rescaled schedule (the Euler step of the rescaled flow) to τ = ${PHASE_TAU}, α log-spaced in [0.01, 1]. ` +
            "A cell is e_j when |cos(β, e_j)| ≥ 0.999 at τ, 0 when the loss is still above ℓ(0)/2 (β never grew). Theory: coordinate j survives iff α_j > ρ, and the larger surviving x_j wins.",
        );
        return this.figure(v, "ℓ∞-SAM phase diagram over (α₁, α₂) — click a cell to open its run", false, box, legend, (this.els.phaseNote = h("p", { class: "note", "aria-live": "polite" })), setup);
      }
      case "table": {
        const table = h("table", { class: "values" });
        this.els.table = table;
        return this.figure(v, "Current values", false, h("div", { class: "tablewrap" }, table));
      }
    }
  }

  // ---------------------------------------------------------------- form ⇄ spec

  private fillForm(spec: Spec): void {
    const set = (id: string, v: string | number) => {
      const el = this.els[id] as HTMLInputElement | HTMLSelectElement | undefined;
      if (el) el.value = String(v);
    };
    set("preset", this.presetId ?? "");
    set("algo", spec.algo);
    set("rho", spec.rho);
    set("lr", spec.lr);
    set("depth", spec.depth);
    set("loss", spec.loss);
    set("steps", spec.steps);
    set("seed", spec.seed);
    const init = spec.init;
    if ("values" in init) {
      set("initMode", "values");
      set("values", init.values.map((r) => r.join(",")).join(";"));
    } else if ("random" in init) {
      set("initMode", "random");
      set("randomKind", init.random);
      set("alpha", init.alpha);
    } else if (Array.isArray(init.alpha)) {
      set("initMode", "per-coordinate");
      set("alphas", init.alpha.join(", "));
    } else {
      set("initMode", "constant");
      set("alpha", init.alpha);
    }
    const data = webData(spec);
    if ("source" in data) {
      set("dataKind", data.source);
    } else if ("x" in data) {
      set("dataKind", "inline");
      this.editData = { x: data.x.map((r) => [...r]), y: [...(data.y ?? data.x.map(() => 1))] };
    } else if (data.generator === "single") {
      set("dataKind", "single");
      set("genD", data.d);
      set("genScale", data.scale ?? 1);
    } else {
      set("dataKind", "gaussian-sparse");
      set("genD", data.d);
      set("genN", data.n);
      set("genK", data.k ?? Math.min(5, data.d));
      set("genSeed", data.seed ?? spec.seed);
    }
    if (this.els.specText) (this.els.specText as HTMLTextAreaElement).value = JSON.stringify(spec, null, 1);
    this.syncInitVisibility();
    this.syncDataVisibility();
    this.renderGrid();
  }

  private syncInitVisibility(): void {
    const mode = (this.els.initMode as HTMLSelectElement | undefined)?.value;
    if (!mode) return;
    this.els.rowAlpha!.hidden = !(mode === "constant" || mode === "random");
    this.els.rowAlphas!.hidden = mode !== "per-coordinate";
    this.els.rowRandom!.hidden = mode !== "random";
    this.els.rowValues!.hidden = mode !== "values";
  }

  private syncDataVisibility(): void {
    const kind = (this.els.dataKind as HTMLSelectElement | undefined)?.value;
    if (!kind) return;
    this.els.inlineBox!.hidden = kind !== "inline";
    this.els.rowD!.hidden = kind !== "single" && kind !== "gaussian-sparse";
    this.els.rowScale!.hidden = kind !== "single";
    this.els.rowN!.hidden = kind !== "gaussian-sparse";
    this.els.rowK!.hidden = kind !== "gaussian-sparse";
    this.els.rowSeed!.hidden = kind !== "gaussian-sparse";
  }

  private renderGrid(): void {
    const grid = this.els.grid;
    if (!grid) return;
    const { x, y } = this.editData;
    const n = x.length;
    const d = x[0]!.length;
    if (n > EDITOR_MAX_N || d > EDITOR_MAX_D) {
      grid.replaceChildren(h("p", { class: "note" }, `${n} examples × ${d} features: too many for the grid editor; edit the spec JSON instead.`));
      return;
    }
    const table = h("table");
    const head = h("tr", {}, h("th", { scope: "col" }, "#"));
    for (let j = 0; j < d; j++) head.append(h("th", { scope: "col" }, `x${j + 1}`));
    head.append(h("th", { scope: "col" }, "y"));
    table.append(head);
    for (let i = 0; i < n; i++) {
      const tr = h("tr", {}, h("th", { scope: "row" }, String(i + 1)));
      for (let j = 0; j < d; j++) {
        const inp = h("input", { type: "number", step: "any", "aria-label": `example ${i + 1}, x${j + 1}`, value: String(x[i]![j]) });
        inp.addEventListener("change", () => {
          const v = Number((inp as HTMLInputElement).value);
          if (Number.isFinite(v)) x[i]![j] = v;
          this.applyForm();
        });
        tr.append(h("td", {}, inp));
      }
      const sel = h("select", { "aria-label": `example ${i + 1}, label y` }, h("option", { value: "1" }, "+1"), h("option", { value: "-1" }, "−1"));
      (sel as HTMLSelectElement).value = String(y[i] ?? 1);
      sel.addEventListener("change", () => {
        y[i] = Number((sel as HTMLSelectElement).value) === -1 ? -1 : 1;
        this.applyForm();
      });
      tr.append(h("td", {}, sel));
      table.append(tr);
    }
    grid.replaceChildren(table);
  }

  /** The spec the form describes (fields without a control keep the current spec's values). */
  private specFromForm(): Record<string, unknown> {
    const cur = this.specValue!;
    const val = (id: string) => (this.els[id] as HTMLInputElement | HTMLSelectElement | undefined)?.value;
    const numOr = (id: string, f: number) => {
      const v = val(id);
      return v === undefined || v.trim() === "" ? f : Number(v);
    };
    const spec: Record<string, unknown> = { ...cur };
    delete spec.name;
    spec.algo = val("algo") ?? cur.algo;
    spec.rho = numOr("rho", cur.rho);
    spec.lr = numOr("lr", cur.lr);
    spec.depth = numOr("depth", cur.depth);
    spec.loss = val("loss") ?? cur.loss;
    spec.steps = numOr("steps", cur.steps);
    spec.seed = numOr("seed", cur.seed);
    const kind = val("dataKind");
    if (kind === "inline") spec.data = { x: this.editData.x.map((r) => [...r]), y: [...this.editData.y] };
    else if (kind === "single") spec.data = { generator: "single", d: numOr("genD", 5), scale: numOr("genScale", 1) };
    else if (kind === "gaussian-sparse") spec.data = { generator: "gaussian-sparse", n: numOr("genN", 50), d: numOr("genD", 20), k: numOr("genK", 5), seed: numOr("genSeed", 1) };
    else if (kind === "digits" || kind === "iris") {
      const cur = webData(this.specValue!);
      spec.data = "source" in cur && cur.source === kind ? cur : kind === "digits" ? { source: "digits", classes: [0, 1], n: 200, seed: 1 } : { source: "iris", classes: ["setosa", "versicolor"] };
    }
    const mode = val("initMode");
    const d = kind === "inline" ? this.editData.x[0]!.length : kind === "digits" ? 64 : kind === "iris" ? 4 : kind ? numOr("genD", 1) : undefined;
    if (mode === "constant") spec.init = { alpha: numOr("alpha", 0.1) };
    else if (mode === "per-coordinate") {
      let a = parseList(val("alphas") ?? "");
      if (d !== undefined && a.length !== d) a = Array.from({ length: d }, (_, j) => a[j] ?? a[a.length - 1] ?? 0.1);
      spec.init = { alpha: a };
    } else if (mode === "random") spec.init = { random: val("randomKind") ?? "abs-gaussian", alpha: numOr("alpha", 0.1), seed: numOr("seed", cur.seed) };
    else if (mode === "values") {
      spec.init = {
        values: (val("values") ?? "")
          .split(/[;|]/)
          .filter((r) => r.trim() !== "")
          .map(parseList),
      };
    }
    // A per-coordinate α that no longer matches d (data edited) follows the new d.
    const init = spec.init as { alpha?: unknown };
    if (d !== undefined && Array.isArray(init.alpha) && init.alpha.length !== d) {
      const a = init.alpha as number[];
      spec.init = { alpha: Array.from({ length: d }, (_, j) => a[j] ?? a[a.length - 1] ?? 0.1) };
    }
    if (d !== undefined && "values" in (spec.init as object)) {
      const rows = (spec.init as { values: number[][] }).values;
      if (rows.length !== spec.depth || rows.some((r) => r.length !== d)) spec.init = { alpha: 0.1 };
    }
    return spec;
  }

  private applyForm(): void {
    if (!this.specValue) return;
    try {
      const { spec, messages } = acceptSpec(this.specFromForm());
      this.presetId = undefined;
      this.start(spec, messages, true);
    } catch (e) {
      this.reportSpecError(e);
    }
  }

  /** ρ and η: changed in place while a run is under way, otherwise a restart with the new values. */
  private applyHyper(): void {
    const main = this.runs.find((r) => r.role === "main");
    const midRun = main && main.started && main.step > 0 && !main.done;
    if (!midRun || !this.specValue) {
      this.applyForm();
      return;
    }
    const rho = Number((this.els.rho as HTMLInputElement | undefined)?.value ?? this.specValue.rho);
    const lr = Number((this.els.lr as HTMLInputElement | undefined)?.value ?? this.specValue.lr);
    if (!(Number.isFinite(rho) && rho >= 0)) return this.reportSpecError(new SpecError("rho", "expected a number ≥ 0"));
    if (!(Number.isFinite(lr) && lr > 0)) return this.reportSpecError(new SpecError("lr", "expected a number > 0"));
    for (const r of this.runs) if (!r.done) this.client?.send({ type: "hyper", run: r.id, rho, lr });
    const note = `η = ${lr}, ρ = ${rho} from step ${fmtInt(main.step)}`;
    this.hyperNotes.push(note);
    this.specValue = { ...this.specValue, rho, lr };
    this.writeUrl();
    this.showMessages([`Changed mid-run: ${this.hyperNotes.join("; ")}. The link now starts with these values; reset to rerun from step 0.`]);
    this.announce(`Changed ${note}`, true);
  }

  private reportSpecError(e: unknown): void {
    const err = e instanceof SpecError ? e : new SpecError("spec", e instanceof Error ? e.message : String(e));
    this.showMessages([`Not applied: ${err.message}`], true);
    this.emit("samlab-error", { field: err.field, message: err.message });
    this.announce(`Not applied: ${err.message}`, true);
  }

  // ---------------------------------------------------------------- runs

  private start(spec: Spec, messages: string[], play: boolean, isError = false): void {
    if (!this.client) return;
    this.specValue = spec;
    this.hyperNotes = [];
    this.resultValue = undefined;
    if (samlabGlobal().result && samlabGlobal().owner === this) {
      samlabGlobal().result = undefined;
    }
    for (const r of this.runs) this.client.send({ type: "drop", run: r.id });
    const views = this.views();
    const mk = (role: RunView["role"], algo: string): RunView => ({
      id: this.nextRun++,
      role,
      algo,
      series: new Series(),
      started: false,
      outstanding: false,
      done: false,
      step: 0,
      steps: spec.steps,
      d: 0,
      n: 0,
      magnitudes: [],
    });
    this.runs = [mk("main", spec.algo)];
    if (views.includes("compare")) {
      const [a, b] = this.compareAlgos();
      this.runs.push(mk("a", a), mk("b", b));
    }
    for (const r of this.runs) {
      const s: Record<string, unknown> = r.role === "main" ? { ...spec } : { ...spec, algo: r.algo, name: `${spec.name ?? "run"} (${ALGO_LABEL[r.algo]})` };
      if (r.role !== "main" && s.mode === "flow") delete s.flow; // re-derived from the algorithm
      this.client.send({ type: "start", run: r.id, spec: s });
    }
    this.fillForm(spec);
    const preset = this.presetId ? presetById(this.presetId) : undefined;
    this.els.title!.textContent = spec.name ?? preset?.title ?? "samlab run";
    this.els.claim!.textContent = preset?.claim ?? `${ALGO_LABEL[spec.algo]}, L = ${spec.depth}, ρ = ${spec.rho}, η = ${spec.lr}, ${fmtInt(spec.steps)} steps`;
    this.showMessages(messages, isError);
    this.writeUrl();
    // The phase diagram waits for the main run (it would halve its speed otherwise).
    this.phaseWanted = views.includes("phase") ? spec : undefined;
    if (this.phaseWanted && !play) this.startWantedPhase();
    for (const v of VIEW_IDS) this.dirty.add(v);
    this.setState(play ? "playing" : "ready");
    this.emit("samlab-start", { spec });
    this.kick();
  }

  private advanceRun(r: RunView, steps: number | undefined, snapshot: boolean): void {
    if (!r.started || r.done || r.outstanding || !this.client) return;
    r.outstanding = true;
    // Auto speed: the main run gets most of each frame's compute, the comparison runs the rest.
    const budgetMs = r.role === "main" ? 12 : 3;
    this.client.send({ type: "advance", run: r.id, ...(steps !== undefined ? { steps } : { budgetMs }), snapshot });
  }

  private requestResult(): void {
    const main = this.runs.find((r) => r.role === "main");
    if (main?.started) this.client?.send({ type: "result", run: main.id });
  }

  private onWorker(m: FromWorker): void {
    if (m.type === "cells" || m.type === "phase-done" || (m.type === "error" && m.job !== undefined)) return this.onPhase(m);
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
        if (r.role === "main") this.showImageView(m.shape);
        break;
      case "progress": {
        r.outstanding = false;
        r.series.append(m.rows, m.stride);
        r.step = m.step;
        if (m.snapshot) r.snapshot = m.snapshot;
        if (m.done) r.done = true;
        this.dirty.add(r.role === "main" ? "main" : "compare");
        if (r.role === "main") {
          const now = performance.now();
          if (now - this.lastProgressEventAt > 250 || m.done) {
            this.lastProgressEventAt = now;
            this.emit("samlab-progress", { step: m.step, steps: r.steps });
          }
        }
        if (this.runs.every((x) => x.done) && this.stateValue !== "error") this.setState("finished");
        // Auto speed: the main run (then, once it is done, the others) asks for its next chunk at
        // once instead of waiting for the next frame, so the worker never idles; drawing stays on
        // animation frames. With a fixed steps-per-frame, advancing stays one chunk per frame.
        else if (this.stateValue === "playing" && this.stepsPerFrame() === undefined && !r.done) {
          const main = this.runs.find((x) => x.role === "main");
          if (r.role === "main" || !main || main.done) this.advanceRun(r, undefined, true);
        }
        break;
      }
      case "result":
        r.result = m.result;
        if (r.role === "main") this.onMainResult(r, m.result);
        else this.dirty.add("compare");
        break;
      case "error":
        r.outstanding = false;
        r.error = m.message;
        r.done = true;
        if (r.role === "main") {
          this.showMessages([`Run failed: ${m.message}`], true);
          this.setState("error");
          this.emit("samlab-error", { field: m.field, message: m.message });
        }
        break;
    }
    this.kick();
  }

  private onMainResult(r: RunView, result: Result): void {
    if (!r.done) {
      this.dirty.add("main");
      return; // a partial Result (after a pause): kept by the worker, exported on demand
    }
    this.resultValue = result;
    this.startWantedPhase();
    const g = samlabGlobal();
    g.result = result;
    g.owner = this;
    for (const w of this.resultWaiters.splice(0)) w(result);
    this.dirty.add("main");
    if (!result.status.ok && result.status.message) this.showMessages([result.status.message], true);
    this.emit("samlab-finish", { result });
    this.announce(this.statusText(), true);
  }

  private setState(s: RunState): void {
    this.stateValue = s;
    this.setAttribute("data-state", s);
    const play = this.els.play;
    if (play) {
      play.textContent = s === "playing" ? "Pause" : s === "finished" ? "Replay" : "Play";
      play.setAttribute("aria-pressed", String(s === "playing"));
    }
    this.announce(this.statusText(), true);
  }

  private statusText(): string {
    const main = this.runs.find((r) => r.role === "main");
    if (!main || !this.specValue) return "Loading…";
    const snap = main.snapshot;
    const tMax = (this.specValue as { tMax?: number }).tMax;
    const where = this.isFlow() ? `t = ${fmtNum(snap?.t, 3)} of ${fmtNum(tMax, 3)} (${fmtInt(main.step)} integrator steps)` : `step ${fmtInt(main.step)} of ${fmtInt(main.steps)}`;
    const loss = snap ? `, loss ${fmtNum(snap.loss, 3)}` : "";
    const dom = snap && snap.beta.length ? `, dominant x${argmaxAbs(snap.beta) + 1}` : "";
    switch (this.stateValue) {
      case "loading":
        return "Loading…";
      case "ready":
        return `Ready at ${where}. Press Play (space) to start.`;
      case "playing":
        return `Playing: ${where}${loss}${dom}.`;
      case "paused":
        return `Paused at ${where}${loss}${dom}.`;
      case "finished": {
        const res = this.resultValue;
        const seq = res?.dominantSequence.map((c) => `x${c.coord + 1}`).join(" → ");
        return `Finished: ${where}${loss}${dom}${seq ? `; dominant sequence ${seq}` : ""}.`;
      }
      case "error":
        return `Stopped with an error.`;
    }
  }

  /** Writes the status line (aria-live): at once on state changes, at most every 2 s while playing. */
  private announce(text: string, force = false): void {
    const now = performance.now();
    if (!force && now - this.lastStatusAt < 2000) return;
    this.lastStatusAt = now;
    if (this.els.status) this.els.status.textContent = text;
  }

  private showMessages(messages: string[], error = false): void {
    const msg = this.els.msg;
    if (!msg) return;
    msg.textContent = messages.join(" · ");
    msg.hidden = messages.length === 0;
    msg.classList.toggle("error", error);
  }

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  // ---------------------------------------------------------------- frame loop

  /** Schedules the next animation frame if anything is to be advanced or drawn. */
  private kick(): void {
    if (this.raf || !this.connected) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.frame();
    });
  }

  /** Called once per animation frame while something plays or is dirty. */
  private frame(): void {
    const first = this.warmup.shift();
    if (first !== undefined) {
      // Creating a chart is the most expensive draw (~10–50 ms): do it before the run starts, one per frame.
      this.drawView(first);
      this.kick();
      return;
    }
    if (this.stateValue === "playing") {
      const k = this.stepsPerFrame();
      for (const r of this.runs) this.advanceRun(r, k, true);
    }
    this.draw();
    const pending = [...this.dirty].some((v) => v === "main" || v === "compare" || this.stateValue !== "playing" || this.visible.has(v));
    if (this.stateValue === "playing" || pending || this.runs.some((r) => r.outstanding)) this.kick();
  }

  /** Redraws dirty views: each at most every 100 ms (1 s with reduced motion), within ~10 ms per frame. */
  private draw(): void {
    const t0 = performance.now();
    const playing = this.stateValue === "playing";
    const minGap = playing ? (this.reducedMotion ? 1000 : 100) : 0;
    const want: string[] = [];
    if (this.dirty.has("main")) {
      for (const v of ["shares", "loss", "margins", "cosine", "dominant", "image", "table"]) this.dirty.add(v);
      this.dirty.delete("main");
    }
    if (this.dirty.has("compare")) {
      this.dirty.add("cmp");
      this.dirty.delete("compare");
    }
    for (const v of this.dirty) want.push(v);
    // One view per frame: a chart.js update costs ~5–30 ms here, so this keeps every task short.
    let drawn = 0;
    for (const v of want) {
      if (drawn >= 1) break;
      // While playing, only on-screen views are redrawn; the rest catch up when scrolled into
      // view, or once the run stops (still one view per frame).
      if (playing && !this.visible.has(v)) continue;
      if (t0 - (this.lastDrawn.get(v) ?? -1e9) < minGap) continue;
      this.dirty.delete(v);
      this.lastDrawn.set(v, t0);
      drawn++;
      this.drawView(v);
    }
    if (playing) this.announce(this.statusText());
  }

  private chart(id: string, make: (c: HTMLCanvasElement) => Chart<"line", XY[]> | Chart<"scatter", XY[]>): Chart<"line", XY[]> | Chart<"scatter", XY[]> | undefined {
    let c = this.charts.get(id);
    if (c) return c;
    const canvas = this.els[`canvas-${id}`] as HTMLCanvasElement | undefined;
    if (!canvas || !canvas.isConnected) return undefined;
    c = make(canvas);
    this.charts.set(id, c);
    return c;
  }

  private na(id: string, text: string | null): void {
    const el = this.els[`na-${id}`];
    if (!el) return;
    el.textContent = text ?? "";
    el.hidden = text === null;
  }

  private drawView(v: string): void {
    const main = this.runs.find((r) => r.role === "main");
    if (!main) return;
    switch (v) {
      case "shares":
        return this.drawShares("shares", main);
      case "loss":
        return this.drawLoss(main);
      case "margins":
        return this.drawMargins(main);
      case "cosine":
        return this.drawCosine(main);
      case "dominant":
        return this.drawDominant(main);
      case "table":
        return this.drawTable(main);
      case "image":
        return this.drawImage(main);
      case "cmp": {
        const a = this.runs.find((r) => r.role === "a");
        const b = this.runs.find((r) => r.role === "b");
        if (a) this.drawShares("cmpA", a);
        if (b) this.drawShares("cmpB", b);
        const note = this.els.cmpNote;
        if (note && a && b) {
          const seq = (r: RunView) => (r.result?.dominantSequence ?? []).map((c) => `x${c.coord + 1}`).join(" → ") || "…";
          note.textContent = `${ALGO_LABEL[a.algo]}: ${seq(a)} · ${ALGO_LABEL[b.algo]}: ${seq(b)} (dominant sequences once finished)`;
        }
        return;
      }
      case "phase":
        return this.drawPhase();
    }
  }

  /** Flows ("mode": "flow") are drawn against t; discrete runs against the step count. */
  private isFlow(): boolean {
    return (this.specValue as { mode?: string } | undefined)?.mode === "flow";
  }
  private xs(r: RunView): number[] {
    return this.isFlow() ? r.series.t : r.series.step;
  }
  private xTitle(): string {
    return this.isFlow() ? "t (log)" : "step (log)";
  }

  /** Decimated indices of recorded points with x > 0 (log axes cannot show step 0 or t = 0). */
  private idx(r: RunView): number[] {
    const s = this.xs(r);
    let first = 0;
    while (first < s.length && !(s[first]! > 0)) first++;
    return decimateIndices(s.length - first, MAX_POINTS_DRAWN).map((i) => i + first);
  }

  /**
   * Updates a line chart and its HTML legend. The legend is HTML (rebuilt only when the labels
   * change) because chart.js's canvas legend re-measures its text on every update: about half of
   * an update's cost.
   */
  private commit(id: string, chart: Chart<"line", XY[]>): void {
    this.setX(chart);
    chart.update("none");
    const el = this.els[`legend-${id}`];
    if (!el) return;
    const items = chart.data.datasets.length > 1 ? chart.data.datasets.map((d) => [String(d.label ?? ""), String(d.borderColor ?? "")] as const) : [];
    const key = JSON.stringify(items);
    if (el.dataset.key === key) return;
    el.dataset.key = key;
    el.replaceChildren(...items.map(([label, color]) => h("span", {}, h("span", { class: "swatch", style: `background:${color}` }), label)));
  }

  private setX(chart: Chart<"line", XY[]>): void {
    const x = chart.options.scales!.x! as { title?: { text?: string } };
    if (x.title) x.title.text = this.xTitle();
  }

  private drawShares(id: string, r: RunView): void {
    const X = this.xs(r);
    const chart = this.chart(id, (c) => lineChart(c, { xTitle: "step (log)", yTitle: "share", xLog: true, yMin: 0, yMax: 1 })) as Chart<"line", XY[]> | undefined;
    if (!chart) return;
    const s = r.series;
    if (r.error) this.na(id, `Run failed: ${r.error}`);
    else if (s.step.length > 0 && s.beta.length === 0) this.na(id, "β is not recorded for this run (record.beta is false)");
    else this.na(id, null);
    const idx = this.idx(r);
    const last = s.beta[s.beta.length - 1];
    const d = r.d || (last?.length ?? 0);
    let coords = Array.from({ length: d }, (_, j) => j);
    if (d > MAX_LINES && last) {
      const l1 = last.reduce((a, v) => a + Math.abs(v), 0) || 1;
      coords = coords.sort((i, j) => Math.abs(last[j]!) / l1 - Math.abs(last[i]!) / l1).slice(0, MAX_LINES).sort((i, j) => i - j);
    }
    chart.data.datasets = coords.map((j, k) =>
      dataset(`x${j + 1} (|x|=${fmtNum(r.magnitudes[j], 3)})`, PALETTE[k % PALETTE.length]!, idx.map((i) => {
        const b = s.beta[i];
        const l1 = s.l1[i]!;
        return { x: X[i]!, y: b && l1 > 0 ? Math.abs(b[j]!) / l1 : NaN };
      })),
    );
    this.commit(id, chart);
  }

  private drawLoss(r: RunView): void {
    const X = this.xs(r);
    const chart = this.chart("loss", (c) => lineChart(c, { xTitle: "step (log)", yTitle: "loss (log)", xLog: true, yLog: true, legend: false })) as Chart<"line", XY[]> | undefined;
    if (!chart) return;
    const s = r.series;
    const idx = this.idx(r).filter((i) => s.loss[i]! > 0);
    chart.data.datasets = [dataset("loss", PALETTE[0]!, idx.map((i) => ({ x: X[i]!, y: s.loss[i]! })))];
    this.commit("loss", chart);
  }

  private drawMargins(r: RunView): void {
    const X = this.xs(r);
    const chart = this.chart("margins", (c) => lineChart(c, { xTitle: "step (log)", yTitle: "normalized margin", xLog: true })) as Chart<"line", XY[]> | undefined;
    if (!chart) return;
    const s = r.series;
    const L = this.specValue?.depth ?? 1;
    const idx = this.idx(r);
    const safe = (a: number, b: number) => (b > 0 ? a / b : NaN);
    chart.data.datasets = [
      dataset("γ / ‖β‖₁", PALETTE[0]!, idx.map((i) => ({ x: X[i]!, y: safe(s.minMargin[i]!, s.l1[i]!) }))),
      dataset("γ / ‖β‖₂", PALETTE[1]!, idx.map((i) => ({ x: X[i]!, y: safe(s.minMargin[i]!, s.l2[i]!) }))),
      dataset(`γ / ‖w‖₂^${L}`, PALETTE[2]!, idx.map((i) => ({ x: X[i]!, y: safe(s.minMargin[i]!, s.wNorm[i]! ** L) }))),
    ];
    this.commit("margins", chart);
  }

  private drawCosine(r: RunView): void {
    const X = this.xs(r);
    const chart = this.chart("cosine", (c) => lineChart(c, { xTitle: "step (log)", yTitle: "cosine", xLog: true, yMax: 1 })) as Chart<"line", XY[]> | undefined;
    if (!chart) return;
    const s = r.series;
    const idx = this.idx(r);
    const ref = maxMarginDirections(r.result ?? this.resultValue, this.specValue);
    const note = this.els.cosineNote;
    if (!ref) {
      chart.data.datasets = [];
      const diag = (r.result ?? this.resultValue)?.diagnostics;
      const why = diag?.message ? ` The Result's references: ${diag.references}: ${diag.message}` : diag?.references === "computed" ? " The data are not separable." : "";
      this.na("cosine", `Not available: this run's Result carries no max-margin directions (needs the max-margin solver for data with more than one example).${why}`);
      if (note) note.textContent = "";
      this.commit("cosine", chart);
      return;
    }
    this.na("cosine", null);
    const cos = (b: Float64Array | undefined, u: number[] | undefined) => {
      if (!b || !u) return NaN;
      let dot = 0;
      let bb = 0;
      let uu = 0;
      for (let j = 0; j < b.length; j++) {
        dot += b[j]! * (u[j] ?? 0);
        bb += b[j]! * b[j]!;
        uu += (u[j] ?? 0) ** 2;
      }
      return bb > 0 && uu > 0 ? dot / Math.sqrt(bb * uu) : NaN;
    };
    // The Result's own cosines (the diagnostics of simulate() and the CLI) when they cover every recorded point.
    const given = (p: "l1" | "l2") => (ref.cosine?.[p]?.length === s.step.length ? ref.cosine[p] : undefined);
    const series = (p: "l1" | "l2", u: number[] | undefined) => {
      const g = given(p);
      return idx.map((i) => ({ x: X[i]!, y: g ? g[i]! : cos(s.beta[i], u) }));
    };
    chart.data.datasets = [dataset("cos(β, β*₁) ℓ1 max-margin", PALETTE[0]!, series("l1", ref.l1)), dataset("cos(β, β*₂) ℓ2 max-margin", PALETTE[1]!, series("l2", ref.l2))];
    if (note) note.textContent = ref.source;
    this.commit("cosine", chart);
  }

  private drawDominant(r: RunView): void {
    const X = this.xs(r);
    const d = r.d || 1;
    const chart = this.chart("dominant", (c) =>
      lineChart(c, { xTitle: "step (log)", yTitle: "coordinate", xLog: true, legend: false, stepped: true, yMin: 0.5, yMax: d + 0.5, yTickLabel: (v) => `x${v}`, yTickValues: () => {
        const dd = this.runs.find((x) => x.role === "main")?.d ?? d;
        const every = Math.ceil(dd / 12);
        return Array.from({ length: dd }, (_, j) => j + 1).filter((v) => (v - 1) % every === 0);
      } }),
    ) as Chart<"line", XY[]> | undefined;
    if (!chart) return;
    const s = r.series;
    const idx = this.idx(r).filter((i) => s.l1[i]! > 0);
    const yScale = chart.options.scales!.y!;
    yScale.max = d + 0.5;
    chart.data.datasets = [dataset("dominant coordinate", PALETTE[4]!, idx.map((i) => ({ x: X[i]!, y: s.dominant[i]! + 1 })), { stepped: "after" })];
    this.commit("dominant", chart);
    const note = this.els.domNote;
    if (note) {
      const res = r.result ?? this.resultValue;
      const seq = res
        ? res.dominantSequence.map((c) => `x${c.coord + 1} (|x|=${fmtNum(c.magnitude, 3)}) from step ${fmtInt(c.step)}`)
        : sequenceFromSeries(s).map((c) => `x${c.coord + 1} from step ${fmtInt(c.step)}`);
      const amp = res?.diagnostics?.amplification;
      const verdict = amp ? ` (minor first: ${amp.minorFirst ? "yes" : "no"}, major last: ${amp.majorLast ? "yes" : "no"})` : "";
      note.textContent = seq.length ? `Takeovers: ${seq.join(" → ")}${verdict}` : "";
    }
  }

  /** Shows the image view only for data with an image shape (the digits). */
  private showImageView(shape: [number, number] | undefined): void {
    const fig = this.els.figImage;
    if (!fig) return;
    fig.hidden = !shape;
    if (shape) this.dirty.add("image");
  }

  /**
   * Draws β as a height × width image with a diverging colour scale (blue − / white 0 / red +),
   * symmetric around 0: the final β once the run has finished, else the latest recorded row's β.
   */
  private drawImage(r: RunView): void {
    const canvas = this.els["canvas-image"] as HTMLCanvasElement | undefined;
    const shape = r.shape ?? (r.result?.data as { shape?: [number, number] } | undefined)?.shape;
    if (!canvas || !shape) return;
    const [hgt, wid] = shape;
    const beta: ArrayLike<number> | undefined = r.done && r.result ? r.result.final.beta : r.series.beta[r.series.beta.length - 1];
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (!beta || beta.length !== hgt * wid) return;
    let m = 0;
    for (let j = 0; j < beta.length; j++) m = Math.max(m, Math.abs(beta[j]!));
    const cw = canvas.width / wid;
    const ch = canvas.height / hgt;
    for (let i = 0; i < hgt; i++)
      for (let j = 0; j < wid; j++) {
        ctx.fillStyle = diverging(m > 0 ? beta[i * wid + j]! / m : 0);
        ctx.fillRect(Math.floor(j * cw), Math.floor(i * ch), Math.ceil(cw), Math.ceil(ch));
      }
    const bar = this.els.imageBar as HTMLCanvasElement | undefined;
    const bctx = bar?.getContext("2d");
    if (bar && bctx && !bar.dataset.drawn) {
      for (let x = 0; x < bar.width; x++) {
        bctx.fillStyle = diverging((2 * x) / (bar.width - 1) - 1);
        bctx.fillRect(x, 0, 1, bar.height);
      }
      bar.dataset.drawn = "1";
    }
    const sc = this.els.imageScale;
    if (sc) {
      const [lo, , hi] = [...sc.children] as HTMLElement[];
      lo!.textContent = fmtNum(-m, 3);
      hi!.textContent = fmtNum(m, 3);
    }
    const step = r.done && r.result ? r.result.final.step : r.series.step[r.series.step.length - 1];
    canvas.setAttribute("aria-label", `beta as a ${hgt} by ${wid} image at step ${step ?? 0}; largest magnitude ${fmtNum(m, 3)}`);
    canvas.dataset.step = String(step ?? 0);
  }

  private drawTable(r: RunView): void {
    const table = this.els.table;
    if (!table) return;
    const snap = r.snapshot;
    const rows: HTMLElement[] = [];
    const cap = h("caption", { class: "sr-only" }, "Current values of the main run");
    rows.push(cap);
    const kv = (k: string, v: string) => h("tr", {}, h("th", { scope: "row" }, k), h("td", { colspan: 3 }, v));
    rows.push(kv("step", snap ? `${fmtInt(snap.step)} of ${fmtInt(r.steps)}` : "–"));
    rows.push(kv("t = Σ η", fmtNum(snap?.t)));
    rows.push(kv("loss", fmtNum(snap?.loss)));
    if (snap) {
      let l1 = 0;
      let l2 = 0;
      for (const b of snap.beta) {
        l1 += Math.abs(b);
        l2 += b * b;
      }
      l2 = Math.sqrt(l2);
      rows.push(kv("min margin γ", fmtNum(snap.minMargin)));
      rows.push(kv("γ / ‖β‖₁", fmtNum(l1 > 0 ? snap.minMargin / l1 : NaN)));
      rows.push(kv("γ / ‖β‖₂", fmtNum(l2 > 0 ? snap.minMargin / l2 : NaN)));
      rows.push(h("tr", {}, h("th", { scope: "col" }, "coordinate"), h("th", { scope: "col" }, "|x_j|"), h("th", { scope: "col" }, "β_j"), h("th", { scope: "col" }, "share")));
      snap.beta.slice(0, 200).forEach((b, j) => {
        rows.push(h("tr", {}, h("th", { scope: "row" }, `x${j + 1}`), h("td", {}, fmtNum(r.magnitudes[j], 3)), h("td", {}, fmtNum(b)), h("td", {}, fmtNum(l1 > 0 ? Math.abs(b) / l1 : NaN, 3))));
      });
    }
    table.replaceChildren(...rows);
  }

  // ---------------------------------------------------------------- phase diagram

  private startWantedPhase(): void {
    const spec = this.phaseWanted;
    this.phaseWanted = undefined;
    if (spec) this.startPhase(spec);
  }

  /**
   * Starts the phase diagram (once per element: the grid is the reproduction experiment's, the same
   * whatever the main run). Later calls only redraw it (the main run's α marker moves).
   */
  private startPhase(_spec: Spec): void {
    if (this.phase) {
      this.dirty.add("phase");
      return;
    }
    const note = this.els.phaseNote;
    this.na("phase", null);
    const grid = phaseGrid();
    const specs = [];
    for (let j = 0; j < grid.size; j++) for (let i = 0; i < grid.size; i++) specs.push(cellSpec(grid, i, j));
    const job = this.nextJob++;
    this.phase = { job, grid, cells: new Array(specs.length).fill(undefined), done: false };
    this.client?.send({ type: "phase", job, specs });
    if (note) note.textContent = `Filling ${grid.size} × ${grid.size} runs of ℓ∞-SAM (${fmtInt(Number(specs[0]!.steps))} rescaled steps each)…`;
    this.dirty.add("phase");
  }

  /** Counts of each class, and how many cells match the predicted class (boundaries α_j = ρ). */
  private phaseSummary(): { counts: number[]; agree: number; total: number } {
    const p = this.phase!;
    const counts = PHASE_CLASSES.map(() => 0);
    let agree = 0;
    p.cells.forEach((c, k) => {
      if (c === undefined) return;
      counts[c] = (counts[c] ?? 0) + 1;
      if (c === predictedClass(p.grid.alphas[k % p.grid.size]!, p.grid.alphas[Math.floor(k / p.grid.size)]!)) agree++;
    });
    return { counts, agree, total: p.cells.length };
  }

  private onPhase(m: FromWorker): void {
    const p = this.phase;
    if (!p || (m as { job: number }).job !== p.job) return;
    if (m.type === "cells") for (const c of m.cells) p.cells[c.index] = c.cls;
    else if (m.type === "phase-done") {
      p.done = true;
      const { counts, agree, total } = this.phaseSummary();
      const parts = counts.map((n, k) => (n > 0 ? `${classLabel(k)} ${n}` : "")).filter(Boolean);
      const text = `${total} runs in ${(m.ms / 1000).toFixed(1)} s: ${parts.join(", ")}. ${agree} of ${total} cells match the prediction (e₂ if α₂ > ρ, e₁ if α₁ > ρ ≥ α₂, 0 otherwise). Click a cell to open its run.`;
      if (this.els.phaseNote) this.els.phaseNote.textContent = text;
      this.els[`canvas-phase`]?.setAttribute("aria-label", `Phase diagram of l-infinity SAM: ${text}`);
    } else if (m.type === "error") {
      this.na("phase", `Phase diagram failed: ${m.message}`);
    }
    this.dirty.add("phase");
    this.kick();
  }

  private drawPhase(): void {
    const p = this.phase;
    if (!p) return;
    const range: [number, number] = [p.grid.edges[0]!, p.grid.edges[p.grid.size]!];
    const cells = (): HeatCell[] => {
      const ph = this.phase;
      if (!ph) return [];
      const out: HeatCell[] = [];
      const e = ph.grid.edges;
      ph.cells.forEach((c, k) => {
        if (c === undefined) return;
        const i = k % ph.grid.size;
        const j = Math.floor(k / ph.grid.size);
        out.push({ x0: e[i]!, x1: e[i + 1]!, y0: e[j]!, y1: e[j + 1]!, color: classColor(c) });
      });
      return out;
    };
    const chart = this.chart("phase", (c) => {
      const cursor = (): HeatCell | undefined => {
        const ph = this.phase;
        const k = this.phaseCursor;
        if (!ph || !k.on) return undefined;
        const e = ph.grid.edges;
        return { x0: e[k.i]!, x1: e[k.i + 1]!, y0: e[k.j]!, y1: e[k.j + 1]!, color: "#000" };
      };
      const ch = heatmapChart(c, cells, "α₁ (initial scale of coordinate 1, x₁ = 1)", "α₂ (initial scale of coordinate 2, x₂ = 2)", range, cursor, [{ x: PHASE_RHO }, { y: PHASE_RHO }]);
      ch.options.onClick = (_e, _els, chartRef) => {
        const ev = _e as unknown as { x: number; y: number };
        const ph = this.phase;
        if (!ph) return;
        const a1 = chartRef.scales.x!.getValueForPixel(ev.x)!;
        const a2 = chartRef.scales.y!.getValueForPixel(ev.y)!;
        const find = (a: number) => ph.grid.edges.findIndex((e, k) => k < ph.grid.size && a >= e && a < ph.grid.edges[k + 1]!);
        const i = find(a1);
        const j = find(a2);
        if (i < 0 || j < 0) return;
        this.openCell(i, j);
      };
      return ch;
    }) as Chart<"scatter", XY[]> | undefined;
    if (!chart) return;
    const init = this.specValue?.init;
    const marker = init && "alpha" in init && Array.isArray(init.alpha) && init.alpha.length === 2 ? [{ x: init.alpha[0]!, y: init.alpha[1]! }] : [];
    chart.data.datasets[0]!.data = marker;
    chart.update("none");
  }

  /** Arrow keys move the phase diagram's cursor; Enter or Space opens the cell's run. */
  private onPhaseKey(e: KeyboardEvent): void {
    const p = this.phase;
    if (!p) return;
    const k = this.phaseCursor;
    const n = p.grid.size;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    if (e.key in moves) {
      const [di, dj] = moves[e.key]!;
      k.i = Math.max(0, Math.min(n - 1, k.i + di));
      k.j = Math.max(0, Math.min(n - 1, k.j + dj));
      k.on = true;
      this.describeCursor();
      this.drawView("phase");
    } else if (e.key === "Enter" || e.key === " ") {
      this.openCell(k.i, k.j);
    } else return;
    e.preventDefault();
    e.stopPropagation();
  }

  /** Says which cell the keyboard cursor is on, what its run ended with and what theory predicts (in the phase note). */
  private describeCursor(): void {
    const p = this.phase;
    const note = this.els.phaseNote;
    if (!p || !note) return;
    const { i, j } = this.phaseCursor;
    const a1 = p.grid.alphas[i]!;
    const a2 = p.grid.alphas[j]!;
    const cell = p.cells[j * p.grid.size + i];
    const what = cell === undefined ? "not computed yet" : classLabel(cell);
    note.textContent = `Cell α = (${a1.toPrecision(3)}, ${a2.toPrecision(3)}): ${what}; predicted ${classLabel(predictedClass(a1, a2))}. Arrow keys move, Enter opens this run.`;
  }

  /** Opens phase cell (i, j) as the main run: exactly the cell's spec (`phaseSpec` of @samlab/sim). */
  openCell(i: number, j: number): void {
    const p = this.phase;
    if (!p) return;
    this.load(cellSpec(p.grid, i, j), true);
  }

  // ---------------------------------------------------------------- keyboard

  private onKey(e: KeyboardEvent): void {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.composedPath()[0] as HTMLElement | undefined;
    const tag = target?.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || target?.isContentEditable) return;
    if (e.key === " " && (tag === "BUTTON" || tag === "A" || tag === "SUMMARY")) return;
    if (e.key === " " || e.key === "Spacebar") {
      e.preventDefault();
      if (this.stateValue === "playing") this.pause();
      else this.play();
    } else if (e.key === "ArrowRight") {
      e.preventDefault();
      this.step();
    } else if (e.key === "r" || e.key === "R") {
      e.preventDefault();
      this.reset();
    }
  }

  // ---------------------------------------------------------------- URL, sharing, export

  private writeUrl(): void {
    if (!this.hasAttribute("url-state") || !this.specValue) return;
    history.replaceState(null, "", `${location.pathname}${queryFor(this.specValue)}${location.hash}`);
  }

  shareUrl(): string {
    return this.specValue ? `${this.appUrl()}${queryFor(this.specValue)}` : "";
  }

  private async copy(what: string, text: string): Promise<void> {
    const out = this.els.shareOut;
    if (out) out.textContent = text;
    try {
      await navigator.clipboard.writeText(text);
      this.announce(`Copied the ${what} to the clipboard.`, true);
    } catch {
      this.announce(`Could not use the clipboard: the ${what} is shown under the buttons; select and copy it.`, true);
    }
  }

  /** The current Result: the finished one, or a fresh partial one from the worker. */
  currentResult(): Promise<Result | undefined> {
    if (this.resultValue) return Promise.resolve(this.resultValue);
    const main = this.runs.find((r) => r.role === "main");
    if (!main?.started || !this.client) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const prev = this.client!.onmessage;
      this.client!.onmessage = (m) => {
        prev(m);
        if (m.type === "result" && m.run === main.id) {
          this.client!.onmessage = prev;
          resolve(m.result);
        }
      };
      this.client!.send({ type: "result", run: main.id });
    });
  }

  private fileBase(): string {
    const name = (this.specValue?.name ?? this.presetId ?? "run").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "");
    return `samlab-${name || "run"}`;
  }

  private download(blob: Blob, filename: string): void {
    const url = URL.createObjectURL(blob);
    const a = h("a", { href: url, download: filename, hidden: true });
    this.shadow.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    this.announce(`Saved ${filename}.`, true);
  }

  private async exportData(kind: "csv" | "json"): Promise<void> {
    const r = await this.currentResult();
    if (!r) return this.announce("Nothing to export yet.", true);
    if (kind === "csv") this.download(new Blob([trajectoryToCsv(r)], { type: "text/csv" }), `${this.fileBase()}.csv`);
    else this.download(new Blob([JSON.stringify(r, null, 1)], { type: "application/json" }), `${this.fileBase()}.json`);
  }

  /** All visible charts on one white PNG, two per row, titled with the spec's name. */
  async exportPng(): Promise<void> {
    const figs = [...this.charts.entries()].filter(([, c]) => c.canvas.isConnected && c.canvas.width > 0);
    if (!figs.length) return this.announce("No chart to export.", true);
    const w = Math.max(...figs.map(([, c]) => c.canvas.width));
    const hgt = Math.max(...figs.map(([, c]) => c.canvas.height));
    const cols = Math.min(2, figs.length);
    const rows = Math.ceil(figs.length / cols);
    const pad = 10;
    const head = 28;
    const out = document.createElement("canvas");
    out.width = cols * (w + pad) + pad;
    out.height = head + rows * (hgt + pad) + pad;
    const ctx = out.getContext("2d")!;
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = "#111";
    ctx.font = "16px sans-serif";
    ctx.fillText(this.els.title?.textContent ?? "samlab", pad, 20);
    figs.forEach(([, c], k) => ctx.drawImage(c.canvas, pad + (k % cols) * (w + pad), head + Math.floor(k / cols) * (hgt + pad)));
    const blob = await new Promise<Blob | null>((r) => out.toBlob(r, "image/png"));
    if (blob) this.download(blob, `${this.fileBase()}.png`);
  }
}

/** A diverging colour for t ∈ [−1, 1]: blue (#2166AC) at −1, white at 0, red (#B2182B) at +1. */
export function diverging(t: number): string {
  const u = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  const [r, g, b] = u < 0 ? [0x21, 0x66, 0xac] : [0xb2, 0x18, 0x2b];
  const a = Math.abs(u);
  const mix = (v: number) => Math.round(255 + (v - 255) * a);
  return `rgb(${mix(r)}, ${mix(g)}, ${mix(b)})`;
}

function argmaxAbs(v: number[]): number {
  let k = 0;
  for (let j = 1; j < v.length; j++) if (Math.abs(v[j]!) > Math.abs(v[k]!)) k = j;
  return k;
}

function sequenceFromSeries(s: Series): { coord: number; step: number }[] {
  const out: { coord: number; step: number }[] = [];
  for (let i = 0; i < s.step.length; i++) {
    if (!(s.l1[i]! > 0)) continue;
    const c = s.dominant[i]!;
    if (!out.length || out[out.length - 1]!.coord !== c) out.push({ coord: c, step: s.step[i]! });
  }
  return out;
}

/**
 * The ℓ1 and ℓ2 max-margin directions of the run's data: from the Result when it carries them
 * (the max-margin solver's diagnostics), else in closed form for a single example (ℓ2: y·x/‖x‖;
 * ℓ1: the basis vector of the largest |x_j|, when that is unique).
 */
export interface MaxMarginRef {
  l1?: number[];
  l2?: number[];
  /** cos(β, β*_p) at each recorded point, as the Result's diagnostics computed them (absent for closed forms). */
  cosine?: { l1?: number[]; l2?: number[] };
  source: string;
}

export function maxMarginDirections(result: Result | undefined, spec: Spec | undefined): MaxMarginRef | undefined {
  const fromResult = result ? readMaxMargin(result) : undefined;
  if (fromResult) return fromResult;
  if (!spec) return undefined;
  let x: number[] | undefined;
  let y = 1;
  const data = webData(spec);
  if ("x" in data && data.x.length === 1) {
    x = data.x[0]!;
    y = data.y?.[0] ?? 1;
  } else if ("generator" in data && data.generator === "single") {
    const sc = data.scale ?? 1;
    x = Array.from({ length: data.d }, (_, j) => sc * (j + 1));
    y = data.y ?? 1;
  }
  if (!x) return undefined;
  const n2 = Math.hypot(...x);
  if (n2 === 0) return undefined;
  const l2 = x.map((v) => (y * v) / n2);
  const m = Math.max(...x.map(Math.abs));
  const at = x.map((v, j) => (Math.abs(v) === m ? j : -1)).filter((j) => j >= 0);
  const l1 = at.length === 1 ? x.map((v, j) => (j === at[0] ? Math.sign(y * v) : 0)) : undefined;
  const why = result?.diagnostics?.message ? ` (the Result's references: ${result.diagnostics.references}: ${result.diagnostics.message})` : "";
  return { l1, l2, source: `One example: ℓ2 max-margin = y·x/‖x‖₂${l1 ? ", ℓ1 max-margin = the basis vector of the largest |x_j|" : "; the ℓ1 max-margin solution is not unique here"} (closed form)${why}.` };
}

/**
 * The max-margin directions of a Result's diagnostics (`computeDiagnostics` of @samlab/sim, the same
 * call as `simulate()` and the CLI), with the diagnostics' own cosines per recorded point.
 */
function readMaxMargin(r: Result): MaxMarginRef | undefined {
  const d = r.diagnostics;
  if (!d || d.references !== "computed" || !d.maxMargin) return undefined;
  const l1 = d.maxMargin.l1;
  const l2 = d.maxMargin.l2;
  if (!l1?.separable && !l2?.separable) return undefined;
  const nonUnique = l1 && !l1.unique ? "; the ℓ1 optimum is not unique: its minimum-ℓ2-norm element is used" : "";
  return {
    l1: l1?.separable ? l1.beta : undefined,
    l2: l2?.separable ? l2.beta : undefined,
    cosine: d.cosine,
    source: `Max-margin directions and cosines from the Result's diagnostics (HiGHS; the same as simulate() and samlab run)${nonUnique}.`,
  };
}

// ---------------------------------------------------------------- window.samlab

export interface SamlabGlobal {
  /** The Result of the most recently finished run on the page (undefined while a run is under way). */
  result?: Result;
  /** The explorer elements on the page. */
  explorers: SamlabExplorer[];
  owner?: SamlabExplorer;
  presets: string[];
  version: 1;
}

declare global {
  interface Window {
    samlab: SamlabGlobal;
  }
  interface HTMLElementTagNameMap {
    "samlab-explorer": SamlabExplorer;
  }
}

export function samlabGlobal(): SamlabGlobal {
  if (!window.samlab) window.samlab = { explorers: [], presets: PRESETS.map((p) => p.id), version: 1 };
  return window.samlab;
}
function registerExplorer(e: SamlabExplorer): void {
  const g = samlabGlobal();
  if (!g.explorers.includes(e)) g.explorers.push(e);
}
function unregisterExplorer(e: SamlabExplorer): void {
  const g = samlabGlobal();
  g.explorers = g.explorers.filter((x) => x !== e);
}

/** Defines `<samlab-explorer>` once (safe to call from several bundles). */
export function defineExplorer(): void {
  samlabGlobal();
  if (!customElements.get("samlab-explorer")) customElements.define("samlab-explorer", SamlabExplorer);
}
