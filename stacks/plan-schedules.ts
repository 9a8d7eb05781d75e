import type { Plan } from "@lifeboat/core";
import { Stack } from "aws-cdk-lib";
import { type IRole, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { CfnSchedule } from "aws-cdk-lib/aws-scheduler";
import type { Construct } from "constructs";

/** EventBridge Scheduler's default group: the schedule ARNs and Slack's pause/resume assume it. */
export const SCHEDULE_GROUP = "default";

/**
 * One EventBridge Scheduler schedule per plan, read in the plan's time zone
 * (`ScheduleExpressionTimezone`; EventBridge rules only know UTC), each invoking `target`
 * with the plan and the scheduled time, through a role that may invoke only that function.
 */
export function planSchedules(
  scope: Construct,
  { plans, scheduleName, target }: { plans: Plan[]; scheduleName: (plan: string) => string; target: IFunction },
) {
  const account = Stack.of(scope).account;
  const role = new Role(scope, "PlanSchedulesRole", {
    // Only this account's schedules may use the role (confused deputy).
    assumedBy: new ServicePrincipal("scheduler.amazonaws.com", {
      conditions: { StringEquals: { "aws:SourceAccount": account } },
    }),
    description: "lifeboat: EventBridge Scheduler starts the plans' schedule function",
  });
  role.addToPolicy(new PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: [target.functionArn] }));

  const byPlan = Object.fromEntries(
    plans.map((plan) => {
      // A new construct id: CloudFormation cannot turn the plan's former rule into a schedule in place.
      const schedule = tickSchedule(scope, `PlanSchedule-${plan.name}`, {
        name: scheduleName(plan.name),
        description: `lifeboat plan ${plan.name}`,
        expression: plan.schedule,
        timezone: plan.timezone,
        target,
        role,
        tick: { plan: plan.name, trigger: "schedule" },
      });
      return [plan.name, schedule];
    }),
  );
  return { byPlan, role };
}

/**
 * One Scheduler schedule invoking `target` (functions/schedule) with `tick` plus the tick's
 * intended time, read in `timezone`: the shape every lifeboat schedule (a plan's, a drill's) shares.
 */
export function tickSchedule(
  scope: Construct,
  id: string,
  o: {
    name: string;
    description: string;
    expression: string;
    timezone: string;
    target: IFunction;
    role: IRole;
    tick: Record<string, string>;
  },
): CfnSchedule {
  const schedule = new CfnSchedule(scope, id, {
    name: o.name,
    groupName: SCHEDULE_GROUP,
    description: o.description,
    scheduleExpression: o.expression,
    scheduleExpressionTimezone: o.timezone,
    flexibleTimeWindow: { mode: "OFF" },
    state: "ENABLED",
    target: {
      arn: o.target.functionArn,
      roleArn: o.role.roleArn,
      // Scheduler fills in the tick's intended time (UTC ISO-8601): with the plan it names the run.
      input: JSON.stringify({ ...o.tick, scheduledTime: "<aws.scheduler.scheduled-time>" }),
      retryPolicy: { maximumRetryAttempts: 4 },
    },
  });
  // The role's policy must exist before Scheduler checks it can invoke the target.
  schedule.node.addDependency(o.role);
  return schedule;
}
