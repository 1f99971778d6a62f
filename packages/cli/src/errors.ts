/**
 * Exit codes and one-line error reporting for every samlab command (documented in docs/CLI.md).
 */
import { DataError, SpecError } from "@samlab/sim";

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

/** Prints an error as one line on stderr and returns its exit code. Stack traces only with SAMLAB_DEBUG=1. */
export function reportError(e: unknown, flagOf?: (field: string) => string | undefined): number {
  if (process.env.SAMLAB_DEBUG === "1" && e instanceof Error) console.error(e.stack);
  if (e instanceof SpecError) {
    const flag = flagOf?.(e.field);
    const where = flag ? `${flag} (spec field ${e.field})` : e.field;
    process.stderr.write(`samlab: invalid spec: ${where}: ${e.expected}\n`);
    return EXIT.usage;
  }
  if (e instanceof CliError) {
    process.stderr.write(`samlab: ${e.message}\n`);
  if (e instanceof DataError) {
    // already "FILE: line N: reason" / "FILE: byte N: reason"
    process.stderr.write(`samlab: bad data: ${e.message}\n`);
    return EXIT.usage;
  }
    return e.code;
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`samlab: internal error: ${msg.split("\n")[0]} (set SAMLAB_DEBUG=1 for details)\n`);
  return EXIT.internal;
}
