import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Log times without a zone are local time: tests read them in UTC, whatever the machine's zone.
    env: { TZ: "UTC" },
  },
});
