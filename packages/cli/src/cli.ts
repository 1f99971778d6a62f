#!/usr/bin/env node
/**
 * The `samlab` command. Side effects live here; commands are built in ./commands/.
 */
import { main } from "./index.js";

// `samlab … | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
