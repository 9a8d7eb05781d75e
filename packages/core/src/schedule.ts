/**
 * EventBridge schedule expressions: `cron(min hour day-of-month month day-of-week year)` and
 * `rate(N unit)`. Parsing and next-run times use `aws-cron-parser`; the rules it does not
 * check (six fields, exactly one of day-of-month / day-of-week is `?`) are checked here.
 */
import awsCronParser from "aws-cron-parser";
import { instantsOf, wallClock } from "./time-zone";

export type Schedule =
  | { kind: "cron"; expression: string; fields: string }
  | { kind: "rate"; expression: string; seconds: number };

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;
const RATE_UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86_400 };

/** The parsed schedule, or a sentence saying what is wrong with it. */
export function parseSchedule(expression: string): Schedule | { error: string } {
  const rate = RATE.exec(expression);
  if (rate) {
    const [, amountText = "", unitText = ""] = rate;
    const amount = Number(amountText);
    const unit = unitText.replace(/s$/, "");
    if (amount < 1) return { error: "a rate must be at least 1" };
    if ((amount === 1) !== (unit === unitText)) {
      return { error: `EventBridge wants "rate(1 ${unit})" for one and "rate(${amount} ${unit}s)" for more` };
    }
    return { kind: "rate", expression, seconds: amount * (RATE_UNIT_SECONDS[unit] ?? 0) };
  }
  const cron = CRON.exec(expression);
  if (!cron) return { error: 'expected "cron(min hour day month weekday year)" or "rate(N minutes|hours|days)"' };
  const fields = (cron[1] ?? "").trim();
  const parts = fields.split(/\s+/);
  if (parts.length !== 6)
    return { error: `a cron needs 6 fields (min hour day month weekday year), got ${parts.length}` };
  const [, , dayOfMonth, , dayOfWeek] = parts;
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
    return { error: "exactly one of day-of-month (3rd field) and day-of-week (5th field) must be ?" };
  }
  try {
    const parsed = awsCronParser.parse(fields);
    if (!awsCronParser.next(parsed, new Date())) return { error: "this cron never fires again" };
  } catch (error) {
    return { error: `not a valid cron: ${(error as Error).message}` };
  }
  return { kind: "cron", expression, fields };
}

/**
 * The next `count` times a schedule fires strictly after `after`, evaluating a cron in
 * `timeZone` as EventBridge Scheduler does: a time the clock skips (spring forward) does not
 * run, a time the clock shows twice (fall back) runs once, at the first.
 */
export function nextRuns(schedule: Schedule, after: Date, count: number, timeZone = "UTC"): Date[] {
  const runs: Date[] = [];
  if (schedule.kind === "rate") {
    // A rate counts elapsed time, whatever the zone; from a given moment, runs are `seconds` apart.
    for (let i = 1; i <= count; i++) runs.push(new Date(after.getTime() + i * schedule.seconds * 1000));
    return runs;
  }
  const parsed = awsCronParser.parse(schedule.fields);
  // aws-cron-parser works in UTC: feed it wall-clock times, then find the instants that show them.
  let wall = wallClock(after, timeZone);
  let last = after;
  while (runs.length < count) {
    const next = awsCronParser.next(parsed, new Date(wall.getTime() + 1000));
    if (!next) break;
    wall = next;
    const first = instantsOf(next, timeZone)[0];
    if (first === undefined || first.getTime() <= last.getTime()) continue; // skipped, or already run
    runs.push(first);
    last = first;
  }
  return runs;
}
