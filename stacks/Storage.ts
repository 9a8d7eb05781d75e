import { Bucket, type StackContext } from "sst/constructs";

/** The archive bucket: container images, volume archives, manifests and duplicity volumes. */
export function Storage({ stack }: StackContext) {
  const archives = new Bucket(stack, "Archives");
  stack.addOutputs({ ArchiveBucket: archives.bucketName });
  return { archives };
}
