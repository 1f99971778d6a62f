/**
 * The spec's caps (LIMITS) and the primitive field schemas every part of it is built from: finite
 * numbers, bounded integers that name their cap, seeds, ±1 labels; plus the size check that runs
 * before zod walks (and copies) an array of rows.
 */
import { z } from "zod";
import { SpecError } from "./errors.js";

/** Caps that keep any spec (a crafted URL included) bounded in memory and time. */
export const LIMITS = {
  maxN: 1_000_000,
  maxD: 1_000_000,
  maxCells: 50_000_000, // n·d
  maxDepth: 64,
  maxSteps: 1e15,
  maxPoints: 1_000_000,
  /** β is recorded at every point when d ≤ this (unless record.beta says otherwise). */
  autoBetaMaxD: 2048,
} as const;

export const finite = (what = "a finite number") => z.number({ error: `expected ${what}` }).refine(Number.isFinite, `expected ${what}`);
export const int = (min: number, max: number, what: string) =>
  z
    .number({ error: `expected ${what}` })
    .int({ error: `expected ${what}` })
    .min(min, { error: `expected ${what}` })
    // a value above the cap says so (not just "expected d ≥ 1", which a d of 2·10⁶ satisfies)
    .max(max, { error: (iss) => `expected ${what}, at most ${max}${typeof iss.input === "number" ? ` (got ${iss.input})` : ""}` });
/** A threshold that is a fraction: a number in (0, 1). */
export const fraction = () => z.number({ error: "expected a number in (0, 1)" }).gt(0, { error: "expected a number in (0, 1)" }).lt(1, { error: "expected a number in (0, 1)" }).optional();
export const seedSchema = int(0, 4294967295, "an integer seed in [0, 2^32−1]");
export const label = z.union([z.literal(1), z.literal(-1)], { error: "expected a label −1 or +1" });

/**
 * Size caps on an array of rows, checked before zod walks (and copies) it, so that validation costs
 * O(rows) at most — a crafted `new Array(2 ** 32 - 1)` or a 10⁸-row matrix is refused at once.
 */
export function precheckMatrix(m: unknown, field: string, maxRows: number, maxCols: number, rows: string, cols: string): void {
  if (!Array.isArray(m)) return;
  if (m.length > maxRows) throw new SpecError(field, `expected at most ${maxRows} ${rows}, got ${m.length}`);
  let cells = 0;
  for (let i = 0; i < m.length; i++) {
    const row: unknown = m[i];
    if (!Array.isArray(row)) continue;
    if (row.length > maxCols) throw new SpecError(`${field}[${i}]`, `expected at most ${maxCols} ${cols}, got ${row.length}`);
    cells += row.length;
    if (cells > LIMITS.maxCells) throw new SpecError(field, `expected at most ${LIMITS.maxCells} numbers in all`);
  }
}
