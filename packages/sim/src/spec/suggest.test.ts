import { describe, expect, it } from "vitest";
import { didYouMean, editDistance, nearest } from "./suggest.js";
import { SpecError } from "./errors.js";
import { parseSpec } from "./schema.js";

describe("did you mean", () => {
  it("counts insertions, deletions, substitutions and adjacent swaps as one edit each", () => {
    expect(editDistance("alpha", "alpha")).toBe(0);
    expect(editDistance("alpah", "alpha")).toBe(1); // swap
    expect(editDistance("alph", "alpha")).toBe(1);
    expect(editDistance("alphaa", "alpha")).toBe(1);
    expect(editDistance("alpxa", "alpha")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("suggests the candidate up to case and separators, an abbreviation, or the nearest close one, and nothing when none is close", () => {
    expect(nearest("sam_l2", ["gd", "sam-l2", "sam-linf", "usam"])).toBe("sam-l2");
    expect(nearest("lrschedule", ["lr", "lrSchedule", "rhoSchedule"])).toBe("lrSchedule");
    expect(nearest("lin", ["log", "linear"])).toBe("linear");
    expect(nearest("sam-l3", ["gd", "sam-l2", "sam-linf", "usam"])).toBe("sam-l2");
    expect(nearest("zzz", ["steps", "seed", "rho"])).toBeUndefined();
    expect(didYouMean("stpes", ["steps", "seed"])).toBe(' (did you mean "steps"?)');
    expect(didYouMean("zzz", ["steps"])).toBe("");
  });
});

describe("spec errors name the nearest valid field or value", () => {
  const base = { version: 1, data: { x: [[1, 2]], y: [1] } };
  const message = (spec: object): string => {
    try {
      parseSpec(spec);
    } catch (e) {
      if (e instanceof SpecError) return e.message;
      throw e;
    }
    throw new Error("expected a SpecError");
  };

  it("an unknown field, at any depth, with its full path", () => {
    expect(message({ ...base, init: { alpah: 0.1 } })).toMatch(/^init\.alpah: unknown field \(did you mean "alpha"\?\)/);
    expect(message({ ...base, stpes: 10 })).toBe('stpes: unknown field (did you mean "steps"?)');
    expect(message({ ...base, record: { pionts: 4 } })).toBe('record.pionts: unknown field (did you mean "points"?)');
    expect(message({ ...base, zzz: 1 })).toBe("zzz: unknown field (check its spelling)");
  });

  it("an enum value, with what was given", () => {
    expect(message({ ...base, algo: "sam-l3" })).toMatch(/^algo: expected one of "gd", "sam-l2", .*, got "sam-l3" \(did you mean "sam-l2"\?\)$/);
    expect(message({ ...base, record: { spacing: "lin" } })).toBe('record.spacing: expected "log" or "linear", got "lin" (did you mean "linear"?)');
    expect(message({ version: 1, data: { generator: "gausian-sparse" } })).toMatch(/got "gausian-sparse" \(did you mean "gaussian-sparse"\?\)$/);
  });
});
