/**
 * Everything one run on one droplet does with storage, in one object: archives (./run-writer.ts),
 * the manifest (./manifest.ts), deleting what an incomplete run stored, and archive retention
 * (./retention.ts). It is the `RunStorage` @lifeboat/remote's droplet host takes (the shapes
 * match; adapters do not import each other).
 */
import type { RetentionPolicy } from "@lifeboat/core";
import { listRuns } from "./catalog";
import { archiveKey, checkKey, runPrefix } from "./layout";
import { type ManifestInput, writeManifest } from "./manifest";
import { type ArchiveRetentionResult, applyArchiveRetention } from "./retention";
import { runWriter } from "./run-writer";
import type { DirectTarget, Sink, StoredObject } from "./sink";

/** The bucket a droplet's job uploads to, as @lifeboat/remote's `JobStorage` takes it. */
export type DirectStorage = Omit<DirectTarget, "prefix">;

export interface RunStorageOf {
  putArchive: ReturnType<typeof runWriter>["putArchive"];
  writeManifest(manifest: ManifestInput): Promise<StoredObject>;
  discard(keys: readonly string[]): Promise<void>;
  retain(options: { protect: string[]; dryRun: boolean }): Promise<ArchiveRetentionResult>;
  /** This plan's complete runs on this droplet, for a dry run's retention preview (reads only). */
  runs(): Promise<Array<{ runId: string; createdAt: string }>>;
  /**
   * Present when the droplet can upload straight to this storage (S3/Spaces); absent for a
   * local directory. `bucketKey` turns a key of this run (`keyOf`) into its key in the bucket.
   */
  direct?(): { storage: DirectStorage; bucketKey(key: string): string };
  /** The key an archive file gets in this run (the layout's archiveKey). */
  keyOf(kind: "image" | "volume", fileName: string): string;
  /** Aborts every multipart upload left open under this run's directory; returns how many. */
  abortUploads(): Promise<number>;
  /** The stored size of an object of this run, or undefined when it is absent. */
  sizeOf(key: string): Promise<number | undefined>;
}

/**
 * @example const storage = runStorage(sink, { droplet: "web-1", runId, plan: "nightly", policy: plan.retention });
 */
export function runStorage(
  sink: Sink,
  run: { droplet: string; runId: string; plan: string; policy: RetentionPolicy },
): RunStorageOf {
  const prefix = runPrefix(run.droplet, run.runId);
  // Only this run's own directory, whatever a caller passes.
  const ownKey = (key: string, doing: string) => {
    if (!checkKey(key).startsWith(prefix)) throw new Error(`refusing to ${doing} ${key}: not part of run ${run.runId}`);
    return key;
  };
  const target = sink.direct?.();
  return {
    ...runWriter(sink, run),
    writeManifest: (manifest) => {
      if (manifest.runId !== run.runId || manifest.droplet !== run.droplet) {
        throw new Error(
          `a manifest for ${manifest.droplet}/${manifest.runId} cannot be written as ${run.droplet}/${run.runId}`,
        );
      }
      return writeManifest(sink, manifest);
    },
    async discard(keys) {
      for (const key of keys) {
        // Only what this run itself stored: never a key outside its own directory.
        if (!key.startsWith(prefix)) throw new Error(`refusing to delete ${key}: not part of run ${run.runId}`);
      }
      for (const key of keys) await sink.delete(key);
    },
    ...(target
      ? {
          direct: () => {
            const { prefix: storePrefix, ...storage } = target;
            return { storage, bucketKey: (key: string) => `${storePrefix}${ownKey(key, "upload to")}` };
          },
        }
      : {}),
    keyOf: (kind, fileName) => archiveKey(run.droplet, run.runId, kind, fileName),
    async abortUploads() {
      if (!sink.openUploads || !sink.abortUpload) return 0;
      const uploads = await sink.openUploads(prefix);
      // Every one is tried; the failures are reported together.
      const failed: string[] = [];
      for (const upload of uploads) {
        try {
          await sink.abortUpload(upload);
        } catch (error) {
          failed.push(`${upload.key}: ${(error as Error).message}`);
        }
      }
      if (failed.length > 0) {
        throw new Error(
          `aborted ${uploads.length - failed.length} of ${uploads.length} open uploads of run ${run.runId}; could not abort ${failed.join("; ")}`,
        );
      }
      return uploads.length;
    },
    sizeOf: async (key) => (await sink.head(ownKey(key, "read")))?.bytes,
    async retain({ protect, dryRun }) {
      const result = await applyArchiveRetention(sink, {
        droplet: run.droplet,
        plan: run.plan,
        policy: run.policy,
        protect,
        dryRun,
      });
      // Every released run was tried; the routine's archive retention phase still fails when one did not go.
      if (result.failed.length > 0) {
        const deleted = result.deleted.length ? `deleted ${result.deleted.join(", ")}; ` : "";
        throw new Error(`${deleted}could not delete ${result.failed.join("; ")}`);
      }
      return result;
    },
    runs: async () =>
      (await listRuns(sink, run.droplet)).runs
        .filter((r) => r.manifest.plan === run.plan)
        .map((r) => ({ runId: r.runId, createdAt: r.createdAt })),
  };
}
