#!/usr/bin/env node
/**
 * The `samlab` command. Side effects live here; commands are built in ./commands/.
 */
import { main } from "./index.js";

process.exitCode = await main(process.argv.slice(2));
