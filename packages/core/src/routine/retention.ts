import { runRetention } from "../retention/use-case";
import { emit, type RoutineDeps } from "./deps";
import type { DurableSteps } from "./durable";
import type { DropletRun } from "./power";

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
