/**
 * Two algorithms side by side on the current spec (state/compare.ts: same data, initialization,
 * depth, ρ, loss and options): their coordinate shares. The pair is chosen in the panel (the
 * element's `compare` attribute, kept in the address with `url-state`).
 */
import { h } from "../ui/dom.js";
import { ALGO_LABEL, coordLabel } from "../ui/format.js";
import { COMPARE_ALGOS, sharedSetup } from "../state/compare.js";
import type { RunView } from "../state/runs.js";
import { drawShares } from "./shares.js";
import { chartBox, figure, type View, type ViewContext } from "./view.js";

export function compareView(ctx: ViewContext): View {
  const boxA = chartBox("Coordinate shares of the first algorithm");
  const boxB = chartBox("Coordinate shares of the second algorithm");
  const note = h("p", { class: "note" });
  const select = (label: string) =>
    h("select", { "aria-label": label }, ...COMPARE_ALGOS.map((a) => h("option", { value: a }, ALGO_LABEL[a]!)));
  const selA = select("First algorithm compared") as HTMLSelectElement;
  const selB = select("Second algorithm compared") as HTMLSelectElement;
  // The selects show the chosen pair, not the runs: after a pick the panel is rebuilt before the new
  // runs exist, and a second pick must read the first one back.
  [selA.value, selB.value] = ctx.comparePair();
  const onPick = () => ctx.setCompare([selA.value, selB.value]);
  selA.addEventListener("change", onPick);
  selB.addEventListener("change", onPick);
  const subA = h("p", { class: "sub" });
  const subB = h("p", { class: "sub" });
  const fig = figure(
    ctx,
    "compare",
    "Side by side",
    true,
    h("div", { class: "pick" }, h("label", {}, "Compare ", selA), h("label", {}, " with ", selB)),
    h("div", { class: "pair" }, h("div", {}, subA, boxA.box), h("div", {}, subB, boxB.box)),
    note,
  );
  const caption = fig.querySelector("figcaption")!;
  return {
    id: "compare",
    key: "cmp",
    figure: fig,
    draw() {
      const spec = ctx.store.spec;
      const ra = ctx.session.run("a");
      const rb = ctx.session.run("b");
      const [a, b] = ctx.comparePair();
      selA.value = a;
      selB.value = b;
      subA.textContent = ALGO_LABEL[a]!;
      subB.textContent = ALGO_LABEL[b]!;
      boxA.canvas.setAttribute("aria-label", `Coordinate shares under ${ALGO_LABEL[a]}`);
      boxB.canvas.setAttribute("aria-label", `Coordinate shares under ${ALGO_LABEL[b]}`);
      caption.textContent = `Side by side: ${ALGO_LABEL[a]} vs ${ALGO_LABEL[b]}${spec ? ` (${sharedSetup(spec)})` : ""}`;
      if (ra) drawShares(ctx, "cmpA", boxA, ra);
      if (rb) drawShares(ctx, "cmpB", boxB, rb);
      if (ra && rb) {
        const seq = (r: RunView) => (r.result?.dominantSequence ?? []).map((c) => coordLabel(c.coord)).join(" → ") || "…";
        const same = spec && spec.rho === 0 && a !== b ? " With ρ = 0 every SAM rule takes GD's steps." : "";
        note.textContent = `Takeovers — ${ALGO_LABEL[ra.algo]}: ${seq(ra)} · ${ALGO_LABEL[rb.algo]}: ${seq(rb)} (once finished).${same}`;
      }
    },
  };
}
