/**
 * The embeddable build's entry (dist/samlab-explorer.js): one `<script type="module" src>` defines
 * `<samlab-explorer>` and `window.samlab`. The worker is inlined (see worker-factory.inline.ts).
 */
import { defineExplorer } from "./element/explorer.js";

defineExplorer();

export { SamlabExplorer, VIEW_IDS, CONTROL_IDS } from "./element/explorer.js";
export { PRESETS } from "./state/presets.js";
export { WEB_LIMITS, queryFor, loadFromQuery } from "./state/spec-state.js";
