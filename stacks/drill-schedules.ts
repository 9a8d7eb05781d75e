import type { Plan } from "@lifeboat/core";
import type { IRole } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";
import { tickSchedule } from "./plan-schedules";

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
      const schedule = tickSchedule(scope, `DrillSchedule-${plan.name}`, {
        name: scheduleName(plan.name),
        description: `lifeboat restore drill of plan ${plan.name}`,
        expression: plan.drill.schedule,
        timezone: plan.timezone,
        target,
        role,
        tick: { kind: "drill", plan: plan.name, trigger: "schedule" },
      });
      return [[plan.name, schedule] as const];
    }),
  );
}
