/**
 * Every relative link and image in the repository's Markdown files resolves inside the repository:
 * the target file or folder is tracked by git (so it exists on a code host and in a fresh clone),
 * the path does not climb out of the repository root, and a `#fragment` names a heading (GitHub's
 * slug) or an explicit HTML anchor of the target Markdown file. Links with a scheme (https:, mailto:)
 * are not followed. Text inside code spans and fenced code blocks is not a link.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, posix, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Folders that hold build output or dependencies, never hand-written docs. */
const SKIP_DIRS = new Set(["node_modules", "dist", "build", ".turbo", ".reports", ".git", "out", "test-artifacts"]);
/** Generated and git-ignored: the API reference (`pnpm docs:api`), `samlab reproduce`'s default output, bench output. */
const GENERATED = ["docs/api/html/", "reproduction/", "bench/out/"];
const generated = (file: string) => GENERATED.some((g) => file.startsWith(g) || `${file}/` === g);

/** Repository files relative to the root, with `/` separators: git's tracked list, or a walk of the tree without git. */
function repoFiles(): string[] {
  const git = spawnSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" });
  if (git.status === 0 && git.stdout.length > 0) return git.stdout.split("\0").filter((f) => f !== "" && existsSync(join(ROOT, f)));
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !generated(relative(ROOT, join(dir, e.name)).split(sep).join("/"))) walk(join(dir, e.name));
      } else files.push(relative(ROOT, join(dir, e.name)).split(sep).join("/"));
    }
  };
  walk(ROOT);
  return files;
}

/**
 * GitHub's heading slug (github-slugger 2): lower case; drops symbols, other numbers (superscripts),
 * punctuation other than `-` and `_`, and separators other than the space, unless alphabetic; then
 * each space becomes a hyphen.
 */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // a link's text stays, its target goes
    .replace(/<[^>]+>/g, "") // inline HTML tags
    .replace(/[`*]/g, "") // code spans and emphasis markers
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc}\p{Alphabetic}\- ]/gu, "").replace(/ /g, "-");
}

interface Link {
  line: number;
  target: string;
}

/** Markdown lines with fenced code blocks blanked (kept as empty lines so that line numbers stay right). */
function proseLines(text: string): string[] {
  const lines = text.split("\n");
  let fence: string | null = null;
  return lines.map((line) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = null;
      return "";
    }
    if (marker !== undefined) {
      fence = marker;
      return "";
    }
    return line;
  });
}

/** Anchors a Markdown file offers: its headings' slugs (with GitHub's -1, -2 suffixes for repeats) and HTML id/name attributes. */
function anchors(text: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(text)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const base = slug(heading);
      const k = seen.get(base) ?? 0;
      seen.set(base, k + 1);
      out.add(k === 0 ? base : `${base}-${k}`);
    }
    for (const a of line.matchAll(/<a\s[^>]*\b(?:id|name)\s*=\s*"([^"]+)"/g)) out.add(a[1] ?? "");
  }
  return out;
}

/** Relative links and images of one Markdown file: inline `[..](..)`, `![..](..)`, reference definitions and HTML href/src. */
function links(text: string): Link[] {
  const out: Link[] = [];
  proseLines(text).forEach((raw, i) => {
    const line = raw.replace(/(`+)[^`]*?\1/g, ""); // code spans are not links
    const found: string[] = [];
    for (const m of line.matchAll(/\]\(\s*(<[^>]*>|[^)\s]*)(?:\s+"[^"]*")?\s*\)/g)) found.push((m[1] ?? "").replace(/^<|>$/g, ""));
    const def = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(line)?.[1];
    if (def !== undefined) found.push(def.replace(/^<|>$/g, ""));
    for (const m of line.matchAll(/\b(?:href|src)\s*=\s*"([^"]*)"/g)) found.push(m[1] ?? "");
    for (const target of found) {
      if (target === "" || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) continue;
      out.push({ line: i + 1, target });
    }
  });
  return out;
}

describe("relative links in Markdown", () => {
  const files = repoFiles();
  const fileSet = new Set(files);
  const dirSet = new Set(files.flatMap((f) => f.split("/").slice(0, -1).map((_, k, parts) => parts.slice(0, k + 1).join("/"))));
  const markdown = files.filter((f) => f.endsWith(".md") && !generated(f) && !f.split("/").some((part) => SKIP_DIRS.has(part)));
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (file: string): Set<string> => {
    let a = anchorCache.get(file);
    if (!a) anchorCache.set(file, (a = anchors(readFileSync(join(ROOT, file), "utf8"))));
    return a;
  };

  it("finds the repository's Markdown files", () => {
    expect(markdown).toContain("README.md");
    expect(markdown).toContain("docs/MODEL.md");
    expect(markdown.length).toBeGreaterThan(15);
  });

  it("slugs headings as GitHub does", () => {
    expect(slug("Two threads for one run (W3)")).toBe("two-threads-for-one-run-w3");
    expect(slug("ℓ∞-SAM: the discontinuous right-hand side")).toBe("ℓ-sam-the-discontinuous-right-hand-side");
    expect(slug("`samlab run` and **flags**")).toBe("samlab-run-and-flags");
    expect(slug("Step sizes: η_k")).toBe("step-sizes-η_k");
    expect(slug("Memory: a W1 run of 10⁹ steps")).toBe("memory-a-w1-run-of-10-steps");
  });

  it("every relative link and image resolves to a tracked file, folder or heading", () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of markdown) {
      for (const { line, target } of links(readFileSync(join(ROOT, file), "utf8"))) {
        checked++;
        const hash = target.indexOf("#");
        const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash)).replace(/\?.*$/, "");
        const fragment = hash < 0 ? null : decodeURIComponent(target.slice(hash + 1));
        const where = `${file}:${line}: ${target}`;
        const resolved = pathPart === "" ? file : posix.normalize(posix.join(posix.dirname(file), pathPart)).replace(/\/$/, "");
        if (resolved.startsWith("../") || resolved === "..") {
          broken.push(`${where} (outside the repository)`);
          continue;
        }
        const isFile = fileSet.has(resolved);
        if (!isFile && !dirSet.has(resolved) && resolved !== ".") {
          broken.push(`${where} (no such tracked file or folder)`);
          continue;
        }
        if (fragment !== null && fragment !== "") {
          if (!isFile || !resolved.endsWith(".md")) broken.push(`${where} (an anchor into a non-Markdown target)`);
          else if (!anchorsOf(resolved).has(fragment)) broken.push(`${where} (no heading #${fragment} in ${resolved})`);
        }
      }
    }
    expect(broken, `${broken.length} of ${checked} relative links do not resolve:\n${broken.join("\n")}`).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });
});

describe("link extraction", () => {
  it("finds inline links, images, reference definitions and HTML links, and skips code", () => {
    const md = [
      "See [a](docs/A.md#x) and ![img](fig.png \"t\"), <a href=\"b.md\">b</a>.",
      "`[not](code.md)` [web](https://example.com)",
      "```",
      "[fenced](nope.md)",
      "```",
      "[ref]: ./c.md",
    ].join("\n");
    expect(links(md)).toEqual([
      { line: 1, target: "docs/A.md#x" },
      { line: 1, target: "fig.png" },
      { line: 1, target: "b.md" },
      { line: 6, target: "./c.md" },
    ]);
  });
});
