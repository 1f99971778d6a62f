/**
 * The explorer's frame text: the title and claim above the views, the message line (clamped fields,
 * errors), and the status line (aria-live) that says where the main run is.
 */
import { limitLabel, limitSentence, type Result, type Spec } from "@samlab/sim";
import type { RunView } from "../state/runs.js";
import type { RunState } from "../state/store.js";
import { h } from "../ui/dom.js";
import { coordLabel, fmtInt, fmtNum } from "../ui/format.js";

export class StatusPanel {
  readonly title: HTMLHeadingElement;
  readonly claim = h("p", { class: "claim" });
  readonly msg = h("p", { class: "msg", role: "alert", hidden: true });
  readonly status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  private lastStatusAt = 0;

  constructor(uid: string) {
    this.title = h("h2", { id: `${uid}-title` });
  }

  setTitle(title: string, claim: string): void {
    this.title.textContent = title;
    this.claim.textContent = claim;
  }

  /** Writes the status line (aria-live): at once when forced (state changes), at most every 2 s otherwise (while playing). */
  announce(text: string, force = false): void {
    const now = performance.now();
    if (!force && now - this.lastStatusAt < 2000) return;
    this.lastStatusAt = now;
    this.status.textContent = text;
  }

  showMessages(messages: string[], error = false): void {
    this.msg.textContent = messages.join(" · ");
    this.msg.hidden = messages.length === 0;
    this.msg.classList.toggle("error", error);
  }
}

/** The status line's text for the main run in state `state`. */
export function statusText(state: RunState, main: RunView | undefined, spec: Spec | undefined, flow: boolean, result: Result | undefined): string {
  if (!main || !spec) return "Loading…";
  const snap = main.snapshot;
  const tMax = (spec as { tMax?: number }).tMax;
  const where = flow ? `t = ${fmtNum(snap?.t, 3)} of ${fmtNum(tMax, 3)} (${fmtInt(main.step)} integrator steps)` : `step ${fmtInt(main.step)} of ${fmtInt(main.steps)}`;
  const loss = snap ? `, loss ${fmtNum(snap.loss, 3)}` : "";
  const dom = snap && snap.beta.length ? `, dominant x${argmaxAbs(snap.beta) + 1}` : "";
  switch (state) {
    case "loading":
      return "Loading…";
    case "ready":
      return `Ready at ${where}. Press Play (space) to start.`;
    case "playing":
      return `Playing: ${where}${loss}${dom}.`;
    case "paused":
      return `Paused at ${where}${loss}${dom}.`;
    case "finished": {
      const seq = result?.dominantSequence.map((c) => coordLabel(c.coord)).join(" → ");
      const limit = result?.diagnostics?.limit;
      // the same words as `samlab run`'s summary (limitSentence of @samlab/sim)
      const verdict = result && limit ? ` Limit: ${limitLabel(limit)} — ${limitSentence(result, limit)}.` : "";
      return `Finished: ${where}${loss}${dom}${seq ? `; dominant sequence ${seq}` : ""}.${verdict}`;
    }
    case "error":
      return `Stopped with an error.`;
  }
}

function argmaxAbs(v: number[]): number {
  let k = 0;
  for (let j = 1; j < v.length; j++) if (Math.abs(v[j]!) > Math.abs(v[k]!)) k = j;
  return k;
}
