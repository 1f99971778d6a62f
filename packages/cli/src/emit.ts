/**
 * `samlab sweep FILE --emit slurm|parallel`: the ready-to-run script that runs a sweep as N shards
 * on a cluster engine and merges them. docs/SCALING.md shows this output for its example, and
 * test/slurm.test.ts runs it on a one-node Slurm and with GNU parallel, so the documented recipe,
 * what users run and what is tested are one text.
 */
import { CliError } from "./errors.js";

export const EMIT_ENGINES = ["slurm", "parallel"] as const;
export type EmitEngine = (typeof EMIT_ENGINES)[number];

export interface EmitOptions {
  engine: EmitEngine;
  /** The sweep file as the user named it (the script runs where that name is valid). */
  file: string;
  /** Number of shards (array tasks, parallel jobs). */
  shards: number;
  /** Worker threads per shard (Slurm: the CPUs per task). */
  workers: number;
  /** Folder for the shard folders out/shard-i and the merged out/all. */
  out: string;
}

/** A word as the shell reads it: bare when it has no special characters, else in single quotes. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9._\/+@%:=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function parseEngine(text: string): EmitEngine {
  if ((EMIT_ENGINES as readonly string[]).includes(text)) return text as EmitEngine;
  throw new CliError(`--emit: expected one of ${EMIT_ENGINES.join(", ")}, got "${text}"`);
}

/** The command that prints this script, for the script's header. */
function madeBy(o: EmitOptions): string {
  const out = o.out === "out" ? "" : ` --out ${shellWord(o.out)}`;
  return `samlab sweep ${shellWord(o.file)} --emit ${o.engine} --shards ${o.shards} --workers ${o.workers}${out}`;
}

export function emitScript(o: EmitOptions): string {
  return o.engine === "slurm" ? slurmScript(o) : parallelScript(o);
}

function slurmScript(o: EmitOptions): string {
  const out = o.out.replace(/\/+$/, "") || ".";
  const shardDir = shellWord(`${out}/shard-`);
  return `#!/bin/bash
# ${o.file}: a Slurm job array of ${o.shards} tasks, one shard of the sweep each (docs/SCALING.md).
# Made by: ${madeBy(o)}
# Submit from the folder that holds ${o.file}; on a cluster of several nodes it must be on a
# filesystem every node sees, and samlab on every node's PATH. Set --time (and --partition,
# --account) to what your cluster asks for.
#   mkdir -p logs && sbatch --wait sweep.sbatch && samlab merge ${shellWord(out)}/shard-* --out ${shellWord(`${out}/all`)}
# A task that failed (i): sbatch --array=i --wait sweep.sbatch, then the merge again.
#SBATCH --job-name=samlab-sweep
#SBATCH --array=0-${o.shards - 1}
#SBATCH --cpus-per-task=${o.workers}
#SBATCH --time=02:00:00
#SBATCH --output=logs/%x-%A_%a.out
set -euo pipefail
# ${o.shards} written out, not $SLURM_ARRAY_TASK_COUNT: that is 1 when a task is resubmitted alone.
samlab sweep ${shellWord(o.file)} \\
  --out ${shardDir}"\${SLURM_ARRAY_TASK_ID}" \\
  --shard "\${SLURM_ARRAY_TASK_ID}/${o.shards}" \\
  --workers "\${SLURM_CPUS_PER_TASK}" --progress --force
`;
}

function parallelScript(o: EmitOptions): string {
  const out = o.out.replace(/\/+$/, "") || ".";
  // parallel joins its command's words with spaces and hands them to a shell: a quoted word needs
  // its quotes kept for that second shell.
  const twice = (s: string) => {
    const w = shellWord(s);
    if (w === s) return s;
    return /["$`\\]/.test(w) ? shellWord(w) : `"${w}"`;
  };
  const jobs = o.workers > 1 ? ` -j $(( ($(nproc) + ${o.workers - 1}) / ${o.workers} ))` : "";
  const indices = Array.from({ length: o.shards }, (_, i) => i).join(" ");
  return `#!/bin/bash
# ${o.file}: ${o.shards} shards of the sweep as GNU parallel jobs (${o.workers > 1 ? `${o.workers} worker threads each, as many at once as the cores allow` : "one per core at a time"}),
# then the merge (docs/SCALING.md).
# Made by: ${madeBy(o)}
# Run it again after a failure or a kill: the shards the joblog records as done are skipped
# (--resume-failed), the others run again from the start (--force).
set -euo pipefail
mkdir -p ${shellWord(out)}
parallel --will-cite --halt soon,fail=1 --joblog ${shellWord(`${out}/parallel.joblog`)} --resume-failed${jobs} \\
  samlab sweep ${twice(o.file)} --out ${twice(`${out}/shard-`)}{} --shard {}/${o.shards} --workers ${o.workers} --force -q ::: ${indices}
samlab merge ${shellWord(out)}/shard-* --out ${shellWord(`${out}/all`)} --force
`;
}
