/** The current-values table: step, t, loss, margins and every coordinate of β of the main run's latest snapshot. */
import { h } from "../ui/dom.js";
import { coordLabel, fmtInt, fmtNum } from "../ui/format.js";
import { figure, type View, type ViewContext } from "./view.js";

export function tableView(ctx: ViewContext): View {
  const table = h("table", { class: "values" });
  return {
    id: "table",
    key: "table",
    figure: figure(ctx, "table", "Current values", false, h("div", { class: "tablewrap" }, table)),
    draw() {
      const r = ctx.session.main();
      if (!r) return;
      const snap = r.snapshot;
      const rows: HTMLElement[] = [];
      rows.push(h("caption", { class: "sr-only" }, "Current values of the main run"));
      const kv = (k: string, v: string) => h("tr", {}, h("th", { scope: "row" }, k), h("td", { colspan: 3 }, v));
      rows.push(kv("step", snap ? `${fmtInt(snap.step)} of ${fmtInt(r.steps)}` : "–"));
      rows.push(kv("t = Σ η", fmtNum(snap?.t)));
      rows.push(kv("loss", fmtNum(snap?.loss)));
      if (snap) {
        let l1 = 0;
        let l2 = 0;
        for (const b of snap.beta) {
          l1 += Math.abs(b);
          l2 += b * b;
        }
        l2 = Math.sqrt(l2);
        rows.push(kv("min margin γ", fmtNum(snap.minMargin)));
        rows.push(kv("γ / ‖β‖₁", fmtNum(l1 > 0 ? snap.minMargin / l1 : NaN)));
        rows.push(kv("γ / ‖β‖₂", fmtNum(l2 > 0 ? snap.minMargin / l2 : NaN)));
        rows.push(h("tr", {}, h("th", { scope: "col" }, "coordinate"), h("th", { scope: "col" }, "|x_j|"), h("th", { scope: "col" }, "β_j"), h("th", { scope: "col" }, "share")));
        snap.beta.slice(0, 200).forEach((b, j) => {
          rows.push(h("tr", {}, h("th", { scope: "row" }, coordLabel(j)), h("td", {}, fmtNum(r.magnitudes[j], 3)), h("td", {}, fmtNum(b)), h("td", {}, fmtNum(l1 > 0 ? Math.abs(b) / l1 : NaN, 3))));
        });
      }
      table.replaceChildren(...rows);
    },
  };
}
