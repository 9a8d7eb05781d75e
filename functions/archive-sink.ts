/**
 * Where a deployed function keeps archives: the storage the config names when it is S3 or
 * Spaces, else the stack's own bucket (LIFEBOAT_BUCKET) — a Lambda has no local disk to keep.
 */
import { type LifeboatConfig, type PriceList, pricesFor } from "@lifeboat/core";
import { S3Sink, type Sink, s3SinkFor } from "@lifeboat/storage";
import { DEPLOYED_PREFIX } from "./archive-layout";

export function deployedArchiveSink(config: LifeboatConfig): { sink: Sink; prices: PriceList } {
  const storage = config.storage;
  if (storage.type === "s3") {
    return { sink: s3SinkFor(storage), prices: pricesFor(storage) };
  }
  const bucket = process.env.LIFEBOAT_BUCKET;
  if (!bucket) throw new Error("LIFEBOAT_BUCKET is not set; deploy with the Storage stack");
  return {
    sink: new S3Sink({ bucket, region: process.env.AWS_REGION ?? "us-east-1", prefix: DEPLOYED_PREFIX }),
    prices: "s3",
  };
}
