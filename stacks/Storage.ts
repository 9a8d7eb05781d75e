import type { LifeboatConfig } from "@lifeboat/core";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { BlockPublicAccess, BucketEncryption, Bucket as CdkBucket } from "aws-cdk-lib/aws-s3";
import { NagSuppressions } from "cdk-nag";
import { Bucket, type StackContext } from "sst/constructs";
import { lifeboatConfig } from "./config";

/**
 * What `sst remove` does to a stage's buckets. Backups must outlive the stack: every stage
 * keeps its buckets and their objects, whatever its name, unless lifeboat.config.ts lists it
 * in `deploy.disposableStages`.
 */
export function bucketRemoval(stage: string, deploy: LifeboatConfig["deploy"]) {
  const disposable = deploy.disposableStages.includes(stage);
  return {
    removalPolicy: disposable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    autoDeleteObjects: disposable,
  };
}

/**
 * The archive bucket: container images, volume archives, manifests and duplicity volumes.
 * Private, encrypted, TLS only; versioned so an overwrite or delete can be undone for a while,
 * with old versions and abandoned multipart uploads cleaned up so they do not cost forever.
 * Every request to it is logged to a second bucket (S3 server access logs): who read or
 * deleted an archive stays answerable.
 */
export function Storage({ stack, app }: StackContext) {
  const removal = bucketRemoval(app.stage, lifeboatConfig.deploy);
  const accessLogs = new CdkBucket(stack, "ArchiveAccessLogs", {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    ...removal,
    lifecycleRules: [{ id: "expire-access-logs", expiration: Duration.days(365) }],
  });
  NagSuppressions.addResourceSuppressions(accessLogs, [
    {
      id: "AwsSolutions-S1",
      reason: "This bucket is the access-log destination of the archive bucket; logging it would need a third bucket.",
    },
  ]);

  const archives = new Bucket(stack, "Archives", {
    cdk: {
      bucket: {
        encryption: BucketEncryption.S3_MANAGED,
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        versioned: true,
        ...removal,
        serverAccessLogsBucket: accessLogs,
        serverAccessLogsPrefix: "archives/",
        lifecycleRules: [
          { id: "expire-noncurrent-versions", noncurrentVersionExpiration: Duration.days(30) },
          { id: "abort-incomplete-uploads", abortIncompleteMultipartUploadAfter: Duration.days(1) },
        ],
      },
    },
  });
  stack.addOutputs({ ArchiveBucket: archives.bucketName });
  return { archives };
}
