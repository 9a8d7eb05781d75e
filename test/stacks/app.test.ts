/**
 * The whole SST app synthesized offline, the way SST's testing guide does it: initProject
 * with a stage, App, the stacks, app.finish() (without finish() every function is a
 * placeholder and these assertions would prove nothing), then CDK assertions.
 */

import { archiveSessionPolicy, sessionPolicy } from "@lifeboat/aws";
import { validateConfig } from "@lifeboat/core";
import { Aspects, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { AwsSolutionsChecks } from "cdk-nag";
import { App, getStack } from "sst/constructs";
import { beforeAll, describe, expect, it } from "vitest";
import { DUPLICITY_ROOT, duplicityPrefix, RUNS_ROOT } from "../../functions/archive-layout";
import rawConfig from "../../lifeboat.config";
import { lifeboatApp } from "../../stacks";
import { Backups } from "../../stacks/Backups";
import { lifeboatConfig } from "../../stacks/config";
import { Slack } from "../../stacks/Slack";
import { Storage } from "../../stacks/Storage";
import { initTestProject } from "./init-project";

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

let storage: Template;
let backups: Template;
let slack: Template;
let assembly: CloudAssembly;
let stackIds: string[];

beforeAll(async () => {
  process.env.SST_TELEMETRY_DISABLED = "1";
  await initTestProject();
  const app = new App({ mode: "deploy", stage: "test", region: "us-east-1" });
  lifeboatApp(app);
  await app.finish();
  // Checked on the one synthesis the templates below come from (SST refuses a second one).
  Aspects.of(app).add(new AwsSolutionsChecks());
  assembly = app.synth();
  stackIds = app.node.children.filter((c) => c instanceof Stack).map((s) => s.artifactId);
  storage = Template.fromStack(getStack(Storage));
  backups = Template.fromStack(getStack(Backups));
  slack = Template.fromStack(getStack(Slack));
}, 120_000);

const functionsOf = (t: Template) => Object.values(t.findResources("AWS::Lambda::Function")) as Resource[];
const functionByHandler = (t: Template, handler: string) => {
  const found = functionsOf(t).find((f) => String(f.Properties.Handler).endsWith(handler));
  if (!found) throw new Error(`no function with handler ${handler}`);
  return found;
};
const statementsOf = (t: Template, policy: (logicalId: string) => boolean = () => true) =>
  (Object.entries(t.findResources("AWS::IAM::Policy")) as Array<[string, Resource]>)
    .filter(([id]) => policy(id))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);

describe("Storage stack", () => {
  it("encrypts the archive bucket, blocks public access and versions it", () => {
    storage.hasResourceProperties("AWS::S3::Bucket", {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: "Enabled" },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: "Enabled" }),
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: "Enabled" }),
        ]),
      },
    });
  });

  it("refuses any request that is not over TLS", () => {
    storage.hasResourceProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });
});

describe("cdk-nag", () => {
  it("finds nothing in AwsSolutions that is not suppressed with a reason", () => {
    expect(stackIds).toHaveLength(4);
    const findings = stackIds.flatMap((id) =>
      assembly
        .getStackArtifact(id)
        .messages.filter((m) => m.level !== "info" && String(m.entry.data).includes("AwsSolutions-"))
        .map((m) => `${m.id}: ${String(m.entry.data).split(": ")[0]}`),
    );
    expect(findings).toEqual([]);
  });
});

