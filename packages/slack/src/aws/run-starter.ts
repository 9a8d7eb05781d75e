/**
 * Starts a backup run: an asynchronous Invoke of the durable `backup-run` function's alias,
 * named with `executionName` so that the same request twice does not start two runs.
 */
import { DurableExecutionAlreadyStartedException, InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { executionName, type RunRequest } from "@lifeboat/core";

export type StartRunResult = { started: true; runId: string } | { started: false; runId: string; reason: string };

export interface RunStarterOptions {
  lambda: LambdaClient;
  /** Qualified function ARN or `name:alias` (durable functions must be invoked qualified). */
  functionName: string;
  now?: () => Date;
}

/**
 * @example
 * const start = runStarter({ lambda, functionName: "lifeboat-backup-run:live" });
 * await start({ plan: "weekly", trigger: "slack", requestedBy: "U024BE7LH" });
 * // { started: true, runId: "weekly-20261129T030512Z-slack" }
 */
export function runStarter({ lambda, functionName, now = () => new Date() }: RunStarterOptions) {
  return async (request: RunRequest): Promise<StartRunResult> => {
    const at = request.scheduledTime ?? now().toISOString();
    const runId = executionName(request.plan, at, request.trigger);
    try {
      await lambda.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: "Event",
          DurableExecutionName: runId,
          Payload: new TextEncoder().encode(JSON.stringify({ ...request, scheduledTime: at })),
        }),
      );
      return { started: true, runId };
    } catch (error) {
      if (error instanceof DurableExecutionAlreadyStartedException) {
        return { started: false, runId, reason: "a different run with this name started in the same second" };
      }
      throw error;
    }
  };
}

export type RunStarter = ReturnType<typeof runStarter>;
