/**
 * Core's `ArchiveCatalog` port over a sink: a droplet's complete runs (./catalog.ts), each
 * with the keys its manifest lists outside its own run directory (./run-scope.ts), and the
 * deletion of one run: manifest first, so a half-deleted run no longer counts as restorable.
 */
import type { ArchiveCatalog, ArchiveRun } from "@lifeboat/core";
import { listRuns } from "./catalog";
import { keyInRun, runDirectoryOf } from "./run-scope";
import type { Sink } from "./sink";

/** A listed run with what deleting it removes; the catalog hands it back to `deleteRun`. */
interface StoredRun extends ArchiveRun {
  manifestKey: string;
  /** The manifest's keys inside its run directory, normalised. */
  keys: string[];
}

/**
 * @example const catalog = archiveCatalog(sink); for (const run of await catalog.listRuns("web-1")) …
 */
export function archiveCatalog(sink: Sink): ArchiveCatalog {
  return {
    async listRuns(droplet) {
      const { runs } = await listRuns(sink, droplet);
      return runs.map((run): StoredRun => {
        const directory = runDirectoryOf(run.manifestKey);
        const runId = directory.split("/").at(-2) ?? run.runId;
        const keys: string[] = [];
        const refused: StoredRun["refused"] = [];
        for (const { key } of [...run.manifest.containers, ...run.manifest.volumes]) {
          const checked = keyInRun(directory, key);
          if ("key" in checked) keys.push(checked.key);
          else refused.push({ runId, manifestKey: run.manifestKey, key, reason: checked.reason });
        }
        return {
          runId: run.runId,
          plan: run.manifest.plan,
          createdAt: run.createdAt,
          bytes: run.bytes,
          refused,
          manifestKey: run.manifestKey,
          keys,
        };
      });
    },
    async deleteRun(droplet, run) {
      const stored = run as Partial<StoredRun>;
      if (!stored.manifestKey || !stored.keys) {
        throw new Error(`archive run ${droplet}/${run.runId} was not listed by this catalog; list it first`);
      }
      const directory = runDirectoryOf(stored.manifestKey);
      await sink.delete(stored.manifestKey);
      // Checked again here: only keys inside the run's own directory are ever deleted.
      for (const key of stored.keys) {
        const checked = keyInRun(directory, key);
        if ("key" in checked) await sink.delete(checked.key);
      }
    },
  };
}
