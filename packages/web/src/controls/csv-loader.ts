/**
 * "Your own data": a small CSV pasted or chosen as a file, read by @samlab/sim's CSV loader with the
 * CLI's rules (header and delimiter detected, one label column — a column named label/y/class/
 * target/species, else the last — and two classes mapped to ±1). A malformed file is refused with
 * the loader's one-line message, which names the line and the field; nothing is applied then.
 */
import { mapLabels, parseCsv } from "@samlab/sim/data";
import { h } from "../ui/dom.js";

export interface CsvData {
  x: number[][];
  y: number[];
  /** How the labels became ±1 (the loader's rule, e.g. "{0, 1} → {−1, +1}"). */
  rule: string;
}

/** Parses CSV text as the CLI parses a data file; throws the loader's DataError (message names the line). */
export async function csvToData(text: string, name: string): Promise<CsvData> {
  const table = await parseCsv(new TextEncoder().encode(text), name);
  const { y, mapping } = mapLabels(table.labels, undefined, name);
  const x = Array.from({ length: table.n }, (_, i) => Array.from(table.x.subarray(i * table.d, (i + 1) * table.d)));
  return { x, y: Array.from(y), rule: mapping.rule };
}

export class CsvLoader {
  readonly box: HTMLElement;
  private readonly text: HTMLTextAreaElement;
  private readonly file: HTMLInputElement;
  /** Errors (role="alert") and what was loaded. */
  readonly out = h("p", { class: "note csv-out", role: "alert" });

  /** `use` gets the parsed examples; `uid` makes the ids unique per element. */
  constructor(uid: string, private readonly use: (data: CsvData, name: string) => void) {
    this.text = h("textarea", { id: `${uid}-csvText`, rows: 4, spellcheck: "false", placeholder: "x1,x2,label\n1,2,1\n2,-1,0" });
    this.file = h("input", { id: `${uid}-csvFile`, type: "file", accept: ".csv,.tsv,.txt,text/csv,text/plain" });
    const useBtn = h("button", { type: "button" }, "Use CSV");
    useBtn.addEventListener("click", () => void this.load(this.text.value, "pasted CSV"));
    this.file.addEventListener("change", () => {
      const f = this.file.files?.[0];
      if (f) void f.text().then((t) => this.load(t, f.name));
    });
    this.box = h(
      "details",
      { class: "csv" },
      h("summary", {}, "Load your own data (CSV)"),
      h("label", { for: this.text.id }, "Paste CSV (features, then a label column; two classes)"),
      this.text,
      h("div", { class: "buttons" }, useBtn),
      h("label", { for: this.file.id }, "or choose a CSV file"),
      this.file,
      this.out,
    );
  }

  private async load(text: string, name: string): Promise<void> {
    try {
      const data = await csvToData(text, name);
      this.out.classList.remove("error");
      this.out.textContent = `${name}: ${data.x.length} examples × ${data.x[0]!.length} features, labels ${data.rule}.`;
      this.use(data, name);
    } catch (e) {
      this.out.classList.add("error");
      this.out.textContent = `Not loaded: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
}
