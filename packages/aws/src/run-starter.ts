/**
 * Starts a backup run: an asynchronous Invoke of the durable `backup-run` function's alias,
 * named with `executionName` so that the same request twice does not start two runs.
 */
import { createHash } from "node:crypto";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { executionName, type RunRequest } from "@lifeboat/core";
import { startNamedExecution } from "./named-execution";

export type StartRunResult = { started: true; runId: string } | { started: false; runId: string; reason: string };

export interface RunStarterOptions {
  lambda: LambdaClient;
  /** Qualified function ARN or `name:alias` (durable functions must be invoked qualified). */
  functionName: string;
  now?: () => Date;
}

/**
 * Scheduled runs are named by plan and time alone (a duplicate delivery is the same run);
 * one-offs also by a short hash of who asked for what, so that two different requests in the
 * same second are two runs and the same request twice is one.
 */
function suffixOf(request: RunRequest): string | undefined {
  if (request.trigger === "schedule") return undefined;
  const who = JSON.stringify([request.droplets ?? [], request.requestedBy ?? "", request.dryRun ?? false]);
  return `${request.trigger}-${createHash("sha256").update(who).digest("hex").slice(0, 6)}`;
}

/**
 * @example
 * const start = runStarter({ lambda, functionName: "lifeboat-backup-run:live" });
 * await start({ plan: "weekly", trigger: "slack", requestedBy: "U024BE7LH" });
 * // { started: true, runId: "weekly-20261129T030512Z-slack-3f9a1c" }
 */
export function runStarter({ lambda, functionName, now = () => new Date() }: RunStarterOptions) {
  return async (request: RunRequest): Promise<StartRunResult> => {
    const at = request.scheduledTime ?? now().toISOString();
    const runId = executionName(request.plan, at, suffixOf(request));
    const started = await startNamedExecution(lambda, functionName, runId, { ...request, scheduledTime: at, runId });
    return started
      ? { started: true, runId }
      : { started: false, runId, reason: "a different run with this name started in the same second" };
  };
}
