/**
 * A run's report state: what the thread's parent message shows, rebuilt from events. It is
 * kept in the parent message's Slack metadata, so the next invocation of the report function
 * reads it back with the thread (no store of our own). Pure: no I/O, no clock.
 */
import { createHash } from "node:crypto";
import type { LifeboatEvent } from "@lifeboat/core";
import type { CardInfo } from "../approval/card";
import { applyDrillEvent, type DrillState } from "./drill-state";
import { endJobs, JOB_PHASE, type JobProgressState, takeProgress } from "./job-progress";
import { applyVerifyEvent, type VerifyState } from "./verify-state";

export interface DropletState {
  phase: string;
  /** `at` of the event that set the phase: an older event arriving late does not overwrite it. */
  phaseAt: string;
  downtimeSeconds?: number;
  snapshotName?: string;
  snapshotSizeGb?: number;
  archives: number;
  archiveBytes: number;
  duplicity?: string;
  retentionDeleted: number;
  /** Regions this run copied the snapshot to (#16 §2), and those it could not. */
  copiedTo?: string[];
  copyFailedTo?: string[];
  containersFailed: string[];
  outcome?: "succeeded" | "skipped" | "failed";
  detail?: string;
  /** The job running on the droplet, as its latest `archive.progress` said; gone once the job is over. */
  job?: JobProgressState;
  /** `at` of the latest event that ended a job: a poll from before it came too late to show. */
  jobEndedAt?: string;
}

export interface RunState {
  runId: string;
  plan: string;
  trigger?: string;
  requestedBy?: string;
  startedAt?: string;
  /** A dry run: nothing was changed; the summary says what a run would do. */
  dryRun?: boolean;
  finished?: { outcome: string; durationSeconds: number; monthlyCostUsd?: number };
  failed?: { phase: string; error: string; recovery: string };
  droplets: Record<string, DropletState>;
  /** Deleted by plan-wide retention (events with droplet "*"). */
  planRetentionDeleted: number;
  /** Approval cards posted in the thread, by callback id. */
  cards: Record<string, { ts: string; info: CardInfo }>;
  /** Short hashes of events already reported: EventBridge may deliver an event twice. */
  seen: string[];
  /** A restore drill's thread (the run id is the drill id): each droplet's drill, by name. */
  drills?: Record<string, DrillState>;
  /** What `verify.finished` said: a run's verify step, or the whole of a verify's own thread (`origin` "request"). */
  verify?: VerifyState;
}

const MAX_SEEN = 400;

export function emptyRunState(runId: string, plan: string): RunState {
  return { runId, plan, droplets: {}, planRetentionDeleted: 0, cards: {}, seen: [] };
}

/** A stable short key for an event, for de-duplication. */
export function eventKey(event: LifeboatEvent): string {
  return createHash("sha256").update(JSON.stringify(event)).digest("hex").slice(0, 12);
}

function droplet(state: RunState, name: string): DropletState {
  state.droplets[name] ??= {
    phase: "waiting",
    phaseAt: "",
    archives: 0,
    archiveBytes: 0,
    retentionDeleted: 0,
    containersFailed: [],
  };
  return state.droplets[name];
}

function setPhase(d: DropletState, phase: string, at: string): void {
  if (at >= d.phaseAt) {
    d.phase = phase;
    d.phaseAt = at;
  }
}

const DECISION_PHASE = {
  approve: "approved, powering off",
  postpone: "postponed 1 h",
  skip: "snapshot skipped",
  live: "live snapshot chosen",
  timeout: "no answer",
} as const;

/**
 * The state after one event (a copy; the input is not changed).
 * @example applyEvent(emptyRunState("weekly-1", "weekly"), startedEvent).droplets["web-1"].phase // "queued"
 */
