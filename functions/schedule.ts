/**
 * Target of each plan's EventBridge Scheduler schedule and of each plan's drill schedule
 * (stacks/plan-schedules.ts, stacks/drill-schedules.ts). Scheduler cannot name a durable
 * execution, so this starts `backup-run` (@lifeboat/aws `runStarter` / `drillStarter`) with the
 * name `<plan>-<scheduled time>` (a drill: `…-drill`): a duplicate delivery of the same schedule
 * tick returns the existing execution instead of a second run.
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { drillStarter, runStarter } from "@lifeboat/aws";
import { logger, useRunKeys } from "./observability";

const lambda = new LambdaClient({});

export interface ScheduleTick {
  /** "drill": the plan's drill schedule; absent: its backup schedule. */
  kind?: "drill";
  plan: string;
  trigger: "schedule";
  /** Scheduler's `<aws.scheduler.scheduled-time>`: the tick's intended time, ISO-8601 UTC, the same on a retry. */
  scheduledTime: string;
}

export async function handler(tick: ScheduleTick): Promise<{ executionName: string; started: boolean }> {
  const functionArn = process.env.LIFEBOAT_BACKUP_FUNCTION;
  if (!functionArn) throw new Error("LIFEBOAT_BACKUP_FUNCTION is not set; deploy with the Backups stack");
  if (Number.isNaN(Date.parse(tick.scheduledTime))) {
    // Say what is wrong with the schedule, rather than "RangeError: Invalid time value".
    throw new Error(
      `scheduledTime "${tick.scheduledTime}" is not a time; the schedule's input must carry <aws.scheduler.scheduled-time> (stacks/plan-schedules.ts)`,
    );
  }
  const drill = tick.kind === "drill";
  const result = drill
    ? await drillStarter({ lambda, functionName: functionArn })({
        kind: "drill",
        plan: tick.plan,
        trigger: "schedule",
        scheduledTime: tick.scheduledTime,
      })
    : await runStarter({ lambda, functionName: functionArn })({
        plan: tick.plan,
        trigger: "schedule",
        scheduledTime: tick.scheduledTime,
      });
  const what = drill ? "restore drill" : "backup run";
  useRunKeys({ runId: result.runId, plan: tick.plan });
  logger.info(result.started ? `started ${what}` : `${what} not started`, {
    executionName: result.runId,
    ...(result.started ? {} : { reason: result.reason }),
  });
  return { executionName: result.runId, started: result.started };
}
