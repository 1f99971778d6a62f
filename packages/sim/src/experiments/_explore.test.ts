import { it } from "vitest";
import { simulate } from "../simulate.js";
it("explore", async () => {
  for (const [src, n] of [["fashion-mnist", 200]] as const) {
    for (const alpha of [0.1]) for (const rho of [0.5, 1, 1.5]) {
      const out: string[] = [];
      for (const algo of ["gd", "sam-l2"] as const) {
        const r = await simulate({ version: 1, data: { source: src, classes: src === "digits" ? [0, 1] : [0, 1], n, seed: 1, separability: false }, depth: 2, init: { random: "gaussian", alpha, seed: 1 }, algo, rho: algo === "gd" ? 0 : rho, lr: 0.02, steps: 5000, record: { points: 14, spacing: "log" } });
        const m = r.data.magnitudes;
        const W = r.trajectory.beta.map((b) => { let s = 0, w = 0; b.forEach((v, j) => { s += Math.abs(v) * m[j]!; w += Math.abs(v); }); return s / w; });
        out.push(`${algo}: ${W.map((v) => v.toFixed(3)).join(" ")} loss ${r.final.loss.toFixed(3)} l1 ${r.final.l1.toFixed(2)} ${r.timing.ms.toFixed(0)}ms`);
      }
      console.log(src, "alpha", alpha, "rho", rho, "\n" + out.join("\n"));
    }
  }
}, 600000);
