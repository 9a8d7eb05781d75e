/**
 * lifeboat's events: the one place their schema is written down. The routine emits them
 * (EventBridge, source "lifeboat", detail-type = the event's `type`), the Slack report
 * consumes them, and the CLI prints them. Every detail carries `runId`, `plan` and `droplet`
 * (the droplet's name; "*" for plan-wide events) and the figures of its phase.
 * Secrets never go into an event.
 */

import type { RunOutcome } from "./run-outcome";

export const EVENT_SOURCE = "lifeboat";

interface Base {
  /** The durable execution name of the run: `<plan>-<scheduled UTC time>` or a Slack/CLI one-off id. */
  runId: string;
  plan: string;
  /** Droplet name, or "*" for an event about the whole plan. */
  droplet: string;
  /** ISO-8601 UTC time the event was produced (inside a durable step, so it survives replays). */
  at: string;
}

export type LifeboatEvent =
  | (Base & {
      type: "run.started";
      trigger: "schedule" | "slack" | "cli";
      droplets: string[];
      requestedBy?: string;
      /**
       * A dry run: it changes nothing, and emits only run.started, run.finished (and run.failed if
       * it cannot start), and backups.reconciled (what it would change) when the plan manages DO Backups.
       */
      dryRun?: true;
    })
  | (Base & {
      type: "approval.requested";
      callbackId: string;
      dropletId: number;
      /** Expected time the droplet is off, in seconds. */
      expectedDowntimeSeconds: number;
      /** When the approval times out, and what happens then. */
      expiresAt: string;
      onTimeout: "proceed" | "skip" | "live";
      approvers: string[];
      /** 1 for the first ask; more after each postpone. */
      attempt: number;
    })
  | (Base & {
      type: "approval.decided";
      callbackId: string;
      decision: "approve" | "postpone" | "skip" | "live" | "timeout";
      /** What the run does as a result (for a timeout: the plan's onTimeout). */
      outcome: "proceed" | "postpone" | "skip" | "live";
      decidedBy?: string;
    })
  | (Base & { type: "droplet.powered_off"; dropletId: number; how: "shutdown" | "power_off"; waitedSeconds: number })
  | (Base & {
      type: "snapshot.completed";
      dropletId: number;
      snapshotName: string;
      snapshotId?: string;
      sizeGb?: number;
      durationSeconds: number;
      live: boolean;
    })
  | (Base & {
      /**
       * This run's snapshot is now also in `region` (image action `transfer`, #16 §2): the same
       * image id in one more region, so deleting the snapshot deletes this copy too.
       */
      type: "snapshot.copied";
      dropletId: number;
      snapshotName: string;
      snapshotId: string;
      region: string;
      /** Every region the snapshot is in now, its own first. */
      regions: string[];
      /** Seconds from the transfer's start to when it was seen completed. */
      durationSeconds: number;
      sizeGb?: number;
    })
  | (Base & {
      /** A copy to `region` did not happen (errored, refused or unfinished); the snapshot itself is kept. */
      type: "snapshot.copy-failed";
      dropletId: number;
      snapshotName: string;
      snapshotId?: string;
      region: string;
      /** What went wrong, in plain words. */
      error: string;
      /** The regions the snapshot is in. */
      regions: string[];
    })
  | (Base & {
      type: "droplet.powered_on";
      dropletId: number;
      /** Seconds from powered off to active again. */
      downtimeSeconds: number;
      containersRestarted: string[];
      containersFailed: string[];
    })
  | (Base & {
      /** A job on the droplet (archives or duplicity) as the last poll saw it; one per poll. */
      type: "archive.progress";
      job: "archive" | "duplicity";
      item?: string;
      bytesDone: number;
      bytesExpected?: number;
      /** Bytes per second, when known. */
      rate?: number;
      /** Seconds left at this rate, when the expected size and the rate are known. */
      etaSeconds?: number;
      elapsedSeconds: number;
    })
  | (Base & {
      type: "archive.stored";
      kind: "image" | "volume" | "manifest";
      name: string;
      key: string;
      bytes: number;
      sha256: string;
      /** On the manifest (stored last) only: seconds the archive job ran, by the droplet's clock. */
      jobSeconds?: number;
    })
  | (Base & {
      type: "duplicity.completed";
      mode: "full" | "incremental";
      chains: number;
      lastFull?: string;
      bytes: number;
      durationSeconds: number;
    })
  | (Base & {
      type: "retention.applied";
      target: "snapshots" | "archives" | "duplicity";
      kept: string[];
      deleted: string[];
      dryRun: boolean;
      /**
       * Deleted snapshots that were in more than one region (copies, #16 §2), with their regions:
       * one delete of the image removed it from every region.
       */
      deletedRegions?: Array<{ name: string; regions: string[] }>;
    })
  | (Base & {
      type: "run.finished";
      /** The run's outcome word (./run-outcome.ts): the same the CLI prints and the Slack report shows. */
      outcome: RunOutcome;
      durationSeconds: number;
      /** Per droplet: what happened, for the final summary. */
      summary: Array<{ droplet: string; outcome: "succeeded" | "skipped" | "failed"; detail: string }>;
      monthlyCostUsd?: number;
      /** A dry run: each droplet's detail says what a real run would do. */
      dryRun?: true;
    })
  | (Base & {
      type: "run.failed";
      phase: string;
      /** What failed, in plain words. */
      error: string;
      /** What lifeboat did about it, e.g. "powered web-1 back on after the snapshot failed". */
      recovery: string;
    })
  | (Base & { type: "watchdog.recovered"; dropletId: number; offSinceSeconds: number; maxDowntimeSeconds: number })
  | (Base & {
      /** The droplet is in another lifeboat run (its claim tag went first): this run left it untouched and skipped it. */
      type: "droplet.busy";
      dropletId: number;
      /** The run that holds the droplet: its id, plan, who started it and since when (ISO-8601 UTC). */
      heldBy: { runId: string; plan: string; startedBy: string; since: string };
    })
  | (Base & {
      /** A restore drill began (`runId` is the drill id): a scratch droplet is being made from `snapshot`. */
      type: "drill.started";
      snapshot: string;
      region: string;
      sizeSlug: string;
      hourlyPriceUsd: number;
      trigger: "schedule" | "slack" | "cli";
      requestedBy?: string;
    })
  | (Base & {
      /** Every check passed (drill.passed) or one did not, or the drill could not finish (drill.failed). */
      type: "drill.passed" | "drill.failed";
      snapshot: string;
      checks: DrillCheckResult[];
      /** Snapshot chosen → scratch droplet active → checks passed: the recovery time a user can quote. */
      restoreSeconds?: number;
      /** Hourly price × the time the scratch droplet lived. */
      costUsd: number;
      /** Why the drill could not finish, in plain words (drill.failed only). */
      error?: string;
      /** Whether the scratch droplet is gone (false only with --keep, or when destroying it failed). */
      destroyed: boolean;
    })
  | (Base & {
      /**
       * What `verify` found (#15 §1), `droplet` "*". `origin` "run": a plan's `verify` step at the
       * end of run `runId`. `origin` "request": a verify asked for (`/lifeboat verify`), `runId`
       * its verify id, `plan` the plan named or "*" (a droplet, or every plan). Bounded: the
       * first VERIFY_EVENT_MAX_BROKEN broken items, their texts cut short.
       */
      type: "verify.finished";
      origin: "run" | "request";
      /** The plan or droplet verified; absent: every plan's droplets. */
      target?: string;
      /** Every check held (and verify could run). */
      passed: boolean;
      /** Droplets verified, checks made, and how many of those found something broken. */
      droplets: number;
      checks: number;
      brokenCount: number;
      /** Share of the archives read back (0: sizes only), and the seed that picked them. */
      readData: number;
      seed: number;
      /** The broken items, named. */
      broken: VerifyBrokenItem[];
      /** Why verify could not run at all (a target that is neither a plan nor a droplet). */
      error?: string;
      durationSeconds?: number;
      trigger?: "slack" | "cli";
      requestedBy?: string;
    })
  | (Base & {
      /**
       * DigitalOcean's own Backups brought to the plan's `dropletBackups` (droplet "*"), once per
       * run before the droplets' backups; not emitted when the plan leaves them `unmanaged`.
       */
      type: "backups.reconciled";
      /** What the plan asks for, in words: "off", "weekly on SUN at 20:00 UTC", "daily". */
      target: string;
      /** Each droplet whose Backups were changed (a dry run: would be), or whose change failed. */
      changes: BackupsReconciledChange[];
      /** The droplets whose Backups were already as the plan asks. */
      unchanged: string[];
      /** The droplets whose Backups another plan owns (the first in the config that manages them): read, not changed. */
      ownedElsewhere?: BackupsOwnedElsewhere[];
      /** Why nothing was reconciled: DigitalOcean's backup policies could not be read. */
      error?: string;
      /** A dry run: nothing was changed; `changes` is what a run would do. */
      dryRun?: true;
    })
  | (Base & {
      /** The droplet's DO Backups window was in the way of its power-off: the run waited for it to end. */
      type: "backup-window.waited";
      dropletId: number;
      /** The window in the way (ISO-8601 UTC). */
      window: { start: string; end: string };
      waitedSeconds: number;
      /** Where the run waited: before asking for approval, or right before the power-off. */
      before: "approval" | "power off";
    });

