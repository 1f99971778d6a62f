/**
 * The human summary of a Result (what `samlab run` prints without --json).
 */
import type { Diagnostics, Result } from "@samlab/sim";

const trimZeros = (s: string) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
const fmt = (v: number, digits = 4) => (v === 0 ? "0" : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? trimZeros(v.toPrecision(digits)) : v.toExponential(digits - 1));
const vec = (a: number[], max = 12) => `[${a.slice(0, max).map((v) => fmt(v, 3)).join(", ")}${a.length > max ? `, … (${a.length} in all)` : ""}]`;

/** The implicit-bias diagnostics (docs/DIAGNOSTICS.md) as summary lines; the limit class is the one classifier's (Result.diagnostics.limit). */
function diagnosticsLines(dg: Diagnostics): string[] {
  const out: string[] = [];
  const a = dg.amplification;
  out.push(`amplification     minor first: ${a.minorFirst ? "yes" : "no"} (${a.switches} takeover${a.switches === 1 ? "" : "s"} after the initial one)   major last: ${a.majorLast ? "yes" : "no"}`);
  if (dg.references === "computed" && dg.separable && dg.finalCosine && dg.marginGap) {
    const names = { l1: "ℓ1", l2: "ℓ2", linf: "ℓ∞" } as const;
    const parts = (["l1", "l2", "linf"] as const).map((p) => `${names[p]} cos ${fmt(dg.finalCosine![p]!, 4)} gap ${fmt(dg.marginGap![p]!, 3)}`);
    out.push(`max-margin refs   ${parts.join(" · ")}   (cos(β, β*_p); γ*_p − γ/‖β‖_p)`);
  } else if (dg.message) out.push(`max-margin refs   ${dg.message}`);
  const l = dg.limit;
  const ds = l.distances;
  const dist = [`‖β‖₂/‖w‖₂^L ${fmt(ds.zeroRatio, 3)}`, `L/ℓ(0) ${fmt(ds.lossRatio, 3)}`, `basis ${fmt(ds.basis, 3)}`, ...(ds.l1 !== undefined ? [`ℓ1 ${fmt(ds.l1, 3)}`] : []), ...(ds.l2 !== undefined ? [`ℓ2 ${fmt(ds.l2, 3)}`] : [])];
  out.push(`limit class       ${l.class}   (distances ${dist.join(", ")}; tolerance ${l.tolerance}, zero below ${l.zeroTolerance})`);
  return out;
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
  lines.push(`direction β/‖β‖₂  ${vec(f.direction)}`);
  lines.push(`ℓ1 shares         ${vec(f.shares)}`);
  lines.push(`‖β‖₂ ${fmt(f.l2)}   ‖w‖₂ ${fmt(f.wNorm)}   margins γ/‖β‖₁ ${fmt(f.marginL1)}  γ/‖β‖₂ ${fmt(f.marginL2)}  γ/‖w‖₂^L ${fmt(f.marginW)}`);
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
  if (seq.length) {
    const shown = seq.length > 12 ? [...seq.slice(0, 6), null, ...seq.slice(-5)] : seq;
    const parts = shown.map((c) => (c === null ? "…" : `x${c.coord + 1} (|x|=${fmt(c.magnitude, 3)}) @${c.step}`));
    lines.push(`dominant sequence ${parts.join(" → ")}${seq.length > 12 ? `  (${seq.length} takeovers)` : ""}`);
  } else {
    lines.push(`dominant sequence (β = 0 at every recorded point)`);
  }
  if (r.diagnostics) lines.push(...diagnosticsLines(r.diagnostics));
  return lines.join("\n") + "\n";
}
