/**
 * The spec's ways in and out of the element.
 *
 * In: the `spec` / `preset` attributes and the page's URL (`loadInitial`, via state/url.ts),
 * `load()` and `loadPreset()`, the form, ρ and η (changed in place mid-run), and the spec JSON box.
 * Every spec goes through `acceptSpec` (state/spec-state.ts); a refused one goes to errors.ts.
 *
 * Out: the store's news reflected on the element — the form, the title, the URL (with `url-state`)
 * and the share box follow the spec; the `data-state` attribute, the play button and the status
 * line follow the run state.
 */
import { SpecError } from "@samlab/sim";
import type { ShareExport } from "../export/share-export.js";
import { presetById } from "../state/presets.js";
import { acceptSpec, acceptSpecText, presetSpec } from "../state/spec-state.js";
import type { ExplorerStore } from "../state/store.js";
import { initialSpec, writeUrl } from "../state/url.js";
import { ALGO_LABEL, fmtInt } from "../ui/format.js";
import type { ErrorDisplay } from "./errors.js";
import { emit } from "./events.js";
import type { Frame } from "./frame.js";
import type { Runner } from "./runner.js";

export class SpecSync {
  constructor(
    private readonly el: HTMLElement,
    private readonly store: ExplorerStore,
    private readonly frame: Frame,
    private readonly runner: Runner,
    private readonly errors: ErrorDisplay,
    private readonly share: ShareExport,
  ) {
    // The store's news: the form, the title and the URL follow the spec; the rest follow the state.
    store.bus.on("spec", (spec, how) => {
      if (how === "start") {
        this.frame.controls?.fill(spec, store.presetId);
        const preset = store.presetId ? presetById(store.presetId) : undefined;
        this.frame.status.setTitle(spec.name ?? preset?.title ?? "samlab run", preset?.claim ?? `${ALGO_LABEL[spec.algo]}, L = ${spec.depth}, ρ = ${spec.rho}, η = ${spec.lr}, ${fmtInt(spec.steps)} steps`);
      }
      else this.frame.controls?.showSpecText(spec);
      if (el.hasAttribute("url-state")) writeUrl(spec, el.getAttribute("compare"));
      // a link or command shown under the share buttons is rewritten for the new spec, never left stale
      this.share.specChanged();
    });
    store.bus.on("state", (s) => {
      el.setAttribute("data-state", s);
      this.frame.controls?.showState(s);
      this.frame.status.announce(this.runner.statusText(), true);
    });
  }

  /** The spec of the `spec` / `preset` attributes or the URL; a rejected one stops everything. */
  loadInitial(): void {
    const loaded = initialSpec(this.el);
    this.errors.value = undefined;
    if (loaded.spec === undefined) return this.errors.reject(loaded.error, loaded.messages);
    this.store.presetId = loaded.presetId;
    if (loaded.error) emit(this.el, "samlab-error", { field: loaded.error.field, message: loaded.error.message });
    this.runner.start(loaded.spec, loaded.messages, !this.el.hasAttribute("paused"), loaded.error !== undefined);
  }

  /** Loads a spec (validated and clamped; throws SpecError) and restarts; plays unless `play` is false. */
  load(spec: unknown, play: boolean): void {
    const { spec: s, messages } = acceptSpec(spec);
    this.store.presetId = undefined;
    this.runner.start(s, messages, play);
  }

  loadPreset(id: string, play: boolean): void {
    const p = presetById(id);
    if (!p) throw new SpecError("preset", `unknown preset "${id}"`);
    this.store.presetId = id;
    this.runner.start(presetSpec(id), [], play);
  }

  /** The form changed: its spec, validated, restarts the run. */
  applyForm(): void {
    const cur = this.store.spec;
    const controls = this.frame.controls;
    if (!cur || !controls) return;
    try {
      const { spec, messages } = acceptSpec(controls.specFromForm(cur));
      this.store.presetId = undefined;
      this.runner.start(spec, messages, true);
    } catch (e) {
      this.errors.notApplied(e);
    }
  }

  /** ρ and η: changed in place while a run is under way, otherwise a restart with the new values. */
  applyHyper(): void {
    const session = this.runner.session;
    const main = session?.main();
    const cur = this.store.spec;
    const controls = this.frame.controls;
    const midRun = main && main.started && main.step > 0 && !main.done;
    if (!midRun || !cur || !controls) {
      this.applyForm();
      return;
    }
    const { rho, lr } = controls.hyper(cur);
    if (!(Number.isFinite(rho) && rho >= 0)) return this.errors.notApplied(new SpecError("rho", "expected a number ≥ 0"));
    if (!(Number.isFinite(lr) && lr > 0)) return this.errors.notApplied(new SpecError("lr", "expected a number > 0"));
    session!.hyper(rho, lr);
    const note = `η = ${lr}, ρ = ${rho} from step ${fmtInt(main.step)}`;
    this.store.hyperNotes.push(note);
    this.store.setSpec({ ...cur, rho, lr }, "hyper");
    this.frame.status.showMessages([`Changed mid-run: ${this.store.hyperNotes.join("; ")}. The link now starts with these values; reset to rerun from step 0.`]);
    this.frame.status.announce(`Changed ${note}`, true);
  }

  /** The spec JSON box's "Apply spec". */
  applySpecText(text: string): void {
    try {
      const { spec, messages } = acceptSpecText(text);
      this.store.presetId = undefined;
      this.runner.start(spec, messages, true);
    } catch (e) {
      this.errors.notApplied(e);
    }
  }
}
