/**
 * How every function is bundled (esbuild through SST), in one place so the Slack cold-start
 * benchmark bundles exactly what is deployed.
 */
import type { LifeboatConfig } from "@lifeboat/core";

/** Modules Bolt imports but lifeboat never runs on Lambda (Socket Mode, Express/HTTP receivers). */
export const UNUSED_ON_LAMBDA = ["@slack/socket-mode", "express", "raw-body", "body-parser"];

export function esbuildOptions(config: LifeboatConfig) {
  return {
    // ssh2's native speed-ups are optional (it falls back to JS); they cannot be bundled.
    external: ["cpu-features", "*.node"],
    alias: {
      ...Object.fromEntries(UNUSED_ON_LAMBDA.map((name) => [name, "./functions/shims/unused.cjs"])),
      "mime-db": "./functions/shims/no-mime-types.cjs",
    },
    // The config validated at deploy, inlined: functions/config.ts then needs no validator.
    define: {
      LIFEBOAT_CONFIG_INLINED: "true",
      LIFEBOAT_VALIDATED_CONFIG: JSON.stringify(config),
    },
  };
}
