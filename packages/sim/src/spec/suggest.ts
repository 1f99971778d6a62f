/**
 * "Did you mean …?": the nearest valid name for a misspelt field or enum value, so an error can say
 * `init.alpah: unknown field (did you mean "alpha"?)`. Used by the spec's validation and the CLI.
 */

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev2: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n]!;
}

/** Case, `-`, `_`, `.` and spaces do not count as typos ("sam_l2" is "sam-l2", "lrschedule" is "lrSchedule"). */
const fold = (s: string) => s.toLowerCase().replace(/[-_.\s]/g, "");

/**
 * The candidate a typo most likely meant, or undefined when none is close: the same word up to case
 * and separators, else the one candidate it abbreviates, else the nearest within 1 edit (words up to
 * 4 letters), 2 (up to 8) or 3.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const w = fold(word);
  if (w === "") return undefined;
  const same = candidates.find((c) => fold(c) === w);
  if (same !== undefined) return same;
  // an abbreviation of exactly one candidate ("lin" for "linear")
  const starts = candidates.filter((c) => fold(c).startsWith(w));
  if (w.length >= 2 && starts.length === 1) return starts[0];
  const limit = w.length <= 4 ? 1 : w.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestD = limit + 1;
  for (const c of candidates) {
    const d = editDistance(w, fold(c));
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/** ` (did you mean "x"?)`, or "" when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const n = nearest(word, candidates);
  return n === undefined ? "" : ` (did you mean ${JSON.stringify(n)}?)`;
}
