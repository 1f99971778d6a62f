// Reads the vitest JSON reports in .reports/ and prints the plain line CI reads: "N passed, N failed".
// A failed `pnpm typecheck` (.reports/typecheck.failed, written by .ci/run) counts as one failure.
// A package whose report is missing (its vitest crashed or never ran) counts as one failure.
import { existsSync, readFileSync } from "node:fs";

const expected = ["core-wasm", "sim", "cli", "web", "test"];
let passed = 0;
let failed = 0;
const missing = [];
for (const name of expected) {
  const file = `.reports/${name}.json`;
  if (!existsSync(file)) {
    missing.push(name);
    failed += 1;
    continue;
  }
  const r = JSON.parse(readFileSync(file, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // a test file that failed without a failing test (it did not load, or a hook threw) counts once
  for (const f of r.testResults ?? []) {
    if (f.status === "failed" && !(f.assertionResults ?? []).some((a) => a.status === "failed")) failed += 1;
  }
  if (r.numPendingTests || r.numTodoTests) console.log(`note: ${name}: ${r.numPendingTests} skipped, ${r.numTodoTests} todo`);
}
// written by .ci/run when `pnpm typecheck` fails: one failure, whatever the number of type errors
if (existsSync(".reports/typecheck.failed")) {
  console.log(`type check failed: ${readFileSync(".reports/typecheck.failed", "utf8").trim()}`);
  failed += 1;
}
// written by .ci/run when the test command failed: one failure if no test accounts for it
// (vitest exits non-zero on an unhandled error while every test passed)
if (existsSync(".reports/test-command.failed") && failed === 0) {
  console.log(`${readFileSync(".reports/test-command.failed", "utf8").trim()} although no test failed; counted as one failure`);
  failed += 1;
}
if (missing.length) console.log(`missing test reports (counted as failures): ${missing.join(", ")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
