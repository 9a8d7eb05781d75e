import type { DropletSnapshot } from "../ports/digitalocean";
import { runRetention } from "../retention/use-case";
import { emit, type RoutineDeps } from "./deps";
import type { DurableSteps } from "./durable";
import type { DropletRun } from "./power";

export interface SnapshotRetention {
  kept: string[];
  /** Deleted, or with dryRun, what would have been. */
  deleted: string[];
  failed: string[];
  /** Deleted snapshots that were in more than one region, with those regions (one delete each removed every copy). */
  deletedRegions?: Array<{ name: string; regions: string[] }>;
}

/**
 * Decides, deletes (unless dryRun), and emits `retention.applied`. Runs only after a snapshot
 * succeeded. `ownBefore` is this plan's snapshots of the droplet as listed before the snapshot
 * (step 4's history): with the one just made, that is what a new listing would give, since the
 * claim keeps every other run off this droplet. Without it, the snapshots are listed.
 */
export async function retainSnapshots(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  justMade: string,
  dryRun: boolean,
  ownBefore?: readonly DropletSnapshot[],
): Promise<SnapshotRetention> {
  const result = await ctx.step(`retention ${r.droplet.name}`, async () => {
    const report = await runRetention(
      { droplets: deps.api },
      {
        plan: r.plan,
        droplets: [r.droplet],
        targets: ["snapshots"],
        justMade: [justMade],
        dryRun,
        ...(ownBefore ? { snapshotsListed: new Map([[r.droplet.id, withJustMade(r, ownBefore, justMade)]]) } : {}),
      },
    );
    const copies = report.deleted.flatMap((d) => (d.regions ? [{ name: d.name, regions: d.regions }] : []));
    return {
      kept: report.verdicts.filter((v) => v.planOwned && v.action === "keep").map((v) => v.name),
      deleted: report.deleted.map((d) => d.name),
      failed: report.failed.map((f) => `${f.name}: ${f.error}`),
      ...(copies.length ? { deletedRegions: copies } : {}),
    };
  });
  await emit(ctx, deps, `retention ${r.droplet.name}`, {
    runId: r.runId,
    plan: r.plan.name,
    droplet: r.droplet.name,
    type: "retention.applied",
    target: "snapshots",
    kept: result.kept,
    deleted: result.deleted,
    dryRun,
    ...(result.deletedRegions ? { deletedRegions: result.deletedRegions } : {}),
  });
  return result;
}

/** The listing plus the snapshot just made, which retention always keeps (so its id, unknown here, is never used). */
function withJustMade(r: DropletRun, before: readonly DropletSnapshot[], justMade: string): DropletSnapshot[] {
  if (before.some((s) => s.name === justMade)) return [...before];
  const made: DropletSnapshot = {
    id: `just-made:${justMade}`,
    name: justMade,
    createdAt: "",
    sizeGb: 0,
    minDiskGb: 0,
    dropletId: r.droplet.id,
    regions: [],
  };
  return [...before, made];
}
