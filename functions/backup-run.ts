/**
 * `backup-run`: the durable Lambda function that runs one plan (packages/core/src/routine).
 * Input: a RunRequest. Invoked asynchronously with the durable execution name
 * `executionName(plan, scheduledTime)` (functions/schedule.ts, the Slack app), so a duplicate
 * delivery joins the existing run. Thin wiring only: config, DigitalOcean client, events, and
 * the SSH phases (./droplet-hosts.ts: SSH key secret, archive sink, STS-limited duplicity);
 * the AWS calls are @lifeboat/aws's.
 */
import { type DurableContext, withDurableExecution } from "@aws/durable-execution-sdk-js";
import { EventBridgeSink, loadSecrets } from "@lifeboat/aws";
import type { DurableSteps, RoutineDeps, RunRequest, RunResult } from "@lifeboat/core";
import { runPlan } from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { storeVerifier } from "@lifeboat/storage";
import { deployedArchiveSink } from "./archive-sink";
import { config } from "./config";
import { deployedDropletHosts } from "./droplet-hosts";

// The SDK's context must be usable as the routine's DurableSteps: checked here by the compiler.
const fits = (ctx: DurableContext): DurableSteps => ctx;

let deps: Promise<RoutineDeps> | undefined;
const lazyDeps = (): Promise<RoutineDeps> => {
  deps ??= loadSecrets(["DIGITALOCEAN_TOKEN"]).then((secrets) => ({
    // A 422 (pending event) is waited out inside a step, so keep that wait well inside Lambda's 15 min.
    api: new DigitalOceanClient({
      token: secrets.DIGITALOCEAN_TOKEN,
      pendingEvent: { pollMs: 15_000, timeoutMs: 5 * 60_000 },
    }),
    events: new EventBridgeSink(),
    // Command lines only: secrets reach the droplet on stdin and never appear in these lines.
    hosts: deployedDropletHosts(config, { sink: deployedArchiveSink(config).sink, log: (line) => console.log(line) }),
    // A plan's `verify` step reads what the run stored (#15).
    verifyStore: storeVerifier(deployedArchiveSink(config).sink),
  }));
  return deps;
};

export const handler = withDurableExecution<RunRequest, RunResult>(async (request, ctx) =>
  runPlan(fits(ctx), await lazyDeps(), config, request),
);
