/**
 * lifeboat's alarms, on the metrics the report function writes (core's `metricsOfEvent`), per
 * plan:
 *   - run failed: a run of the plan ended failed or incomplete;
 *   - watchdog recovered: the watchdog had to power on one of the plan's droplets;
 *   - no success: no run of the plan succeeded within its schedule's longest gap + a margin
 *     (./alarm-window.ts), missing data counting as no success;
 * and one on backup-run's own Errors (a crash before the routine could report anything).
 *
 * Each goes to an SNS topic (email: `deploy.alarmEmail`), and its state changes go to the
 * report function by an EventBridge rule, which posts them to Slack. EventBridge rather than
 * an SNS subscription: the report function already takes EventBridge deliveries (one input
 * shape, the same retries), the rule names exactly these alarms, and Slack then hears of an
 * alarm clearing too, without the topic's subscribers getting "OK" mails.
 */
import type { Plan } from "@lifeboat/core";
import { METRIC_NAMESPACE, RUN_FAILURE_METRICS, RUN_SUCCEEDED_METRIC, WATCHDOG_RECOVERED_METRIC } from "@lifeboat/core";
import { Duration } from "aws-cdk-lib";
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { Rule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { NagSuppressions } from "cdk-nag";
import type { Construct } from "constructs";
import { successAlarmWindow } from "./alarm-window";

/** How soon a failure or a recovery is alarmed: the metrics arrive within a minute or two. */
const PROMPT = Duration.minutes(5);

export interface AlarmsProps {
  stage: string;
  plans: Plan[];
  /** `deploy.alarmEmail`: subscribed to the topic when set. */
  alarmEmail: string | undefined;
  backupRun: IFunction;
  /** Posts the alarms' state changes to Slack. */
  report: IFunction;
}

export function lifeboatAlarms(scope: Construct, props: AlarmsProps) {
  const topic = new Topic(scope, "AlarmTopic", { displayName: `lifeboat ${props.stage} alarms`, enforceSSL: true });
  NagSuppressions.addResourceSuppressions(topic, [
    {
      id: "AwsSolutions-SNS2",
      reason:
        "The topic carries alarm names and states, no secret or backup data; CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer key would cost more than the alarms.",
    },
  ]);
  if (props.alarmEmail) topic.addSubscription(new EmailSubscription(props.alarmEmail));

  const name = (what: string) => `lifeboat-${props.stage}-${what}`;
  const byPlan = (plan: string, metricName: string, period: Duration) =>
    new Metric({ namespace: METRIC_NAMESPACE, metricName, dimensionsMap: { plan }, statistic: "Sum", period });
  const alarms: Alarm[] = [];
  const alarm = (id: string, alarmName: string, description: string, metric: IMetric, more: Partial<AlarmShape>) => {
    const made = new Alarm(scope, id, {
      alarmName,
      alarmDescription: description,
      metric,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      ...more,
    });
    made.addAlarmAction(new SnsAction(topic));
    alarms.push(made);
    return made;
  };

  for (const plan of props.plans) {
    const [failed, incomplete] = RUN_FAILURE_METRICS;
    alarm(
      `RunFailedAlarm-${plan.name}`,
      name(`${plan.name}-run-failed`),
      `a run of plan ${plan.name} failed or was incomplete: see its Slack thread or \`lifeboat runs ${plan.name}\``,
      new MathExpression({
        expression: "FILL(failed, 0) + FILL(incomplete, 0)",
        usingMetrics: { failed: byPlan(plan.name, failed, PROMPT), incomplete: byPlan(plan.name, incomplete, PROMPT) },
        period: PROMPT,
        label: `failed or incomplete runs of ${plan.name}`,
      }),
      {},
    );
    alarm(
      `WatchdogRecoveredAlarm-${plan.name}`,
      name(`${plan.name}-watchdog-recovered`),
      `the watchdog powered on a droplet of plan ${plan.name} that a run had left off past its maxDowntime`,
      byPlan(plan.name, WATCHDOG_RECOVERED_METRIC, PROMPT),
      {},
    );
    const window = successAlarmWindow(plan.schedule, plan.timezone);
    alarm(
      `NoSuccessAlarm-${plan.name}`,
      name(`${plan.name}-no-success`),
      `no run of plan ${plan.name} succeeded in the last ${window.windowSeconds / 3600} hours (its schedule ${plan.schedule} leaves at most ${Math.round(window.longestGapSeconds / 3600)} hours between runs)`,
      byPlan(plan.name, RUN_SUCCEEDED_METRIC, Duration.seconds(window.periodSeconds)),
      {
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: window.evaluationPeriods,
        datapointsToAlarm: window.evaluationPeriods,
        // No run at all is the failure this alarm is for.
        treatMissingData: TreatMissingData.BREACHING,
      },
    );
  }
  alarm(
    "BackupRunErrorsAlarm",
    name("backup-run-errors"),
    "backup-run failed before its routine could report (an error in the function itself): see its log group",
    props.backupRun.metricErrors({ period: PROMPT, statistic: "Sum" }),
    {},
  );

  const toSlack = new Rule(scope, "AlarmsToReport", {
    description: "lifeboat's alarm state changes, posted to Slack by the report function",
    eventPattern: {
      source: ["aws.cloudwatch"],
      detailType: ["CloudWatch Alarm State Change"],
      resources: alarms.map((a) => a.alarmArn),
    },
    targets: [new LambdaFunction(props.report, { retryAttempts: 8 })],
  });
  return { topic, alarms, toSlack };
}

type AlarmShape = ConstructorParameters<typeof Alarm>[2];
