/**
 * Which snapshots are a plan's own. A snapshot counts as the plan's only when its name is
 * exactly `lifeboat-<plan>-<droplet>-<UTC time>` AND it belongs to this droplet's id:
 * snapshots made by hand, by other tools, by other plans or of other droplets never are.
 */
import type { DropletSnapshot } from "../ports/digitalocean";
import { parseSnapshotName } from "../snapshot-name";

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