describe("archives survive the stack", () => {
  const storageOn = (stage: string) => {
    const app = new App({ mode: "deploy", stage, region: "us-east-1" });
    app.stack(Storage);
    return Template.fromStack(getStack(Storage));
  };
  const bucketsOf = (t: Template) => Object.values(t.findResources("AWS::S3::Bucket"));
  const disposable = (stages: string[]) =>
    validateConfig({ ...rawConfig, deploy: { disposableStages: stages } }).deploy;

  it.each(["production", "staging", "prod", "alice-dev"])(
    "stage %s keeps the archive and access-log buckets, and every object, through `sst remove`",
    (stage) => {
      const template = storageOn(stage);
      expect(bucketsOf(template)).toHaveLength(2);
      for (const bucket of bucketsOf(template)) {
        expect(bucket).toMatchObject({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
      }
      expect(template.findResources("Custom::S3AutoDeleteObjects")).toEqual({});
    },
  );

  it("deletes them only on a stage that deploy.disposableStages names", () => {
    const configured = lifeboatConfig.deploy;
    lifeboatConfig.deploy = disposable(["alice-dev"]);
    try {
      const listed = storageOn("alice-dev");
      for (const bucket of bucketsOf(listed)) expect(bucket).toMatchObject({ DeletionPolicy: "Delete" });
      expect(Object.keys(listed.findResources("Custom::S3AutoDeleteObjects"))).toHaveLength(2);
      const other = storageOn("production");
      for (const bucket of bucketsOf(other)) expect(bucket).toMatchObject({ DeletionPolicy: "Retain" });
      expect(other.findResources("Custom::S3AutoDeleteObjects")).toEqual({});
    } finally {
      lifeboatConfig.deploy = configured;
    }
  });

  it("logs every request to the archive bucket to the access-log bucket", () => {
    storage.hasResourceProperties("AWS::S3::Bucket", {
      VersioningConfiguration: { Status: "Enabled" },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: "archives/" },
    });
  });
});

describe("Backups stack", () => {
  it("makes backup-run durable and publishes it behind the `live` alias", () => {
    const fn = functionByHandler(backups, "backup-run.handler");
    expect(fn.Properties.DurableConfig).toEqual({ ExecutionTimeout: 604_800, RetentionPeriodInDays: 30 });
    expect(fn.Properties.Runtime).toBe("nodejs22.x");
    backups.hasResourceProperties("AWS::Lambda::Alias", { Name: "live" });
  });

  it("runs the watchdog every 5 minutes and routes lifeboat events to the report, one at a time", () => {
    expect(functionByHandler(backups, "report.handler").Properties.ReservedConcurrentExecutions).toBe(1);
    backups.hasResourceProperties("AWS::Events::Rule", { ScheduleExpression: "rate(5 minutes)" });
    backups.hasResourceProperties("AWS::Events::Rule", { EventPattern: { source: ["lifeboat"] } });
  });

  it("gives each function its environment and only the secrets it needs", () => {
    const env = (handler: string) =>
      (functionByHandler(backups, handler).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const secrets = (handler: string) =>
      Object.keys(env(handler))
        .filter((k) => k.startsWith("SST_Secret_value_"))
        .map((k) => k.replace("SST_Secret_value_", ""))
        .sort();
    expect(secrets("backup-run.handler")).toEqual([
      "DIGITALOCEAN_TOKEN",
      "DUPLICITY_GPG_PUBLIC_KEY",
      "DUPLICITY_PASSPHRASE",
      "SSH_PRIVATE_KEY",
    ]);
    expect(secrets("watchdog.handler")).toEqual(["DIGITALOCEAN_TOKEN"]);
    expect(secrets("report.handler")).toEqual(["SLACK_BOT_TOKEN"]);
    expect(secrets("schedule.handler")).toEqual([]);
    expect(env("backup-run.handler")).toMatchObject({
      LIFEBOAT_EVENT_BUS: "default",
      LIFEBOAT_BUCKET: expect.anything(),
      LIFEBOAT_DROPLET_ROLE_ARN: expect.anything(),
    });
    expect(env("schedule.handler")).toMatchObject({ LIFEBOAT_BACKUP_FUNCTION: expect.anything() });
  });

  it("lets backup-run checkpoint itself, and limits droplet credentials to the duplicity prefix for an hour", () => {
    const actions = statementsOf(backups).flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining([
        "lambda:CheckpointDurableExecution",
        "lambda:GetDurableExecutionState",
        "sts:AssumeRole",
      ]),
    );
    backups.hasResourceProperties("AWS::IAM::Role", { MaxSessionDuration: 3600 });
  });

  it("lets the droplet role touch only the prefix duplicity writes to (the one droplet-credentials narrows per droplet)", () => {
    const droplet = "web-1";
    const written = `${duplicityPrefix(droplet)}/duplicity-full.20260104T030000Z.vol1.difftar.gpg`;
    const roleStatements = statementsOf(backups).filter((s) =>
      [s.Action].flat().some((a) => a === "s3:PutObject" || a === "s3:ListBucket"),
    );
    const objectGrants = roleStatements
      .filter((s) => [s.Action].flat().includes("s3:PutObject"))
      .map((s) => JSON.stringify(s.Resource));
    // The function's own archive grant is bucket/*; the droplet role's is the duplicity root only.
    expect(objectGrants.some((r) => r.includes(`/${DUPLICITY_ROOT}*`))).toBe(true);
    expect(written.startsWith(DUPLICITY_ROOT)).toBe(true);
    const listing = roleStatements.find((s) => (s as { Condition?: unknown }).Condition !== undefined);
    expect(listing).toMatchObject({ Condition: { StringLike: { "s3:prefix": [`${DUPLICITY_ROOT}*`] } } });
    // The session policy narrows the same root to one droplet.
    const policy = JSON.parse(sessionPolicy("bucket", duplicityPrefix(droplet)));
    expect(policy.Statement[0].Resource).toEqual([`arn:aws:s3:::bucket/${DUPLICITY_ROOT}${droplet}/*`]);
  });

  it("lets the droplet role upload archives under the runs' root and abort them, and nothing more there", () => {
    const roles = backups.findResources("AWS::IAM::Role", { Properties: { MaxSessionDuration: 3600 } });
    const [roleId] = Object.keys(roles);
    const rolePolicies = (Object.values(backups.findResources("AWS::IAM::Policy")) as Resource[]).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`),
    );
    const statements = rolePolicies.flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    // The bucket's ARN is a token here: each grant ends in the part of the bucket it reaches.
    const reach = (s: Statement) => {
      const joined = JSON.stringify(s.Resource);
      return joined.match(/"(\/[^"]*)"\]\]\}/)?.[1] ?? "(the bucket)";
    };
    expect(statements.map((s) => [[s.Action].flat(), reach(s)])).toEqual([
      [["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], `/${DUPLICITY_ROOT}*`],
      [["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"], `/${RUNS_ROOT}*`],
      [["s3:ListBucket"], "(the bucket)"],
    ]);
    // The session policy narrows the runs' root to one run's directory.
    const runDirectory = `${RUNS_ROOT}web-1/nightly-20261130T030000Z/`;
    const policy = JSON.parse(archiveSessionPolicy("bucket", runDirectory));
    expect(policy.Statement[0].Resource).toEqual([`arn:aws:s3:::bucket/${runDirectory}*`]);
  });
});

describe("alarms without deploy.alarmEmail", () => {
  it("keep their topic, with no subscriber until one is added (test/stacks/alarms.test.ts has the rest)", () => {
    expect(Object.keys(backups.findResources("AWS::SNS::Topic"))).toHaveLength(1);
    expect(backups.findResources("AWS::SNS::Subscription")).toEqual({});
  });
});

describe("Slack stack", () => {
  it("routes POST /slack/events to the Slack function", () => {
    slack.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: "POST /slack/events" });
    const fn = functionByHandler(slack, "slack.handler");
    expect(
      (fn.Properties.Environment as { Variables: Record<string, string> }).Variables.LIFEBOAT_SCHEDULE_PATTERN,
    ).toBe("lifeboat-test-plan-{plan}");
    expect(Object.keys((fn.Properties.Environment as { Variables: object }).Variables)).toEqual(
      expect.arrayContaining([
        "LIFEBOAT_BACKUP_FUNCTION",
        "LIFEBOAT_SCHEDULE_PATTERN",
        "SST_Secret_value_SLACK_SIGNING_SECRET",
        "SST_Secret_value_SLACK_BOT_TOKEN",
      ]),
    );
  });

  it("may start runs, answer approvals and pause plans, and nothing more", () => {
    // CDK's log-retention function is not the Slack function: its grants are asserted apart.
    const actions = statementsOf(slack, (id) => !id.startsWith("LogRetention"))
      .flatMap((s) => [s.Action].flat())
      .sort();
    expect([...new Set(actions)]).toEqual([
      "iam:PassRole",
      "lambda:GetDurableExecution",
      "lambda:InvokeFunction",
      "lambda:ListDurableExecutionsByFunction",
      "lambda:SendDurableExecutionCallbackFailure",
      "lambda:SendDurableExecutionCallbackSuccess",
      "s3:GetObject",
      "s3:ListBucket",
      "scheduler:GetSchedule",
      "scheduler:UpdateSchedule",
      "ssm:GetParameters",
    ]);
  });
});

describe("least privilege", () => {
  it.each(["Storage", "Backups", "Slack"])("%s grants no wildcard action", (stackName) => {
    const template = { Storage: storage, Backups: backups, Slack: slack }[stackName]!;
    const wildcards = statementsOf(template)
      .filter((s) => s.Effect === "Allow")
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.includes("*"));
    expect(wildcards).toEqual([]);
  });
});
