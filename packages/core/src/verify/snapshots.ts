/**
 * Whether a droplet's latest lifeboat snapshot is there, in the droplet's region (a restore
 * creates the droplet in the snapshot's region).
 */

import type { Droplet, DropletSnapshot } from "../ports/digitalocean";
import { ownSnapshots } from "../retention/own-snapshots";

export interface SnapshotVerdict {
  /** The latest lifeboat snapshot's name, when there is one. */
  item: string;
  problem?: string;
  detail: string;
}

/**
 * The latest of the snapshots any of `plans` made of `droplet`, and what is wrong with it.
 * @example snapshotVerdict(await api.listDropletSnapshots(d.id), ["nightly"], d)
 */
export function snapshotVerdict(
  snapshots: readonly DropletSnapshot[],
  plans: readonly string[],
  droplet: Pick<Droplet, "id" | "name" | "region">,
): SnapshotVerdict {
  const own = plans
    .flatMap((plan) => ownSnapshots(snapshots, plan, droplet))
    .sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime());
  const latest = own[0];
  if (!latest) {
    return {
      item: "latest",
      problem: `no lifeboat snapshot of ${droplet.name} (plans ${plans.join(", ")})`,
      detail: "",
    };
  }
  if (!latest.regions.includes(droplet.region)) {
    return {
      item: latest.name,
      problem: `is in ${latest.regions.join(", ") || "no region"}, not in the droplet's region ${droplet.region}`,
      detail: "",
    };
  }
  return { item: latest.name, detail: `taken ${latest.takenAt.toISOString()}, in ${droplet.region}` };
}
