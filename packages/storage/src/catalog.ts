/**
 * What is stored for a droplet: its complete runs (those with a manifest), newest first, and
 * the directories of runs that never completed (archives without a manifest).
 */
import type { ArchiveCatalog } from "@lifeboat/core";
import { dropletPrefix, MANIFEST_FILE } from "./layout";
import { type Manifest, readManifest } from "./manifest";
import type { Sink } from "./sink";

export interface CatalogRun {
  runId: string;
  createdAt: string;
  manifestKey: string;
  manifest: Manifest;
  /** Bytes of the archives the manifest lists. */
  bytes: number;
}

export interface Catalog {
  runs: CatalogRun[];
  /** Run ids with objects but no manifest: failed or still running. */
  incomplete: string[];
}

/**
 * @example const { runs } = await listRuns(sink, "web-1"); runs[0]?.manifest.volumes
 */
export async function listRuns(sink: Sink, droplet: string): Promise<Catalog> {
  const prefix = dropletPrefix(droplet);
  const objects = await sink.list(prefix);
  const runIds = new Set<string>();
  const manifests: string[] = [];
  for (const o of objects) {
    const [runId, ...rest] = o.key.slice(prefix.length).split("/");
    if (!runId) continue;
    runIds.add(runId);
    if (rest.join("/") === MANIFEST_FILE) manifests.push(o.key);
  }
  const runs: CatalogRun[] = [];
  for (const key of manifests) {
    const manifest = await readManifest(sink, key);
    const bytes = [...manifest.containers, ...manifest.volumes].reduce((sum, e) => sum + e.bytes, 0);
    runs.push({ runId: manifest.runId, createdAt: manifest.createdAt, manifestKey: key, manifest, bytes });
  }
  runs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.runId < b.runId ? 1 : -1));
  const complete = new Set(runs.map((r) => r.runId));
  return { runs, incomplete: [...runIds].filter((id) => !complete.has(id)).sort() };
}

/**
 * Core's `ArchiveCatalog` port over a sink: the complete runs `listRuns` finds.
 * @example await fleetUsage({ droplets: api, archives: archiveCatalog(sink) }, config.plans)
 */
export function archiveCatalog(sink: Sink): ArchiveCatalog {
  return {
    async completeRuns(droplet) {
      return (await listRuns(sink, droplet)).runs.map((r) => ({
        runId: r.runId,
        plan: r.manifest.plan,
        createdAt: r.createdAt,
        bytes: r.bytes,
      }));
    },
  };
}
