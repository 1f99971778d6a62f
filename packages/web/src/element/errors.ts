/**
 * The element's error display: what it shows and sends when a spec is refused or a run fails.
 *
 * - A rejected `spec` attribute (`reject`): nothing runs, the message line (role="alert") names the
 *   field, `element.error` keeps { field, message }, and `error` / `samlab-error` events carry it.
 * - A spec from the form or the JSON box that does not validate (`notApplied`): the current run goes
 *   on; "Not applied: …" and `samlab-error`.
 * - A run that fails in the worker, or the worker itself (`runFailed`, `workerFailed`).
 */
import { SpecError } from "@samlab/sim";
import type { ExplorerStore } from "../state/store.js";
import { emit } from "./events.js";
import type { Frame } from "./frame.js";

export interface SpecFault {
  field: string;
  message: string;
}

export class ErrorDisplay {
  /** The rejected `spec` attribute's error, while nothing runs because of it. */
  value?: SpecFault;
  /** Bumped by every start and rejection, so a rejection's delayed events never follow a newer one. */
  private generation = 0;

  constructor(
    private readonly el: HTMLElement,
    private readonly store: ExplorerStore,
    private readonly frame: Frame,
    /** Stops the current runs (the element's run session). */
    private readonly stopRuns: () => void,
  ) {}

  /** A run starts: the rejection is over, and its events (if not sent yet) are dropped. */
  clear(): void {
    this.value = undefined;
    this.generation++;
  }

  /**
   * A rejected `spec` attribute: nothing runs (the previous runs are dropped), the message line
   * (role="alert") names the field, and `error` / `samlab-error` events carry { field, message }.
   * The events go out on the next task, so that a host script that adds its listeners right after
   * the element was defined (the script tag before it) still hears them; `element.error` keeps it.
   */
  reject(error: SpecFault, messages: string[]): void {
    this.stopRuns();
    const store = this.store;
    store.result = undefined;
    store.presetId = undefined;
    store.phaseWanted = undefined;
    store.dropSpec();
    this.value = error;
    this.frame.status.setTitle("Not loaded", "");
    this.frame.status.showMessages(messages, true);
    store.setState("error");
    this.frame.status.announce(`Not running: ${error.message}`, true);
    const generation = ++this.generation;
    setTimeout(() => {
      if (generation !== this.generation || this.value !== error) return;
      // like a resource's `error` event: on the element itself, not bubbling
      this.el.dispatchEvent(new CustomEvent("error", { detail: { ...error } }));
      emit(this.el, "samlab-error", { ...error });
    }, 0);
  }

  /** A spec from the form or the JSON box was refused: the current run goes on. */
  notApplied(e: unknown): void {
    const err = e instanceof SpecError ? e : new SpecError("spec", e instanceof Error ? e.message : String(e));
    this.frame.status.showMessages([`Not applied: ${err.message}`], true);
    emit(this.el, "samlab-error", { field: err.field, message: err.message });
    this.frame.status.announce(`Not applied: ${err.message}`, true);
  }

  /** The main run failed in the worker. */
  runFailed(e: { field?: string; message: string }): void {
    this.frame.status.showMessages([`Run failed: ${e.message}`], true);
    this.store.setState("error");
    emit(this.el, "samlab-error", { field: e.field, message: e.message });
  }

  /** The worker could not be started or died. */
  workerFailed(message: string): void {
    this.frame.status.showMessages([message], true);
    this.store.setState("error");
  }
}
