import { DROPLET_CREDENTIALS_SECONDS } from "@lifeboat/aws";
import { Duration, Stack } from "aws-cdk-lib";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { PolicyStatement, Role } from "aws-cdk-lib/aws-iam";
import { Alias, type CfnFunction, Function as LambdaFunctionConstruct } from "aws-cdk-lib/aws-lambda";
import { NagSuppressions } from "cdk-nag";
import { Function as SstFunction, type StackContext, use } from "sst/constructs";
import { DUPLICITY_ROOT, RUNS_ROOT } from "../functions/archive-layout";
import { lifeboatAlarms } from "./alarms";
import { drillScheduleName, lifeboatConfig, planScheduleName } from "./config";
import { drillSchedules } from "./drill-schedules";
import { planSchedules } from "./plan-schedules";
import { Secrets } from "./Secrets";
import { Storage } from "./Storage";

/** Lambda durable executions may run up to a year; a backup run needs at most a few days (postponed approvals). */
const DURABLE_EXECUTION_TIMEOUT_SECONDS = 7 * 24 * 3600;

/**
 * The backup routine as a durable function behind an alias, one schedule per plan, the
 * watchdog, and lifeboat's events routed to the Slack report.
 */
export function Backups({ stack, app }: StackContext) {
  const { archives } = use(Storage);
  const secrets = use(Secrets);
  const eventBus = "default";
  const account = Stack.of(stack).account;
  const region = Stack.of(stack).region;
  const functionName = `${app.stage}-lifeboat-backup-run`;
  const functionArn = `arn:aws:lambda:${region}:${account}:function:${functionName}`;

  const backupRun = new SstFunction(stack, "BackupRun", {
    functionName,
    handler: "functions/backup-run.handler",
    timeout: "15 minutes",
    memorySize: "512 MB",
    // Bound secrets only: binding the bucket would grant s3:* — the grants below are explicit.
    bind: [
      secrets.digitaloceanToken,
      secrets.sshPrivateKey,
      secrets.duplicityPassphrase,
      secrets.duplicityGpgPublicKey,
    ],
    environment: { LIFEBOAT_EVENT_BUS: eventBus, LIFEBOAT_BUCKET: archives.bucketName },
    permissions: [
      new PolicyStatement({ actions: ["s3:ListBucket"], resources: [archives.bucketArn] }),
      new PolicyStatement({
        actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
        resources: [`${archives.bucketArn}/*`],
      }),
      // Durable functions checkpoint their own progress through the Lambda API.
      new PolicyStatement({
        actions: ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"],
        resources: [functionArn, `${functionArn}:*`],
      }),
      new PolicyStatement({
        actions: ["events:PutEvents"],
        resources: [`arn:aws:events:${region}:${account}:event-bus/${eventBus}`],
      }),
    ],
  });
  // aws-cdk-lib 2.224 has no durableConfig prop: set it on the CloudFormation resource, and
  // tell the version hash that it is a property of the function's code+config (it is).
  LambdaFunctionConstruct.classifyVersionProperty("DurableConfig", true);
  (backupRun.node.defaultChild as CfnFunction).addPropertyOverride("DurableConfig", {
    ExecutionTimeout: DURABLE_EXECUTION_TIMEOUT_SECONDS,
    RetentionPeriodInDays: 30,
  });
  NagSuppressions.addResourceSuppressions(
    backupRun,
    [
      {
        id: "AwsSolutions-IAM5",
        appliesTo: [{ regex: "/^Resource::<ArchivesBucket[0-9A-F]+\\.Arn>\\/\\*$/g" }],
        reason:
          "backup-run writes each run's archives and manifest under keys named by droplet and run time, and retention deletes old runs: the keys are not known at deploy.",
      },
      {
        id: "AwsSolutions-IAM5",
        appliesTo: [{ regex: "/^Resource::arn:aws:lambda:.*-lifeboat-backup-run:\\*$/g" }],
        reason:
          "backup-run checkpoints its own durable executions, which run on a published version of itself (behind `live`).",
      },
    ],
    true,
  );
  // Durable functions must be invoked by a qualified ARN: schedules and Slack use this alias.
  const backupAlias = new Alias(stack, "BackupRunLive", { aliasName: "live", version: backupRun.currentVersion });

  // duplicity and the archive job on a droplet get short-lived credentials from this role,
  // narrowed per run by a session policy to that droplet's own prefix, or that run's directory.
  const dropletCredentials = new Role(stack, "DropletCredentialsRole", {
    assumedBy: backupRun.role!.grantPrincipal,
    // The role's maximum session is exactly what the function asks STS for.
    maxSessionDuration: Duration.seconds(DROPLET_CREDENTIALS_SECONDS),
    description: "lifeboat: duplicity and archive jobs on a droplet write their own prefix of the archive bucket",
  });
  // The same root packages/aws/src/droplet-credentials.ts narrows to `<root><droplet>/` per run.
  dropletCredentials.addToPolicy(
    new PolicyStatement({
      actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      resources: [`${archives.bucketArn}/${DUPLICITY_ROOT}*`],
    }),
  );
  // The archive job uploads (multipart) and aborts its own uploads; it reads, lists and deletes
  // nothing. Sessions narrow it to `<RUNS_ROOT><droplet>/<runId>/` (assumeArchiveRole).
  dropletCredentials.addToPolicy(
    new PolicyStatement({
      actions: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      resources: [`${archives.bucketArn}/${RUNS_ROOT}*`],
    }),
  );
  dropletCredentials.addToPolicy(
    new PolicyStatement({
      actions: ["s3:ListBucket"],
      resources: [archives.bucketArn],
      conditions: { StringLike: { "s3:prefix": [`${DUPLICITY_ROOT}*`] } },
    }),
  );
  NagSuppressions.addResourceSuppressions(
    dropletCredentials,
    [
      {
        id: "AwsSolutions-IAM5",
        appliesTo: [
          { regex: `/^Resource::<ArchivesBucket[0-9A-F]+\\.Arn>\\/${DUPLICITY_ROOT.replaceAll("/", "\\/")}\\*$/g` },
        ],
        reason:
          "duplicity's own prefix of the archive bucket; every session is narrowed further to one droplet's prefix by a session policy (functions/droplet-credentials.ts).",
      },
      {
        id: "AwsSolutions-IAM5",
        appliesTo: [
          { regex: `/^Resource::<ArchivesBucket[0-9A-F]+\\.Arn>\\/${RUNS_ROOT.replaceAll("/", "\\/")}\\*$/g` },
        ],
        reason:
          "the runs' directories of the archive bucket, upload and abort only; every session is narrowed further to one run's directory by a session policy (packages/aws/src/droplet-credentials.ts).",
      },
    ],
    true,
  );
  backupRun.addToRolePolicy(
    new PolicyStatement({ actions: ["sts:AssumeRole"], resources: [dropletCredentials.roleArn] }),
  );
  backupRun.addEnvironment("LIFEBOAT_DROPLET_ROLE_ARN", dropletCredentials.roleArn);

  // EventBridge cannot name a durable execution, so each plan's schedule starts a small
  // function that does: the name (plan + scheduled time) makes a duplicate delivery a no-op.
  const scheduler = new SstFunction(stack, "Scheduler", {
    handler: "functions/schedule.handler",
    timeout: "30 seconds",
    environment: { LIFEBOAT_BACKUP_FUNCTION: backupAlias.functionArn },
    permissions: [new PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: [backupAlias.functionArn] })],
  });
  const schedules = planSchedules(stack, {
    plans: lifeboatConfig.plans,
    scheduleName: (plan) => planScheduleName(app.stage, plan),
    target: scheduler,
  });
  const drills = drillSchedules(stack, {
    plans: lifeboatConfig.plans,
    scheduleName: (plan) => drillScheduleName(app.stage, plan),
    target: scheduler,
    role: schedules.role,
  });

  const watchdog = new SstFunction(stack, "Watchdog", {
    handler: "functions/watchdog.handler",
    timeout: "2 minutes",
    bind: [secrets.digitaloceanToken],
    environment: { LIFEBOAT_EVENT_BUS: eventBus },
    permissions: [
      new PolicyStatement({
        actions: ["events:PutEvents"],
        resources: [`arn:aws:events:${region}:${account}:event-bus/${eventBus}`],
      }),
    ],
  });
  new Rule(stack, "WatchdogEvery5Minutes", {
    schedule: Schedule.rate(Duration.minutes(5)),
    targets: [new LambdaFunction(watchdog)],
  });

  const report = new SstFunction(stack, "Report", {
    handler: "functions/report.handler",
    timeout: "30 seconds",
    // One at a time: the first two events of a run must not open two threads.
    reservedConcurrentExecutions: 1,
    bind: [secrets.slackBotToken],
  });
  new Rule(stack, "LifeboatEventsToReport", {
    eventPattern: { source: ["lifeboat"] },
    targets: [new LambdaFunction(report, { retryAttempts: 8 })],
  });

  // Failed runs, watchdog recoveries, plans without a success in time: email and Slack (./alarms.ts).
  const alarms = lifeboatAlarms(stack, {
    stage: app.stage,
    plans: lifeboatConfig.plans,
    alarmEmail: lifeboatConfig.deploy.alarmEmail,
    backupRun,
    report,
  });

  stack.addOutputs({ BackupFunction: backupAlias.functionArn, AlarmTopic: alarms.topic.topicArn });
  return {
    backupRun,
    backupAlias,
    planSchedules: schedules.byPlan,
    planSchedulesRole: schedules.role,
    drillSchedules: drills,
    watchdog,
    report,
    scheduler,
    dropletCredentials,
    alarmTopic: alarms.topic,
  };
}
