/**
 * Target of each plan's EventBridge schedule rule. EventBridge cannot name a durable
 * execution, so this starts `backup-run` with the name `<plan>-<scheduled time>`: a duplicate
 * delivery of the same schedule tick returns the existing execution instead of a second run.
 */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { executionName, type RunRequest } from "@lifeboat/core";

const lambda = new LambdaClient({});

export interface ScheduleTick {
  plan: string;
  trigger: "schedule";
  /** EventBridge's `time` of the scheduled event (ISO-8601 UTC). */
  scheduledTime: string;
}

export async function handler(tick: ScheduleTick): Promise<{ executionName: string; status: number }> {
  const functionArn = process.env.LIFEBOAT_BACKUP_FUNCTION;
  if (!functionArn) throw new Error("LIFEBOAT_BACKUP_FUNCTION is not set; deploy with the Backups stack");
  const name = executionName(tick.plan, tick.scheduledTime);
  const request: RunRequest = { plan: tick.plan, trigger: "schedule", scheduledTime: tick.scheduledTime, runId: name };
  const response = await lambda.send(
    new InvokeCommand({
      FunctionName: functionArn,
      InvocationType: "Event",
      DurableExecutionName: name,
      Payload: new TextEncoder().encode(JSON.stringify(request)),
    }),
  );
  console.log(
    JSON.stringify({ msg: "started backup run", plan: tick.plan, executionName: name, status: response.StatusCode }),
  );
  return { executionName: name, status: response.StatusCode ?? 0 };
}
