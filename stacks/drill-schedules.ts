import type { Plan } from "@lifeboat/core";
import type { IRole } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { CfnSchedule } from "aws-cdk-lib/aws-scheduler";
import type { Construct } from "constructs";
import { SCHEDULE_GROUP } from "./plan-schedules";

/**
 * One EventBridge Scheduler schedule per plan with a `drill` section, on the drill's own
 * schedule read in the plan's time zone, invoking `target` (functions/schedule) with a drill
 * tick: the function starts `backup-run` with a DrillRequest named `<plan>-<time>-drill`, apart
 * from the plan's backup runs. Plans without a drill get none.
 */
export function drillSchedules(
  scope: Construct,
  {
    plans,
    scheduleName,
    target,
    role,
  }: { plans: Plan[]; scheduleName: (plan: string) => string; target: IFunction; role: IRole },
) {
  return Object.fromEntries(
    plans.flatMap((plan) => {
      if (!plan.drill) return [];
      const schedule = new CfnSchedule(scope, `DrillSchedule-${plan.name}`, {
        name: scheduleName(plan.name),
        groupName: SCHEDULE_GROUP,
        description: `lifeboat restore drill of plan ${plan.name}`,
        scheduleExpression: plan.drill.schedule,
        scheduleExpressionTimezone: plan.timezone,
        flexibleTimeWindow: { mode: "OFF" },
        state: "ENABLED",
        target: {
          arn: target.functionArn,
          roleArn: role.roleArn,
          input: JSON.stringify({
            kind: "drill",
            plan: plan.name,
            trigger: "schedule",
            scheduledTime: "<aws.scheduler.scheduled-time>",
          }),
          retryPolicy: { maximumRetryAttempts: 4 },
        },
      });
      // The role's policy must exist before Scheduler checks it can invoke the target.
      schedule.node.addDependency(role);
      return [[plan.name, schedule] as const];
    }),
  );
}
