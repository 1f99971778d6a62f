/**
 * The cosine chart: cos(β, β*₁) and cos(β, β*₂) to the ℓ1 and ℓ2 max-margin directions. The
 * directions (and, when they cover every recorded point, the cosines) come from the Result's
 * diagnostics — the same HiGHS references as `simulate()` and the CLI — else, for a single example,
 * from closed forms.
 */
import type { Result, Spec } from "@samlab/sim";
import type { Chart } from "chart.js";
import { webData } from "../state/spec-state.js";
import { h } from "../ui/dom.js";
import { PALETTE, dataset, lineChart, type XY } from "./charts.js";
import { chartBox, commitLine, figure, pointIndices, resultOf, setNa, xs, type View, type ViewContext } from "./view.js";

export function cosineView(ctx: ViewContext): View {
  const box = chartBox("Cosine between beta and the l1 and l2 max-margin directions");
  const note = h("p", { class: "note" });
  return {
    id: "cosine",
    key: "cosine",
    figure: figure(ctx, "cosine", "Cosine to the max-margin directions", false, box.box, note),
    draw() {
      const r = ctx.session.main();
      if (!r) return;
      const X = xs(ctx, r);
      const chart = ctx.charts.get("cosine", box.canvas, (c) => lineChart(c, { xTitle: "step (log)", yTitle: "cosine", xLog: true, yMax: 1 })) as Chart<"line", XY[]> | undefined;
      if (!chart) return;
      const s = r.series;
      const idx = pointIndices(ctx, r);
      const ref = maxMarginDirections(resultOf(ctx, r), ctx.store.spec);
      if (!ref) {
        chart.data.datasets = [];
        const diag = resultOf(ctx, r)?.diagnostics;
        const why = diag?.message ? ` Max-margin references: ${diag.message}` : diag?.references === "computed" ? " The data are not separable." : "";
        setNa(box, `Not available: no max-margin directions for this run (they need the max-margin solver when there is more than one example).${why}`);
        note.textContent = "";
        commitLine(ctx, chart, box.legend);
        return;
      }
      setNa(box, null);
      const cos = (b: Float64Array | undefined, u: number[] | undefined) => {
        if (!b || !u) return NaN;
        let dot = 0;
        let bb = 0;
        let uu = 0;
        for (let j = 0; j < b.length; j++) {
          dot += b[j]! * (u[j] ?? 0);
          bb += b[j]! * b[j]!;
          uu += (u[j] ?? 0) ** 2;
        }
        return bb > 0 && uu > 0 ? dot / Math.sqrt(bb * uu) : NaN;
      };
      // The Result's own cosines (the diagnostics of simulate() and the CLI) when they cover every recorded point.
      const given = (p: "l1" | "l2") => (ref.cosine?.[p]?.length === s.step.length ? ref.cosine[p] : undefined);
      const series = (p: "l1" | "l2", u: number[] | undefined) => {
        const g = given(p);
        return idx.map((i) => ({ x: X[i]!, y: g ? g[i]! : cos(s.beta[i], u) }));
      };
      chart.data.datasets = [dataset("cos(β, β*₁) ℓ1 max-margin", PALETTE[0]!, series("l1", ref.l1)), dataset("cos(β, β*₂) ℓ2 max-margin", PALETTE[1]!, series("l2", ref.l2))];
      note.textContent = ref.source;
      commitLine(ctx, chart, box.legend);
    },
  };
}

/**
 * The ℓ1 and ℓ2 max-margin directions of the run's data: from the Result when it carries them
 * (the max-margin solver's diagnostics), else in closed form for a single example (ℓ2: y·x/‖x‖;
 * ℓ1: the basis vector of the largest |x_j|, when that is unique).
 */
export interface MaxMarginRef {
  l1?: number[];
  l2?: number[];
  /** cos(β, β*_p) at each recorded point, as the Result's diagnostics computed them (absent for closed forms). */
  cosine?: { l1?: number[]; l2?: number[] };
  source: string;
}

export function maxMarginDirections(result: Result | undefined, spec: Spec | undefined): MaxMarginRef | undefined {
  const fromResult = result ? readMaxMargin(result) : undefined;
  if (fromResult) return fromResult;
  if (!spec) return undefined;
  let x: number[] | undefined;
  let y = 1;
  const data = webData(spec);
  if ("x" in data && data.x.length === 1) {
    x = data.x[0]!;
    y = data.y?.[0] ?? 1;
  } else if ("generator" in data && data.generator === "single") {
    const sc = data.scale ?? 1;
    x = Array.from({ length: data.d }, (_, j) => sc * (j + 1));
    y = data.y ?? 1;
  }
  if (!x) return undefined;
  const n2 = Math.hypot(...x);
  if (n2 === 0) return undefined;
  const l2 = x.map((v) => (y * v) / n2);
  const m = Math.max(...x.map(Math.abs));
  const at = x.map((v, j) => (Math.abs(v) === m ? j : -1)).filter((j) => j >= 0);
  const l1 = at.length === 1 ? x.map((v, j) => (j === at[0] ? Math.sign(y * v) : 0)) : undefined;
  const why = result?.diagnostics?.message ? ` (max-margin references: ${result.diagnostics.message})` : "";
  return { l1, l2, source: `One example: ℓ2 max-margin = y·x/‖x‖₂${l1 ? ", ℓ1 max-margin = the basis vector of the largest |x_j|" : "; the ℓ1 max-margin solution is not unique here"} (closed form)${why}.` };
}

/**
 * The max-margin directions of a Result's diagnostics (`computeDiagnostics` of @samlab/sim, the same
 * call as `simulate()` and the CLI), with the diagnostics' own cosines per recorded point.
 */
function readMaxMargin(r: Result): MaxMarginRef | undefined {
  const d = r.diagnostics;
  if (!d || d.references !== "computed" || !d.maxMargin) return undefined;
  const l1 = d.maxMargin.l1;
  const l2 = d.maxMargin.l2;
  if (!l1?.separable && !l2?.separable) return undefined;
  const nonUnique = l1 && !l1.unique ? "; the ℓ1 optimum is not unique: its minimum-ℓ2-norm element is used" : "";
  return {
    l1: l1?.separable ? l1.beta : undefined,
    l2: l2?.separable ? l2.beta : undefined,
    cosine: d.cosine,
    source: `Max-margin directions solved exactly (linear programs), as the CLI (samlab run) reports them${nonUnique}.`,
  };
}
