/**
 * One listing of the account's droplet snapshots for a whole run, instead of one listing per
 * droplet: step 4's estimate and step 8's retention of each droplet read it. Taken before the
 * droplets are claimed, it is used for a droplet only when nothing changed since: the ids it
 * lists for the droplet are exactly the droplet's `snapshot_ids` as read when its claim won
 * (after that, the claim keeps every other lifeboat run off the droplet). Else, and when the
 * account's listing would cost as many pages as the droplets' own listings, each droplet lists
 * its own as before.
 *
 * The speed (./timing.ts) is read the same way: the account's actions, newest first, give each
 * droplet's last completed snapshot action, in at most a quarter as many pages as there are
 * droplets with an earlier snapshot; one not found there is asked for on its own, as before.
 */
import type { Droplet, DropletAction, DropletApi, DropletSnapshot } from "../ports/digitalocean";
import { ownSnapshots } from "../retention/own-snapshots";
import { messageOf } from "./deps";
import type { DurableSteps } from "./durable";

/**
 * The most the recorded listing may take as JSON: a durable step's result is checkpointed,
 * and a checkpoint holds at most 256 KB. A bigger listing is dropped (each droplet lists its own).
 */
export const RUN_LISTING_MAX_BYTES = 96 * 1024;

/** One droplet's part of the run's listing: the ids of all its snapshots, and this plan's own in full. */
export interface ListedSnapshots {
  dropletId: number;
  ids: string[];
  own: DropletSnapshot[];
  /** The droplet's newest completed snapshot action, when the account's actions showed it. */
  lastSnapshotAction?: Pick<DropletAction, "startedAt" | "completedAt">;
}

/** The run's listing, or undefined (one droplet, too many pages, or the listing failed: each droplet lists its own). */
export async function listRunSnapshots(
  ctx: DurableSteps,
  api: Pick<DropletApi, "listSnapshotsWithin" | "listActions">,
  plan: string,
  droplets: readonly Droplet[],
): Promise<ListedSnapshots[] | undefined> {
  // One droplet lists its own in one call: no listing of the account can beat that.
  if (droplets.length < 2) return undefined;
  const listed = await ctx.step("snapshot listing", async () => {
    try {
      const all = await api.listSnapshotsWithin(droplets.length - 1);
      if (!all) return null;
      const listed = droplets.map((d) => listedFor(all, plan, d));
      if (JSON.stringify(listed).length > RUN_LISTING_MAX_BYTES) return null;
      await addLastSnapshotActions(api, listed);
      return listed;
    } catch (error) {
      return { error: messageOf(error) }; // each droplet lists its own, and reports a failure there
    }
  });
  return Array.isArray(listed) ? listed : undefined;
}

function listedFor(all: readonly DropletSnapshot[], plan: string, droplet: Droplet): ListedSnapshots {
  const mine = all.filter((s) => s.dropletId === droplet.id);
  return {
    dropletId: droplet.id,
    ids: mine.map((s) => s.id),
    own: ownSnapshots(mine, plan, droplet).map(({ takenAt: _, ...s }) => s),
  };
}

/** Pages through the account's actions until every droplet with an earlier snapshot has its last snapshot action. */
async function addLastSnapshotActions(api: Pick<DropletApi, "listActions">, listed: ListedSnapshots[]): Promise<void> {
  const wanted = new Map(listed.filter((l) => l.own.length > 0).map((l) => [l.dropletId, l]));
  const maxPages = Math.floor(wanted.size / 4);
  for (let page = 1; page <= maxPages && wanted.size > 0; page++) {
    const { actions, more } = await api.listActions(page);
    for (const a of actions) {
      const l = wanted.get(a.dropletId);
      if (!l || a.type !== "snapshot" || a.status !== "completed") continue;
      l.lastSnapshotAction = { startedAt: a.startedAt, completedAt: a.completedAt };
      wanted.delete(a.dropletId);
    }
    if (!more) break;
  }
}

/** The droplet's part of the run's listing, when it still holds at `snapshotIdsAtClaim`; else undefined. */
export function ownFromRunListing(
  listing: readonly ListedSnapshots[] | undefined,
  dropletId: number,
  snapshotIdsAtClaim: readonly string[] | undefined,
): ListedSnapshots | undefined {
  const listed = listing?.find((l) => l.dropletId === dropletId);
  if (!listed || !snapshotIdsAtClaim) return undefined;
  const now = new Set(snapshotIdsAtClaim);
  const same = now.size === listed.ids.length && listed.ids.every((id) => now.has(id));
  return same ? listed : undefined;
}
