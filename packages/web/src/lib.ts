/**
 * The embeddable build's entry (dist/samlab-explorer.js): one `<script type="module" src>` defines
 * `<samlab-explorer>` and `window.samlab`. The worker is inlined (see worker-factory.inline.ts).
 */
import { defineExplorer } from "./element.js";

defineExplorer();

export { SamlabExplorer, VIEW_IDS, CONTROL_IDS } from "./element.js";
export { PRESETS } from "./presets.js";
export { WEB_LIMITS, queryFor, loadFromQuery } from "./spec-state.js";
