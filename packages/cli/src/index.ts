/**
 * @samlab/cli — the samlab command as a library: `main(argv)` runs it and resolves to an exit code.
 */
import { SAMLAB_VERSION } from "@samlab/sim";
import { Command, CommanderError } from "commander";
import { reproduceCommand } from "./commands/reproduce.js";
import { runCommand } from "./commands/run.js";
import { resumeCommand } from "./commands/resume.js";
import { sweepCommand } from "./commands/sweep.js";
import { mergeCommand } from "./commands/merge.js";
import { maxmarginCommand } from "./commands/maxmargin.js";
import { webCommand } from "./commands/web.js";
import { EXIT, reportError } from "./errors.js";

export { EXIT, CliError } from "./errors.js";
export { writeFileAtomic, readJsonFile } from "./io.js";
export { specFromOptions, SPEC_FLAGS } from "./spec-flags.js";
export { humanSummary } from "./summary.js";
export { serveStatic, type StaticServer, type ServeOptions } from "./static-server.js";
export { ManifestError, parseManifest, SWEEP_OUTPUT_FORMAT, type SweepManifest } from "./sweep-output.js";

export const VERSION = SAMLAB_VERSION;

export function buildProgram(): Command {
  const program = new Command("samlab")
    .description("samlab — see and measure how SAM and gradient descent choose their solutions\n(L-layer diagonal linear networks; GD, ℓ2-SAM, ℓ∞-SAM, USAM)")
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ outputError: (str, write) => write(`samlab: ${str.replace(/^error: /, "")}`) });
  program.addCommand(runCommand());
  program.addCommand(resumeCommand());
  program.addCommand(reproduceCommand());
  program.addCommand(sweepCommand());
  program.addCommand(mergeCommand());
  program.addCommand(maxmarginCommand());
  program.addCommand(webCommand());
  return program;
}

/** Runs the command line `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const exitOverride = (cmd: Command) => {
    cmd.exitOverride();
    cmd.configureOutput({ outputError: (str, write) => write(`samlab: ${str.replace(/^error: /, "")}`) });
    cmd.showHelpAfterError("(run with --help for usage)");
    cmd.commands.forEach(exitOverride);
  };
  exitOverride(program);
  process.exitCode = undefined;
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return EXIT.ok;
      return EXIT.usage;
    }
    return reportError(e);
  }
  return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
}
