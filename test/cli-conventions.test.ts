/**
 * CLI conventions: the progress bar only on a terminal, never in colour, plain ASCII with
 * NO_COLOR, silent with -q or TERM=dumb; --out FILE.jsonl equals the --stream lines; stdout holds
 * only what was asked for. A pseudo-terminal comes from util-linux `script`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLI = join(new URL("..", import.meta.url).pathname, "packages/cli/dist/cli.js");
const tmp = mkdtempSync(join(tmpdir(), "samlab-conv-"));
const hasScript = existsSync("/usr/bin/script");
const RUN = `${process.execPath} ${CLI} run --x 1,2,3 --depth 2 --steps 1500000`;
/** stdout+stderr of a command run on a pseudo-terminal. */
function onTty(cmd: string, env: Record<string, string | undefined>): string {
  return spawnSync("script", ["-qec", cmd, "/dev/null"], { encoding: "utf8", env: { ...process.env, ...env } }).stdout;
}
// ESC [ … m with a colour parameter (SGR 30–37, 90–97, 38;…): what NO_COLOR forbids
const COLOUR = /\x1b\[[0-9;]*(3[0-8]|9[0-7])[0-9;]*m/;

describe("CLI conventions", () => {
  it.runIf(hasScript)("on a terminal: a progress bar without colour; NO_COLOR makes it ASCII; -q and TERM=dumb silence it", () => {
    const plain = onTty(`${RUN} --out ${join(tmp, "a.json")}`, { NO_COLOR: undefined, TERM: "xterm" });
    expect(plain).toMatch(/step \d+\/1500000/);
    expect(plain).not.toMatch(COLOUR);
    const ascii = onTty(`${RUN} --out ${join(tmp, "b.json")}`, { NO_COLOR: "1", TERM: "xterm" });
    expect(ascii).toMatch(/[=-]{10,} +\d+% \| step/);
    expect(ascii).not.toMatch(/[█░]/);
    expect(ascii).not.toMatch(COLOUR);
    expect(onTty(`${RUN} -q`, { TERM: "xterm" })).toBe("");
    expect(onTty(`${RUN} --out ${join(tmp, "c.json")}`, { TERM: "dumb" })).not.toMatch(/step \d+\//);
  });

  it("--out FILE.jsonl holds the same lines as --stream FILE.jsonl; stdout only has what was asked for", () => {
    const p = spawnSync(process.execPath, [CLI, "run", "--x", "1,2,3", "--algo", "sam-l2", "--steps", "20000", "--out", "t.jsonl", "--stream", "s.jsonl", "-q"], { cwd: tmp, encoding: "utf8" });
    expect([p.status, p.stdout, p.stderr]).toEqual([0, "", ""]);
    const out = readFileSync(join(tmp, "t.jsonl"), "utf8");
    expect(out).toBe(readFileSync(join(tmp, "s.jsonl"), "utf8"));
    const lines = out.trim().split("\n").map((l) => JSON.parse(l) as { step: number; beta: number[] });
    expect(lines[0]!.step).toBe(0);
    expect(lines.at(-1)!.step).toBe(20000);
    expect(lines.at(-1)!.beta).toHaveLength(3);
    const json = spawnSync(process.execPath, [CLI, "run", "--x", "1,2", "--steps", "100", "--json"], { encoding: "utf8" });
    expect(json.stdout.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(json.stdout).format).toBe("samlab.result/1");
  });
});
