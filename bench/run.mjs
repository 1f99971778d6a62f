// `pnpm bench` — the engines side by side on the workloads of issue 7 (bench/workloads.mjs):
// the WebAssembly engine, the pure-TS reference engine, native C (gcc -O3 -march=native and plain
// -O3; bench/native/step.c, benchmark-only) and NumPy (one BLAS thread) when python3 has numpy.
// Each engine runs in its own child process per repetition (round-robin over the engines); the table
// shows ns/step medians with their ranges and the ratios to native C, and the final β of all engines
// are compared at a common step count. Writes bench/out/latest.md and bench/out/latest.json.
//
//   pnpm bench                 full run (a few minutes on 2 cores)
//   pnpm bench --quick         1/20 of the steps, 2 repetitions (a smoke test, ~15 s)
//   pnpm bench --only W1,B1    a subset of the workloads ("family": the SAM family's table, bench/family.mjs;
//                              "sharpness": the cost of recording λ_max, bench/sharpness.mjs)
//   pnpm bench --reps 7        repetitions per engine (default 5)
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { workloads, writeData } from "./workloads.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "out");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = opt("--only")?.split(",");
const reps = Number(opt("--reps") ?? (quick ? 2 : 5));

function sh(cmd, argv, env) {
  const r = spawnSync(cmd, argv, { encoding: "utf8", env: env ?? process.env, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} failed (${r.status}):\n${r.stderr}`);
  if (r.stderr.trim()) process.stderr.write(r.stderr);
  return r.stdout;
}

// ---- native builds (gitignored bench/native/*.bin) ----
const cSrc = join(here, "native", "step.c");
const cBins = {
  "C -O3 -march=native": { bin: join(here, "native", "step-native.bin"), flags: ["-O3", "-march=native"] },
  "C -O3": { bin: join(here, "native", "step-O3.bin"), flags: ["-O3"] },
};
for (const { bin, flags } of Object.values(cBins)) sh("gcc", [...flags, "-std=c11", "-o", bin, cSrc, "-lm"]);

// ---- NumPy (optional) ----
const pyEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
// this machine's profile may pin an OpenBLAS core type / L2 size; let OpenBLAS detect them itself
delete pyEnv.OPENBLAS_CORETYPE;
delete pyEnv.OPENBLAS_L2_SIZE;
const numpyVersion = (() => {
  const r = spawnSync("python3", ["-c", "import numpy; print(numpy.__version__)"], { encoding: "utf8", env: pyEnv });
  return r.status === 0 ? r.stdout.trim() : undefined;
})();

// ---- engines ----
function engineCmd(engine, mode, data, steps, n) {
  if (engine in cBins) return [cBins[engine].bin, [mode, data, String(steps), String(n)], process.env];
  if (engine === "NumPy") return ["python3", [join(here, "numpy_step.py"), mode, data, String(steps), String(n)], pyEnv];
  const key = {
    WASM: "wasm",
    "WASM 2 threads": "wasm-2t",
    "WASM f32 x": "wasm-f32",
    "WASM f32 x, 2 threads": "wasm-f32-2t",
    "TS reference": "reference",
    "WASM batch 1 thread": "wasm-batch",
    "WASM batch 2 threads": "wasm-batch-2t",
  }[engine];
  return [process.execPath, [join(here, "engines.mjs"), key, mode, data, String(steps), String(n)], process.env];
}
function runEngine(engine, mode, data, steps, n) {
  const [cmd, argv, env] = engineCmd(engine, mode, data, steps, n);
  return JSON.parse(sh(cmd, argv, env).trim().split("\n").pop());
}
const stepsKey = (engine) =>
  engine.startsWith("C") ? "c" : engine === "NumPy" ? "numpy" : engine === "TS reference" ? "reference" : engine.startsWith("WASM batch") ? "batch" : "wasm";

const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Per run, max_j |a_j − b_j| / max_j |b_j|. */
function relDiffs(a, b, d) {
  const out = [];
  for (let r = 0; r * d < b.length; r++) {
    let scale = 0;
    let diff = 0;
    for (let j = r * d; j < (r + 1) * d; j++) {
      scale = Math.max(scale, Math.abs(b[j]));
      diff = Math.max(diff, Math.abs(a[j] - b[j]));
    }
    out.push(scale > 0 ? diff / scale : diff);
  }
  return out;
}
const relDiff = (a, b, d) => Math.max(...relDiffs(a, b, d));
/** The agreement cell: the worst relative difference; for batches also how many runs are within 1e-9. */
function agreeText(a, b, d, R) {
  const diffs = relDiffs(a, b, d);
  const worst = Math.max(...diffs);
  const w = worst === 0 ? "identical" : worst.toExponential(1);
  if (R === 1) return w;
  return `${diffs.filter((x) => x <= 1e-9).length}/${R} runs ≤ 1e-9 (worst ${w})`;
}

const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const machine = {
  cpu: `${cpus()[0]?.model ?? "?"} × ${cpus().length} logical cores`,
  memory: `${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  node: process.version,
  gcc: sh("gcc", ["-dumpfullversion"]).trim(),
  numpy: numpyVersion ?? "not found",
  loadBefore: loadavg().map((v) => v.toFixed(2)).join(" "),
  date: new Date().toISOString(),
};
console.log(`samlab bench${quick ? " --quick" : ""}: ${machine.cpu}; Node ${machine.node}; gcc ${machine.gcc}; NumPy ${machine.numpy}; load ${machine.loadBefore}`);

const results = [];
const lines = [];
for (const w of workloads(quick)) {
  if (only && !only.includes(w.name)) continue;
  const data = writeData(w, join(outDir, "data"));
  const batch = Boolean(w.batch);
  const mode = batch ? "batch" : "single";
  const R = batch ? w.batch.length : 1;
  const engines = [...Object.keys(cBins), "WASM", "TS reference"];
  if (batch) engines.push("WASM batch 1 thread", "WASM batch 2 threads");
  if (w.threads) engines.push("WASM 2 threads");
  if (w.f32) engines.push("WASM f32 x", "WASM f32 x, 2 threads");
  if (numpyVersion) engines.push("NumPy");
  console.log(`\n${w.name}: ${w.what}`);
  const rows = [];
  // agreement at the common step count; the TS reference (the engines' yardstick) is the baseline
  const check = {};
  for (const e of engines) check[e] = runEngine(e, mode, data, w.check, 1).beta;
  const d = check["TS reference"].length / R;
  // repetitions round-robin over the engines (one process per engine and repetition), so a load
  // spike from elsewhere on the machine hits all engines alike rather than one
  const repsOf = (e) => (e === "TS reference" || batch ? Math.min(reps, 3) : reps); // slow ones: ≤ 3
  const timed = Object.fromEntries(engines.map((e) => [e, { ns: [], cpu: [] }]));
  for (let rep = 0; rep < reps; rep++) {
    for (const e of engines) {
      if (rep >= repsOf(e)) continue;
      const r = runEngine(e, mode, data, w.steps[stepsKey(e)], 1);
      timed[e].ns.push(...r.ns);
      timed[e].cpu.push(...r.cpu);
    }
  }
  for (const e of engines) {
    // the single-run engines are timed on a slice of a batch (their per-run cost does not depend on R)
    const steps = w.steps[stepsKey(e)];
    const res = timed[e];
    const per = res.ns.map((t) => t / (steps * R));
    const cpu = median(res.cpu.map((t) => t / (steps * R)));
    const row = { engine: e, steps, reps: res.ns.length, median: median(per), min: Math.min(...per), max: Math.max(...per), cpu, agree: relDiff(check[e], check["TS reference"], d), agreeText: agreeText(check[e], check["TS reference"], d, R) };
    if (batch && e !== "WASM") row.agreeText += check[e].every((v, k) => Object.is(v, check.WASM[k])) ? "; = WASM bit for bit" : "";
    rows.push(row);
    console.log(`  ${e.padEnd(22)} ${fmt(row.median).padStart(9)} ns/${batch ? "run-step" : "step"}  [${fmt(row.min)}–${fmt(row.max)}]  cpu ${fmt(cpu)}  β vs reference ${row.agreeText}`);
  }
  const cn = rows.find((r) => r.engine === "C -O3 -march=native").median;
  const c3 = rows.find((r) => r.engine === "C -O3").median;
  for (const r of rows) {
    r.vsNative = r.median / cn;
    r.vsO3 = r.median / c3;
  }
  results.push({ workload: w.name, what: w.what, check: w.check, rows });
  lines.push(`### ${w.name} — ${w.what}`, "");
  lines.push(`| engine | steps × reps | ns/${batch ? "run-step" : "step"} median | range | × C native | × C -O3 | CPU ns/${batch ? "run-step" : "step"} | β vs reference at step ${w.check} |`);
  lines.push("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    lines.push(`| ${r.engine} | ${r.steps.toExponential(0)} × ${r.reps} | ${fmt(r.median)} | ${fmt(r.min)}–${fmt(r.max)} | ${r.vsNative.toFixed(2)} | ${r.vsO3.toFixed(2)} | ${fmt(r.cpu)} | ${r.agreeText} |`);
  }
  lines.push("");
}
// the SAM family's costs at W2's size (bench/family.mjs), in its own process
let family;
if (!only || only.includes("family")) {
  const out = sh(process.execPath, [join(here, "family.mjs"), ...(quick ? ["--quick"] : [])]).trim().split("\n");
  family = JSON.parse(out.pop()).family;
  console.log(out.join("\n"));
  lines.push(`### SAM family at W2's size (bench/family.mjs; CPU time, steps 0–${quick ? 199 : 3999} of each run)`, "", "| variant | µs/step | × ℓ2-SAM | code |", "|---|---:|---:|---|");
  for (const r of family) lines.push(`| ${r.name} | ${(r.ns / 1000).toFixed(2)} | ${r.ratio.toFixed(2)} | ${r.path} |`);
  lines.push("");
}
// the cost of recording sharpness (bench/sharpness.mjs: its own process, printed, never asserted)
if (!only || only.includes("sharpness")) {
  const text = sh(process.execPath, [join(here, "sharpness.mjs"), ...(quick ? ["--quick"] : [])]);
  process.stdout.write(text);
  lines.push("### Sharpness", "", "```", text.trim(), "```", "");
}
machine.loadAfter = loadavg().map((v) => v.toFixed(2)).join(" ");
const md = [
  `# samlab bench${quick ? " (--quick)" : ""}`,
  "",
  `Machine: ${machine.cpu}, ${machine.memory}; Node ${machine.node}; gcc ${machine.gcc}; NumPy ${machine.numpy} (1 BLAS thread).`,
  `Date ${machine.date}; load average before ${machine.loadBefore}, after ${machine.loadAfter}.`,
  "ns/step: wall time (the ratios use these medians). CPU ns/step: process CPU time, median (all threads of the process: for two-thread engines it is the sum of both).",
  "β vs reference: max over runs of max_j |β_j − β_ref,j| / max_j |β_ref,j| after the same steps (the TS reference engine is the yardstick).",
  "",
  ...lines,
].join("\n");
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "latest.md"), md + "\n");
writeFileSync(join(outDir, "latest.json"), JSON.stringify({ machine, quick, results, family }, null, 2) + "\n");
console.log(`\nwrote ${join(outDir, "latest.md")}`);
