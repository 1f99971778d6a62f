/**
 * What the browser tests read from the explorer page inside `page.evaluate` (they run in the page,
 * not here): `window.samlab` as docs/WEB.md describes it, written from the tests' side — the page's
 * own declaration lives with its sources, which these tests do not compile.
 */
import type { Result, Spec } from "@samlab/sim";

/** One `<samlab-explorer>` element, as the page exposes it. */
interface ExplorerView extends HTMLElement {
  readonly spec: Spec | undefined;
  readonly result: Result | undefined;
  readonly state: "loading" | "ready" | "playing" | "paused" | "finished" | "error" | (string & {});
  readonly progress: { step: number; steps: number };
}

declare global {
  interface Window {
    samlab: {
      /** The Result of the most recently finished run (undefined while a run is under way). */
      result?: Result;
      explorers: ExplorerView[];
      presets: string[];
      version: 1;
    };
  }
}
