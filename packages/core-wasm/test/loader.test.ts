/**
 * The one loader of the three modules: each compiles once per realm, a failure says what failed and
 * what the environment needs (and is not cached, so a later attempt can succeed), and every instance
 * gets an `abort` that throws.
 */
import { describe, expect, it } from "vitest";
import { compileBatch } from "../dist/batch.js";
import { compileCore } from "../dist/index.js";
import { compileModule, decodeBase64, instantiateModule, moduleEnv } from "../dist/loader.js";
import { compileCoreThreaded } from "../dist/threads.js";

describe("loader", () => {
  it("compiles each module once per realm", async () => {
    expect(compileCore()).toBe(compileCore());
    expect(compileBatch()).toBe(compileBatch());
    expect(compileCoreThreaded()).toBe(compileCoreThreaded());
    expect(await compileCore()).not.toBe(await compileBatch());
  });

  it("rejects bytes that are not a module with what failed and what is needed, and does not cache the failure", async () => {
    const junk = btoa("not wasm");
    const first = compileModule("test module", junk);
    await expect(first).rejects.toThrow(/could not compile the test module \(.*\); it needs WebAssembly SIMD \(Node >= 16\.4/);
    const second = compileModule("test module", junk);
    expect(second).not.toBe(first);
    await expect(second).rejects.toThrow(/could not compile the test module/);
    await expect(compileModule("threaded test module", junk, true)).rejects.toThrow(/WebAssembly threads .*cross-origin-isolated/);
  });

  it("decodes base64 exactly", () => {
    expect(Array.from(decodeBase64(btoa(String.fromCharCode(0, 97, 255, 128))))).toEqual([0, 97, 255, 128]);
  });

  it("gives every instance an abort that throws with the source position, and the threaded core its memory", async () => {
    const abort = moduleEnv("core").env!.abort as (m: number, f: number, line: number, col: number) => void;
    expect(() => abort(0, 0, 12, 34)).toThrow("samlab core aborted at 12:34");
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    expect(moduleEnv("core", memory).env!.memory).toBe(memory);
    const core = instantiateModule<{ row_block(): number }>("core", await compileCore());
    expect(core.row_block()).toBe(128);
  });
});
