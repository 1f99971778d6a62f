/**
 * Exit codes and one-line error reporting for every samlab command (documented in docs/CLI.md).
 */
import { CheckpointError, DataError, SpecError, oneLine } from "@samlab/sim";

export const EXIT = {
  ok: 0,
  /** An unexpected internal failure (a bug: please report it). */
  internal: 1,
  /** Bad input: a flag, a spec field, a file. */
  usage: 2,
  /** The run stopped on a non-finite value (divergence). */
  diverged: 3,
  /** Interrupted by SIGINT (Ctrl-C); the partial Result and a checkpoint were written. */
  interrupted: 130,
  /** Terminated by SIGTERM; the partial Result and a checkpoint were written. */
  terminated: 143,
} as const;

/** An error meant for the user: printed as one line, exits with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number = EXIT.usage,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** One line on stderr; control characters from user input (file names, JSON keys) are escaped, never sent to the terminal. */
function line(text: string): void {
  process.stderr.write(`samlab: ${oneLine(text, 2000)}\n`);
}

/** Prints an error as one line on stderr and returns its exit code. Stack traces only with SAMLAB_DEBUG=1. */
export function reportError(e: unknown, flagOf?: (field: string) => string | undefined): number {
  if (process.env.SAMLAB_DEBUG === "1" && e instanceof Error) console.error(e.stack);
  if (e instanceof SpecError) {
    const flag = flagOf?.(e.field);
    const where = flag ? `${flag} (spec field ${e.field})` : e.field;
    line(`invalid spec: ${where}: ${e.expected}`);
    return EXIT.usage;
  }
  if (e instanceof CheckpointError) {
    // a checkpoint that does not fit its run (found on resume: the data changed, the schedule differs)
    line(`invalid checkpoint: ${e.message}`);
    return EXIT.usage;
  }
  if (e instanceof DataError) {
    // already "FILE: line N: reason" / "FILE: byte N: reason"
    line(`bad data: ${e.message}`);
    return EXIT.usage;
  }
  if (e instanceof CliError) {
    line(e.message);
    return e.code;
  }
  const msg = e instanceof Error ? e.message : String(e);
  line(`internal error: ${msg.split("\n")[0]} (set SAMLAB_DEBUG=1 for details)`);
  return EXIT.internal;
}
