/**
 * `backup-run`: the durable Lambda function that runs one plan (packages/core/src/routine).
 * Input: a RunRequest, or a DrillRequest (`kind: "drill"`), which runs a restore drill instead
 * (packages/core/src/drill, wired in ./drill-deps.ts), or a VerifyRequest (`kind: "verify"`),
 * a verify of the stored backups (packages/core/src/verify/run-verify.ts); ./backup-dispatch.ts
 * tells them apart. Invoked asynchronously with the durable execution name
 * `executionName(plan, scheduledTime)` (functions/schedule.ts, the Slack app), so a duplicate
 * delivery joins the existing run. Thin wiring only: config, DigitalOcean client, events, and
 * the SSH phases (./droplet-hosts.ts: SSH key secret, archive sink, STS-limited duplicity);
 * the AWS calls are @lifeboat/aws's; the plans' pings, @lifeboat/ping's. Logs through
 * ./observability.ts; each invocation adds the DigitalOcean requests it made to the plan's
 * ApiCalls metric (a durable run is many invocations, so the run's count is their sum).
 */
import { type DurableContext, withDurableExecution } from "@aws/durable-execution-sdk-js";
import { EventBridgeSink } from "@lifeboat/aws";
import type { BackupRunInput, DurableSteps, RoutineDeps } from "@lifeboat/core";
import { API_CALLS_METRIC, executionName, isDrillRequest, isVerifyRequest, verifyPlanOf } from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { httpPinger } from "@lifeboat/ping";
import { runHistory, storeVerifier } from "@lifeboat/storage";
import { deployedArchiveSink } from "./archive-sink";
import { type BackupRunOutput, dispatchBackupRun } from "./backup-dispatch";
import { config } from "./config";
import { logClientEvent } from "./digitalocean-log";
import { deployedDrillDeps } from "./drill-deps";
import { deployedDropletHosts } from "./droplet-hosts";
import { emitMetrics } from "./metrics";
import { loadLoggedSecrets, logger, useRunKeys } from "./observability";

// The SDK's context must be usable as the routine's DurableSteps: checked here by the compiler.
const fits = (ctx: DurableContext): DurableSteps => ctx;

let client: DigitalOceanClient | undefined;
let deps: Promise<RoutineDeps> | undefined;
const lazyDeps = (): Promise<RoutineDeps> => {
  deps ??= loadLoggedSecrets(["DIGITALOCEAN_TOKEN"]).then((secrets) => {
    // A 422 (pending event) is waited out inside a step, so keep that wait well inside Lambda's 15 min.
    client = new DigitalOceanClient({
      token: secrets.DIGITALOCEAN_TOKEN,
      pendingEvent: { pollMs: 15_000, timeoutMs: 5 * 60_000 },
      log: logClientEvent,
    });
    return {
      api: client,
      events: new EventBridgeSink(),
      // Command lines only: secrets reach the droplet on stdin and never appear in these lines.
      hosts: deployedDropletHosts(config, { sink: deployedArchiveSink(config).sink, log: (line) => logger.info(line) }),
      // The plans' `notify.ping`: a ping that fails is logged (URL redacted) and never fails the run.
      pinger: httpPinger({ log: (line) => logger.warn(line) }),
      // The run's record, beside the archives: history/<plan>/… (packages/storage/FORMAT.md).
      history: runHistory(deployedArchiveSink(config).sink),
      // A plan's `verify` step reads what the run stored (#15).
      verifyStore: storeVerifier(deployedArchiveSink(config).sink),
    };
  });
  return deps;
};

let invocationPlan: string | undefined;
const durable = withDurableExecution<BackupRunInput, BackupRunOutput>(async (request, ctx) => {
  // A verify is filed under the plan it names, else "*" (no plan's ApiCalls metric).
  const plan = isVerifyRequest(request) ? verifyPlanOf(config, request.target) : request.plan;
  invocationPlan = plan === "*" ? undefined : plan;
  // A drill or verify is named by its starter (functions/schedule.ts, Slack, the CLI); a run may be named by its schedule.
  const runId =
    isDrillRequest(request) || isVerifyRequest(request)
      ? request.runId
      : (request.runId ?? (request.scheduledTime ? executionName(request.plan, request.scheduledTime) : undefined));
  useRunKeys({ plan, ...(runId ? { runId } : {}) });
  return dispatchBackupRun(fits(ctx), request, {
    config,
    routine: lazyDeps,
    drill: (drill, deps) =>
      deployedDrillDeps(config, drill, deps, {
        sink: deployedArchiveSink(config).sink,
        log: (line) => logger.info(line),
      }),
  });
});

export const handler: typeof durable = async (event, context) => {
  const before = client?.stats.requests ?? 0;
  invocationPlan = undefined;
  try {
    return await durable(event, context);
  } finally {
    const made = (client?.stats.requests ?? 0) - before;
    if (invocationPlan && made > 0) {
      emitMetrics([
        {
          plan: invocationPlan,
          at: new Date().toISOString(),
          metrics: [{ name: API_CALLS_METRIC, unit: "Count", value: made }],
        },
      ]);
    }
  }
};
