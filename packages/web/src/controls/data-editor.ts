/**
 * The grid editor of inline data: a few examples (rows x_i and labels y_i) edited cell by cell, with
 * buttons that add or remove an example or a feature. Larger data stays editable through the spec
 * JSON.
 */
import { h } from "../ui/dom.js";

/** The editor's grid is for "a few examples". */
export const EDITOR_MAX_N = 20;
export const EDITOR_MAX_D = 12;

export class DataEditor {
  /** The examples being edited (the form reads them when it builds a spec). */
  data: { x: number[][]; y: number[] } = { x: [[1, 2]], y: [1] };
  readonly grid = h("div", { class: "grid-editor" });
  readonly box: HTMLElement;

  /** `changed` is called after every edit (the form applies the new spec). */
  constructor(private readonly changed: () => void) {
    const addRow = h("button", { type: "button" }, "+ example");
    const delRow = h("button", { type: "button" }, "− example");
    const addCol = h("button", { type: "button" }, "+ feature");
    const delCol = h("button", { type: "button" }, "− feature");
    const edit = (f: () => void) => () => {
      f();
      this.render();
      this.changed();
    };
    addRow.addEventListener("click", edit(() => {
      if (this.data.x.length < EDITOR_MAX_N) {
        this.data.x.push(this.data.x[this.data.x.length - 1]!.map(() => 1));
        this.data.y.push(1);
      }
    }));
    delRow.addEventListener("click", edit(() => {
      if (this.data.x.length > 1) {
        this.data.x.pop();
        this.data.y.pop();
      }
    }));
    addCol.addEventListener("click", edit(() => {
      if (this.data.x[0]!.length < EDITOR_MAX_D) for (const r of this.data.x) r.push(r.length + 1);
    }));
    delCol.addEventListener("click", edit(() => {
      if (this.data.x[0]!.length > 1) for (const r of this.data.x) r.pop();
    }));
    this.box = h("div", {}, this.grid, h("div", { class: "buttons" }, addRow, delRow, addCol, delCol));
  }

  /** Rebuilds the grid from `data` (called when a spec is loaded and after each structural edit). */
  render(): void {
    const { x, y } = this.data;
    const n = x.length;
    const d = x[0]!.length;
    if (n > EDITOR_MAX_N || d > EDITOR_MAX_D) {
      this.grid.replaceChildren(h("p", { class: "note" }, `${n} examples × ${d} features: too many for the grid editor; edit the spec JSON instead.`));
      return;
    }
    const table = h("table");
    const head = h("tr", {}, h("th", { scope: "col" }, "#"));
    for (let j = 0; j < d; j++) head.append(h("th", { scope: "col" }, `x${j + 1}`));
    head.append(h("th", { scope: "col" }, "y"));
    table.append(head);
    for (let i = 0; i < n; i++) {
      const tr = h("tr", {}, h("th", { scope: "row" }, String(i + 1)));
      for (let j = 0; j < d; j++) {
        const inp = h("input", { type: "number", step: "any", "aria-label": `example ${i + 1}, x${j + 1}`, value: String(x[i]![j]) });
        inp.addEventListener("change", () => {
          const v = Number(inp.value);
          if (Number.isFinite(v)) x[i]![j] = v;
          this.changed();
        });
        tr.append(h("td", {}, inp));
      }
      const sel = h("select", { "aria-label": `example ${i + 1}, label y` }, h("option", { value: "1" }, "+1"), h("option", { value: "-1" }, "−1"));
      sel.value = String(y[i] ?? 1);
      sel.addEventListener("change", () => {
        y[i] = Number(sel.value) === -1 ? -1 : 1;
        this.changed();
      });
      tr.append(h("td", {}, sel));
      table.append(tr);
    }
    this.grid.replaceChildren(table);
  }
}
