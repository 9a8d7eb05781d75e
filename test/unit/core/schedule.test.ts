import { formatDuration, nextRuns, parseDuration, parseSchedule, type Schedule } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const ok = (expression: string): Schedule => {
  const parsed = parseSchedule(expression);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed;
};

describe("schedules", () => {
  const now = new Date("2026-11-26T07:00:00Z"); // a Thursday

  it("finds the next Sundays at 03:00 UTC", () => {
    expect(nextRuns(ok("cron(0 3 ? * SUN *)"), now, 2).map((d) => d.toISOString())).toEqual([
      "2026-11-29T03:00:00.000Z",
      "2026-12-06T03:00:00.000Z",
    ]);
  });

  it("finds the last day of each month", () => {
    expect(nextRuns(ok("cron(0 4 L * ? *)"), now, 2).map((d) => d.toISOString())).toEqual([
      "2026-11-30T04:00:00.000Z",
      "2026-12-31T04:00:00.000Z",
    ]);
  });

  it("spaces rate runs by their period", () => {
    expect(nextRuns(ok("rate(6 hours)"), now, 2).map((d) => d.toISOString())).toEqual([
      "2026-11-26T13:00:00.000Z",
      "2026-11-26T19:00:00.000Z",
    ]);
  });

  it("rejects a cron that can never fire again", () => {
    expect(parseSchedule("cron(0 3 1 1 ? 2020)")).toEqual({ error: "this cron never fires again" });
  });
});

describe("durations", () => {
  it.each([
    ["90s", 90],
    ["20m", 1200],
    ["1h30m", 5400],
    ["7d", 604_800],
    ["2w", 1_209_600],
  ])("reads %s as %i seconds", (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(["", "5", "1.5h", "h", "10 m", "-5m"])("refuses %j", (text) => expect(parseDuration(text)).toBeUndefined());

  it("prints the two largest units", () => {
    expect(formatDuration(5430)).toBe("1h 30m");
    expect(formatDuration(86_400 + 60)).toBe("1d 1m");
    expect(formatDuration(0)).toBe("0s");
  });
});
