/**
 * The plans' schedules as synthesized: EventBridge Scheduler schedules read in each plan's
 * time zone, their target and input, and who may invoke and pause them; and the drill schedule
 * of a plan with a `drill`. The app is synthesized as in app.test.ts, with a config of one zoned
 * plan with a drill and one UTC plan without.
 */

import { Template } from "aws-cdk-lib/assertions";
import { App, getStack } from "sst/constructs";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { lifeboatApp } from "../../stacks";
import { Backups } from "../../stacks/Backups";
import { Slack } from "../../stacks/Slack";
import { initTestProject } from "./init-project";

vi.mock("../../lifeboat.config", () => ({
  default: {
    plans: [
      {
        name: "weekly",
        schedule: "cron(0 3 ? * SUN *)",
        timezone: "Europe/Berlin",
        droplets: [{ name: "web-1" }],
        snapshot: { mode: "live" },
        drill: { schedule: "cron(0 5 ? * SAT *)" },
      },
      { name: "nightly", schedule: "cron(30 2 * * ? *)", droplets: [{ name: "web-1" }], snapshot: { mode: "none" } },
    ],
  },
}));

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

let backups: Template;
let slack: Template;
let account: string;

beforeAll(async () => {
  process.env.SST_TELEMETRY_DISABLED = "1";
  await initTestProject();
  const app = new App({ mode: "deploy", stage: "test", region: "us-east-1" });
  lifeboatApp(app);
  await app.finish();
  backups = Template.fromStack(getStack(Backups));
  account = getStack(Backups).account;
  slack = Template.fromStack(getStack(Slack));
}, 120_000);

const resourcesOf = (t: Template, type: string) => Object.entries(t.findResources(type)) as Array<[string, Resource]>;
const logicalIdOf = (t: Template, type: string, match: (r: Resource) => boolean) => {
  const found = resourcesOf(t, type).find(([, r]) => match(r));
  if (!found) throw new Error(`no ${type} found`);
  return found[0];
};
/** The backup schedules of the plans (drill schedules are named `lifeboat-test-drill-<plan>`). */
const planSchedulesOf = (t: Template) =>
  resourcesOf(t, "AWS::Scheduler::Schedule").filter(([, r]) =>
    String(r.Properties.Name).startsWith("lifeboat-test-plan-"),
  );
const statementsOf = (t: Template, role?: string) =>
  resourcesOf(t, "AWS::IAM::Policy")
    .filter(([, p]) => role === undefined || JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);

