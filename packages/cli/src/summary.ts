/**
 * The human summary of a Result (what `samlab run` prints without --json).
 */
import { limitLabel, limitSentence, subscript, type Diagnostics, type Result } from "@samlab/sim";

const trimZeros = (s: string) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
const fmt = (v: number, digits = 4) => (v === 0 ? "0" : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? trimZeros(v.toPrecision(digits)) : v.toExponential(digits - 1));
const vec = (a: number[], max = 12) => `[${a.slice(0, max).map((v) => fmt(v, 3)).join(", ")}${a.length > max ? `, … (${a.length} in all)` : ""}]`;

const sub = (k: number) => subscript(k);
const xName = (j: number) => `x${sub(j + 1)}`;
const eName = (j: number, sign?: 1 | -1) => `${sign === -1 ? "−" : ""}e${sub(j + 1)}`;

/** The implicit-bias diagnostics (docs/DIAGNOSTICS.md) as summary lines; the limit is the one classifier's (Result.diagnostics.limit). */
function diagnosticsLines(r: Result, dg: Diagnostics): string[] {
  const out: string[] = [];
  const a = dg.amplification;
  out.push(`amplification     minor first: ${a.minorFirst ? "yes" : "no"} (${a.switches} takeover${a.switches === 1 ? "" : "s"} after the first leader)   major last: ${a.majorLast ? "yes" : "no"}`);
  if (dg.references === "computed" && dg.separable && dg.finalCosine && dg.marginGap) {
    const names = { l1: "ℓ1", l2: "ℓ2", linf: "ℓ∞" } as const;
    const parts = (["l1", "l2", "linf"] as const).map((p) => `${names[p]} cos ${fmt(dg.finalCosine![p]!, 4)} gap ${fmt(dg.marginGap![p]!, 3)}`);
    out.push(`max-margin refs   ${parts.join(" · ")}   (cos(β, β*_p); γ*_p − γ/‖β‖_p)`);
  } else if (dg.message) out.push(`max-margin refs   ${dg.message}`);
  const rg = dg.regression;
  if (rg) {
    const refs = (["l1", "l2"] as const).flatMap((p) => (rg[p] ? [`min-${p === "l1" ? "ℓ1" : "ℓ2"} interpolator: distance ${fmt(rg[p]!.distance, 3)} cos ${fmt(rg[p]!.cosine, 4)}`] : []));
    const ls = rg.leastSquares ? ` · least-squares minimum: distance ${fmt(rg.leastSquares.distance, 3)} cos ${fmt(rg.leastSquares.cosine, 4)}` : "";
    out.push(`interpolators     ${refs.length ? refs.join(" · ") : "none (no β interpolates the training data, or skipped by size)"}${ls}`);
    const star = rg.supportStar ? `   β* support x${rg.supportStar.map((j) => j + 1).join(", x")}: ${rg.supportRecovered ? "recovered" : "not recovered"}` : "";
    out.push(`support           ${rg.support.length ? `x${rg.support.map((j) => j + 1).join(", x")}` : "none"} (|β_j| ≥ 1 % of max)${star}`);
  }
  const l = dg.limit;
  const ev = l.evidence;
  out.push(`limit             ${limitLabel(l)}: ${limitSentence(r, l)}`);
  const ds = l.distances;
  const dist = [...(ds.basis !== undefined ? [`basis ${fmt(ds.basis, 3)}`] : []), ...(ds.l1 !== undefined ? [`ℓ1 ${fmt(ds.l1, 3)}`] : []), ...(ds.l2 !== undefined ? [`ℓ2 ${fmt(ds.l2, 3)}`] : []), ...(ds.linf !== undefined ? [`ℓ∞ ${fmt(ds.linf, 3)}`] : [])];
  out.push(
    `  evidence        loss ${fmt(ev.loss, 6)} (step ${r.lookBack.step}: ${fmt(ev.lossMid, 6)}; ℓ(0) = ${fmt(ev.lossAtZero, 6)}) · max|<β,x_i>| ${fmt(ev.prediction, 3)} (step ${r.lookBack.step}: ${fmt(ev.predictionMid, 3)}, start ${fmt(ev.prediction0, 3)}, data scale ${fmt(ev.dataScale, 3)}) · β moved ${fmt(ev.movement, 3)} since step ${r.lookBack.step}`,
  );
  if (r.spec.loss === "squared") {
    const rd = [...(ds.l1 !== undefined ? [`min-ℓ1 interpolator ${fmt(ds.l1, 3)}`] : []), ...(ds.l2 !== undefined ? [`min-ℓ2 interpolator ${fmt(ds.l2, 3)}`] : []), ...(ds.leastSquares !== undefined ? [`least-squares minimum ${fmt(ds.leastSquares, 3)}`] : [])];
    out.push(`  distances       ${rd.length ? rd.join(", ") : "no reference"} (‖β − β_ref‖₂/‖β_ref‖₂; match within ${l.tolerances.tolerance}; fits when loss ≤ ${l.tolerances.fitLoss}·ℓ(0))`);
  } else out.push(`  distances       ${dist.join(", ")} (β/‖β‖₂ to each candidate; match within ${l.tolerances.tolerance})`);
  if (dg.kkt) {
    const k = dg.kkt;
    out.push(`KKT residual      ${k.reason ? `— (${k.reason === "not-separating" ? "β does not separate the data" : k.reason})` : fmt(k.residual, 3)}   (stationarity of min ‖β‖_{2/L} s.t. margins ≥ 1 at the final β; GD's limit is a KKT point${r.spec.algo === "gd" ? "" : ", not claimed for " + r.spec.algo})`);
  }
  return out;
}

