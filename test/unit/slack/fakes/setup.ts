/**
 * One Slack handler wired as in production (real Bolt, real AWS SDK clients) but pointed at
 * loopback fakes: the Slack server, the AWS server and the in-memory backend.
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import {
  approvalResponder,
  deferredInvoker,
  drillStarter,
  runStarter,
  type ScheduleDefinition,
  schedulerApi,
  scheduleSwitch,
  verifyStarter,
} from "@lifeboat/aws";
import { validateConfig } from "@lifeboat/core";
import { createSlackHandler, type DeferredWork, jsonLogger, type SlackBackend, type SlackDeps } from "@lifeboat/slack";
import sample from "../../../../lifeboat.config";
import { type AwsServer, startAwsServer } from "./aws-server";
import { memoryBackend } from "./backend";
import { BOT_TOKEN, SIGNING_SECRET } from "./requests";
import { type SlackServer, startSlackServer } from "./slack-server";

export const SCHEDULE_PATTERN = "lifeboat-test-schedule-{plan}";
export const BACKUP_FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:lifeboat-backup-run:live";
export const SLACK_FUNCTION = "lifeboat-test-slack";

export const testCredentials = { accessKeyId: "AKIDLOOPBACKTEST", secretAccessKey: "loopback-test-secret-not-real" };

/** A plan's schedule as the Backups stack deploys it (stacks/plan-schedules.ts). */
export const deployedSchedule = (plan: string, expression: string, timezone: string): ScheduleDefinition => ({
  Name: SCHEDULE_PATTERN.replace("{plan}", plan),
  GroupName: "default",
  ScheduleExpression: expression,
  ScheduleExpressionTimezone: timezone,
  FlexibleTimeWindow: { Mode: "OFF" },
  State: "ENABLED",
  Description: `lifeboat plan ${plan}`,
  Target: {
    Arn: "arn:aws:lambda:us-east-1:123456789012:function:lifeboat-test-scheduler",
    RoleArn: "arn:aws:iam::123456789012:role/lifeboat-test-plan-schedules",
    Input: `{"plan":"${plan}","trigger":"schedule","scheduledTime":"<aws.scheduler.scheduled-time>"}`,
    RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 86400 },
  },
});

/** `backend`: another SlackBackend than the in-memory one (e.g. the deployed one over the sandbox). */
export async function slackWorld(options: { now?: () => Date; backend?: SlackBackend } = {}) {
  const slack: SlackServer = await startSlackServer();
  const aws: AwsServer = await startAwsServer({
    "lifeboat-test-schedule-weekly": deployedSchedule("weekly", "cron(0 3 ? * SUN *)", "Europe/Berlin"),
    "lifeboat-test-schedule-nightly": deployedSchedule("nightly", "cron(30 2 * * ? *)", "UTC"),
  });
  const logs: string[] = [];
  const lambda = new LambdaClient({ endpoint: aws.endpoint, region: "us-east-1", credentials: testCredentials });
  const scheduler = new SchedulerClient({ endpoint: aws.endpoint, region: "us-east-1", credentials: testCredentials });
  const memory = memoryBackend();
  const deps: SlackDeps = {
    config: validateConfig(sample),
    backend: options.backend ?? memory.backend,
    startRun: runStarter({ lambda, functionName: BACKUP_FUNCTION, now: () => new Date("2026-11-29T10:15:30Z") }),
    startDrill: drillStarter({ lambda, functionName: BACKUP_FUNCTION, now: () => new Date("2026-11-29T10:15:30Z") }),
    startVerify: verifyStarter({ lambda, functionName: BACKUP_FUNCTION, now: () => new Date("2026-11-29T10:15:30Z") }),
    answerApproval: approvalResponder(lambda),
    schedules: scheduleSwitch({ scheduler: schedulerApi(scheduler), schedulePattern: SCHEDULE_PATTERN }),
    defer: deferredInvoker({ lambda, functionName: SLACK_FUNCTION }),
    logger: jsonLogger("slack", (line) => logs.push(line)),
    now: options.now ?? (() => new Date("2026-11-29T10:15:30Z")),
  };
  const handler = createSlackHandler({
    deps,
    signingSecret: SIGNING_SECRET,
    botToken: BOT_TOKEN,
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
  });
  return {
    slack,
    aws,
    logs,
    deps,
    memory,
    handler,
    /** Runs the deferred work the last self-invocation carried, as Lambda would. */
    async runLastDeferred() {
      const last = aws.invocations.filter((i) => i.functionName === SLACK_FUNCTION).at(-1);
      if (!last) throw new Error("no deferred invocation was made");
      return handler(last.payload as DeferredWork, {});
    },
    async close() {
      lambda.destroy();
      scheduler.destroy();
      await Promise.all([slack.close(), aws.close()]);
    },
  };
}

export type SlackWorld = Awaited<ReturnType<typeof slackWorld>>;
