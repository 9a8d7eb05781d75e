/**
 * A droplet's snapshot as `lifeboat list` and `/lifeboat list` show it: the same row in both,
 * with its kind ("kept" for one `lifeboat keep` made of a DO backup) and its regions (copies,
 * `snapshot.copyTo`, are the same snapshot in more regions: one delete removes them all).
 */
import { isKeptName } from "./kept-backup";
import type { DropletSnapshot } from "./ports/digitalocean";

export function listedSnapshot(s: DropletSnapshot, droplet: string) {
  return {
    id: s.id,
    name: s.name,
    createdAt: s.createdAt,
    sizeGb: s.sizeGb,
    regions: s.regions,
    kind: isKeptName(s.name, droplet) ? ("kept" as const) : ("snapshot" as const),
  };
}

/** Sort order of a listing: the newest first. */
export const newestFirst = (a: { createdAt: string }, b: { createdAt: string }) =>
  b.createdAt.localeCompare(a.createdAt);
