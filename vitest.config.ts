import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // One pool for both projects (same sequence.groupOrder, so one maxWorkers): unit files fill
    // the gaps while integration files wait on real services. Most files wait on services or
    // child processes rather than compute, so a 2-core CI machine runs 3 files at once instead
    // of vitest's default there (cores - 1 = 1, every file one after another); larger machines
    // keep the default.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "test/stacks/**/*.test.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/harness/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
