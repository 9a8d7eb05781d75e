import { describe, expect, it } from "vitest";
import { longestGapSeconds, MAX_ALARM_WINDOW_SECONDS, successAlarmWindow } from "../../stacks/alarm-window";

const HOUR = 3600;
const DAY = 86_400;

/** CloudWatch's own rules for an alarm's period and evaluation range (PutMetricAlarm). */
function acceptedByCloudWatch(w: { periodSeconds: number; evaluationPeriods: number }) {
  const range = w.periodSeconds * w.evaluationPeriods;
  expect(w.periodSeconds % 60).toBe(0);
  expect(range).toBeLessThanOrEqual(MAX_ALARM_WINDOW_SECONDS);
  if (w.periodSeconds < HOUR) expect(range).toBeLessThanOrEqual(DAY);
}

describe("the no-success alarm's window", () => {
  it.each([
    // schedule, longest gap, window, period, evaluation periods
    ["rate(1 hour)", HOUR, 4 * HOUR, 4 * HOUR, 1],
    ["rate(30 minutes)", 1800, 3.5 * HOUR, 3.5 * HOUR, 1],
    ["rate(12 hours)", 12 * HOUR, 18 * HOUR, 18 * HOUR, 1],
    ["rate(1 day)", DAY, 2 * DAY, DAY, 2],
    ["cron(30 2 * * ? *)", DAY, 2 * DAY, DAY, 2],
    // Weekdays only: the longest gap is Friday to Monday.
    ["cron(0 3 ? * MON-FRI *)", 3 * DAY, 5 * DAY, DAY, 5],
    // Every 10 minutes in office hours on weekdays: Friday 17:50 to Monday 08:00.
    ["cron(0/10 8-17 ? * MON-FRI *)", 2 * DAY + 14 * HOUR + 10 * 60, 4 * DAY, DAY, 4],
  ])("%s: gap %d s → window %d s as %d s × %d", (schedule, gap, window, period, periods) => {
    const w = successAlarmWindow(schedule);
    expect(w).toEqual({
      longestGapSeconds: gap,
      windowSeconds: window,
      periodSeconds: period,
      evaluationPeriods: periods,
      capped: false,
    });
    acceptedByCloudWatch(w);
  });

  it("gives a weekly plan a window CloudWatch cannot exceed, and says it is capped", () => {
    const w = successAlarmWindow("cron(0 3 ? * SUN *)", "Europe/Berlin");
    expect(w.longestGapSeconds).toBeGreaterThanOrEqual(7 * DAY - HOUR);
    expect(w).toMatchObject({ windowSeconds: 7 * DAY, periodSeconds: DAY, evaluationPeriods: 7, capped: true });
    acceptedByCloudWatch(w);
  });

  it("gives a monthly plan the maximum too", () => {
    const w = successAlarmWindow("cron(0 3 1 * ? *)");
    expect(w.longestGapSeconds).toBeGreaterThanOrEqual(7 * DAY);
    expect(w).toMatchObject({ windowSeconds: MAX_ALARM_WINDOW_SECONDS, capped: true });
    acceptedByCloudWatch(w);
  });

  it("reads a cron in the plan's time zone: a daily run across a DST change is 25 hours apart", () => {
    expect(longestGapSeconds("cron(0 3 * * ? *)", "Europe/Berlin")).toBe(25 * HOUR);
    expect(longestGapSeconds("cron(0 3 * * ? *)")).toBe(DAY);
  });
});
