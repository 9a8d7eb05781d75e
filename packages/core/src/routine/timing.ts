/**
 * When the routine looks again. Every wait is planned from what the action is expected to
 * take, so a 24-minute snapshot costs a handful of API calls, not a tight loop.
 *
 * Snapshot time: DigitalOcean takes 1–3 min per GB of *used* disk (measured average 59 s/GB).
 * The API does not report used disk, so the routine estimates it from the size of the
 * droplet's previous lifeboat snapshot (a snapshot's size is the used disk it captured) and
 * falls back to the droplet's disk size, an over-estimate, when there is none. The speed is
 * learned the same way: the previous snapshot's action took so long for so many GB. With a
 * learned speed the routine looks around that expected end only; without one it polls densely
 * over the whole 50–72 s/GB range; and with no earlier snapshot at all (a first run: used disk
 * anywhere up to the disk size) it looks at intervals that grow with the time already spent.
 */
import type { Droplet, DropletAction, DropletApi, DropletSnapshot } from "../ports/digitalocean";
import { ownSnapshots } from "../retention/own-snapshots";
import type { Wait } from "./durable";

/** DigitalOcean's measured average snapshot speed, used until a droplet's own is known. */
export const TYPICAL_SNAPSHOT_SECONDS_PER_GB = 59;
/** The fast end of the range the first snapshot poll is planned for. */
export const SNAPSHOT_FASTEST_SECONDS_PER_GB = 50;
/** Where snapshot polls are dense (every 30 s): up to this speed. Slower snapshots are polled every 2 min. */
export const SNAPSHOT_SLOW_SECONDS_PER_GB = 72;

export interface SnapshotEstimate {
  usedGb: number;
  source: "previous-snapshot" | "disk-size";
  /** Measured on this droplet's previous snapshot, or the typical 59 s/GB. */
  secondsPerGb: number;
  speed: "measured" | "typical";
  expectedSeconds: number;
}

/** Expected time a snapshot of `usedGb` takes at `secondsPerGb`; at least a minute. */
export function expectedSnapshotSeconds(usedGb: number, secondsPerGb = TYPICAL_SNAPSHOT_SECONDS_PER_GB): number {
  return Math.max(60, Math.round(usedGb * secondsPerGb));
}

/** Speeds outside this range are not believed (a clock skew, a snapshot of an empty disk). */
const PLAUSIBLE_SECONDS_PER_GB = { min: 20, max: 400 };
/**
 * With a measured speed, the first look is at the expected end, where a snapshot as fast as
 * the last one ends, then every 30 s until 10 % after it (or the typical range's slow end). A
 * snapshot faster than the last one is seen late by the time it gained (a look 30 s earlier
 * would save at most 30 s of that, and only for one ≥ 2 % faster on a 25-min snapshot, at one
 * more call on every other run): one look for the likeliest end instead of ~17 for the range.
 */
const MEASURED_LATE = 1.1;
const DENSE_POLL: Wait = { seconds: 30 };
/**
 * A first snapshot (no earlier one: used disk anywhere up to the disk size) is looked at after
 * 4 min, then each time after 45 % of the time it has taken so far, at most 10 min apart: at
 * 4, 5.8, 8.4, 12.2, 17.6 and 25.6 min, then every 10 min. A first run's other calls are ~7
 * per droplet and its target 14, so a 24 GB snapshot (~24 min at 59 s/GB) gets 6 looks (up to
 * 63 s/GB), where a look every max(1 min, 25 % of the time taken) made 12–13. Six looks reach
 * 25.6 min as 4 min × 1.45⁵: from 1 min they would need 91 % steps; from 6 min, 34 % steps,
 * but a 2 GB snapshot would be seen 4 min late.
 * An end is seen at most 45 % of its duration late and at most 10 min (past 22 min); one
 * quicker than 4 min, at 4 min. Before → after (looks; how late), at 59 s/GB unless said, as
 * test/unit/routine/first-snapshot-polls.test.ts computes them:
 *   2 GB             2 → 1;    2 s → 122 s (103 %)
 *   10 GB            9 → 4;  143 s → 140 s (24 %)
 *   24 GB           12 → 6;   15 s → 118 s (8 %)
 *   24 GB, 50 s/GB  12 → 6;  231 s → 334 s (28 %)
 *   24 GB, 72 s/GB  13 → 7;    3 s → 406 s (23 %)
 *   50 GB           18 → 9;  281 s → 384 s (13 %)
 * That extra downtime is paid once per droplet: later runs know the size. Looking first at
 * 4 min costs little: DigitalOcean's distribution images are ~2.3 GB, so even a fresh
 * droplet's snapshot takes 2–3 min. The disk size bounds the end too (its GB at the slowest
 * speed), but used disk is mostly well below it (the bench: 24 of 50 GB, a bound at 60 min),
 * so that bound would save no look where the looks are.
 */
