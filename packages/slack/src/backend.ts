/**
 * SlackBackend: what the Slack app needs to know about droplets, storage and retention, in
 * lifeboat's terms. The Slack package never talks to DigitalOcean or the archive store itself;
 * `functions/slack.ts` hands it an implementation built from the other adapters, and tests
 * hand it an in-memory one. Starting runs, answering approvals and pausing schedules are not
 * here: they are ports of their own (./ports.ts), implemented in @lifeboat/aws.
 */
import type { CostReport, DropletBackupsCost, PriceList, Prices, RetentionReport } from "@lifeboat/core";

/** One run of a plan, as the durable execution history knows it. */
export interface RunInfo {
  runId: string;
  plan: string;
  /** An execution's status, or a run record's outcome word (core's RUN_OUTCOMES). */
  status: "running" | "succeeded" | "failed" | "stopped" | "incomplete" | "skipped" | "interrupted";
  /** A restore drill (#15 §2) rather than a backup run: it is listed while it runs, never as the plan's last run. */
  kind?: "drill";
  startedAt: string;
  finishedAt?: string;
  /** Short human line, e.g. "web-1 snapshot 12.5 GB; drone skipped". */
  detail?: string;
}

export interface PlanStatus {
  plan: string;
  running: RunInfo[];
  lastFinished?: RunInfo;
}

export interface DropletRef {
  id: number;
  name: string;
  /** The plans whose selectors pick this droplet. */
  plans: string[];
}

export interface SnapshotInfo {
  id: string;
  name: string;
  createdAt: string;
  sizeGb: number;
  /** Every region it is in (copies, `snapshot.copyTo`), its own first. */
  regions?: string[];
  /** "kept": a DO backup `lifeboat keep` turned into a snapshot (never deleted by retention). Default "snapshot". */
  kind?: "snapshot" | "kept";
}

/** One of the droplet's DigitalOcean Backups (destroyed with the droplet unless kept). */
export interface DoBackupInfo {
  id: string;
  name: string;
  createdAt: string;
  sizeGb: number;
}

/** One archive run: the images, volume archives and manifest a run stored for one droplet. */
export interface ArchiveRunInfo {
  runId: string;
  plan: string;
  createdAt: string;
  bytes: number;
  items: number;
  /** Complete = every item has its checksum and the manifest was written last. */
  complete: boolean;
}

export interface DropletBackups {
  droplet: DropletRef;
  snapshots: SnapshotInfo[];
  archiveRuns: ArchiveRunInfo[];
  /** The droplet's DigitalOcean Backups, newest first (#16 §1). */
  doBackups?: DoBackupInfo[];
}

/**
 * What retention decided and did for a plan: core's retention use case report (every item's
 * verdict with its reasons, what was deleted, what failed), the same `lifeboat retention` prints.
 * Slack only renders it.
 */
export type RetentionOutcome = RetentionReport;

/**
 * What stored backups cost per month: core's `monthlyCost` report, the same figures
 * `lifeboat cost` prints, with the list prices it was given. Slack only renders it.
 */
export interface StorageCost extends CostReport {
  /** Where archives are kept, which decides their price. */
  storage: PriceList;
  prices: Prices;
  /** DigitalOcean's own Backups per droplet (#16 §1), already counted in `totalUsd`. */
  dropletBackups?: DropletBackupsCost;
}

/** Something that can be restored onto a droplet; `id` is opaque to Slack. */
export interface RestoreOption {
  id: string;
  /** "backup": a DO backup as a new droplet; "backup-in-place": the droplet overwritten by it. */
  kind: "snapshot" | "archive-run" | "duplicity" | "backup" | "backup-in-place";
  label: string;
  createdAt: string;
  bytes?: number;
}

export interface RestoreRequest {
  droplet: string;
  optionId: string;
  requestedBy: string;
}

export interface SlackBackend {
  /** Runs in progress and the last finished run, per plan (all plans when `plan` is absent). */
  status(plans: string[]): Promise<PlanStatus[]>;
  /** The droplet of that name, with the plans that select it; undefined when there is none. */
  findDroplet(name: string): Promise<DropletRef | undefined>;
  /** A droplet's snapshots and archive runs, newest first. */
  listBackups(droplet: DropletRef): Promise<DropletBackups>;
  /** What the plan's policy keeps and would delete now, and why. Changes nothing. */
  previewRetention(plan: string): Promise<RetentionOutcome>;
  /** Applies the plan's policy now: decides once, tries every release, reports each failure. */
  applyRetention(plan: string, requestedBy: string): Promise<RetentionOutcome>;
  /** Monthly cost per plan and in total, priced by core's `monthlyCost`. */
  storageCost(): Promise<StorageCost>;
  /** What can be restored onto that droplet, newest first. */
  restoreOptions(droplet: DropletRef): Promise<RestoreOption[]>;
  /** Starts a restore (long work: the backend hands it off) and returns its id. */
  startRestore(request: RestoreRequest): Promise<{ restoreId: string }>;
}