/** One broken item of a `verify.finished`: which droplet, which check, the item (a key, a run, a snapshot), why. */
export interface VerifyBrokenItem {
  droplet: string;
  check: string;
  item: string;
  detail: string;
}

/** One droplet's Backups before and after a run's reconciliation (`after` = `before` when the change failed). */
export interface BackupsReconciledChange {
  droplet: string;
  dropletId: number;
  change: "enable" | "change" | "disable";
  /** In words ("off", "daily at 20:00 UTC"). */
  before: string;
  after: string;
  /** Why the change failed (the backup went on). */
  error?: string;
}

/** A droplet this plan selects whose DO Backups `owner`, another plan, decides (./droplet-backups/owner.ts). */
export interface BackupsOwnedElsewhere {
  droplet: string;
  /** The owning plan's name. */
  owner: string;
}

/** One check of a drill: a name a person recognises, and why it failed. */
export interface DrillCheckResult {
  name: string;
  passed: boolean;
  detail: string;
}

export type LifeboatEventType = LifeboatEvent["type"];

/** Every event type, for consumers that check what they receive (the Slack report). */
export const EVENT_TYPES = [
  "run.started",
  "approval.requested",
  "approval.decided",
  "droplet.powered_off",
  "snapshot.completed",
  "snapshot.copied",
  "snapshot.copy-failed",
  "droplet.powered_on",
  "archive.progress",
  "archive.stored",
  "duplicity.completed",
  "retention.applied",
  "run.finished",
  "run.failed",
  "watchdog.recovered",
  "droplet.busy",
  "drill.started",
  "drill.passed",
  "drill.failed",
  "verify.finished",
  "backups.reconciled",
  "backup-window.waited",
] as const satisfies readonly LifeboatEventType[];

// The list above names every type of the union: a type added to LifeboatEvent but not listed fails here.
type Unlisted = Exclude<LifeboatEventType, (typeof EVENT_TYPES)[number]>;
const everyTypeListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyTypeListed;
export type EventOf<T extends LifeboatEventType> = Extract<LifeboatEvent, { type: T }>;

/** Where events go: EventBridge in Lambda, the terminal in the CLI, a list in tests. */
export interface EventSink {
  emit(event: LifeboatEvent): Promise<void>;
}