const UNKNOWN_SIZE_FIRST_CHECK: Wait = { seconds: 240 };
const UNKNOWN_SIZE_SHARE = 0.45;
const UNKNOWN_SIZE_LONGEST_POLL: Wait = { seconds: 600 };

/**
 * The expected snapshot duration of a droplet, from its newest earlier snapshot among
 * `ownSnapshots` (lifeboat's snapshots of this droplet), else from its disk size; and its
 * speed from `lastSnapshotAction` (the droplet's newest completed snapshot action) when that
 * action made the newest snapshot.
 * @example estimateSnapshot({ diskGb: 50 } as Droplet, [{ sizeGb: 25, createdAt: "…" } as DropletSnapshot]) // { usedGb: 25, source: "previous-snapshot", secondsPerGb: 59, speed: "typical", expectedSeconds: 1475 }
 */
export function estimateSnapshot(
  droplet: Pick<Droplet, "diskGb">,
  ownSnapshots: DropletSnapshot[],
  lastSnapshotAction?: Pick<DropletAction, "startedAt" | "completedAt">,
): SnapshotEstimate {
  const newest = [...ownSnapshots].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  const usedGb = newest && newest.sizeGb > 0 ? newest.sizeGb : droplet.diskGb;
  const source = newest && newest.sizeGb > 0 ? "previous-snapshot" : "disk-size";
  const measured = newest && source === "previous-snapshot" ? measuredSpeed(newest, lastSnapshotAction) : undefined;
  const secondsPerGb = measured ?? TYPICAL_SNAPSHOT_SECONDS_PER_GB;
  return {
    usedGb,
    source,
    secondsPerGb,
    speed: measured ? "measured" : "typical",
    expectedSeconds: expectedSnapshotSeconds(usedGb, secondsPerGb),
  };
}

/** Seconds per GB of the action that made `snapshot`; undefined when it did not make it or is implausible. */
function measuredSpeed(
  snapshot: DropletSnapshot,
  action: Pick<DropletAction, "startedAt" | "completedAt"> | undefined,
): number | undefined {
  if (!action?.completedAt) return undefined;
  const started = Date.parse(action.startedAt);
  const completed = Date.parse(action.completedAt);
  const created = Date.parse(snapshot.createdAt);
  // The snapshot appears while its action runs; a minute of slack either side for clock skew.
  if (!(created >= started - 60_000 && created <= completed + 60_000)) return undefined;
  const speed = (completed - started) / 1000 / snapshot.sizeGb;
  return speed >= PLAUSIBLE_SECONDS_PER_GB.min && speed <= PLAUSIBLE_SECONDS_PER_GB.max ? speed : undefined;
}

/**
 * How long to wait after starting the snapshot before the first look: the expected end with a
 * measured speed, else the fastest plausible end.
 */