/** Final curvature and balance (docs/MODEL.md, "Curvature and balance"); λ and tr H with `record.sharpness`. */
function curvatureLines(r: Result): string[] {
  const f = r.final;
  const bal = `balance ${fmt(f.balance)} (max_j [max_l w_lj² − min_l w_lj²])`;
  if (f.lambdaMax === undefined) return [`curvature         ${bal}; λ_max, tr H: record with --sharpness`];
  const t = r.trajectory;
  const edge = t.edgeGD?.length ? `   edges: 2/η ${fmt(t.edgeGD.at(-1)!)}${r.spec.algo === "gd" ? "" : `, ℓ2-SAM ${fmt(t.edgeSAM!.at(-1)!)}`}` : "";
  return [
    `curvature         λ_max ${fmt(f.lambdaMax, 6)} (residual ${fmt(f.lambdaMaxRes!, 2)})   λ_min ${fmt(f.lambdaMin!, 4)}   tr H ${fmt(f.traceH!, 6)}${edge}`,
    `                  ${bal}`,
  ];
}

export function humanSummary(r: Result): string {
  const s = r.spec;
  const f = r.final;
  const lines: string[] = [];
  const flow = s.mode === "flow";
  const rho = s.algo === "gd" ? "" : `ρ=${s.rho} `;
  const horizon = flow ? `${s.flow} flow to t = ${fmt(s.tMax ?? 0)} (${s.timeScale ?? "log"} time, rtol ${s.rtol})` : `${rho}η=${s.lr}${s.lrSchedule && s.lrSchedule !== "constant" ? ` (${s.lrSchedule})` : ""} · ${s.steps} steps`;
  lines.push(`samlab run · ${s.algo} · L=${s.depth} · ${s.loss} · ${flow ? rho : ""}${horizon} · n=${r.data.n} d=${r.data.d} · engine ${r.engine}`);
  const secs = r.timing.ms / 1000;
  const state = r.status.state === "finished" ? "finished" : r.status.state;
  const work = flow ? `${f.step} integrator steps` : `${f.step} steps`;
  const rate = flow ? `${r.flow ? `${r.flow.evaluations} gradient evaluations` : ""}` : `${r.timing.nsPerStep.toFixed(1)} ns/step`;
  lines.push(`${state} after ${work} in ${secs.toFixed(secs < 10 ? 3 : 1)} s${rate ? ` (${rate})` : ""}`);
  if (r.status.message) lines.push(`note: ${r.status.message}`);
  lines.push(`final loss        ${fmt(f.loss)}   (t = ${fmt(f.t)})`);
  if (f.testLoss !== undefined) lines.push(`test loss         ${fmt(f.testLoss)}` + (f.testError !== undefined ? `   test error ${fmt(f.testError, 3)}` : ""));
  lines.push(`direction β/‖β‖₂  ${vec(f.direction)}`);
  lines.push(`ℓ1 shares         ${vec(f.shares)}`);
  // a regression (squared loss) has no margins
  if (r.spec.loss === "squared") lines.push(`‖β‖₂ ${fmt(f.l2)}   ‖w‖₂ ${fmt(f.wNorm)}   margins — (regression)`);
  else lines.push(`‖β‖₂ ${fmt(f.l2)}   ‖w‖₂ ${fmt(f.wNorm)}   margins γ/‖β‖₁ ${fmt(f.marginL1)}  γ/‖β‖₂ ${fmt(f.marginL2)}  γ/‖w‖₂^L ${fmt(f.marginW)}`);
  lines.push(...curvatureLines(r));
  if (r.data.labels) {
    const dd = r.data;
    const lab = dd.labels!;
    const names = dd.classNames ? ` (${dd.classNames[0]} vs ${dd.classNames[1]})` : "";
    lines.push(`data              ${dd.origin} · ${dd.format} · ${r.data.n} of ${dd.selected} selected rows (${dd.rowsRead} read)${names}`);
    lines.push(`labels            ${lab.negative ?? "–"} → −1 (${lab.counts.negative}), ${lab.positive ?? "–"} → +1 (${lab.counts.positive}); ${lab.rule}`);
    const sep = dd.separability;
    if (sep) lines.push(sep.separable ? `separability      linearly separable without bias: ℓ1 max-margin ${fmt(sep.l1Margin)} (LP, ${fmt(sep.ms / 1000, 2)} s)` : `separability      NOT linearly separable without bias (LP): trained anyway; margins stay negative`);
  }
  const seq = r.dominantSequence;
  const first = r.trajectory.step[0];
  if (seq.length) {
    const shown = seq.length > 12 ? [...seq.slice(0, 6), null, ...seq.slice(-5)] : seq;
    const parts = shown.map((c) => (c === null ? "…" : `${xName(c.coord)} (|x|=${fmt(c.magnitude, 3)}) from step ${c.step}${c.step === first ? " (initialization)" : ""}`));
    lines.push(`dominant sequence ${parts.join(" → ")}${seq.length > 12 ? `  (${seq.length} leaders)` : ""}`);
    lines.push(`                  (a lead counts from the first of 2 recorded points where it holds by ≥ 2 %; recorded points are ${s.record.every ? `every ${s.record.every} steps` : `${s.record.spacing}-spaced`}, so "from step s" is where it was first seen)`);
  } else {
    const why = r.dominance.none;
    lines.push(
      `dominant sequence ${
        why === "zero" ? "none: β = 0 at every recorded point" : why === "tied" ? "none: no coordinate leads the others by ≥ 2 % (the largest |β_j| are tied)" : `none: β ends below half its starting size (max|<β,x_i>| < ${fmt(r.dominance.floor, 3)}): no lead is read from noise near 0`
      }`,
    );
  }
  if (r.diagnostics) lines.push(...diagnosticsLines(r, r.diagnostics));
  return lines.join("\n") + "\n";
}
