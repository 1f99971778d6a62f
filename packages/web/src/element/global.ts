/**
 * `window.samlab`: the explorers on the page and the Result of the most recently finished run (what
 * the browser tests and host pages read). element/explorer.ts declares `window.samlab` with its
 * element class; this file only needs them to be elements.
 */
import type { Result } from "@samlab/sim";
import { PRESETS } from "../state/presets.js";

export interface SamlabGlobal<E extends HTMLElement = HTMLElement> {
  /** The Result of the most recently finished run on the page (undefined while a run is under way). */
  result?: Result;
  /** The explorer elements on the page. */
  explorers: E[];
  owner?: E;
  presets: string[];
  version: 1;
}

export function samlabGlobal(): SamlabGlobal {
  const w = window as unknown as { samlab?: SamlabGlobal };
  if (!w.samlab) w.samlab = { explorers: [], presets: PRESETS.map((p) => p.id), version: 1 };
  return w.samlab;
}

export function registerExplorer(e: HTMLElement): void {
  const g = samlabGlobal();
  if (!g.explorers.includes(e)) g.explorers.push(e);
}

export function unregisterExplorer(e: HTMLElement): void {
  const g = samlabGlobal();
  g.explorers = g.explorers.filter((x) => x !== e);
}
