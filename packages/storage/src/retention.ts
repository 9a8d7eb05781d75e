/**
 * Archive retention by the plan's GFS policy (@lifeboat/core applyRetention), over this plan's
 * complete runs on one droplet. A released run loses its manifest first (so it stops counting
 * as a restorable run), then the archives that manifest lists — nothing else is touched.
 */
import { applyRetention, type RetentionPolicy } from "@lifeboat/core";
import { listRuns } from "./catalog";
import type { Sink } from "./sink";

export interface ArchiveRetentionResult {
  kept: string[];
  deleted: string[];
  dryRun: boolean;
}

/**
 * @example await applyArchiveRetention(sink, { droplet: "web-1", plan: "nightly", policy, protect: [runId] })
 */
export async function applyArchiveRetention(
  sink: Sink,
  options: { droplet: string; plan: string; policy: RetentionPolicy; protect?: string[]; dryRun?: boolean },
): Promise<ArchiveRetentionResult> {
  const { runs } = await listRuns(sink, options.droplet);
  const ours = runs.filter((r) => r.manifest.plan === options.plan);
  const decision = applyRetention(
    ours.map((r) => ({ id: r.runId, createdAt: new Date(r.createdAt), run: r })),
    options.policy,
    { protect: options.protect ?? [] },
  );
  const dryRun = options.dryRun ?? false;
  if (!dryRun) {
    for (const { run } of decision.remove) {
      await sink.delete(run.manifestKey);
      for (const entry of [...run.manifest.containers, ...run.manifest.volumes]) await sink.delete(entry.key);
    }
  }
  return {
    kept: decision.keep.map((k) => k.item.id),
    deleted: decision.remove.map((r) => r.id),
    dryRun,
  };
}
