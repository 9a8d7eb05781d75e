/**
 * A droplet job's progress (`archive.progress`) as the CLI shows it: one short text, and when a
 * log that is not a terminal (CI, a pipe) gets a line, so a long job's log stays small.
 */
import { bytesText, type EventOf, formatDuration } from "@lifeboat/core";

export type JobProgress = EventOf<"archive.progress">;

/** A log gets a job's first poll, then a line at most every this many seconds… */
export const LOG_EVERY_SECONDS = 30;
/** …or whenever the job crossed into a further tenth of its expected size. */
const LOG_EVERY_PERCENT = 10;

/** Whole percent done, when the expected size is known; never past 100 (the expectation is an estimate). */
export function percentDone(p: Pick<JobProgress, "bytesDone" | "bytesExpected">): number | undefined {
  if (!p.bytesExpected || p.bytesExpected <= 0) return undefined;
  return Math.min(100, Math.floor((p.bytesDone / p.bytesExpected) * 100));
}

/**
 * @example progressText({ item: "volume gitlab-data", bytesDone: 1.2e9, bytesExpected: 30e9, rate: 25e6, etaSeconds: 1152, … })
 * // "volume gitlab-data: 1.2 GB of 30 GB (4%), 25 MB/s, ETA 19m 12s"
 */
export function progressText(p: JobProgress): string {
  const percent = percentDone(p);
  const bytes =
    percent === undefined
      ? `${bytesText(p.bytesDone)} so far`
      : `${bytesText(p.bytesDone)} of ${bytesText(p.bytesExpected)} (${percent}%)`;
  return [
    `${p.item ? `${p.item}: ` : ""}${bytes}`,
    p.rate !== undefined ? `${bytesText(p.rate)}/s` : "",
    p.etaSeconds !== undefined ? `ETA ${formatDuration(p.etaSeconds)}` : "",
  ]
    .filter(Boolean)
    .join(", ");
}

/** The log line of a poll: which job, its progress, and how long it has run. */
export function progressLogLine(p: JobProgress): string {
  return `${p.job} job: ${progressText(p)} (running ${formatDuration(p.elapsedSeconds)})`;
}

/** What a log last said about a droplet's job. */
export interface LoggedProgress {
  /** Run time (ms) of the line. */
  at: number;
  percent: number | undefined;
}

/** Whether a log that is not a terminal gets a line for this poll. */
export function logProgressNow(last: LoggedProgress | undefined, now: number, p: JobProgress): boolean {
  if (!last) return true;
  if (now - last.at >= LOG_EVERY_SECONDS * 1000) return true;
  const percent = percentDone(p);
  if (percent === undefined || last.percent === undefined) return false;
  return Math.floor(percent / LOG_EVERY_PERCENT) > Math.floor(last.percent / LOG_EVERY_PERCENT);
}
