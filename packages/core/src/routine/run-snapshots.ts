/**
 * One listing of the account's droplet snapshots for a whole run, instead of one listing per
 * droplet: step 4's estimate and step 8's retention of each droplet read it. Taken before the
 * droplets are claimed, it is used for a droplet only when nothing changed since: the ids it
 * lists for the droplet are exactly the droplet's `snapshot_ids` as read when its claim won
 * (after that, the claim keeps every other lifeboat run off the droplet). Else, and when the
 * account's listing would cost as many pages as the droplets' own listings, each droplet lists
 * its own as before.
 */
import type { Droplet, DropletApi, DropletSnapshot } from "../ports/digitalocean";
import { ownSnapshots } from "../retention/own-snapshots";
import { messageOf } from "./deps";
import type { DurableSteps } from "./durable";

/** One droplet's part of the run's listing: the ids of all its snapshots, and this plan's own in full. */
export interface ListedSnapshots {
  dropletId: number;
  ids: string[];
  own: DropletSnapshot[];
}

/** The run's listing, or undefined (one droplet, too many pages, or the listing failed: each droplet lists its own). */
export async function listRunSnapshots(
  ctx: DurableSteps,
  api: Pick<DropletApi, "listSnapshotsWithin">,
  plan: string,
  droplets: readonly Droplet[],
): Promise<ListedSnapshots[] | undefined> {
  // One droplet lists its own in one call: no listing of the account can beat that.
  if (droplets.length < 2) return undefined;
  const listed = await ctx.step("snapshot listing", async () => {
    try {
      const all = await api.listSnapshotsWithin(droplets.length - 1);
      return all ? droplets.map((d) => listedFor(all, plan, d)) : null;
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

/** This plan's snapshots of the droplet from the run's listing, when it still holds at `snapshotIdsAtClaim`; else undefined. */
export function ownFromRunListing(
  listing: readonly ListedSnapshots[] | undefined,
  dropletId: number,
  snapshotIdsAtClaim: readonly string[] | undefined,
): DropletSnapshot[] | undefined {
  const listed = listing?.find((l) => l.dropletId === dropletId);
  if (!listed || !snapshotIdsAtClaim) return undefined;
  const now = new Set(snapshotIdsAtClaim);
  const same = now.size === listed.ids.length && listed.ids.every((id) => now.has(id));
  return same ? listed.own : undefined;
}
