/** The seconds between two runs of a schedule, from the next two runs (a cron's gaps may vary). */
import { nextRuns, parseSchedule } from "../schedule";

/** @example scheduleIntervalSeconds("rate(1 day)", new Date()) // 86400 */
export function scheduleIntervalSeconds(expression: string, after: Date, timeZone = "UTC"): number {
  const schedule = parseSchedule(expression);
  if ("error" in schedule) return 0;
  if (schedule.kind === "rate") return schedule.seconds;
  const [a, b] = nextRuns(schedule, after, 2, timeZone);
  return a && b ? Math.round((b.getTime() - a.getTime()) / 1000) : 0;
}
