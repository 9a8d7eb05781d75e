/**
 * Which snapshot a drill boots: the droplet's latest lifeboat snapshot of the plan, or the one
 * named — and only ever one of lifeboat's own (../retention/own-snapshots.ts), so a drill
 * never boots a snapshot someone else made. Pure.
 */
import type { DropletSnapshot } from "../ports/digitalocean";
import { type OwnSnapshot, ownSnapshots } from "../retention/own-snapshots";

export type SnapshotChoice = { snapshot: OwnSnapshot } | { refused: string };

/**
 * @example chooseSnapshot(await api.listDropletSnapshots(id), "weekly", { id, name: "gitlab" })
 */
export function chooseSnapshot(
  snapshots: readonly DropletSnapshot[],
  plan: string,
  droplet: { id: number; name: string },
  named?: string,
): SnapshotChoice {
  const own = ownSnapshots(snapshots, plan, droplet);
  if (named === undefined) {
    const latest = own[0];
    return latest
      ? { snapshot: latest }
      : {
          refused: `${droplet.name} has no lifeboat snapshot of plan ${plan} yet; run the plan first (lifeboat run ${plan})`,
        };
  }
  const found = own.find((s) => s.name === named);
  if (found) return { snapshot: found };
  const theirs = snapshots.some((s) => s.name === named);
  const names = own.slice(0, 5).map((s) => s.name);
  return {
    refused: theirs
      ? `snapshot ${named} was not made by lifeboat's plan ${plan} for ${droplet.name}; a drill boots only lifeboat's own snapshots`
      : `${droplet.name} has no snapshot named ${named}; ${names.length ? `its latest are: ${names.join(", ")}` : "it has no lifeboat snapshot yet"}`,
  };
}
