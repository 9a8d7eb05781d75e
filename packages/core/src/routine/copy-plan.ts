/**
 * Region copies (#16 §2), the pure part: which of `snapshot.copyTo` a droplet's snapshot is
 * copied to, and when the routine looks at the transfers again.
 *
 * DigitalOcean's `transfer` keeps one image id and adds a region to it: a copy is not an image
 * of its own. Deleting the snapshot (retention) deletes every copy with it, and storage is
 * billed once per region.
 *
 * Transfer time is not documented and the API gives no progress; the schedule assumes about
 * TRANSFER_SECONDS_PER_GB for the first look (an assumption, not a measurement), then waits half
 * the time already spent (so a copy is seen at most 50 % later than it ended, in a few looks
 * whatever its length), never more than an hour apart. The droplet is on by then: a late look
 * costs no downtime, only a later report.
 */
import type { Wait } from "./durable";

/** Assumed seconds per GB of a cross-region transfer, for the first look only. */
export const TRANSFER_SECONDS_PER_GB = 20;
const FIRST_LOOK_MIN_SECONDS = 120;
const FIRST_LOOK_MAX_SECONDS = 30 * 60;
const LOOK_MIN_SECONDS = 60;
const LOOK_MAX_SECONDS = 60 * 60;
const LOOK_SHARE = 0.5;
/** A transfer not finished after this is reported as a failed copy (it may still end at DigitalOcean). */
export const TRANSFER_GIVE_UP_SECONDS = 24 * 3600;

export interface CopyRegions {
  /** Regions to copy to, in the plan's order. */
  to: string[];
  /** `copyTo` named the droplet's own region: the snapshot is there already, nothing is copied (not an error). */
  ownRegion?: string;
}

/**
 * The regions a snapshot of a droplet in `ownRegion` is copied to: `copyTo` without the
 * droplet's own region (ignored: a plan over droplets in several regions may name them all) and
 * without repeats.
 * @example copyRegionsFor(["ams3", "nyc3", "ams3"], "nyc3") // { to: ["ams3"], ownRegion: "nyc3" }
 */
export function copyRegionsFor(copyTo: readonly string[], ownRegion: string): CopyRegions {
  const to = [...new Set(copyTo)].filter((r) => r !== ownRegion);
  return { to, ...(copyTo.includes(ownRegion) ? { ownRegion } : {}) };
}

/**
 * The wait from starting the transfers to the first look.
 * @example firstCopyLook(25) // { seconds: 500 }
 */
export function firstCopyLook(sizeGb: number): Wait {
  const seconds = Math.round(sizeGb * TRANSFER_SECONDS_PER_GB);
  return { seconds: Math.min(FIRST_LOOK_MAX_SECONDS, Math.max(FIRST_LOOK_MIN_SECONDS, seconds)) };
}

/**
 * The wait after a look made `elapsedSinceFirstLook` seconds after the first one (made at
 * `firstCopyLook`): half the time since the transfers started, within [1 min, 1 h].
 * @example copyLookDelay(25, 0) // { seconds: 250 }
 */
export function copyLookDelay(sizeGb: number, elapsedSinceFirstLook: number): Wait {
  const sinceStart = firstCopyLook(sizeGb).seconds + elapsedSinceFirstLook;
  const seconds = Math.round(sinceStart * LOOK_SHARE);
  return { seconds: Math.min(LOOK_MAX_SECONDS, Math.max(LOOK_MIN_SECONDS, seconds)) };
}

/** Seconds after the first look past which no look is planned. */
export function copyGiveUpSeconds(sizeGb: number): number {
  return TRANSFER_GIVE_UP_SECONDS - firstCopyLook(sizeGb).seconds;
}
