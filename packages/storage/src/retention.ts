/**
 * Archive retention for one droplet: core's retention use case (`runRetention`) over this
 * store's catalog (./archive-catalog.ts). A released run loses its manifest first, then the
 * archives that manifest lists inside its own run directory; a listed key anywhere else is
 * refused and reported, never deleted (./run-scope.ts). Every released run is tried: a failed
 * deletion is reported in `failed` and the others still go.
 */
import { type RetentionPolicy, runRetention } from "@lifeboat/core";
import { archiveCatalog } from "./archive-catalog";
import type { RefusedDeletion } from "./run-scope";
import type { Sink } from "./sink";

export interface ArchiveRetentionResult {
  kept: string[];
  deleted: string[];
  /** Run ids whose deletion failed, each with the error. */
  failed: string[];
  /** Keys released runs' manifests list outside their own run directory: not deleted. */
  refused: RefusedDeletion[];
  dryRun: boolean;
}

/**
 * @example await applyArchiveRetention(sink, { droplet: "web-1", plan: "nightly", policy, protect: [runId] })
 */
export async function applyArchiveRetention(
  sink: Sink,
  options: { droplet: string; plan: string; policy: RetentionPolicy; protect?: string[]; dryRun?: boolean },
): Promise<ArchiveRetentionResult> {
  const dryRun = options.dryRun ?? false;
  const report = await runRetention(
    { archives: archiveCatalog(sink) },
    {
      plan: { name: options.plan, retention: options.policy },
      // Archives are found by droplet name; the id is only for snapshots.
      droplets: [{ id: 0, name: options.droplet }],
      targets: ["archives"],
      justMade: options.protect ?? [],
      dryRun,
    },
  );
  return {
    kept: report.verdicts.filter((v) => v.planOwned && v.action === "keep").map((v) => v.id),
    deleted: report.deleted.map((d) => d.name),
    failed: report.failed.map((f) => `${f.name}: ${f.error}`),
    refused: report.refused,
    dryRun,
  };
}
