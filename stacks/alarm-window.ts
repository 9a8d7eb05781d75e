/**
 * How long the "no successful run of plan X" alarm waits: the plan's longest gap between two
 * scheduled runs, plus a margin for the run itself (an approval, a snapshot of an hour or
 * more, archive jobs), in the shapes CloudWatch accepts.
 *
 * CloudWatch's limits (PutMetricAlarm): Period is 10, 20, 30 or a multiple of 60 seconds;
 * Period × EvaluationPeriods is at most 7 days (604,800 s), and at most 1 day when Period is
 * under an hour. So a window up to a day is one period of that length, and a longer one is
 * whole days (Period 86,400, up to 7 of them).
 */
import { nextRuns, parseSchedule } from "@lifeboat/core";

const HOUR = 3600;
const DAY = 86_400;
/** Period × EvaluationPeriods may not exceed this (PutMetricAlarm). */
export const MAX_ALARM_WINDOW_SECONDS = 7 * DAY;
/** The least margin: a run may wait for an approval, a snapshot and archive jobs before it ends. */
export const MIN_MARGIN_SECONDS = 3 * HOUR;
/**
 * A cron's runs are looked at over a year (every DST change of its zone), or its first 2,000
 * runs when it fires more often than that: two weeks of one every 10 minutes of office hours.
 */
const LOOK_AHEAD_MS = 366 * DAY * 1000;
const MAX_RUNS_LOOKED_AT = 2_000;
const RUNS_PER_CALL = 100;
/** Crons are read from a fixed time, so the same config synthesizes the same alarm. */
const FROM = new Date("2026-01-01T00:00:00Z");

export interface AlarmWindow {
  /** The longest time between two scheduled runs. */
  longestGapSeconds: number;
  /** Gap + margin, rounded up to what CloudWatch accepts, and at most 7 days. */
  windowSeconds: number;
  periodSeconds: number;
  evaluationPeriods: number;
  /** The schedule is sparser than CloudWatch can watch: the alarm watches the last 7 days only. */
  capped: boolean;
}

/**
 * @example successAlarmWindow("rate(1 day)")
 * // → { longestGapSeconds: 86400, windowSeconds: 172800, periodSeconds: 86400, evaluationPeriods: 2, capped: false }
 */
export function successAlarmWindow(schedule: string, timeZone = "UTC"): AlarmWindow {
  const gap = longestGapSeconds(schedule, timeZone);
  const wanted = gap + Math.max(MIN_MARGIN_SECONDS, gap / 2);
  // A schedule sparser than this (a monthly plan) cannot be watched whole: the alarm then
  // goes off when a week passes without a successful run, also between two monthly runs.
  const capped = wanted > MAX_ALARM_WINDOW_SECONDS;
  const window = Math.min(wanted, MAX_ALARM_WINDOW_SECONDS);
  if (window <= DAY) {
    const periodSeconds = Math.ceil(window / 60) * 60;
    return { longestGapSeconds: gap, windowSeconds: periodSeconds, periodSeconds, evaluationPeriods: 1, capped };
  }
  const evaluationPeriods = Math.ceil(window / DAY);
  return {
    longestGapSeconds: gap,
    windowSeconds: evaluationPeriods * DAY,
    periodSeconds: DAY,
    evaluationPeriods,
    capped,
  };
}

/** The longest time between two runs of a schedule (the stack validated it already). */
export function longestGapSeconds(schedule: string, timeZone = "UTC"): number {
  const parsed = parseSchedule(schedule);
  if ("error" in parsed) throw new Error(`schedule ${schedule}: ${parsed.error}`);
  if (parsed.kind === "rate") return parsed.seconds;
  const end = FROM.getTime() + LOOK_AHEAD_MS;
  let longest = 0;
  let last: Date = FROM;
  let previous: Date | undefined;
  for (let looked = 0; looked < MAX_RUNS_LOOKED_AT && last.getTime() < end; looked += RUNS_PER_CALL) {
    const runs = nextRuns(parsed, last, RUNS_PER_CALL, timeZone);
    for (const run of runs) {
      if (previous) longest = Math.max(longest, (run.getTime() - previous.getTime()) / 1000);
      previous = run;
    }
    const next = runs.at(-1);
    // Past the cap nothing longer changes the window; a cron that ends has no more gaps.
    if (!next || runs.length < RUNS_PER_CALL || longest >= MAX_ALARM_WINDOW_SECONDS) break;
    last = next;
  }
  return longest;
}
