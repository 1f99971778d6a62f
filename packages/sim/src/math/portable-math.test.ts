import { describe, expect, it } from "vitest";
import { portableLog } from "./portable-math.js";

describe("portableLog", () => {
  it("equals Node 20's Math.log (fdlibm) bit for bit on uniform, tiny, huge and special inputs", () => {
    const xs: number[] = [0, -0, -1, NaN, Infinity, 1, 2, Math.E, 0.5, 1 + 2 ** -30, 1 - 2 ** -30, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308];
    let s = 12345;
    for (let k = 0; k < 200_000; k++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const u = (s + 0.5) / 4294967296;
      xs.push(u, u * 1e-300, u * 1e300, 1 + (u - 0.5) * 1e-6, u * 10);
    }
    let bad = 0;
    for (const x of xs) if (!Object.is(portableLog(x), Math.log(x))) bad++;
    expect(bad).toBe(0);
  });
});

describe("portableSin / portableCos", () => {
  it("equal Node 20's Math.sin / Math.cos (fdlibm) bit for bit on [0, 2π), small, negative and medium arguments", async () => {
    const { portableSin, portableCos } = await import("./portable-math.js");
    const xs: number[] = [0, -0, 1e-300, -1e-9, Math.PI / 4, Math.PI / 2, Math.PI, 2 * Math.PI, 3 * Math.PI / 4, 1e5, -1e5, 8e5, NaN, Infinity];
    let s = 99;
    for (let k = 0; k < 200_000; k++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const u = (s + 0.5) / 4294967296;
      xs.push(2 * Math.PI * u, (u - 0.5) * 40, u * 1e-5, (u - 0.5) * 1e6, 0.5 + u * 0.5);
    }
    let bad = 0;
    for (const x of xs) {
      if (!Object.is(portableSin(x), Math.sin(x))) bad++;
      if (!Object.is(portableCos(x), Math.cos(x))) bad++;
    }
    expect(bad).toBe(0);
  });
});

describe("portableExp / portableLog1p", () => {
  it("equal Node 20's Math.exp / Math.log1p (fdlibm) bit for bit over wide ranges", async () => {
    const { portableExp, portableLog1p } = await import("./portable-math.js");
    const xs: number[] = [0, -0, 1, -1, 0.5, 1e-300, -1e-300, 709.7, 709.8, -745.1, -745.2, -708, 1e-9, NaN, Infinity, -Infinity, 1e300, -0.999999];
    let s = 5;
    for (let k = 0; k < 200_000; k++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const u = (s + 0.5) / 4294967296;
      xs.push((u - 0.5) * 1500, (u - 0.5) * 10, (u - 0.5) * 1e-6, u * 1e6 - 1, u * 2 - 1);
    }
    let bad = 0;
    for (const x of xs) {
      if (!Object.is(portableExp(x), Math.exp(x))) bad++;
      if (!Object.is(portableLog1p(x), Math.log1p(x))) bad++;
    }
    expect(bad).toBe(0);
  });
});
