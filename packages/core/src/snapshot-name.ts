/**
 * lifeboat names every snapshot it makes `lifeboat-<plan>-<droplet>-<UTC time>`, e.g.
 * `lifeboat-weekly-gitlab-20261129T030412Z`. Retention only ever considers snapshots whose
 * name has exactly this form for its plan and droplet AND that belong to that droplet's id:
 * together these make a snapshot lifeboat did not make impossible to mistake for its own.
 */

const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * A UTC time to the second in the compact ISO-8601 form, safe in snapshot and execution names.
 * @example utcStamp(new Date("2026-11-29T03:04:12.345Z")) // "20261129T030412Z"
 */
export function utcStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

/** @example snapshotName("weekly", "gitlab", new Date("2026-11-29T03:04:12Z")) // "lifeboat-weekly-gitlab-20261129T030412Z" */
export function snapshotName(plan: string, droplet: string, at: Date): string {
  return `${snapshotPrefix(plan, droplet)}${utcStamp(at)}`;
}

export function snapshotPrefix(plan: string, droplet: string): string {
  return `lifeboat-${plan}-${droplet}-`;
}

/** The time in a name lifeboat made for this plan and droplet; undefined for any other name. */
export function parseSnapshotName(name: string, plan: string, droplet: string): Date | undefined {
  const prefix = snapshotPrefix(plan, droplet);
  if (!name.startsWith(prefix)) return undefined;
  const match = STAMP.exec(name.slice(prefix.length));
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return utcStamp(date) === name.slice(prefix.length) ? date : undefined;
}
