/**
 * Archive retention by the plan's GFS policy (@lifeboat/core applyRetention), over this plan's
 * complete runs on one droplet. A released run loses its manifest first (so it stops counting
 * as a restorable run), then the archives that manifest lists inside its own run directory;
 * a listed key anywhere else is refused and reported, never deleted (./run-scope.ts).
 */
import { applyRetention, type RetentionPolicy } from "@lifeboat/core";
import { listRuns } from "./catalog";
import { keyInRun, type RefusedDeletion, runDirectoryOf } from "./run-scope";
import type { Sink } from "./sink";

export interface ArchiveRetentionResult {
  kept: string[];
  deleted: string[];
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
  const { runs } = await listRuns(sink, options.droplet);
  const ours = runs.filter((r) => r.manifest.plan === options.plan);
  const decision = applyRetention(
    ours.map((r) => ({ id: r.runId, createdAt: new Date(r.createdAt), run: r })),
    options.policy,
    { protect: options.protect ?? [] },
  );
  const dryRun = options.dryRun ?? false;
  const refused: RefusedDeletion[] = [];
  for (const { run } of decision.remove) {
    const directory = runDirectoryOf(run.manifestKey);
    const runId = directory.split("/").at(-2) ?? run.runId;
    const keys: string[] = [];
    for (const { key } of [...run.manifest.containers, ...run.manifest.volumes]) {
      const checked = keyInRun(directory, key);
      if ("key" in checked) keys.push(checked.key);
      else refused.push({ runId, manifestKey: run.manifestKey, key, reason: checked.reason });
    }
    if (dryRun) continue;
    await sink.delete(run.manifestKey);
    for (const key of keys) await sink.delete(key);
  }
  return {
    kept: decision.keep.map((k) => k.item.id),
    deleted: decision.remove.map((r) => r.id),
    refused,
    dryRun,
  };
}
