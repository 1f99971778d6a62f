/**
 * `window.samlab`: the explorers on the page and the Result of the most recently finished run (what
 * the browser tests and host pages read), and the one-time `customElements.define`.
 */
import type { Result } from "@samlab/sim";
import { PRESETS } from "../state/presets.js";
import type { SamlabExplorer } from "./explorer.js";

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

export function registerExplorer(e: SamlabExplorer): void {
  const g = samlabGlobal();
  if (!g.explorers.includes(e)) g.explorers.push(e);
}

export function unregisterExplorer(e: SamlabExplorer): void {
  const g = samlabGlobal();
  g.explorers = g.explorers.filter((x) => x !== e);
}
