/**
 * A droplet job's progress in the run's report: the latest `archive.progress` of each droplet,
 * kept in the report state until the job stored, failed or its phase ended, and its text on the
 * droplet's line of the thread's parent message. Pure: no I/O, no clock.
 */
import { bytesText, type EventOf, formatDuration, type LifeboatEvent } from "@lifeboat/core";
import { escapeText } from "../format";
import type { DropletState, RunState } from "./state";

/** What the parent message shows of a running job: the figures of its latest poll. */
export interface JobProgressState {
  kind: "archive" | "duplicity";
  item?: string;
  bytesDone: number;
  bytesExpected?: number;
  rate?: number;
  etaSeconds?: number;
  /** `at` of the poll: an older poll arriving late does not overwrite it. */
  at: string;
}

/** The droplet's phase while its job runs. */
export const JOB_PHASE = { archive: "archiving", duplicity: "duplicity backup running" } as const;

/**
 * Takes a poll unless a newer poll, or an event that ended the job, was already applied
 * (EventBridge delivers out of order). Returns whether it was taken.
 */
export function takeProgress(d: DropletState, event: EventOf<"archive.progress">): boolean {
  if (d.jobEndedAt !== undefined && event.at <= d.jobEndedAt) return false;
  if (d.job && event.at < d.job.at) return false;
  d.job = {
    kind: event.job,
    ...(event.item !== undefined ? { item: event.item } : {}),
    bytesDone: event.bytesDone,
    ...(event.bytesExpected !== undefined ? { bytesExpected: event.bytesExpected } : {}),
    ...(event.rate !== undefined ? { rate: event.rate } : {}),
    ...(event.etaSeconds !== undefined ? { etaSeconds: event.etaSeconds } : {}),
    at: event.at,
  };
  return true;
}

/**
 * Any other event of a droplet comes once its job is over (archives stored, duplicity done, a
 * failure, the next phase); the run's end or failure ends every droplet's.
 */
export function endJobs(state: RunState, event: LifeboatEvent): void {
  const ended =
    event.droplet !== "*"
      ? [state.droplets[event.droplet]]
      : event.type === "run.finished" || event.type === "run.failed"
        ? Object.values(state.droplets)
        : [];
  for (const d of ended) {
    if (!d) continue;
    if (d.jobEndedAt === undefined || event.at > d.jobEndedAt) d.jobEndedAt = event.at;
    if (d.job && d.job.at <= event.at) delete d.job;
  }
}

/**
 * @example jobProgressText({ kind: "archive", item: "volume gitlab-data", bytesDone: 1.2e9, bytesExpected: 30e9, rate: 25e6, etaSeconds: 1152, at })
 * // "volume gitlab-data: 1.2 GB of 30 GB (4%), 25 MB/s, about 19m 12s left"
 */
export function jobProgressText(job: JobProgressState): string {
  const known = job.bytesExpected !== undefined && job.bytesExpected > 0;
  const bytes = known
    ? `${bytesText(job.bytesDone)} of ${bytesText(job.bytesExpected)} (${Math.min(100, Math.floor((job.bytesDone / (job.bytesExpected as number)) * 100))}%)`
    : `${bytesText(job.bytesDone)} so far`;
  return [
    `${job.item ? `${escapeText(job.item)}: ` : ""}${bytes}`,
    job.rate !== undefined ? `${bytesText(job.rate)}/s` : "",
    job.etaSeconds !== undefined ? `about ${formatDuration(job.etaSeconds)} left` : "",
  ]
    .filter(Boolean)
    .join(", ");
}
