import type { App } from "sst/constructs";
import { Backups } from "./Backups";
import { esbuildOptions } from "./bundling";
import { lifeboatConfig } from "./config";
import { acceptAppWideFindings } from "./nag";
import { LAMBDA_RUNTIME } from "./runtime";
import { Secrets } from "./Secrets";
import { Slack } from "./Slack";
import { Storage } from "./Storage";

/** The whole app: function defaults and stacks. Used by sst.config.ts and by the stack tests. */
export function lifeboatApp(app: App): void {
  app.setDefaultFunctionProps({
    runtime: LAMBDA_RUNTIME,
    architecture: "arm_64",
    // No X-Ray: it would add xray:* grants to every role for traces nobody reads.
    tracing: "disabled",
    // Every function's log group keeps 90 days (Lambda creates it; SST sets its retention).
    logRetention: "three_months",
    nodejs: {
      format: "esm",
      minify: true,
      esbuild: esbuildOptions(lifeboatConfig),
    },
  });
  app.stack(Storage).stack(Secrets).stack(Backups).stack(Slack);
  acceptAppWideFindings(app);
}
