/**
 * The tag lifeboat puts on a droplet before powering it off, so the watchdog can tell which
 * droplets lifeboat left off and since when: `lifeboat-off:<plan>:<droplet id>:<epoch seconds>`,
 * e.g. `lifeboat-off:weekly:3164400:1796007600`. DigitalOcean tag names allow letters, digits,
 * `_`, `-` and `:`, up to 255 characters; this one stays under 70. The droplet id makes the tag
 * unique to one droplet and run, so deleting the tag (one API call) untags exactly that
 * droplet, and no orphan tags pile up in the account.
 */

const MARKER = /^lifeboat-off:([a-z0-9-]{1,32}):(\d{1,12}):(\d{9,11})$/;

export interface OffMarker {
  plan: string;
  dropletId: number;
  /** When lifeboat tagged the droplet, just before asking it to shut down. */
  since: Date;
}

/** @example offMarkerTag("weekly", 3164400, new Date("2026-12-01T03:00:00Z")) // "lifeboat-off:weekly:3164400:1796094000" */
export function offMarkerTag(plan: string, dropletId: number, since: Date): string {
  return `lifeboat-off:${plan}:${dropletId}:${Math.floor(since.getTime() / 1000)}`;
}

/** The marker in a tag name; undefined for any other tag. */
export function parseOffMarker(tag: string): OffMarker | undefined {
  const match = MARKER.exec(tag);
  if (!match) return undefined;
  return { plan: match[1]!, dropletId: Number(match[2]), since: new Date(Number(match[3]) * 1000) };
}
