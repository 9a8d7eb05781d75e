/**
 * A stopped archive job leaves multipart uploads it began on the droplet: the run's storage
 * finds them (ListMultipartUploads under the run's directory) and aborts each, on the
 * harness's S3 server, leaving other runs' uploads alone. Sizes are read by HEAD.
 */
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { runStorage, S3Sink, type Sink } from "@lifeboat/storage";
import { describe, expect, it } from "vitest";
import { harness, missingServices } from "../../harness/context";
import { unique } from "../remote/session";

const skip = missingServices("s3");
const policy = { keepLast: 1, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0 };

describe.skipIf(skip)(`storage: a run's open multipart uploads${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const s3 = harness().s3!;
  const prefix = `${unique("up")}/`;
  /** The store's sink; `dies` is an uploader that is killed after its first part, before it can abort. */
  const sinkOf = (dies = false) =>
    new S3Sink({
      bucket: s3.bucket,
      region: s3.region,
      endpoint: s3.endpoint,
      prefix,
      forcePathStyle: true,
      checksums: "WHEN_REQUIRED",
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      partSize: 5 * 1024 * 1024,
      ...(dies
        ? {
            onClient: (c) =>
              c.middlewareStack.add(
                (next, context) => async (args) => {
                  const part = (args.input as { PartNumber?: number }).PartNumber;
                  if (context.commandName === "AbortMultipartUploadCommand" || (part ?? 0) > 1) {
                    throw new Error("the uploader was killed");
                  }
                  return next(args);
                },
                { step: "initialize", name: "killed" },
              ),
          }
        : {}),
    });
  const sink = sinkOf();
  /** Leaves a multipart upload open at `key` (a store key), one part uploaded. */
  const leaveOpen = (key: string) =>
    expect(sinkOf(true).put(key, Readable.from([randomBytes(11 * 1024 * 1024)]))).rejects.toThrow(/killed/);
  const openKeys = async (store: Sink) => (await store.openUploads!("")).map((u) => u.key).sort();

  it("aborts every upload left open in the run's directory, and no other run's", async () => {
    const storage = runStorage(sink, { droplet: "web-1", runId: "nightly-1", plan: "nightly", policy });
    const volume = storage.keyOf("volume", "data.tar.zst");
    const image = storage.keyOf("image", "web.tar.zst");
    const otherRun = "runs/web-1/nightly-10/volumes/data.tar.zst";
    await leaveOpen(volume);
    await leaveOpen(volume);
    await leaveOpen(image);
    await leaveOpen(otherRun);
    expect(await openKeys(sink)).toEqual([otherRun, image, volume, volume].sort());

    expect(await storage.abortUploads()).toBe(3);
    expect(await openKeys(sink)).toEqual([otherRun]);
    expect(await storage.abortUploads()).toBe(0);
    expect(await storage.sizeOf(storage.keyOf("volume", "data.tar.zst"))).toBeUndefined();
  });

  it("reads the size of what was stored", async () => {
    const storage = runStorage(sink, { droplet: "web-1", runId: "nightly-2", plan: "nightly", policy });
    const stored = await storage.putArchive("volume", "data.tar", Readable.from([randomBytes(4321)]));
    expect(await storage.sizeOf(stored.key)).toBe(4321);
  });
});
