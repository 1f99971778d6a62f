import { defineConfig } from "vitest/config";

export default defineConfig({
  ssr: { resolve: { conditions: ["@samlab/source"] } },
  test: {
    include: ["src/**/*.test.ts"],
    // two cores, and turbo runs at most two packages' tests at once (turbo.json "concurrency")
    maxWorkers: 2,
    reporters: ["default", "json"],
    outputFile: { json: "../../.reports/sim.json" },
    testTimeout: 60_000,
  },
});
