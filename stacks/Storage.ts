import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { BlockPublicAccess, BucketEncryption } from "aws-cdk-lib/aws-s3";
import { Bucket, type StackContext } from "sst/constructs";

/**
 * The archive bucket: container images, volume archives, manifests and duplicity volumes.
 * Private, encrypted, TLS only; versioned so an overwrite or delete can be undone for a while,
 * with old versions and abandoned multipart uploads cleaned up so they do not cost forever.
 */
export function Storage({ stack, app }: StackContext) {
  const archives = new Bucket(stack, "Archives", {
    cdk: {
      bucket: {
        encryption: BucketEncryption.S3_MANAGED,
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        versioned: true,
        removalPolicy: app.stage === "prod" ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        autoDeleteObjects: app.stage !== "prod",
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