export function firstSnapshotCheck(estimate: SnapshotEstimate): Wait {
  // Without any earlier snapshot the used disk is unknown (anything up to the disk size):
  // growing intervals from a few minutes on (see UNKNOWN_SIZE_SHARE).
  if (estimate.source === "disk-size") return { seconds: UNKNOWN_SIZE_FIRST_CHECK.seconds };
  if (estimate.speed === "measured") return { seconds: Math.max(30, Math.round(estimate.expectedSeconds)) };
  return { seconds: Math.max(30, Math.round(estimate.usedGb * SNAPSHOT_FASTEST_SECONDS_PER_GB)) };
}

/**
 * After the first look (made at `firstSnapshotCheck`), size unknown: growing intervals (see
 * UNKNOWN_SIZE_SHARE). Size known: every 30 s while a snapshot up to
 * SNAPSHOT_SLOW_SECONDS_PER_GB could still be finishing (so the droplet is off at most 30 s
 * longer than needed in that range), then every 2 min, then every 5 min; gives up after
 * `giveUpSeconds` since the first look.
 */
export function snapshotPollDelay(estimate: SnapshotEstimate, elapsedSinceFirstCheck: number): Wait {
  const first = firstSnapshotCheck(estimate).seconds;
  if (estimate.source === "disk-size") {
    // Rounded down, so no end is seen later than the share of its duration.
    const share = Math.floor((first + elapsedSinceFirstCheck) * UNKNOWN_SIZE_SHARE);
    return { seconds: Math.min(UNKNOWN_SIZE_LONGEST_POLL.seconds, share) };
  }
  // Measured: dense just around the expected end; past it, this snapshot is slower than the
  // last one, and the typical range's dense polling takes over.
  const denseUntil =
    Math.max(
      estimate.speed === "measured" ? estimate.expectedSeconds * MEASURED_LATE : 0,
      estimate.usedGb * SNAPSHOT_SLOW_SECONDS_PER_GB,
    ) - first;
  if (elapsedSinceFirstCheck < denseUntil) return DENSE_POLL;
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

/**
 * A droplet's snapshots, this plan's own among them (newest first; step 8's retention reuses
 * them) and, from those, what the next snapshot will take. Read once by the run (step 4's
 * estimate) and by the dry run alike. The speed needs the last snapshot action, asked for only
 * when there is an earlier snapshot to measure it on.
 */
export async function readSnapshotHistory(
  api: DropletApi,
  plan: string,
  droplet: Droplet,
): Promise<{ snapshots: DropletSnapshot[]; own: DropletSnapshot[]; estimate: SnapshotEstimate }> {
  const snapshots = await api.listDropletSnapshots(droplet.id);
  const own = ownSnapshots(snapshots, plan, droplet).map(({ takenAt: _, ...s }) => s);
  return { snapshots, ...(await estimateFrom(api, droplet, own)) };
}

/**
 * The estimate from this plan's snapshots of the droplet, listed already, and the droplet's
 * last snapshot action when that was read already (./run-snapshots.ts).
 */
export async function estimateFrom(
  api: Pick<DropletApi, "lastCompletedAction">,
  droplet: Droplet,
  own: DropletSnapshot[],
  knownLastAction?: Pick<DropletAction, "startedAt" | "completedAt">,
): Promise<{ own: DropletSnapshot[]; estimate: SnapshotEstimate }> {
  const lastAction =
    knownLastAction ?? (own.length > 0 ? await api.lastCompletedAction(droplet.id, ["snapshot"]) : undefined);
  return { own, estimate: estimateSnapshot(droplet, own, lastAction) };
}

/** Seconds the droplet is expected to be off: the snapshot plus the first shutdown and power-on checks (the approval card's figure). */
export function expectedDowntimeSeconds(estimate: SnapshotEstimate): number {
  return estimate.expectedSeconds + SHUTDOWN_FIRST_CHECK.seconds + POWER_ON_FIRST_CHECK.seconds;
}
