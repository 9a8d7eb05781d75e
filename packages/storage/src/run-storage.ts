/**
 * Everything one run on one droplet does with storage, in one object: archives (./run-writer.ts),
 * the manifest (./manifest.ts), deleting what an incomplete run stored, and archive retention
 * (./retention.ts). It is the `RunStorage` @lifeboat/remote's droplet host takes (the shapes
 * match; adapters do not import each other).
 */
import type { RetentionPolicy } from "@lifeboat/core";
import { listRuns } from "./catalog";
import { runPrefix } from "./layout";
import { type ManifestInput, writeManifest } from "./manifest";
import { type ArchiveRetentionResult, applyArchiveRetention } from "./retention";
import { runWriter } from "./run-writer";
import type { Sink, StoredObject } from "./sink";

export interface RunStorageOf {
  putArchive: ReturnType<typeof runWriter>["putArchive"];
  writeManifest(manifest: ManifestInput): Promise<StoredObject>;
  discard(keys: readonly string[]): Promise<void>;
  retain(options: { protect: string[]; dryRun: boolean }): Promise<ArchiveRetentionResult>;
  /** This plan's complete runs on this droplet, for a dry run's retention preview (reads only). */
  runs(): Promise<Array<{ runId: string; createdAt: string }>>;
}

/**
 * @example const storage = runStorage(sink, { droplet: "web-1", runId, plan: "nightly", policy: plan.retention });
 */
export function runStorage(
  sink: Sink,
  run: { droplet: string; runId: string; plan: string; policy: RetentionPolicy },
): RunStorageOf {
  const prefix = runPrefix(run.droplet, run.runId);
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
