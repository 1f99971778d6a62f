/**
 * The weights of each layer: w_l at the initialization (step 0) and now, one row per layer, one
 * column per coordinate. β = w_1 ⊙ … ⊙ w_L hides how the product is shared between the layers
 * (and whether they stay balanced); this table shows it. The export buttons save all of it.
 */
import { h } from "../ui/dom.js";
import { fmtInt, fmtNum } from "../ui/format.js";
import { figure, type View, type ViewContext } from "./view.js";

/** Coordinates shown (the CSV/JSON export of the weights has every one). */
export const WEIGHTS_MAX_COLUMNS = 12;

export function weightsView(ctx: ViewContext): View {
  const table = h("table", { class: "weights" });
  const note = h("p", { class: "note" });
  return {
    id: "weights",
    key: "weights",
    figure: figure(ctx, "weights", "Weights of each layer: initialization → now", false, h("div", { class: "tablewrap" }, table), note),
    draw() {
      const r = ctx.session.main();
      const now = r?.snapshot?.w;
      if (!r || !now) return;
      const start = r.w0;
      const d = now[0]?.length ?? 0;
      const shown = Math.min(d, WEIGHTS_MAX_COLUMNS);
      const head = h("tr", {}, h("th", { scope: "col" }, "layer"));
      for (let j = 0; j < shown; j++) head.append(h("th", { scope: "col" }, `x${j + 1}`));
      const rows: HTMLElement[] = [h("caption", { class: "sr-only" }, "Each layer's weights: value at step 0, then the current value"), head];
      now.forEach((wl, l) => {
        const tr = h("tr", {}, h("th", { scope: "row" }, `w${l + 1}`));
        for (let j = 0; j < shown; j++) tr.append(h("td", {}, `${fmtNum(start?.[l]?.[j], 3)} → ${fmtNum(wl[j], 3)}`));
        rows.push(tr);
      });
      table.replaceChildren(...rows);
      note.textContent = `Each cell: w_l,j at step 0 → at ${ctx.store.isFlow() ? `t = ${fmtNum(r.snapshot!.t, 3)}` : `step ${fmtInt(r.snapshot!.step)}`}.${d > shown ? ` First ${shown} of ${d} coordinates; the weights export has all of them.` : ""}`;
    },
  };
}
