/**
 * Getting a run out of the page: the charts as one PNG, the Result as CSV (the trajectory) or JSON,
 * and text (a link, a command) to the clipboard. Called on button clicks; each returns what to
 * announce in the status line.
 */
import { trajectoryToCsv, type Result, type Spec } from "@samlab/sim";
import { h } from "../ui/dom.js";

/** A file name stem from the spec's name or the preset id: `samlab-<name>`. */
export function fileBase(spec: Spec | undefined, presetId: string | undefined): string {
  const name = (spec?.name ?? presetId ?? "run").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "");
  return `samlab-${name || "run"}`;
}

/** Saves `blob` as `filename` through a temporary link inside `root` (the element's shadow root). */
export function download(root: ShadowRoot, blob: Blob, filename: string): string {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: filename, hidden: true });
  root.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return `Saved ${filename}.`;
}

/** The Result as CSV (the trajectory's columns) or as JSON (all of it). */
export function resultBlob(r: Result, kind: "csv" | "json"): Blob {
  return kind === "csv" ? new Blob([trajectoryToCsv(r)], { type: "text/csv" }) : new Blob([JSON.stringify(r, null, 1)], { type: "application/json" });
}

/** The given chart canvases on one white PNG, two per row, under `title`. Undefined when there is none. */
export async function chartsPng(canvases: HTMLCanvasElement[], title: string): Promise<Blob | null | undefined> {
  const figs = canvases.filter((c) => c.isConnected && c.width > 0);
  if (!figs.length) return undefined;
  const w = Math.max(...figs.map((c) => c.width));
  const hgt = Math.max(...figs.map((c) => c.height));
  const cols = Math.min(2, figs.length);
  const rows = Math.ceil(figs.length / cols);
  const pad = 10;
  const head = 28;
  const out = document.createElement("canvas");
  out.width = cols * (w + pad) + pad;
  out.height = head + rows * (hgt + pad) + pad;
  const ctx = out.getContext("2d")!;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = "#111";
  ctx.font = "16px sans-serif";
  ctx.fillText(title, pad, 20);
  figs.forEach((c, k) => ctx.drawImage(c, pad + (k % cols) * (w + pad), head + Math.floor(k / cols) * (hgt + pad)));
  return new Promise<Blob | null>((r) => out.toBlob(r, "image/png"));
}

/** Copies `text` to the clipboard (it is also shown in `out`, to copy by hand); returns the announcement. */
export async function copyText(what: string, text: string, out: HTMLOutputElement | undefined): Promise<string> {
  if (out) out.textContent = text;
  try {
    await navigator.clipboard.writeText(text);
    return `Copied the ${what} to the clipboard.`;
  } catch {
    return `Could not use the clipboard: the ${what} is shown under the buttons; select and copy it.`;
  }
}

/** Each layer's weights at the initialization and at `step`: CSV (`layer,when,step,w1,…,wd`) or JSON. */
export function weightsBlob(w0: number[][] | undefined, now: number[][], step: number, kind: "csv" | "json"): Blob {
  if (kind === "json") return new Blob([JSON.stringify({ format: "samlab-weights", version: 1, step, init: w0 ?? null, now }, null, 1) + "\n"], { type: "application/json" });
  const d = now[0]?.length ?? 0;
  const lines = [["layer", "when", "step", ...Array.from({ length: d }, (_, j) => `w${j + 1}`)].join(",")];
  now.forEach((wl, l) => {
    if (w0?.[l]) lines.push([l + 1, "init", 0, ...w0[l]!].join(","));
    lines.push([l + 1, "now", step, ...wl].join(","));
  });
  return new Blob([lines.join("\n") + "\n"], { type: "text/csv" });
}
