/**
 * The messages that cross process boundaries between lifeboat's parts. Each is JSON.
 *
 * - RunRequest: the input of the `backup-run` durable function, from the EventBridge
 *   schedule (`{ plan }` plus the scheduled time EventBridge adds), Slack, or the CLI.
 * - ApprovalAnswer: what Slack sends back to a waiting run with
 *   SendDurableExecutionCallbackSuccess (the `Result`), keyed by the callback id carried in
 *   the `approval.requested` event.
 */

import { utcStamp } from "./snapshot-name";

export interface RunRequest {
  plan: string;
  /** Only these droplets (by name) of the plan; all of them when absent. */
  droplets?: string[];
  trigger: "schedule" | "slack" | "cli";
  /** Slack user id (or local user name) who asked, for the report. */
  requestedBy?: string;
  /** ISO-8601 UTC: the schedule's intended time; with the plan it forms the execution name. */
  scheduledTime?: string;
  /**
   * Change nothing (no power action, snapshot, tag, hook, archive, upload or delete): read
   * what is needed and report what a real run would do (routine/dry-run.ts).
   */
  dryRun?: boolean;
  /**
   * The durable execution's name, when whoever started the run chose it: the run reports
   * under the same id that Slack's answer and `status` show.
   */
  runId?: string;
}

/**
 * A restore drill (#15 §2): the input `backup-run` also takes (told apart by `kind`), from the
 * plan's drill schedule, Slack `/lifeboat drill`, or the CLI's `lifeboat drill`.
 */
export interface DrillRequest {
  kind: "drill";
  plan: string;
  /** The droplet (by name) whose snapshot is drilled; absent: each of the plan's droplets, one after another. */
  droplet?: string;
  /** A lifeboat snapshot's name; default the droplet's latest. */
  snapshot?: string;
  /** Leave the scratch droplet running (CLI only): the report says how to destroy it. */
  keep?: boolean;
  trigger: "schedule" | "slack" | "cli";
  requestedBy?: string;
  /** ISO-8601 UTC: the drill schedule's intended time; with the plan it forms the drill id. */
  scheduledTime?: string;
  /** The drill id (durable execution name), when whoever started it chose it. */
  runId?: string;
}

/** Whether `backup-run`'s input is a drill rather than a backup run. */
export const isDrillRequest = (request: BackupRunInput): request is DrillRequest =>
  (request as DrillRequest).kind === "drill";

/**
 * A `verify` of the stored backups (#15 §1) run by `backup-run` (told apart by `kind`), from
 * Slack's `/lifeboat verify`: reading archives back can take far longer than the Slack
 * function may run, so it runs in durable steps and reports with `verify.finished`.
 */
export interface VerifyRequest {
  kind: "verify";
  /** A plan's or a droplet's name, as `lifeboat verify [plan|droplet]` takes it; absent: every plan's droplets. */
  target?: string;
  /** Share of the archives read back, 0…1 (0: manifests and sizes only). */
  readData: number;
  /** Picks the archives read back; absent: chosen in the run (the result names it, to repeat the pick). */
  seed?: number;
  trigger: "slack" | "cli";
  /** Slack user id (or local user name) who asked, for the report. */
  requestedBy?: string;
  /** ISO-8601 UTC: when it was asked; with who and what it forms the verify id. */
  scheduledTime?: string;
  /** The verify id (durable execution name), chosen by whoever started it. */
  runId?: string;
}

/** Everything `backup-run` takes. */
export type BackupRunInput = RunRequest | DrillRequest | VerifyRequest;

/** Whether `backup-run`'s input is a verify. */
export const isVerifyRequest = (request: BackupRunInput): request is VerifyRequest =>
  (request as VerifyRequest).kind === "verify";

export type ApprovalDecision = "approve" | "postpone" | "skip" | "live";

export interface ApprovalAnswer {
  decision: ApprovalDecision;
  /** Slack user id of the approver who decided. */
  by: string;
}

/**
 * The durable execution name for a run: the same plan and scheduled time always give the
 * same name, so a duplicate schedule delivery does not start a second run.
 * Lambda allows [A-Za-z0-9_-] up to 64 characters.
 * @example executionName("weekly", "2026-11-29T03:00:00Z") // "weekly-20261129T030000Z"
 */
export function executionName(plan: string, scheduledTime: string, suffix?: string): string {
  const stamp = utcStamp(new Date(scheduledTime));
  const name = `${plan}-${stamp}${suffix ? `-${suffix}` : ""}`.replace(/[^A-Za-z0-9_-]/g, "-");
  return name.slice(0, 64);
}

export function isApprovalAnswer(value: unknown): value is ApprovalAnswer {
  const v = value as ApprovalAnswer;
  return (
    typeof v === "object" &&
    v !== null &&
    ["approve", "postpone", "skip", "live"].includes(v.decision) &&
    typeof v.by === "string"
  );
}
