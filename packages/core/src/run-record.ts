/**
 * The run record: one small JSON document per run, written to storage when the run ends
 * (packages/storage/FORMAT.md "Run records"), read by `lifeboat runs` / `show` and Slack's
 * `/lifeboat status`. Built here, purely, from the run's result; the routine writes it in its
 * own step (routine/run-record-step.ts) through the `RunHistory` port. A dry run has none.
 */
import type { BackupsReconciled } from "./routine/droplet-backups";
import type { DropletOutcome } from "./routine/droplet-report";
import type { RunOutcome } from "./run-outcome";

export const RUN_RECORD_FORMAT = "lifeboat.run/v1";

/** What one droplet's run left behind, in figures and plain words. */
export interface DropletRecord {
  droplet: string;
  dropletId: number;
  outcome: DropletOutcome["outcome"];
  /** The report's one sentence. */
  detail: string;
  /** Seconds from seen off to seen active again (offline snapshots). */
  downtimeSeconds?: number;
  /**
   * The snapshot this run took (its name; DigitalOcean's id when it was learned; with copies
   * (#16 §2), every region it is in, its own first).
   */
  snapshot?: { name: string; id?: string; regions?: string[] };
  /** Its copies to `snapshot.copyTo` regions: made, and failed with why (the snapshot was kept). */
  copies?: { copied: string[]; failed: Array<{ region: string; error: string }> };
  /** The images and volume archives stored (the manifest not counted), bytes as stored. */
  archives?: { count: number; bytes: number };
  duplicity?: { kind: "full" | "incremental"; bytes: number };
  /** What retention deleted in this run: snapshot names, archive run ids. */
  retentionDeleted?: { snapshots: string[]; archives: string[] };
  /** Each failed phase, in plain words ("snapshot failed: …"). */
  errors: string[];
}

export interface RunRecord {
  format: typeof RUN_RECORD_FORMAT;
  runId: string;
  plan: string;
  /** What started the run and who asked (a Slack user id, `cli:<user>`). */
  startedBy: { trigger: "schedule" | "slack" | "cli"; by?: string };
  /** ISO-8601 UTC. */
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  outcome: RunOutcome;
  /** Why the run could not even start (e.g. a droplet selector matched nothing). */
  error?: string;
  droplets: DropletRecord[];
  /** DO's own Backups reconciled to the plan's `dropletBackups` (#16 §1), when the plan manages them. */
  backups?: Omit<BackupsReconciled, "dryRun">;
}

/** The parts of a run's result a record is made of (routine/run-plan.ts's RunResult). */
export interface RecordedResult {
  runId: string;
  plan: string;
  outcome: RunOutcome;
  droplets: DropletOutcome[];
  durationSeconds: number;
  error?: string;
  backups?: BackupsReconciled;
}

/**
 * @example runRecordOf(result, { trigger: "cli", by: "cli:alice", startedAt: start.at, finishedAt: Date.now() })
 */
export function runRecordOf(
  result: RecordedResult,
  run: { trigger: RunRecord["startedBy"]["trigger"]; by?: string; startedAt: number; finishedAt: number },
): RunRecord {
  return {
    format: RUN_RECORD_FORMAT,
    runId: result.runId,
    plan: result.plan,
    startedBy: { trigger: run.trigger, ...(run.by ? { by: run.by } : {}) },
    startedAt: new Date(run.startedAt).toISOString(),
    finishedAt: new Date(run.finishedAt).toISOString(),
    durationSeconds: result.durationSeconds,
    outcome: result.outcome,
    ...(result.error !== undefined ? { error: result.error } : {}),
    droplets: result.droplets.map(dropletRecordOf),
    ...(result.backups ? { backups: result.backups } : {}),
  };
}

function dropletRecordOf(d: DropletOutcome): DropletRecord {
  const deleted = {
    snapshots: d.retention?.snapshots?.deleted ?? [],
    archives: d.retention?.archives?.deleted ?? [],
  };
  return {
    droplet: d.droplet,
    dropletId: d.dropletId,
    outcome: d.outcome,
    detail: d.detail,
    ...(d.downtimeSeconds !== undefined ? { downtimeSeconds: d.downtimeSeconds } : {}),
    ...(d.snapshot ? { snapshot: snapshotRecordOf(d.snapshot, d.copies) } : {}),
    ...(d.copies && (d.copies.copied.length || d.copies.failed.length)
      ? { copies: { copied: d.copies.copied, failed: d.copies.failed } }
      : {}),
    ...(d.archives ? { archives: d.archives } : {}),
    ...(d.duplicity ? { duplicity: { kind: d.duplicity.mode, bytes: d.duplicity.bytes } } : {}),
    ...(deleted.snapshots.length || deleted.archives.length ? { retentionDeleted: deleted } : {}),
    // A droplet whose routine threw (no phase report) failed with its detail as the error.
    errors: d.errors ?? (d.outcome === "failed" && d.detail ? [d.detail] : []),
  };
}

function snapshotRecordOf(name: string, copies: DropletOutcome["copies"]): NonNullable<DropletRecord["snapshot"]> {
  return {
    name,
    ...(copies?.snapshotId ? { id: copies.snapshotId } : {}),
    ...(copies ? { regions: copies.regions } : {}),
  };
}

/** Whether a run left something retention keeps: a snapshot or an archive run. */
export const madeSomething = (record: RunRecord): boolean =>
  record.droplets.some((d) => d.snapshot !== undefined || (d.archives?.count ?? 0) > 0);

/**
 * A stored document read back: the record when it is one lifeboat wrote (this format), else
 * undefined (a reader skips it; retention never deletes it).
 */
export function parseRunRecord(value: unknown): RunRecord | undefined {
  const r = value as Partial<RunRecord> | null;
  if (typeof r !== "object" || r === null || r.format !== RUN_RECORD_FORMAT) return undefined;
  const text = (v: unknown) => typeof v === "string" && v.length > 0;
  if (!text(r.runId) || !text(r.plan) || !text(r.startedAt) || !text(r.outcome) || !Array.isArray(r.droplets)) {
    return undefined;
  }
  return r as RunRecord;
}
