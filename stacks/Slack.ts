import { Stack } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { NagSuppressions } from "cdk-nag";
import { Api, type StackContext, use } from "sst/constructs";
import { Backups } from "./Backups";
import { planScheduleName } from "./config";
import { Secrets } from "./Secrets";
import { Storage } from "./Storage";

/**
 * The Slack endpoint (slash commands and interactivity). The Slack function may start runs,
 * answer approvals, read runs, and enable/disable the plan schedules — and nothing more.
 */
export function Slack({ stack, app }: StackContext) {
  const { archives } = use(Storage);
  const secrets = use(Secrets);
  const { backupRun, backupAlias, planSchedules, planSchedulesRole } = use(Backups);
  // Named up front: slow commands are handed to a second, asynchronous run of this same
  // function, and a role cannot refer to its own function's ARN without a cycle.
  const functionName = `${app.stage}-lifeboat-slack`;
  const ownArn = `arn:aws:lambda:${Stack.of(stack).region}:${Stack.of(stack).account}:function:${functionName}`;

  const api = new Api(stack, "SlackApi", {
    routes: {
      "POST /slack/events": {
        function: {
          handler: "functions/slack.handler",
          functionName,
          timeout: "10 seconds",
          memorySize: "512 MB",
          bind: [secrets.slackSigningSecret, secrets.slackBotToken, secrets.digitaloceanToken],
          environment: {
            LIFEBOAT_BUCKET: archives.bucketName,
            LIFEBOAT_BACKUP_FUNCTION: backupAlias.functionArn,
            LIFEBOAT_SCHEDULE_PATTERN: planScheduleName(app.stage, "{plan}"),
          },
          permissions: [
            new PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: [backupAlias.functionArn, ownArn] }),
            new PolicyStatement({
              actions: [
                "lambda:SendDurableExecutionCallbackSuccess",
                "lambda:SendDurableExecutionCallbackFailure",
                "lambda:ListDurableExecutionsByFunction",
                "lambda:GetDurableExecution",
              ],
              resources: [backupRun.functionArn, `${backupRun.functionArn}:*`],
            }),
            // `list` and `cost` read the archive catalog; Slack never writes or deletes archives.
            new PolicyStatement({ actions: ["s3:ListBucket"], resources: [archives.bucketArn] }),
            new PolicyStatement({ actions: ["s3:GetObject"], resources: [`${archives.bucketArn}/*`] }),
            // Pause/resume: UpdateSchedule rewrites the whole schedule, its target's role included.
            new PolicyStatement({
              actions: ["scheduler:GetSchedule", "scheduler:UpdateSchedule"],
              resources: Object.values(planSchedules).map((schedule) => schedule.attrArn),
            }),
            new PolicyStatement({
              actions: ["iam:PassRole"],
              resources: [planSchedulesRole.roleArn],
              conditions: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
            }),
          ],
        },
      },
    },
  });
  NagSuppressions.addResourceSuppressions(
    api,
    [
      {
        id: "AwsSolutions-APIG4",
        reason:
          "Slack cannot send AWS credentials or tokens: the function verifies every request's Slack signature (HMAC of body and timestamp with the signing secret) and rejects the rest.",
      },
      {
        id: "AwsSolutions-IAM5",
        appliesTo: [{ regex: "/^Resource::<ArchivesBucket[0-9A-F]+\\.Arn>\\/\\*$/g" }],
        reason: "`list` and `cost` read manifests under keys named by droplet and run time; read only (s3:GetObject).",
      },
      {
        id: "AwsSolutions-IAM5",
        appliesTo: [{ regex: "/^Resource::<BackupRun[0-9A-F]+\\.Arn>:\\*$/g" }],
        reason:
          "Approvals answer, and `status` reads, durable executions of backup-run, which run on its published versions (behind `live`).",
      },
    ],
    true,
  );
  stack.addOutputs({ SlackRequestUrl: `${api.url}/slack/events` });
  return { api };
}
