/**
 * The controls: the form that edits the spec (form → spec in `specFromForm`, spec → form in
 * `fill`; the field ↔ spec mapping itself is in form-spec.ts), the playback buttons, and the
 * share/export buttons. This file builds them and shows or hides the rows that apply. The form
 * decides nothing: every change goes to the element through `ControlActions`.
 */
import type { Spec } from "@samlab/sim";
import { PRESETS } from "../state/presets.js";
import { WEB_LIMITS } from "../state/spec-state.js";
import type { RunState } from "../state/store.js";
import { h } from "../ui/dom.js";
import { ALGO_LABEL } from "../ui/format.js";
import { CsvLoader } from "./csv-loader.js";
import { DataEditor } from "./data-editor.js";
import { fillFields, specFromFields, type Field } from "./form-spec.js";

export const CONTROL_IDS = ["presets", "data", "depth", "algo", "rho", "lr", "init", "loss", "steps", "seed", "family", "sharpness", "playback", "speed", "share", "export"] as const;
export type ControlId = (typeof CONTROL_IDS)[number];

const SPEEDS = ["auto", "1", "10", "100", "1000", "10000", "100000"];

/** What the controls ask the element to do. */
export interface ControlActions {
  togglePlay(): void;
  step(): void;
  reset(): void;
  /** Starts the current spec again from step 0 and plays (the same spec gives the same bits). */
  restart(): void;
  loadPreset(id: string): void;
  /** The form changed: build a spec from it and restart. */
  applyForm(): void;
  /** ρ or η changed (in place while a run is under way). */
  applyHyper(): void;
  /** The spec JSON textarea's "Apply spec". */
  applySpecText(text: string): void;
  copyLink(): void;
  copyCommand(): void;
  exportPng(): void;
  exportData(kind: "csv" | "json"): void;
  /** The weights of each layer at step 0 and now. */
  exportWeights(kind: "csv" | "json"): void;
  /** Something to say in the status line (aria-live). */
  announce(text: string): void;
}

export class Controls {
  readonly form = h("form", { class: "controls", "aria-label": "Run settings" });
  /** Where copied text is shown too (the clipboard may be unavailable). */
  shareOut?: HTMLOutputElement;
  private readonly fields: Partial<Record<string, Field>> = {};
  private readonly rows: Partial<Record<string, HTMLElement>> = {};
  private play?: HTMLButtonElement;
  private specText?: HTMLTextAreaElement;
  private editor?: DataEditor;

  constructor(
    private readonly uid: string,
    ids: ControlId[],
    stepsPerFrameAttr: string | null,
    private readonly actions: ControlActions,
  ) {
    this.form.addEventListener("submit", (e) => e.preventDefault());
    this.build(ids, stepsPerFrameAttr);
  }

  /** The steps-per-frame select's value, if shown. */
  speed(): string | undefined {
    return this.fields.speed?.value;
  }

  /** ρ and η as typed (the spec's values where there is no such control). */
  hyper(spec: Spec): { rho: number; lr: number } {
    return { rho: Number(this.fields.rho?.value ?? spec.rho), lr: Number(this.fields.lr?.value ?? spec.lr) };
  }

  /** The play button follows the run state. */
  showState(s: RunState): void {
    if (!this.play) return;
    this.play.textContent = s === "playing" ? "Pause" : s === "finished" ? "Replay" : "Play";
    this.play.setAttribute("aria-pressed", String(s === "playing"));
  }

  private field(label: string, control: HTMLElement, id: string): HTMLElement {
    control.id = `${this.uid}-${id}`;
    return h("div", { class: "row" }, h("label", { for: control.id }, label), control);
  }

  private select(id: string, options: [string, string][], onChange: () => void): HTMLSelectElement {
    const s = h("select");
    for (const [value, label] of options) s.append(h("option", { value }, label));
    s.addEventListener("change", onChange);
    this.fields[id] = s;
    return s;
  }

