/**
 * When the routine looks again. Every wait is planned from what the action is expected to
 * take, so a 24-minute snapshot costs a handful of API calls, not a tight loop.
 *
 * Snapshot time: DigitalOcean takes 1–3 min per GB of *used* disk (measured average 59 s/GB).
 * The API does not report used disk, so the routine estimates it from the size of the
 * droplet's previous lifeboat snapshot (a snapshot's size is the used disk it captured) and
 * falls back to the droplet's disk size, an over-estimate, when there is none.
 */
import { expectedSnapshotSeconds } from "../cost";
import type { Droplet, DropletSnapshot } from "../ports/digitalocean";
import type { Wait } from "./durable";

/** The fast end of the range the first snapshot poll is planned for. */
export const SNAPSHOT_FASTEST_SECONDS_PER_GB = 50;
/** Where snapshot polls are dense (every 30 s): up to this speed. Slower snapshots are polled every 2 min. */
export const SNAPSHOT_SLOW_SECONDS_PER_GB = 72;

export interface SnapshotEstimate {
  usedGb: number;
  source: "previous-snapshot" | "disk-size";
  expectedSeconds: number;
}

/**
 * The expected snapshot duration of a droplet, from its newest earlier snapshot among
 * `ownSnapshots` (lifeboat's snapshots of this droplet), else from its disk size.
 * @example estimateSnapshot({ diskGb: 50 } as Droplet, [{ sizeGb: 25, createdAt: "…" } as DropletSnapshot]) // { usedGb: 25, source: "previous-snapshot", expectedSeconds: 1475 }
 */
export function estimateSnapshot(droplet: Pick<Droplet, "diskGb">, ownSnapshots: DropletSnapshot[]): SnapshotEstimate {
  const newest = [...ownSnapshots].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  const usedGb = newest && newest.sizeGb > 0 ? newest.sizeGb : droplet.diskGb;
  return {
    usedGb,
    source: newest && newest.sizeGb > 0 ? "previous-snapshot" : "disk-size",
    expectedSeconds: expectedSnapshotSeconds(usedGb),
  };
}

/** How long to wait after starting the snapshot before the first look: the fastest plausible end. */
export function firstSnapshotCheck(estimate: SnapshotEstimate): Wait {
  return { seconds: Math.max(30, Math.round(estimate.usedGb * SNAPSHOT_FASTEST_SECONDS_PER_GB)) };
}

/**
 * After the first look (made at `firstSnapshotCheck`): every 30 s while a snapshot up to
 * SNAPSHOT_SLOW_SECONDS_PER_GB could still be finishing (so the droplet is off at most 30 s
 * longer than needed in that range), then every 2 min, then every 5 min; gives up after
 * `giveUpSeconds` since the first look.
 */
export function snapshotPollDelay(estimate: SnapshotEstimate, elapsedSinceFirstCheck: number): Wait {
  const first = firstSnapshotCheck(estimate).seconds;
  const denseUntil = estimate.usedGb * SNAPSHOT_SLOW_SECONDS_PER_GB - first;
  if (elapsedSinceFirstCheck < denseUntil) return { seconds: 30 };
  if (elapsedSinceFirstCheck < estimate.expectedSeconds * 2) return { seconds: 120 };
  return { seconds: 300 };
}

/** Snapshots slower than 4× the estimate (DO's worst is 3 min/GB) are given up on: the droplet is powered back on. */
export function snapshotGiveUpSeconds(estimate: SnapshotEstimate): number {
  return Math.max(3600, estimate.expectedSeconds * 4);
}

/** Shutdown: first look after 15 s (a typical graceful shutdown), then every 10 s, until `timeoutSeconds`. */
export const SHUTDOWN_FIRST_CHECK: Wait = { seconds: 15 };
export const SHUTDOWN_POLL: Wait = { seconds: 10 };
/** power_off and power_on: first look after 5 s / 20 s, then every 10 s. */
export const POWER_OFF_FIRST_CHECK: Wait = { seconds: 5 };
export const POWER_ON_FIRST_CHECK: Wait = { seconds: 20 };
export const POWER_POLL: Wait = { seconds: 10 };
/** A hard power_off that has not taken effect after this is a failure. */
export const POWER_OFF_TIMEOUT_SECONDS = 120;
/** How long the routine itself keeps trying to power on; after that the watchdog (which sees the tag) takes over. */
export const POWER_ON_TIMEOUT_SECONDS = 30 * 60;
/** A postponed approval asks again after this. */
export const POSTPONE: Wait = { seconds: 3600 };
