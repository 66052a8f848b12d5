import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    env: { TZ: "UTC" },
    // Queueing-truth runs simulate 10^5+ requests; on 2 busy cores they need more than the 5 s default.
    testTimeout: 120_000,
  },
});