export function applyEvent(previous: RunState, event: LifeboatEvent): RunState {
  const state: RunState = structuredClone(previous);
  // A poll is not remembered as seen: taking it twice changes nothing, and one key per poll
  // of a long job would push the other events out of the de-duplication window.
  if (event.type !== "archive.progress") {
    state.seen = [...state.seen, eventKey(event)].slice(-MAX_SEEN);
    endJobs(state, event);
  }
  const d = () => droplet(state, event.droplet);
  switch (event.type) {
    case "run.started":
      state.trigger = event.trigger;
      if (event.requestedBy) state.requestedBy = event.requestedBy;
      state.startedAt = event.at;
      if (event.dryRun) state.dryRun = true;
      for (const name of event.droplets) setPhase(droplet(state, name), "queued", event.at);
      break;
    case "approval.requested":
      setPhase(d(), `waiting for approval (until ${event.expiresAt})`, event.at);
      break;
    case "approval.decided":
      setPhase(
        d(),
        event.decision === "timeout"
          ? `no answer: ${event.outcome}`
          : `${DECISION_PHASE[event.decision]}${event.decidedBy ? ` by <@${event.decidedBy}>` : ""}`,
        event.at,
      );
      break;
    case "droplet.powered_off":
      setPhase(d(), `powered off (${event.how}), snapshotting`, event.at);
      break;
    case "snapshot.completed":
      d().snapshotName = event.snapshotName;
      if (event.sizeGb !== undefined) d().snapshotSizeGb = event.sizeGb;
      setPhase(d(), event.live ? "live snapshot done" : "snapshot done, powering on", event.at);
      break;
    case "droplet.powered_on":
      d().downtimeSeconds = event.downtimeSeconds;
      d().containersFailed = event.containersFailed;
      setPhase(d(), event.containersFailed.length ? "back on, some containers failed" : "back on", event.at);
      break;
    case "snapshot.copied":
      d().copiedTo = [...new Set([...(d().copiedTo ?? []), event.region])];
      setPhase(d(), `snapshot copied to ${event.region}`, event.at);
      break;
    case "snapshot.copy-failed":
      d().copyFailedTo = [...new Set([...(d().copyFailedTo ?? []), event.region])];
      setPhase(d(), `copy to ${event.region} failed`, event.at);
      break;
    case "archive.progress":
      if (takeProgress(d(), event)) setPhase(d(), JOB_PHASE[event.job], event.at);
      break;
    case "archive.stored":
      d().archives += 1;
      d().archiveBytes += event.bytes;
      setPhase(d(), `archiving (${d().archives} stored)`, event.at);
      break;
    case "duplicity.completed":
      d().duplicity = `${event.mode}, ${event.chains} chain${event.chains === 1 ? "" : "s"}${event.lastFull ? `, last full ${event.lastFull.slice(0, 10)}` : ""}`;
      setPhase(d(), "duplicity done", event.at);
      break;
    case "retention.applied":
      if (!event.dryRun) {
        if (event.droplet === "*") state.planRetentionDeleted += event.deleted.length;
        else d().retentionDeleted += event.deleted.length;
      }
      break;
    case "run.finished":
      state.finished = {
        outcome: event.outcome,
        durationSeconds: event.durationSeconds,
        ...(event.monthlyCostUsd !== undefined ? { monthlyCostUsd: event.monthlyCostUsd } : {}),
      };
      for (const s of event.summary) {
        const x = droplet(state, s.droplet);
        x.outcome = s.outcome;
        x.detail = s.detail;
        setPhase(x, s.outcome, event.at);
      }
      break;
    case "run.failed":
      state.failed = { phase: event.phase, error: event.error, recovery: event.recovery };
      if (event.droplet !== "*") setPhase(d(), `failed during ${event.phase}`, event.at);
      break;
    case "watchdog.recovered":
      setPhase(d(), "powered back on by the watchdog", event.at);
      break;
    case "drill.started":
    case "drill.passed":
    case "drill.failed":
      applyDrillEvent(state, event);
      break;
    case "verify.finished":
      applyVerifyEvent(state, event);
      break;
  }
  return state;
}
