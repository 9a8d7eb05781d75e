import { backupWindowDecision, type KnownBackups, windowsBetween, windowText } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const t = (iso: string) => Date.parse(iso);
const HOUR = 3600;

/** Daily at 20:00 UTC, DO's next window tonight. */
const daily: KnownBackups = {
  enabled: true,
  policy: { plan: "daily", hour: 20 },
  nextWindow: { start: "2026-01-04T20:00:00Z", end: "2026-01-05T00:00:00Z" },
};

describe("the backup window in the way of a power-off", () => {
  it("is clear when Backups are off, or the downtime ends before the window opens", () => {
    expect(backupWindowDecision({ enabled: false }, t("2026-01-04T20:30:00Z"), HOUR, "wait")).toEqual({
      kind: "clear",
    });
    expect(backupWindowDecision(daily, t("2026-01-04T18:00:00Z"), HOUR, "wait")).toEqual({ kind: "clear" });
    // Ends exactly when the window opens: not in the way.
    expect(backupWindowDecision(daily, t("2026-01-04T19:00:00Z"), HOUR, "wait")).toEqual({ kind: "clear" });
    // Just after the window ended.
    expect(backupWindowDecision(daily, t("2026-01-05T00:00:00Z"), HOUR, "wait")).toEqual({ kind: "clear" });
  });

  it("waits until the window ends when it is open now, or opens before the downtime ends", () => {
    const window = { start: t("2026-01-04T20:00:00Z"), end: t("2026-01-05T00:00:00Z") };
    expect(backupWindowDecision(daily, t("2026-01-04T21:00:00Z"), HOUR, "wait")).toEqual({
      kind: "wait",
      window,
      until: window.end,
    });
    expect(backupWindowDecision(daily, t("2026-01-04T19:30:00Z"), HOUR, "wait")).toEqual({
      kind: "wait",
      window,
      until: window.end,
    });
  });

  it("warn goes ahead and names the window", () => {
    expect(backupWindowDecision(daily, t("2026-01-04T19:30:00Z"), HOUR, "warn")).toEqual({
      kind: "warn",
      window: { start: t("2026-01-04T20:00:00Z"), end: t("2026-01-05T00:00:00Z") },
    });
    expect(backupWindowDecision(daily, t("2026-01-04T12:00:00Z"), HOUR, "warn")).toEqual({ kind: "clear" });
  });

  it("repeats DO's window by the policy's period: a listing from hours or days ago still tells", () => {
    // Two days later, same hours.
    expect(backupWindowDecision(daily, t("2026-01-06T22:00:00Z"), HOUR, "wait")).toEqual({
      kind: "wait",
      window: { start: t("2026-01-06T20:00:00Z"), end: t("2026-01-07T00:00:00Z") },
      until: t("2026-01-07T00:00:00Z"),
    });
    // A window listed in the future repeats backwards too (yesterday's was at the same hours).
    expect(backupWindowDecision(daily, t("2026-01-03T23:00:00Z"), HOUR, "wait")).toMatchObject({
      kind: "wait",
      until: t("2026-01-04T00:00:00Z"),
    });
    const weekly: KnownBackups = {
      enabled: true,
      policy: { plan: "weekly", weekday: "SUN", hour: 20 },
      nextWindow: { start: "2026-01-04T20:00:00Z", end: "2026-01-05T00:00:00Z" },
    };
    expect(backupWindowDecision(weekly, t("2026-01-05T21:00:00Z"), HOUR, "wait")).toEqual({ kind: "clear" });
    expect(backupWindowDecision(weekly, t("2026-01-11T21:00:00Z"), HOUR, "wait")).toMatchObject({
      kind: "wait",
      until: t("2026-01-12T00:00:00Z"),
    });
  });

  it("follows from the policy when DO gave no window (a policy this run just set)", () => {
    // 2026-01-04 is a Sunday.
    const weeklyMon4: KnownBackups = { enabled: true, policy: { plan: "weekly", weekday: "MON", hour: 4 } };
    expect(backupWindowDecision(weeklyMon4, t("2026-01-05T03:30:00Z"), HOUR, "wait")).toEqual({
      kind: "wait",
      window: { start: t("2026-01-05T04:00:00Z"), end: t("2026-01-05T08:00:00Z") },
      until: t("2026-01-05T08:00:00Z"),
    });
    expect(backupWindowDecision(weeklyMon4, t("2026-01-04T03:30:00Z"), HOUR, "wait")).toEqual({ kind: "clear" });
    // A window that crosses midnight, open since yesterday.
    const dailyAt20: KnownBackups = { enabled: true, policy: { plan: "daily", hour: 20 } };
    expect(backupWindowDecision(dailyAt20, t("2026-01-04T23:00:00Z"), 60, "wait")).toMatchObject({
      until: t("2026-01-05T00:00:00Z"),
    });
  });

  it("is unknown when Backups may be on but their window cannot be told", () => {
    expect(backupWindowDecision(undefined, t("2026-01-04T21:00:00Z"), HOUR, "wait").kind).toBe("unknown");
    expect(backupWindowDecision({ enabled: true }, t("2026-01-04T21:00:00Z"), HOUR, "wait").kind).toBe("unknown");
    const noHour: KnownBackups = { enabled: true, policy: { plan: "daily" } };
    expect(backupWindowDecision(noHour, t("2026-01-04T21:00:00Z"), HOUR, "wait").kind).toBe("unknown");
    const noWeekday: KnownBackups = { enabled: true, policy: { plan: "weekly", hour: 4 } };
    expect(backupWindowDecision(noWeekday, t("2026-01-04T21:00:00Z"), HOUR, "wait").kind).toBe("unknown");
  });

  it("does not start a downtime that cannot fit between windows within the longest wait", () => {
    // A 21-hour downtime never fits between daily 4-hour windows (20 hours apart).
    expect(backupWindowDecision(daily, t("2026-01-04T12:00:00Z"), 21 * HOUR, "wait")).toEqual({
      kind: "no-gap",
      window: { start: t("2026-01-04T20:00:00Z"), end: t("2026-01-05T00:00:00Z") },
    });
    // The window ends 3.5 h from now: beyond a 3-hour longest wait.
    expect(backupWindowDecision(daily, t("2026-01-04T20:30:00Z"), HOUR, "wait", 3 * HOUR).kind).toBe("no-gap");
    expect(backupWindowDecision(daily, t("2026-01-04T20:30:00Z"), HOUR, "wait", 4 * HOUR).kind).toBe("wait");
  });

  it("lists the windows over a span, and says one in words", () => {
    const ws = windowsBetween(daily as NonNullable<KnownBackups>, t("2026-01-05T01:00:00Z"), t("2026-01-07T01:00:00Z"));
    expect(ws?.map((w) => windowText(w, true))).toEqual(["2026-01-05 20:00–00:00 UTC", "2026-01-06 20:00–00:00 UTC"]);
  });
});
