/**
 * Logs, alarms and where they go, as synthesized (as in app.test.ts), with a config of a
 * daily and a weekly plan and an alarm email: 90-day retention on every function's log
 * group, the three alarms per plan and backup-run's errors, the SNS topic and its email
 * subscription, and the rule that takes the alarms' state changes to the report function.
 */

import { Template } from "aws-cdk-lib/assertions";
import { App, getStack } from "sst/constructs";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { lifeboatApp } from "../../stacks";
import { successAlarmWindow } from "../../stacks/alarm-window";
import { Backups } from "../../stacks/Backups";
import { Slack } from "../../stacks/Slack";
import { initTestProject } from "./init-project";

vi.mock("../../lifeboat.config", () => ({
  default: {
    plans: [
      { name: "nightly", schedule: "cron(30 2 * * ? *)", droplets: [{ name: "web-1" }], snapshot: { mode: "live" } },
      {
        name: "weekly",
        schedule: "cron(0 3 ? * SUN *)",
        timezone: "Europe/Berlin",
        droplets: [{ name: "web-1" }],
        snapshot: { mode: "live" },
      },
    ],
    slack: { channel: "C0123ABCD" },
    deploy: { alarmEmail: "ops@example.com" },
  },
}));

type Resource = { Type: string; Properties: Record<string, unknown> };

let backups: Template;
let slack: Template;

beforeAll(async () => {
  process.env.SST_TELEMETRY_DISABLED = "1";
  await initTestProject();
  const app = new App({ mode: "deploy", stage: "test", region: "us-east-1" });
  lifeboatApp(app);
  await app.finish();
  backups = Template.fromStack(getStack(Backups));
  slack = Template.fromStack(getStack(Slack));
}, 120_000);

const entries = (t: Template, type: string) => Object.entries(t.findResources(type)) as Array<[string, Resource]>;
const lifeboatFunctions = (t: Template) =>
  entries(t, "AWS::Lambda::Function").filter(([, f]) => String(f.Properties.Handler).startsWith("functions/"));
const alarmNamed = (name: string) => {
  const found = entries(backups, "AWS::CloudWatch::Alarm").find(([, a]) => a.Properties.AlarmName === name);
  if (!found) throw new Error(`no alarm ${name}`);
  return found[1].Properties;
};

describe("log retention", () => {
  it.each([
    ["Backups", () => backups, 4],
    ["Slack", () => slack, 1],
  ] as const)("keeps every function's log group of the %s stack 90 days", (_name, template, count) => {
    const t = template();
    const functions = lifeboatFunctions(t);
    expect(functions).toHaveLength(count);
    const retained = entries(t, "Custom::LogRetention").map(([, r]) => [
      JSON.stringify(r.Properties.LogGroupName),
      r.Properties.RetentionInDays,
    ]);
    for (const [id] of functions) {
      const group = retained.find(([name]) => String(name).includes(`"${id}"`));
      expect(group, `log retention of ${id}`).toBeDefined();
      expect(group?.[1]).toBe(90);
    }
  });

  it("lets the log-retention function set retention policies, and nothing more", () => {
    for (const t of [backups, slack]) {
      const grants = entries(t, "AWS::IAM::Policy")
        .filter(([id]) => id.startsWith("LogRetention"))
        .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Array<{ Action: unknown }> }).Statement)
        .flatMap((s) => [s.Action].flat());
      expect(grants).toEqual(["logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy"]);
    }
  });
});

describe("alarms", () => {
  it("alarms on each plan's failed or incomplete runs, promptly", () => {
    const failed = alarmNamed("lifeboat-test-nightly-run-failed");
    expect(failed).toMatchObject({
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: "notBreaching",
    });
    const metrics = failed.Metrics as Array<{ Expression?: string; MetricStat?: { Metric: unknown; Period: number } }>;
    expect(metrics.find((m) => m.Expression)?.Expression).toBe("FILL(failed, 0) + FILL(incomplete, 0)");
    expect(metrics.filter((m) => m.MetricStat).map((m) => m.MetricStat?.Metric)).toEqual([
      { Namespace: "lifeboat", MetricName: "RunFailed", Dimensions: [{ Name: "plan", Value: "nightly" }] },
      { Namespace: "lifeboat", MetricName: "RunIncomplete", Dimensions: [{ Name: "plan", Value: "nightly" }] },
    ]);
  });

  it("alarms on each plan's watchdog recoveries", () => {
    expect(alarmNamed("lifeboat-test-weekly-watchdog-recovered")).toMatchObject({
      Namespace: "lifeboat",
      MetricName: "WatchdogRecovered",
      Dimensions: [{ Name: "plan", Value: "weekly" }],
      Statistic: "Sum",
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
    });
  });

  it.each([
    ["nightly", "cron(30 2 * * ? *)", "UTC"],
    ["weekly", "cron(0 3 ? * SUN *)", "Europe/Berlin"],
  ])(
    "alarms when plan %s has no successful run within its schedule's window, no data counting as none",
    (plan, schedule, zone) => {
      const window = successAlarmWindow(schedule, zone);
      expect(alarmNamed(`lifeboat-test-${plan}-no-success`)).toMatchObject({
        Namespace: "lifeboat",
        MetricName: "RunSucceeded",
        Dimensions: [{ Name: "plan", Value: plan }],
        Statistic: "Sum",
        ComparisonOperator: "LessThanThreshold",
        Threshold: 1,
        Period: window.periodSeconds,
        EvaluationPeriods: window.evaluationPeriods,
        DatapointsToAlarm: window.evaluationPeriods,
        TreatMissingData: "breaching",
      });
    },
  );

  it("alarms on backup-run's own errors", () => {
    expect(alarmNamed("lifeboat-test-backup-run-errors")).toMatchObject({
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
    });
  });

  it("sends every alarm to the SNS topic, which mails deploy.alarmEmail and takes TLS only", () => {
    const topics = entries(backups, "AWS::SNS::Topic");
    expect(topics).toHaveLength(1);
    const topicId = topics[0]?.[0];
    const alarms = entries(backups, "AWS::CloudWatch::Alarm");
    expect(alarms).toHaveLength(2 * 3 + 1);
    for (const [, a] of alarms) expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    backups.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.com",
      TopicArn: { Ref: topicId },
    });
    const policy = JSON.stringify(backups.findResources("AWS::SNS::TopicPolicy"));
    expect(policy).toContain("aws:SecureTransport");
  });

  it("routes the alarms' state changes to the report function, which posts them to Slack", () => {
    const reportId = lifeboatFunctions(backups).find(([, f]) =>
      String(f.Properties.Handler).endsWith("report.handler"),
    )?.[0];
    expect(reportId).toBeDefined();
    const rules = entries(backups, "AWS::Events::Rule").filter(([, r]) =>
      (JSON.stringify(r.Properties.EventPattern) ?? "").includes("aws.cloudwatch"),
    );
    expect(rules).toHaveLength(1);
    const rule = rules[0]![1].Properties as {
      EventPattern: { "detail-type": string[]; resources: unknown[] };
      Targets: Array<{ Arn: unknown }>;
    };
    expect(rule.EventPattern["detail-type"]).toEqual(["CloudWatch Alarm State Change"]);
    expect(rule.EventPattern.resources).toHaveLength(2 * 3 + 1);
    expect(JSON.stringify(rule.Targets[0]?.Arn)).toContain(String(reportId));
  });
});
