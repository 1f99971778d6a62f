/**
 * Record schedules: the steps at which a run writes a trajectory point. Always strictly increasing,
 * always containing step 0 and the last step, never longer than the spec's `record.points`.
 */
import { portableExp, portableLog } from "../math/portable-math.js";
import type { RecordSpec } from "../spec/schema.js";

export function recordSchedule(steps: number, rec: RecordSpec): Float64Array {
  const out: number[] = [0];
  const push = (s: number) => {
    if (s > out[out.length - 1]! && s <= steps) out.push(s);
  };
  if (rec.every !== undefined) {
    for (let s = rec.every; s < steps; s += rec.every) push(s);
  } else if (rec.spacing === "linear") {
    const m = rec.points - 1;
    for (let k = 1; k < m; k++) push(Math.round((k * steps) / m));
  } else {
    // log spacing: 1 … steps, geometric, rounded to integers
    const m = rec.points - 1;
    const top = portableLog(Math.max(steps, 1)); // portable: the same schedule in every JS engine
    for (let k = 0; k < m - 1; k++) push(Math.round(portableExp((top * k) / (m - 1))));
  }
  push(steps);
  return Float64Array.from(out);
}
