import { defineConfig } from "vitest/config";

// Cross-package and end-to-end tests: they import public entry points (built dist/) only.
export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**"],
    // two cores, and turbo runs at most two packages' tests at once (turbo.json "concurrency")
    maxWorkers: 2,
    reporters: ["default", "json"],
    outputFile: { json: "../.reports/test.json" },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
