/**
 * The page names a finished run's limit with the same words as `samlab run`'s summary: the status
 * line carries @samlab/sim's limitLabel and limitSentence of the Result's one classifier.
 */
import { limitLabel, limitSentence, simulate, type Result } from "@samlab/sim";
import { describe, expect, it } from "vitest";
import type { RunView } from "../state/runs.js";
import { statusText } from "./status.js";

const view = (r: Result) => ({ snapshot: { step: r.final.step, t: r.final.t, beta: r.final.beta, loss: r.final.loss, minMargin: r.final.minMargin }, step: r.final.step, steps: r.spec.steps }) as unknown as RunView;

describe("the status line of a finished run", () => {
  it.each([
    [2, 0.02, "zero", /^zero$/],
    [3, 0.02, "stalled", /^stalled$/],
    [2, [0.3, 0.05], "basis", /^basis e₁$/],
  ] as const)("L = %i, α = %j: names the limit %s in the CLI's words", async (depth, alpha, kind, label) => {
    const r = await simulate({ version: 1, data: { x: [[1, 2]], y: [1] }, depth, algo: "sam-linf", rho: 0.1, lr: 0.05, steps: 20_000, init: { alpha } });
    const l = r.diagnostics!.limit;
    expect(l.kind).toBe(kind);
    expect(limitLabel(l)).toMatch(label);
    const text = statusText("finished", view(r), r.spec, false, r);
    expect(text).toContain(`Limit: ${limitLabel(l)} — ${limitSentence(r, l)}.`);
  });
});
