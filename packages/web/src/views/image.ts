/**
 * β drawn as an image (one pixel per feature) for data with an image shape (the digits): a diverging
 * colour scale symmetric around 0, the final β once the run has finished, else the latest recorded
 * row's β. Hidden until the main run turns out to have an image shape.
 */
import { h } from "../ui/dom.js";
import { fmtNum } from "../ui/format.js";
import { figure, type View, type ViewContext } from "./view.js";

/** A diverging colour for t ∈ [−1, 1]: blue (#2166AC) at −1, white at 0, red (#B2182B) at +1. */
export function diverging(t: number): string {
  const u = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  const [r, g, b] = u < 0 ? [0x21, 0x66, 0xac] : [0xb2, 0x18, 0x2b];
  const a = Math.abs(u);
  const mix = (v: number) => Math.round(255 + (v - 255) * a);
  return `rgb(${mix(r)}, ${mix(g)}, ${mix(b)})`;
}

export function imageView(ctx: ViewContext): View {
  const canvas = h("canvas", { role: "img", "aria-label": "beta drawn as an image", width: 200, height: 200, class: "betaimg" });
  const bar = h("canvas", { "aria-hidden": "true", width: 200, height: 12, class: "colorbar" });
  const lo = h("span", {}, "−m");
  const hi = h("span", {}, "+m");
  const scale = h("div", { class: "scale", "aria-hidden": "true" }, lo, h("span", {}, "0"), hi);
  const fig = figure(
    ctx,
    "image",
    "β as an image (one pixel per feature)",
    false,
    h("div", { class: "imagebox" }, canvas, bar, scale),
    h("p", { class: "note" }, "Blue: β_j < 0 (pushes towards the first class), red: β_j > 0, white: 0; symmetric scale ±m = max_j |β_j| of the frame shown."),
  );
  fig.hidden = true; // shown once the data turns out to have an image shape
  ctx.listen("started", (r) => {
    if (r.role !== "main") return;
    fig.hidden = !r.shape;
    if (r.shape) ctx.mark("image");
  });

  function drawBar(): void {
    const bctx = bar.getContext("2d");
    if (!bctx || bar.dataset.drawn) return;
    for (let x = 0; x < bar.width; x++) {
      bctx.fillStyle = diverging((2 * x) / (bar.width - 1) - 1);
      bctx.fillRect(x, 0, 1, bar.height);
    }
    bar.dataset.drawn = "1";
  }

  return {
    id: "image",
    key: "image",
    figure: fig,
    draw() {
      const r = ctx.session.main();
      if (!r) return;
      const shape = r.shape ?? (r.result?.data as { shape?: [number, number] } | undefined)?.shape;
      if (!shape) return;
      const [hgt, wid] = shape;
      const beta: ArrayLike<number> | undefined = r.done && r.result ? r.result.final.beta : r.series.beta[r.series.beta.length - 1];
      const g = canvas.getContext("2d");
      if (!g) return;
      g.fillStyle = "#fff";
      g.fillRect(0, 0, canvas.width, canvas.height);
      if (!beta || beta.length !== hgt * wid) return;
      let m = 0;
      for (let j = 0; j < beta.length; j++) m = Math.max(m, Math.abs(beta[j]!));
      const cw = canvas.width / wid;
      const ch = canvas.height / hgt;
      for (let i = 0; i < hgt; i++)
        for (let j = 0; j < wid; j++) {
          g.fillStyle = diverging(m > 0 ? beta[i * wid + j]! / m : 0);
          g.fillRect(Math.floor(j * cw), Math.floor(i * ch), Math.ceil(cw), Math.ceil(ch));
        }
      drawBar();
      lo.textContent = fmtNum(-m, 3);
      hi.textContent = fmtNum(m, 3);
      const step = r.done && r.result ? r.result.final.step : r.series.step[r.series.step.length - 1];
      canvas.setAttribute("aria-label", `beta as a ${hgt} by ${wid} image at step ${step ?? 0}; largest magnitude ${fmtNum(m, 3)}`);
      canvas.dataset.step = String(step ?? 0);
    },
  };
}