  private num(id: string, attrs: Record<string, string | number>, onChange: () => void): HTMLInputElement {
    const i = h("input", { type: "number", inputmode: "decimal", ...attrs });
    i.addEventListener("change", onChange);
    this.fields[id] = i;
    return i;
  }

  private text(id: string, placeholder: string, onChange: () => void): HTMLInputElement {
    const i = h("input", { type: "text", placeholder, spellcheck: "false" });
    i.addEventListener("change", onChange);
    this.fields[id] = i;
    return i;
  }

  private build(c: ControlId[], stepsPerFrameAttr: string | null): void {
    const form = this.form;
    const has = (k: ControlId) => c.includes(k);
    const apply = () => this.actions.applyForm();
    if (has("presets")) {
      const s = this.select("preset", [["", "(custom)"], ...PRESETS.map((p): [string, string] => [p.id, p.title])], () => {
        const id = s.value;
        if (id) this.actions.loadPreset(id);
      });
      form.append(h("fieldset", {}, h("legend", {}, "Preset"), this.field("Experiment", s, "preset")));
    }
    if (has("playback") || has("speed")) {
      const fs = h("fieldset", {}, h("legend", {}, "Run"));
      if (has("playback")) {
        const playBtn = h("button", { type: "button", class: "primary", "aria-keyshortcuts": "Space" }, "Play");
        playBtn.addEventListener("click", () => this.actions.togglePlay());
        const stepBtn = h("button", { type: "button", "aria-keyshortcuts": "ArrowRight" }, "Step");
        stepBtn.addEventListener("click", () => this.actions.step());
        const resetBtn = h("button", { type: "button", "aria-keyshortcuts": "R" }, "Reset");
        resetBtn.addEventListener("click", () => this.actions.reset());
        const restartBtn = h("button", { type: "button", "aria-label": "Restart from step 0 and play" }, "Restart");
        restartBtn.addEventListener("click", () => this.actions.restart());
        this.play = playBtn;
        fs.append(h("div", { class: "buttons" }, playBtn, stepBtn, resetBtn, restartBtn));
      }
      if (has("speed")) {
        const s = this.select("speed", SPEEDS.map((v): [string, string] => [v, v === "auto" ? "auto (~12 ms/frame)" : v]), () => {});
        s.value = SPEEDS.includes(stepsPerFrameAttr ?? "") ? stepsPerFrameAttr! : "auto";
        fs.append(this.field("Steps / frame", s, "speed"));
      }
      form.append(fs);
    }
    const model = h("fieldset", {}, h("legend", {}, "Algorithm"));
    if (has("algo")) model.append(this.field("Algorithm", this.select("algo", Object.entries(ALGO_LABEL), apply), "algo"));
    if (has("rho")) model.append(this.field("ρ (radius)", this.num("rho", { min: 0, step: "any" }, () => this.actions.applyHyper()), "rho"));
    if (has("lr")) model.append(this.field("η (step size)", this.num("lr", { min: 0, step: "any" }, () => this.actions.applyHyper()), "lr"));
    if (has("depth")) model.append(this.field("Depth L", this.num("depth", { min: 1, max: WEB_LIMITS.maxDepth, step: 1 }, apply), "depth"));
    if (has("loss")) model.append(this.field("Loss", this.select("loss", [["logistic", "logistic"], ["exponential", "exponential"], ["squared", "squared (regression)"]], apply), "loss"));
    if (has("steps")) model.append(this.field("Steps", this.num("steps", { min: 0, max: WEB_LIMITS.maxSteps, step: 1 }, apply), "steps"));
    if (has("seed")) model.append(this.field("Seed", this.num("seed", { min: 0, step: 1 }, apply), "seed"));
    if (model.children.length > 1) form.append(model);
    if (has("family")) form.append(this.familyFields(apply));
    if (has("sharpness")) {
      // record.sharpness: the worker's engine computes λ_max and tr H at every recorded point
      const box = h("input", { type: "checkbox" });
      box.addEventListener("change", apply);
      this.fields.sharpness = box;
      form.append(h("fieldset", {}, h("legend", {}, "Measure"), this.field("Sharpness (λ_max, tr H)", box, "sharpness")));
    }
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
          this.actions.applyForm();
        },
      );
      const alpha = this.num("alpha", { step: "any" }, apply);
      const alphas = this.text("alphas", "e.g. 0.2, 0.05", apply);
      const randomKind = this.select("randomKind", [["abs-gaussian", "α·|N(0,1)|"], ["gaussian", "α·N(0,1)"], ["uniform", "α·U(0,1)"]], apply);
      const values = this.text("values", "rows a,b;c,d", apply);
      this.rows.alpha = this.field("α", alpha, "alpha");
      this.rows.alphas = this.field("α₁, …, α_d", alphas, "alphas");
      this.rows.random = this.field("Distribution", randomKind, "randomKind");
      this.rows.values = this.field("w (L rows)", values, "values");
      fs.append(this.field("Kind", mode, "initMode"), this.rows.alpha, this.rows.alphas, this.rows.random, this.rows.values);
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
          ["sparse-regression", "sparse regression (squared loss, seeded)"],
          ["digits", "digits 0 vs 1 (UCI, 8×8 images)"],
          ["iris", "iris setosa vs versicolor"],
        ],
        () => {
          this.syncDataVisibility();
          this.actions.applyForm();
        },
      );
      this.editor = new DataEditor(apply);
      this.rows.inline = this.editor.box;
      this.rows.genD = this.field("d", this.num("genD", { min: 1, max: WEB_LIMITS.maxD, step: 1 }, apply), "genD");
      this.rows.genScale = this.field("scale s", this.num("genScale", { step: "any" }, apply), "genScale");
      this.rows.genN = this.field("n", this.num("genN", { min: 1, max: WEB_LIMITS.maxN, step: 1 }, apply), "genN");
      this.rows.genK = this.field("k (non-zeros)", this.num("genK", { min: 1, step: 1 }, apply), "genK");
      this.rows.genSeed = this.field("data seed", this.num("genSeed", { min: 0, step: 1 }, apply), "genSeed");
      const csv = new CsvLoader(this.uid, (data, name) => {
        kind.value = "inline";
        this.editor!.data = { x: data.x, y: data.y };
        this.editor!.render();
        this.syncDataVisibility();
        this.actions.announce(`Loaded ${name}: ${data.x.length} examples.`);
        this.actions.applyForm();
      });
      fs.append(this.field("Source", kind, "dataKind"), this.rows.inline, this.rows.genD, this.rows.genScale, this.rows.genN, this.rows.genK, this.rows.genSeed, csv.box);
      form.append(fs);
    }
    if (has("share") || has("export")) {
      const fs = h("fieldset", {}, h("legend", {}, "Share and export"));
      const out = h("output", { class: "share", "aria-live": "polite" });
      this.shareOut = out;
      const buttons = h("div", { class: "buttons" });
      const btn = (label: string, f: () => void) => {
        const b = h("button", { type: "button" }, label);
        b.addEventListener("click", () => f());
        buttons.append(b);
      };
      if (has("share")) {
        btn("Copy link", () => this.actions.copyLink());
        btn("Copy command", () => this.actions.copyCommand());
      }
      if (has("export")) {
        btn("PNG", () => this.actions.exportPng());
        btn("CSV", () => this.actions.exportData("csv"));
        btn("JSON", () => this.actions.exportData("json"));
        btn("Weights CSV", () => this.actions.exportWeights("csv"));
        btn("Weights JSON", () => this.actions.exportWeights("json"));
      }
      fs.append(buttons, out);
      if (has("share")) {
        const ta = h("textarea", { rows: 4, spellcheck: "false" });
        const applyBtn = h("button", { type: "button" }, "Apply spec");
        applyBtn.addEventListener("click", () => this.actions.applySpecText(ta.value));
        this.specText = ta;
        const lab = h("label", { for: `${this.uid}-specText` }, "Spec JSON (version 1)");
        ta.id = `${this.uid}-specText`;
        fs.append(h("details", {}, h("summary", {}, "Edit the spec as JSON"), lab, ta, h("div", { class: "buttons" }, applyBtn)));
      }
      form.append(fs);
    }
  }

  /**
   * The SAM family's options (docs/SPEC.md): m-SAM group, mini-batch, ascent steps, ASAM's ξ, the ρ
   * schedule and a switch. An empty box is the option's absence (its default).
   */
  private familyFields(apply: () => void): HTMLElement {
    const box = h("details", {}, h("summary", {}, "groups, mini-batches, ASAM, ρ schedule, switch"));
    const fs = h("fieldset", {}, h("legend", {}, "SAM family"), box);
    const opt = (id: string, label: string, attrs: Record<string, string | number>, placeholder: string) => {
      const i = this.num(id, attrs, apply);
      i.placeholder = placeholder;
      return this.field(label, i, id);
    };
    box.append(
      opt("samGroup", "m-SAM group m", { min: 1, step: 1 }, "all (n-SAM)"),
      opt("batch", "Mini-batch b", { min: 1, step: 1 }, "all n"),
      opt("ascentSteps", "Ascent steps k", { min: 1, max: 1000, step: 1 }, "1"),
      opt("samXi", "ASAM ξ", { min: 0, step: "any" }, "0.01"),
      this.field("ρ schedule", this.select("rhoSchedule", [["constant", "constant"], ["linear-decay", "linear decay to 0"]], apply), "rhoSchedule"),
      opt("switchStep", "Switch at step", { min: 0, step: 1 }, "none"),
      this.field("Switch to", this.select("switchAlgo", Object.entries(ALGO_LABEL), apply), "switchAlgo"),
      opt("switchRho", "ρ after the switch", { min: 0, step: "any" }, "unchanged"),
    );
    return fs;
  }

  /** Shows `spec` in the form (and in the spec JSON box). Called once per (re)start. */
  fill(spec: Spec, presetId: string | undefined): void {
    fillFields({ fields: this.fields, editor: this.editor }, spec, presetId);
    this.showSpecText(spec);
    this.syncInitVisibility();
    this.syncDataVisibility();
    this.editor?.render();
  }

  /** The spec JSON box shows the current spec (after a mid-run η/ρ change too). */
  showSpecText(spec: Spec): void {
    if (this.specText) this.specText.value = JSON.stringify(spec, null, 1);
  }

  private syncInitVisibility(): void {
    const mode = this.fields.initMode?.value;
    if (!mode) return;
    this.rows.alpha!.hidden = !(mode === "constant" || mode === "random");
    this.rows.alphas!.hidden = mode !== "per-coordinate";
    this.rows.random!.hidden = mode !== "random";
    this.rows.values!.hidden = mode !== "values";
  }

  private syncDataVisibility(): void {
    const kind = this.fields.dataKind?.value;
    if (!kind) return;
    const seeded = kind === "gaussian-sparse" || kind === "sparse-regression";
    this.rows.inline!.hidden = kind !== "inline";
    this.rows.genD!.hidden = kind !== "single" && !seeded;
    this.rows.genScale!.hidden = kind !== "single";
    this.rows.genN!.hidden = !seeded;
    this.rows.genK!.hidden = !seeded;
    this.rows.genSeed!.hidden = !seeded;
  }

  /** The spec the form describes (fields without a control keep `cur`'s values). */
  specFromForm(cur: Spec): Record<string, unknown> {
    return specFromFields({ fields: this.fields, editor: this.editor }, cur);
  }
}