describe("plan schedules", () => {
  it("has one EventBridge Scheduler schedule per plan, read in the plan's time zone", () => {
    const schedules = planSchedulesOf(backups).map(([, r]) => r.Properties);
    expect(schedules.map((s) => [s.Name, s.ScheduleExpression, s.ScheduleExpressionTimezone]).sort()).toEqual([
      ["lifeboat-test-plan-nightly", "cron(30 2 * * ? *)", "UTC"],
      ["lifeboat-test-plan-weekly", "cron(0 3 ? * SUN *)", "Europe/Berlin"],
    ]);
    for (const schedule of schedules) {
      expect(schedule).toMatchObject({ GroupName: "default", State: "ENABLED", FlexibleTimeWindow: { Mode: "OFF" } });
    }
  });

  it("starts functions/schedule with the plan and Scheduler's scheduled time, through its own role", () => {
    const scheduleFunction = logicalIdOf(backups, "AWS::Lambda::Function", (r) =>
      String(r.Properties.Handler).endsWith("schedule.handler"),
    );
    const role = logicalIdOf(backups, "AWS::IAM::Role", (r) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes("scheduler.amazonaws.com"),
    );
    for (const [, schedule] of planSchedulesOf(backups)) {
      const target = schedule.Properties.Target as Record<string, unknown>;
      expect(target.Arn).toEqual({ "Fn::GetAtt": [scheduleFunction, "Arn"] });
      expect(target.RoleArn).toEqual({ "Fn::GetAtt": [role, "Arn"] });
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 4 });
      const plan = String(schedule.Properties.Name).replace("lifeboat-test-plan-", "");
      expect(JSON.parse(String(target.Input))).toEqual({
        plan,
        trigger: "schedule",
        scheduledTime: "<aws.scheduler.scheduled-time>",
      });
    }
  });

  it("gives a plan with a drill its own schedule, in the plan's time zone, starting a drill; a plan without gets none", () => {
    const drills = resourcesOf(backups, "AWS::Scheduler::Schedule").filter(
      ([, r]) => !String(r.Properties.Name).startsWith("lifeboat-test-plan-"),
    );
    expect(drills).toHaveLength(1);
    const [, drill] = drills[0] as [string, Resource];
    expect(drill.Properties).toMatchObject({
      Name: "lifeboat-test-drill-weekly",
      ScheduleExpression: "cron(0 5 ? * SAT *)",
      ScheduleExpressionTimezone: "Europe/Berlin",
      GroupName: "default",
      State: "ENABLED",
      FlexibleTimeWindow: { Mode: "OFF" },
    });
    const scheduleFunction = logicalIdOf(backups, "AWS::Lambda::Function", (r) =>
      String(r.Properties.Handler).endsWith("schedule.handler"),
    );
    const role = logicalIdOf(backups, "AWS::IAM::Role", (r) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes("scheduler.amazonaws.com"),
    );
    const target = drill.Properties.Target as Record<string, unknown>;
    expect(target.Arn).toEqual({ "Fn::GetAtt": [scheduleFunction, "Arn"] });
    expect(target.RoleArn).toEqual({ "Fn::GetAtt": [role, "Arn"] });
    expect(JSON.parse(String(target.Input))).toEqual({
      kind: "drill",
      plan: "weekly",
      trigger: "schedule",
      scheduledTime: "<aws.scheduler.scheduled-time>",
    });
    expect(drill.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^PlanSchedulesRole/)]));
  });

  it("leaves no plan on a UTC-only EventBridge rule: the rules left are the watchdog's, the report's and the alarms' route to Slack", () => {
    const rules = resourcesOf(backups, "AWS::Events::Rule").map(([, r]) => r.Properties);
    expect(rules).toHaveLength(3);
    expect(rules.filter((r) => r.ScheduleExpression !== undefined).map((r) => r.ScheduleExpression)).toEqual([
      "rate(5 minutes)",
    ]);
    const sources = rules.map((r) => JSON.stringify((r.EventPattern as { source?: string[] })?.source ?? null)).sort();
    expect(sources).toEqual(['["aws.cloudwatch"]', '["lifeboat"]', "null"]);
  });

  it("lets only this account's Scheduler assume the role, which may invoke functions/schedule and nothing else", () => {
    const [roleId, role] = resourcesOf(backups, "AWS::IAM::Role").find(([, r]) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes("scheduler.amazonaws.com"),
    ) ?? ["", undefined];
    expect(role?.Properties.AssumeRolePolicyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Service: "scheduler.amazonaws.com" },
          Condition: { StringEquals: { "aws:SourceAccount": account } },
        },
      ],
    });
    const scheduleFunction = logicalIdOf(backups, "AWS::Lambda::Function", (r) =>
      String(r.Properties.Handler).endsWith("schedule.handler"),
    );
    expect(statementsOf(backups, roleId)).toEqual([
      { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: { "Fn::GetAtt": [scheduleFunction, "Arn"] } },
    ]);
    // Scheduler checks the role when the schedule is created: the policy must be there first.
    for (const [, schedule] of resourcesOf(backups, "AWS::Scheduler::Schedule")) {
      expect(schedule.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^PlanSchedulesRole/)]));
    }
  });

  it("lets Slack pause and resume exactly the plan schedules, passing only their role to Scheduler", () => {
    const slackFunction = logicalIdOf(slack, "AWS::Lambda::Function", (r) =>
      String(r.Properties.Handler).endsWith("slack.handler"),
    );
    const fn = slack.findResources("AWS::Lambda::Function")[slackFunction] as Resource;
    expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      LIFEBOAT_SCHEDULE_PATTERN: "lifeboat-test-plan-{plan}",
    });
    const statements = statementsOf(slack);
    const scheduler = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith("scheduler:")));
    expect(scheduler).toHaveLength(1);
    expect(scheduler[0]?.Action).toEqual(["scheduler:GetSchedule", "scheduler:UpdateSchedule"]);
    // Each resource is one schedule's Arn, imported from the Backups stack.
    expect(JSON.stringify(scheduler[0]?.Resource)).toMatch(/PlanScheduleweekly.*Arn/);
    expect(JSON.stringify(scheduler[0]?.Resource)).toMatch(/PlanSchedulenightly.*Arn/);
    expect([scheduler[0]?.Resource].flat()).toHaveLength(2);
    const passRole = statements.filter((s) => [s.Action].flat().includes("iam:PassRole"));
    expect(passRole).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Condition: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
      }),
    ]);
    expect(JSON.stringify(passRole[0]?.Resource)).toMatch(/PlanSchedulesRole.*Arn/);
  });
});
