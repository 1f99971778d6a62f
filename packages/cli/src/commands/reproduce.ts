/**
 * `samlab reproduce [ID…] [--quick] [--out DIR]`: runs the paper's claims as checked experiments,
 * in parallel over the cores (one worker thread per experiment, longest first), prints a table
 * claim → measured → pass/fail, and writes figures, an HTML report and a Markdown summary.
 */
import { EXPERIMENTS, type Outcome } from "@samlab/sim/experiments";
import { Command } from "commander";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Tinypool } from "tinypool";
import { CliError, EXIT, reportError } from "../errors.js";
import { checkOutputs } from "../io.js";
import { verdict, writeReport } from "../report.js";
import { terminalWidth, wrap } from "../wrap.js";

export const EXIT_CLAIM_FAILED = 4;

function pad(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? chars.slice(0, n - 1).join("") + "…" : s + " ".repeat(n - chars.length);
}

/**
 * The checks for a terminal `width` columns wide: per experiment a heading, then per check its
 * verdict and name, and what was measured below, wrapped at words (nothing cut off). The report
 * files hold the same table with the criteria (report.html, REPRODUCTION.md).
 */
export function checkTable(outcomes: readonly Outcome[], width: number): string {
  let out = "";
  for (const o of outcomes) {
    out += `\n${o.id}\n`;
    for (const c of o.checks) {
      const v = pad(verdict(c), 5);
      out += wrap(c.name, width, `  ${v} `, "        ").join("\n") + "\n";
      out += wrap(c.measured, width, "        → ", "          ").join("\n") + "\n";
    }
  }
  return out;
}

export function reproduceCommand(): Command {
  return new Command("reproduce")
    .description("reproduce the paper's claims as checked experiments, with figures and a report")
    .argument("[ids...]", `experiments to run (default: all): ${EXPERIMENTS.map((e) => e.id).join(", ")}`)
    .option("--quick", "the quick variant (fewer and shorter runs; the whole suite in well under 2 minutes)")
    .option("--out <dir>", "where to write figures/, report.html, REPRODUCTION.md, outcomes.json", "reproduction")
    .option("--markdown <file>", "write the Markdown summary here instead of DIR/REPRODUCTION.md")
    .option("--formats <list>", "figure formats: png, svg or png,svg", "png,svg")
    .option("--workers <n>", "worker threads (default: the number of cores)")
    .option("--list", "list the experiments and exit")
    .option("--force", "overwrite a report (report.html, outcomes.json, the Markdown file) that exists already")
    .addHelpText("after", `\nExit codes: 0 every check passed, 4 a check failed, 2 bad input.`)
    .action(async (ids: string[], opts: Record<string, string | boolean | undefined>) => {
      try {
        if (opts.list) {
          for (const e of EXPERIMENTS) process.stdout.write(`${pad(e.id, 22)} ${e.title}\n`);
          return;
        }
        for (const id of ids) if (!EXPERIMENTS.some((e) => e.id === id)) throw new CliError(`unknown experiment "${id}" (expected one of: ${EXPERIMENTS.map((e) => e.id).join(", ")})`);
        const formats = String(opts.formats).split(",").map((s) => s.trim());
        for (const f of formats) if (f !== "png" && f !== "svg") throw new CliError(`--formats: expected png, svg or png,svg, got "${f}"`);
        const workers = opts.workers === undefined ? availableParallelism() : Number(opts.workers);
        if (!Number.isInteger(workers) || workers < 1) throw new CliError(`--workers: expected a positive integer, got "${opts.workers}"`);
        const quick = opts.quick === true;
        // the output policy of every command: refuse to overwrite a report unless --force, before the experiments run
        const dir = String(opts.out);
        checkOutputs(
          [
            [join(dir, "report.html"), "--out"],
            [join(dir, "outcomes.json"), "--out"],
            [(opts.markdown as string | undefined) ?? join(dir, "REPRODUCTION.md"), opts.markdown ? "--markdown" : "--out"],
          ],
          opts.force === true,
        );
        const chosen = (ids.length ? EXPERIMENTS.filter((e) => ids.includes(e.id)) : EXPERIMENTS).slice().sort((a, b) => b.cost - a.cost);
        const pool = new Tinypool({ filename: new URL("../reproduce-worker.js", import.meta.url).href, maxThreads: Math.min(workers, chosen.length), minThreads: 1 });
        const t0 = Date.now();
        let done = 0;
        process.stderr.write(`samlab reproduce: ${chosen.length} experiments${quick ? " (quick)" : ""} on ${Math.min(workers, chosen.length)} worker threads\n`);
        const outcomes: Outcome[] = await Promise.all(
          chosen.map(async (e) => {
            const o = (await pool.run({ id: e.id, quick })) as Outcome;
            done++;
            process.stderr.write(`  [${done}/${chosen.length}] ${pad(e.id, 22)} ${o.pass ? "pass" : o.checks.some((c) => c.skipped) ? "SKIP" : "FAIL"}  (${o.runs} runs, ${(o.ms / 1000).toFixed(1)} s)\n`);
            return o;
          }),
        );
        await pool.destroy();
        const ordered = EXPERIMENTS.map((e) => outcomes.find((o) => o.id === e.id)).filter((o): o is Outcome => o !== undefined);
        process.stdout.write(checkTable(ordered, terminalWidth()));
        const command = `samlab reproduce${ids.length ? " " + ids.join(" ") : ""}${quick ? " --quick" : ""}`;
        const files = await writeReport(ordered, { dir: String(opts.out), formats: formats as ("png" | "svg")[], markdown: opts.markdown as string | undefined, quick, command });
        const passed = ordered.filter((o) => o.pass).length;
        process.stdout.write(`\n${passed}/${ordered.length} experiments pass · ${((Date.now() - t0) / 1000).toFixed(1)} s · report: ${files.find((f) => f.endsWith(".html"))}\n`);
        process.exitCode = passed === ordered.length ? EXIT.ok : EXIT_CLAIM_FAILED;
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
}
