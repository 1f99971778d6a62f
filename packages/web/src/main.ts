/**
 * The app page's entry (index.html): defines `<samlab-explorer>` and makes the preset links in the
 * explanatory text load their preset in place (the links also work on their own: `?preset=<id>`).
 * The page's only side effects live here and in lib.ts.
 */
import { defineExplorer } from "./element/explorer.js";

defineExplorer();

const explorer = document.querySelector("samlab-explorer");
document.addEventListener("click", (e) => {
  const a = (e.target as Element | null)?.closest?.("a[data-preset]");
  if (!a || !explorer) return;
  e.preventDefault();
  explorer.loadPreset(a.getAttribute("data-preset")!);
  explorer.scrollIntoView({ block: "start", behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
  (explorer.shadowRoot?.querySelector(".root") as HTMLElement | null)?.focus({ preventScroll: true });
});
