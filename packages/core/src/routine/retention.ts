/**
 * Step 8 for snapshots: the GFS policy (../retention/policy.ts) over this plan's snapshots of
 * this droplet. A snapshot counts as the plan's only when its name is exactly
 * `lifeboat-<plan>-<droplet>-<UTC time>` AND it belongs to this droplet's id: snapshots made
 * by hand, by other tools, by other plans or of other droplets are never considered.
 */
import type { RetentionPolicy } from "../config/schema";
import type { DropletSnapshot } from "../ports/digitalocean";
import { applyRetention } from "../retention/policy";
import { parseSnapshotName } from "../snapshot-name";
import { emit, messageOf, type RoutineDeps } from "./deps";
import type { DurableSteps } from "./durable";
import type { DropletRun } from "./power";

export interface OwnSnapshot extends DropletSnapshot {
  /** The time in its name: when lifeboat took it. */
  takenAt: Date;
}

/**
 * The snapshots among `snapshots` that this plan made of this droplet, newest first.
 * @example ownSnapshots(list, "weekly", { id: 3164400, name: "gitlab" })
 */
export function ownSnapshots(
  snapshots: readonly DropletSnapshot[],
  plan: string,
  droplet: { id: number; name: string },
): OwnSnapshot[] {
  const own: OwnSnapshot[] = [];
  for (const s of snapshots) {
    const takenAt = s.dropletId === droplet.id ? parseSnapshotName(s.name, plan, droplet.name) : undefined;
    if (takenAt) own.push({ ...s, takenAt });
  }
  return own.sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime());
}

export interface SnapshotRetention {
  kept: string[];
  /** Deleted, or with dryRun, what would have been. */
  deleted: string[];
  failed: string[];
}

/**
 * What the policy keeps and releases among own snapshots, `justMade` (a name) always kept.
 * Pure; the newest snapshot is always kept by the policy itself.
 */
export function decideSnapshotRetention(
  own: readonly OwnSnapshot[],
  policy: RetentionPolicy,
  justMade: string,
): { keep: OwnSnapshot[]; remove: OwnSnapshot[] } {
  const items = own.map((s) => ({ id: s.id, createdAt: s.takenAt, snapshot: s }));
  const protect = own.filter((s) => s.name === justMade).map((s) => s.id);
  const decision = applyRetention(items, policy, { protect });
  return { keep: decision.keep.map((k) => k.item.snapshot), remove: decision.remove.map((i) => i.snapshot) };
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
    const own = ownSnapshots(await deps.api.listDropletSnapshots(r.droplet.id), r.plan.name, r.droplet);
    const decision = decideSnapshotRetention(own, r.plan.retention, justMade);
    const deleted: string[] = [];
    const failed: string[] = [];
    for (const s of decision.remove) {
      if (dryRun) {
        deleted.push(s.name);
        continue;
      }
      try {
        await deps.api.deleteSnapshot(s.id);
        deleted.push(s.name);
      } catch (error) {
        failed.push(`${s.name}: ${messageOf(error)}`);
      }
    }
    return { kept: decision.keep.map((s) => s.name), deleted, failed };
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
