/**
 * Whether a droplet's latest lifeboat snapshot is there, in the droplet's region (a restore
 * creates the droplet in the snapshot's region), and `available`: an image that is `NEW`,
 * `pending`, `deleted` or `retired` cannot be made into a droplet.
 */

import type { Droplet, DropletApi, DropletSnapshot } from "../ports/digitalocean";
import { type OwnSnapshot, ownSnapshots } from "../retention/own-snapshots";

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
  const latest = latestOwn(snapshots, plans, droplet);
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

function latestOwn(
  snapshots: readonly DropletSnapshot[],
  plans: readonly string[],
  droplet: Pick<Droplet, "id" | "name">,
): OwnSnapshot | undefined {
  return plans
    .flatMap((plan) => ownSnapshots(snapshots, plan, droplet))
    .sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime())[0];
}

/**
 * What is wrong with an image `status`, if anything: only `available` can be restored.
 * @example imageStatusProblem("pending") // "its image is pending, not available: no droplet can be created from it"
 */
export function imageStatusProblem(status: string): string | undefined {
  return status === "available"
    ? undefined
    : `its image is ${status}, not available: no droplet can be created from it`;
}

/**
 * `snapshotVerdict`, and the latest snapshot's image `status` read (one call, for that one
 * snapshot only) when it is otherwise fine.
 * @example await latestSnapshotVerdict(api, ["nightly"], droplet)
 */
export async function latestSnapshotVerdict(
  api: Pick<DropletApi, "listDropletSnapshots" | "getImage">,
  plans: readonly string[],
  droplet: Pick<Droplet, "id" | "name" | "region">,
): Promise<SnapshotVerdict> {
  const snapshots = await api.listDropletSnapshots(droplet.id);
  const verdict = snapshotVerdict(snapshots, plans, droplet);
  const latest = latestOwn(snapshots, plans, droplet);
  if (verdict.problem !== undefined || !latest) return verdict;
  const { status } = await api.getImage(latest.id);
  const problem = imageStatusProblem(status);
  return problem ? { item: verdict.item, problem, detail: "" } : { ...verdict, detail: `${verdict.detail}, available` };
}
