/**
 * When the routine looks at a job on the droplet again (./follow-job.ts). Each look is one
 * short SSH command and one durable step, and a wait between looks costs nothing; so the
 * waits follow what the job is expected to take: short while little is known, then about a
 * third of the time the job still needs at the rate seen so far, so a 30 GB archive is looked
 * at a few dozen times, not every ten seconds.
 *
 * A wait never exceeds `JOB_POLL_MAX_SECONDS`: a look is also when the droplet is handed
 * fresh storage credentials (the host does so when they expire within 20 minutes), and it is
 * the only moment a stall or an unreachable droplet can be seen, so the wait is also kept
 * under half of `stallAfter` and `unreachableFor`.
 */
import type { Plan } from "../config/schema";

/** The first look, and the shortest wait between two. */
export const JOB_POLL_MIN_SECONDS = 10;
/** The longest wait between two looks: well below the credentials' 20-minute refresh margin. */
export const JOB_POLL_MAX_SECONDS = 240;

/** What the last look saw, as far as the plan needs it. */
export interface JobSeen {
  bytesDone: number;
  /** Bytes per second, when the job reported one. */
  rate?: number;
  elapsedSeconds: number;
}

/** Bytes per second so far: the job's own recent rate, else its average; undefined before any byte moved. */
export function rateOf(seen: JobSeen): number | undefined {
  if (seen.rate !== undefined && seen.rate > 0) return seen.rate;
  if (seen.bytesDone > 0 && seen.elapsedSeconds > 0) return seen.bytesDone / seen.elapsedSeconds;
  return undefined;
}

/** Seconds the job still needs at the rate seen so far; undefined without an expected size or a rate, or once past the expected size. */
export function etaSecondsOf(seen: JobSeen, expectedBytes: number | undefined): number | undefined {
  const rate = rateOf(seen);
  if (expectedBytes === undefined || rate === undefined || seen.bytesDone >= expectedBytes) return undefined;
  return Math.round((expectedBytes - seen.bytesDone) / rate);
}

/** The longest wait this plan allows: under half its stall and unreachable limits, and never above the maximum. */
export function jobPollCapSeconds(jobs: Plan["jobs"]): number {
  const half = Math.floor(Math.min(jobs.stallAfter.seconds, jobs.unreachableFor.seconds) / 2);
  return Math.max(JOB_POLL_MIN_SECONDS, Math.min(JOB_POLL_MAX_SECONDS, half));
}

/**
 * The wait before the next look. Without a look yet, or without an expected size and a rate,
 * the wait grows with the job's age (half of it: 10 s, 10 s, 15 s, 22 s, …); with both, it is
 * a third of the time left. Always within [JOB_POLL_MIN_SECONDS, jobPollCapSeconds].
 * @example nextJobPollSeconds({ bytesDone: 1e9, rate: 25e6, elapsedSeconds: 40 }, 30e9, jobs) // 240 (1160 s left / 3 = 387, capped)
 */
export function nextJobPollSeconds(
  seen: JobSeen | undefined,
  expectedBytes: number | undefined,
  jobs: Plan["jobs"],
): number {
  const cap = jobPollCapSeconds(jobs);
  const eta = seen ? etaSecondsOf(seen, expectedBytes) : undefined;
  const wanted = eta !== undefined ? eta / 3 : (seen?.elapsedSeconds ?? 0) / 2;
  return Math.min(cap, Math.max(JOB_POLL_MIN_SECONDS, Math.round(wanted)));
}
