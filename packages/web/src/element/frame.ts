/**
 * The element's frame: what `build()` puts in the shadow root — the title, message line and
 * status line (views/status.ts), the form (controls/), and the views — and the context the views
 * read (`ViewContext`). Rebuilt whenever the `views`, `controls` or `compare` attribute changes.
 * It decides nothing: the buttons and the views call back through `FrameHost`.
 */
import { Controls, type ControlActions } from "../controls/form.js";
import type { ExplorerStore } from "../state/store.js";
import { h } from "../ui/dom.js";
import { STYLES } from "../ui/styles.js";
import { createView, type PhaseView, type View } from "../views/index.js";
import type { Scheduler } from "../views/scheduler.js";
import { StatusPanel } from "../views/status.js";
import type { ChartSet, ViewContext } from "../views/view.js";
import type { RunSession, SessionTopics } from "../worker/session.js";
import { compareAlgos, controlIds, viewIds } from "./attributes.js";

/** What the frame reads of the element and how its parts call back. */
export interface FrameHost {
  /** The element (its `views`, `controls` and `steps-per-frame` attributes). */
  el: HTMLElement;
  shadow: ShadowRoot;
  uid: string;
  store: ExplorerStore;
  charts: ChartSet;
  scheduler: Scheduler;
  session(): RunSession | undefined;
  /** The form's buttons and fields. */
  actions: ControlActions;
  /** A view opens a spec as the main run (a phase cell). */
  open(spec: unknown): void;
  /** The comparison view picked another pair of algorithms. */
  setCompare(pair: [string, string]): void;
  /** A key pressed inside the element (Space, →, R). */
  onKey(e: KeyboardEvent): void;
}

export class Frame {
  /** Replaced on each build; read it here, never keep it. */
  status: StatusPanel;
  controls?: Controls;
  views: View[] = [];
  phaseView?: PhaseView;
  /** What the current views read and ask for (made once per build). */
  ctx?: ViewContext;
  /** Unsubscribers of the current views' session subscriptions (dropped on rebuild). */
  private viewSubs: (() => void)[] = [];

  constructor(private readonly host: FrameHost) {
    this.status = new StatusPanel(host.uid);
  }

  /** Draws the view with redraw key `key`. */
  draw(key: string): void {
    this.views.find((v) => v.key === key)?.draw();
  }

  /** What the views may read and ask for; their session subscriptions are dropped on the next build. */
  private viewContext(): ViewContext {
    const host = this.host;
    return {
      uid: host.uid,
      store: host.store,
      session: host.session()!,
      charts: host.charts,
      mark: (key) => host.scheduler.mark(key),
      kick: () => host.scheduler.kick(),
      open: (spec) => host.open(spec),
      setCompare: (pair) => host.setCompare(pair),
      comparePair: () => compareAlgos(host.el, host.store.spec),
      listen: <K extends keyof SessionTopics>(topic: K, handler: (...args: SessionTopics[K]) => void) => {
        this.viewSubs.push(host.session()!.bus.on(topic, handler));
      },
    };
  }

  /** Builds the shadow DOM: the frame (title, messages, status), the form and the views. */
  build(): void {
    const host = this.host;
    const controls = controlIds(host.el);
    const views = viewIds(host.el);
    host.shadow.replaceChildren();
    const style = h("style");
    style.textContent = STYLES;
    this.status = new StatusPanel(host.uid);
    this.controls = controls.length ? new Controls(host.uid, controls, host.el.getAttribute("steps-per-frame"), host.actions) : undefined;
    const viewBox = h("div", { class: "views" });
    const root = h(
      "div",
      { class: "root", tabindex: 0, role: "group", "aria-labelledby": `${host.uid}-title`, "aria-description": "Keys: space play or pause, right arrow step, r reset" },
      h("div", { class: "title" }, this.status.title, this.status.claim),
      this.status.msg,
      h("div", { class: `layout${controls.length ? "" : " nocontrols"}` }, this.controls?.form ?? null, viewBox),
      this.status.status,
    );
    root.addEventListener("keydown", (e) => host.onKey(e));
    host.shadow.append(style, root);
    for (const unsubscribe of this.viewSubs.splice(0)) unsubscribe();
    const ctx = (this.ctx = this.viewContext());
    this.views = views.map((id) => createView(id, ctx));
    this.phaseView = this.views.find((v): v is PhaseView => v.id === "phase");
    for (const v of this.views) viewBox.append(v.figure);
    host.scheduler.track(
      this.views.map((v) => v.key),
      this.views.map((v) => v.figure),
      (f) => this.views.find((v) => v.figure === f)?.key ?? "",
    );
  }
}
