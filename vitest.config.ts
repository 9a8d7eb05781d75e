import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "test/stacks/**/*.test.ts"],
          testTimeout: 30_000,
          // Unit files are isolated (their own sandboxes, temp dirs and CLI processes): a 2-core
          // CI machine runs 3 at once instead of vitest's default there (cores - 1 = 1).
          maxWorkers: Math.max(3, availableParallelism() - 1),
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/harness/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One file at a time (vitest runs this project after the unit files): the harness's
          // droplet is one machine, and a whole routine checks that every container running
          // before its power-off runs again after, so another file's container stopped or
          // removed meanwhile fails it ("containers that did not start again").
          fileParallelism: false,
        },
      },
    ],
  },
});
