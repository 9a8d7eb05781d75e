import { describePlan, nextRuns, parseSchedule, type Schedule, validateConfig } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const ok = (expression: string): Schedule => {
  const parsed = parseSchedule(expression);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed;
};
const iso = (dates: Date[]) => dates.map((d) => d.toISOString().replace(".000Z", "Z"));

describe("a cron read in the plan's time zone", () => {
  it("keeps Sundays 03:00 Europe/Berlin at 03:00 across the last Sunday of March (CET → CEST)", () => {
    expect(iso(nextRuns(ok("cron(0 3 ? * SUN *)"), new Date("2026-03-20T00:00:00Z"), 3, "Europe/Berlin"))).toEqual([
      "2026-03-22T02:00:00Z", // 03:00 CET, +01:00
      "2026-03-29T01:00:00Z", // 03:00 CEST, +02:00: the day the clocks go forward
      "2026-04-05T01:00:00Z",
    ]);
  });

  it("keeps Sundays 03:00 Europe/Berlin at 03:00 across the last Sunday of October (CEST → CET)", () => {
    expect(iso(nextRuns(ok("cron(0 3 ? * SUN *)"), new Date("2026-10-17T00:00:00Z"), 3, "Europe/Berlin"))).toEqual([
      "2026-10-18T01:00:00Z",
      "2026-10-25T02:00:00Z", // the day the clocks go back
      "2026-11-01T02:00:00Z",
    ]);
  });

  it("skips a time the clocks jump over, as EventBridge Scheduler does (02:30 on 29 March in Berlin)", () => {
    expect(iso(nextRuns(ok("cron(30 2 * * ? *)"), new Date("2026-03-27T12:00:00Z"), 3, "Europe/Berlin"))).toEqual([
      "2026-03-28T01:30:00Z",
      "2026-03-30T00:30:00Z",
      "2026-03-31T00:30:00Z",
    ]);
  });

  it("runs a time the clocks show twice only once, at the first (02:30 on 25 October in Berlin)", () => {
    const daily = ok("cron(30 2 * * ? *)");
    expect(iso(nextRuns(daily, new Date("2026-10-24T12:00:00Z"), 2, "Europe/Berlin"))).toEqual([
      "2026-10-25T00:30:00Z", // 02:30 CEST; the second 02:30 (CET, 01:30Z) does not run
      "2026-10-26T01:30:00Z",
    ]);
    // From inside the repeated hour, after the first 02:30 has run: the next is the day after.
    expect(iso(nextRuns(daily, new Date("2026-10-25T01:15:00Z"), 1, "Europe/Berlin"))).toEqual([
      "2026-10-26T01:30:00Z",
    ]);
  });

  it("follows America/New_York across its own DST dates (8 March, 1 November 2026)", () => {
    const daily = ok("cron(0 3 * * ? *)");
    expect(iso(nextRuns(daily, new Date("2026-03-07T00:00:00Z"), 2, "America/New_York"))).toEqual([
      "2026-03-07T08:00:00Z", // 03:00 EST
      "2026-03-08T07:00:00Z", // 03:00 EDT
    ]);
    expect(iso(nextRuns(daily, new Date("2026-10-31T00:00:00Z"), 2, "America/New_York"))).toEqual([
      "2026-10-31T07:00:00Z",
      "2026-11-01T08:00:00Z",
    ]);
  });

  it("reads the day fields in the zone: Sunday 00:30 in Tokyo is Saturday in UTC", () => {
    expect(iso(nextRuns(ok("cron(30 0 ? * SUN *)"), new Date("2026-11-26T00:00:00Z"), 1, "Asia/Tokyo"))).toEqual([
      "2026-11-28T15:30:00Z",
    ]);
  });

  it("reads a cron in UTC when no zone is given", () => {
    expect(iso(nextRuns(ok("cron(0 3 ? * SUN *)"), new Date("2026-03-20T00:00:00Z"), 2))).toEqual([
      "2026-03-22T03:00:00Z",
      "2026-03-29T03:00:00Z",
    ]);
  });
});

const planWith = (extra: Record<string, unknown>) => ({
  plans: [
    {
      name: "weekly",
      schedule: "cron(0 3 ? * SUN *)",
      droplets: [{ name: "web-1" }],
      snapshot: { mode: "none" },
      ...extra,
    },
  ],
});
const problemsOf = (config: unknown) => {
  try {
    validateConfig(config as Parameters<typeof validateConfig>[0]);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
};

describe("plans[].timezone", () => {
  it('defaults to "UTC"', () => {
    expect(validateConfig(planWith({})).plans[0]?.timezone).toBe("UTC");
  });

  it("accepts IANA names", () => {
    for (const timezone of ["Europe/Berlin", "America/New_York", "America/Argentina/Buenos_Aires", "Etc/GMT+1"]) {
      expect(validateConfig(planWith({ timezone })).plans[0]?.timezone).toBe(timezone);
    }
  });

  it.each([
    ["Europe/Berlinn", 'plans[0].timezone: unknown time zone; expected an IANA time zone name such as "Europe/Berlin"'],
    ["CET+1", 'plans[0].timezone: unknown time zone; expected an IANA time zone name such as "Europe/Berlin"'],
    ["+01:00", 'plans[0].timezone: expected an IANA time zone name such as "Europe/Berlin"'],
    ["europe/berlin", 'plans[0].timezone: write it as "Europe/Berlin"'],
  ])("refuses %j, naming the setting and an example", (timezone, message) => {
    expect(problemsOf(planWith({ timezone }))).toContain(message);
  });

  it("refuses a zone that is not a string", () => {
    expect(problemsOf(planWith({ timezone: 1 }))).toContain(
      'plans[0].timezone: expected an IANA time zone name such as "Europe/Berlin"',
    );
  });
});

describe("describePlan", () => {
  it("gives the next runs as instants and in the plan's zone", () => {
    const plan = validateConfig(planWith({ timezone: "Europe/Berlin", retention: { keepLast: 2 } })).plans[0];
    if (!plan) throw new Error("no plan");
    const summary = describePlan(plan, new Date("2026-03-20T00:00:00Z"), 2);
    expect(summary.timezone).toBe("Europe/Berlin");
    expect(iso(summary.nextRuns)).toEqual(["2026-03-22T02:00:00Z", "2026-03-29T01:00:00Z"]);
    expect(summary.nextRunsInZone).toEqual(["2026-03-22T03:00:00+01:00", "2026-03-29T03:00:00+02:00"]);
  });
});
