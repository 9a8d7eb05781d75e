/**
 * `backup-run`: the durable Lambda function that runs one plan (packages/core/src/routine).
 * Input: a RunRequest. Invoked asynchronously with the durable execution name
 * `executionName(plan, scheduledTime)` (functions/schedule.ts, the Slack app), so a duplicate
 * delivery joins the existing run. Thin wiring only: config, DigitalOcean client, events.
 */
import { type DurableContext, withDurableExecution } from "@aws/durable-execution-sdk-js";
import {
  type DurableSteps,
  type RoutineDeps,
  type RunRequest,
  type RunResult,
  runPlan,
  validateConfig,
} from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import config from "../lifeboat.config";
import { EventBridgeSink } from "./eventbridge-sink";
import { secret } from "./secrets";

// The SDK's context must be usable as the routine's DurableSteps: checked here by the compiler.
const fits = (ctx: DurableContext): DurableSteps => ctx;

/** The handler body with its ports given: what tests and the CLI wire differently. */
export function backupRun(deps: RoutineDeps, plans = validateConfig(config)) {
  return (request: RunRequest, ctx: DurableContext): Promise<RunResult> => runPlan(fits(ctx), deps, plans, request);
}

let deps: RoutineDeps | undefined;
const lazyDeps = (): RoutineDeps => {
  deps ??= { api: new DigitalOceanClient({ token: secret("DIGITALOCEAN_TOKEN") }), events: new EventBridgeSink() };
  return deps;
};

export const handler = withDurableExecution<RunRequest, RunResult>((request, ctx) =>
  backupRun(lazyDeps())(request, ctx),
);
