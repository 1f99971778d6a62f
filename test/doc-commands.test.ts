/**
 * Every `pnpm samlab …` line in the README, docs/*.md and examples/README.md works as pasted from
 * the repository root. Each Markdown file's command lines run in order (a later line may read what
 * an earlier one wrote) in a fresh folder holding a copy of examples/, through bash, with `pnpm
 * samlab` bound to this checkout's built CLI. What is changed, and only for time: a full
 * `samlab reproduce` (minutes) runs its --quick variant, and `samlab web` (a server that runs until
 * stopped) is stopped once it has printed its address and served the page.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const CLI = join(ROOT, "packages/cli/dist/cli.js");

/** The Markdown files whose shell blocks are run. */
const FILES = ["README.md", "examples/README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

interface DocCommand {
  file: string;
  line: number;
  text: string;
}

/**
 * Lines of ```sh / ```bash / ```shell blocks that call `pnpm samlab`. The README's two setup
 * commands (`bash scripts/setup.sh && …`) are what CI itself runs: they are not re-run here.
 */
export function docCommands(file: string, markdown: string): DocCommand[] {
  const out: DocCommand[] = [];
  let inShell = false;
  let inBlock = false;
  markdown.split("\n").forEach((raw, i) => {
    const fence = /^\s*```(\w*)/.exec(raw);
    if (fence) {
      if (inBlock) inBlock = inShell = false;
      else {
        inBlock = true;
        inShell = ["sh", "bash", "shell"].includes(fence[1]!);
      }
      return;
    }
    if (!inShell || !/\bpnpm samlab\b/.test(raw) || raw.includes("scripts/setup.sh")) return;
    out.push({ file, line: i + 1, text: raw.trim() });
  });
  return out;
}

/** The time-only changes described at the top of this file. */
function forTime(text: string): string {
  if (/\bpnpm samlab reproduce\b/.test(text) && !/--quick\b/.test(text) && !/--list\b/.test(text)) return text.replace(/\bpnpm samlab reproduce\b/, "pnpm samlab reproduce --quick");
  return text;
}

/** `pnpm samlab ARGS` runs this checkout's CLI; everything else on the line is plain bash. */
const PRELUDE = `set -o pipefail
pnpm() { if [ "$1" = samlab ]; then shift; node ${JSON.stringify(CLI)} "$@"; else command pnpm "$@"; fi; }
`;

function runLine(cwd: string, text: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("bash", ["-c", PRELUDE + forTime(text)], { cwd, encoding: "utf8", timeout: 240_000, env: { ...process.env, NO_COLOR: "1" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `samlab web`: waits for the printed address, fetches the page, then stops it with Ctrl-C (SIGINT). */
async function runWeb(cwd: string, text: string): Promise<{ url: string; page: string; code: number | null }> {
  const child = spawn("bash", ["-c", PRELUDE + `exec ${text.replace(/\bpnpm samlab\b/, `node ${JSON.stringify(CLI)}`)} --port 0`], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address printed: ${out}`)), 60_000);
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /(http:\/\/\S+?)\/?\s/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on("exit", (c) => reject(new Error(`exited ${c} before serving: ${out}`)));
  });
  const page = await (await fetch(`${url}/`)).text();
  const code = await new Promise<number | null>((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", (c) => resolve(c));
    child.kill("SIGINT");
  });
  return { url, page, code };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("documented commands run as pasted from the repository root", () => {
  const all = FILES.flatMap((f) => docCommands(f, readFileSync(join(ROOT, f), "utf8")));

  it("finds the README's and the docs' command lines", () => {
    expect(all.filter((c) => c.file === "README.md").length).toBeGreaterThanOrEqual(6);
    expect(all.some((c) => c.file === "examples/README.md")).toBe(true);
    expect(all.some((c) => /pnpm samlab web\b/.test(c.text))).toBe(true);
  });

  for (const file of FILES) {
    const cmds = all.filter((c) => c.file === file);
    if (cmds.length === 0) continue;
    it(`${file}: ${cmds.length} command line(s) exit 0`, { timeout: 600_000 }, async () => {
      const cwd = mkdtempSync(join(tmpdir(), "samlab-docs-"));
      dirs.push(cwd);
      cpSync(join(ROOT, "examples"), join(cwd, "examples"), { recursive: true });
      for (const c of cmds) {
        const where = `${c.file}:${c.line}: ${c.text}`;
        if (/\bpnpm samlab web\b/.test(c.text)) {
          const w = await runWeb(cwd, c.text.replace(/\s+#.*$/, ""));
          expect(w.page, where).toContain("<samlab-explorer");
          expect(w.code, where).toBe(0);
          continue;
        }
        const r = runLine(cwd, c.text);
        expect(r.status, `${where}\n${r.stderr.slice(-2000)}`).toBe(0);
        expect(r.stderr, where).not.toMatch(/internal error|Error:/);
      }
    });
  }
});

describe("the line extractor", () => {
  it("takes pnpm samlab lines from shell blocks only, and skips the setup commands", () => {
    const md = ["```sh", "pnpm samlab run --x 1,2", "bash scripts/setup.sh && pnpm samlab reproduce --quick", "echo hi", "```", "pnpm samlab not-in-a-block", "```console", "$ pnpm samlab reproduce --quick", "```", "```bash", "cat a | pnpm samlab run --spec -", "```"].join("\n");
    expect(docCommands("x.md", md).map((c) => [c.line, c.text])).toEqual([
      [2, "pnpm samlab run --x 1,2"],
      [11, "cat a | pnpm samlab run --spec -"],
    ]);
  });

  it("a failing documented line fails", () => {
    const cwd = mkdtempSync(join(tmpdir(), "samlab-docs-"));
    dirs.push(cwd);
    expect(runLine(cwd, "pnpm samlab run --spec examples/no-such-file.json").status).toBe(2);
  });
});
