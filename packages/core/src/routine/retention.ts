/**
 * Step 8 for snapshots: the retention use case (../retention/use-case.ts) over this plan's
 * snapshots of this droplet, the one just made always kept. Only snapshots whose name is
 * exactly `lifeboat-<plan>-<droplet>-<UTC time>` AND that belong to this droplet's id are
 * ever released (../retention/own-snapshots.ts).
 */
import { ownSnapshots } from "../retention/own-snapshots";
import { runRetention } from "../retention/use-case";
import { emit, type RoutineDeps } from "./deps";
import type { DurableSteps } from "./durable";
import type { DropletRun } from "./power";

export { ownSnapshots };

export interface SnapshotRetention {
  kept: string[];
  /** Deleted, or with dryRun, what would have been. */
  deleted: string[];
  failed: string[];
}

/** Lists, decides, deletes (unless dryRun), and emits `retention.applied`. Runs only after a snapshot succeeded. */
export async function retainSnapshots(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  justMade: string,
  dryRun: boolean,
): Promise<SnapshotRetention> {
  const result = await ctx.step(`retention ${r.droplet.name}`, async () => {
    const report = await runRetention(
      { droplets: deps.api },
      { plan: r.plan, droplets: [r.droplet], targets: ["snapshots"], justMade: [justMade], dryRun },
    );
    return {
      kept: report.verdicts.filter((v) => v.planOwned && v.action === "keep").map((v) => v.name),
      deleted: report.deleted.map((d) => d.name),
      failed: report.failed.map((f) => `${f.name}: ${f.error}`),
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
  });
  return result;
}
