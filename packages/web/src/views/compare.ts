/** Two algorithms side by side on the same data and initialization: their coordinate shares. */
import { h } from "../ui/dom.js";
import { ALGO_LABEL } from "../ui/format.js";
import type { RunView } from "../state/runs.js";
import { drawShares } from "./shares.js";
import { chartBox, figure, type View, type ViewContext } from "./view.js";

export function compareView(ctx: ViewContext, [a, b]: [string, string]): View {
  const boxA = chartBox(`Coordinate shares under ${ALGO_LABEL[a]}`);
  const boxB = chartBox(`Coordinate shares under ${ALGO_LABEL[b]}`);
  const note = h("p", { class: "note" });
  return {
    id: "compare",
    key: "cmp",
    figure: figure(
      ctx,
      "compare",
      `Side by side: ${ALGO_LABEL[a]} vs ${ALGO_LABEL[b]} (same data and initialization)`,
      true,
      h("div", { class: "pair" }, h("div", {}, h("p", { class: "sub" }, ALGO_LABEL[a]!), boxA.box), h("div", {}, h("p", { class: "sub" }, ALGO_LABEL[b]!), boxB.box)),
      note,
    ),
    draw() {
      const ra = ctx.session.run("a");
      const rb = ctx.session.run("b");
      if (ra) drawShares(ctx, "cmpA", boxA, ra);
      if (rb) drawShares(ctx, "cmpB", boxB, rb);
      if (ra && rb) {
        const seq = (r: RunView) => (r.result?.dominantSequence ?? []).map((c) => `x${c.coord + 1}`).join(" → ") || "…";
        note.textContent = `${ALGO_LABEL[ra.algo]}: ${seq(ra)} · ${ALGO_LABEL[rb.algo]}: ${seq(rb)} (dominant sequences once finished)`;
      }
    },
  };
}
