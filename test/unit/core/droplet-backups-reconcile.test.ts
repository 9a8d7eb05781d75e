import {
  type BackupsChange,
  backupsChange,
  backupsStateText,
  type DropletBackupPolicy,
  type Plan,
  stateAfter,
} from "@lifeboat/core";
import { describe, expect, it } from "vitest";

type Setting = Plan["dropletBackups"];

/** Starting states as DO's listing gives them. */
const start = {
  none: { dropletId: 1, enabled: false },
  // Disabled after having a policy: DO may still report the old one.
  off: { dropletId: 1, enabled: false, policy: { plan: "weekly", weekday: "MON", hour: 8 } },
  dailyAt20: { dropletId: 1, enabled: true, policy: { plan: "daily", hour: 20 } },
  weeklySunAt20: { dropletId: 1, enabled: true, policy: { plan: "weekly", weekday: "SUN", hour: 20 } },
  otherHour: { dropletId: 1, enabled: true, policy: { plan: "weekly", weekday: "SUN", hour: 4 } },
  otherWeekday: { dropletId: 1, enabled: true, policy: { plan: "weekly", weekday: "MON", hour: 20 } },
  onWithoutPolicy: { dropletId: 1, enabled: true },
} satisfies Record<string, DropletBackupPolicy>;

type Start = keyof typeof start;

const none: BackupsChange = { kind: "none" };
const disable: BackupsChange = { kind: "disable" };

describe("reconciling a droplet's DO Backups to the plan", () => {
  it("unmanaged never changes anything, whatever the droplet has", () => {
    for (const current of Object.values(start)) expect(backupsChange("unmanaged", current)).toEqual(none);
  });

  it("off disables Backups that are on, and leaves them off otherwise", () => {
    const expected: Record<Start, BackupsChange> = {
      none,
      off: none,
      dailyAt20: disable,
      weeklySunAt20: disable,
      otherHour: disable,
      otherWeekday: disable,
      onWithoutPolicy: disable,
    };
    for (const [name, current] of Object.entries(start)) {
      expect([name, backupsChange("off", current)]).toEqual([name, expected[name as Start]]);
    }
  });

  it("weekly on SUN at 20: enables, changes the plan, the hour or the weekday, or leaves it", () => {
    const wanted = { plan: "weekly", weekday: "SUN", hour: 20 } as const;
    const expected: Record<Start, BackupsChange> = {
      none: { kind: "enable", policy: wanted },
      off: { kind: "enable", policy: wanted },
      dailyAt20: { kind: "change", policy: wanted },
      weeklySunAt20: none,
      otherHour: { kind: "change", policy: wanted },
      otherWeekday: { kind: "change", policy: wanted },
      onWithoutPolicy: { kind: "change", policy: wanted },
    };
    for (const [name, current] of Object.entries(start)) {
      expect([name, backupsChange({ plan: "weekly", weekday: "SUN", hour: 20 }, current)]).toEqual([
        name,
        expected[name as Start],
      ]);
    }
  });

  it("daily at 20: a weekday is never compared (a daily policy has none)", () => {
    const wanted = { plan: "daily", hour: 20 } as const;
    const expected: Record<Start, BackupsChange> = {
      none: { kind: "enable", policy: wanted },
      off: { kind: "enable", policy: wanted },
      dailyAt20: none,
      weeklySunAt20: { kind: "change", policy: wanted },
      otherHour: { kind: "change", policy: wanted },
      otherWeekday: { kind: "change", policy: wanted },
      onWithoutPolicy: { kind: "change", policy: wanted },
    };
    for (const [name, current] of Object.entries(start)) {
      expect([name, backupsChange({ plan: "daily", hour: 20 }, current)]).toEqual([name, expected[name as Start]]);
    }
    // A weekday given with a daily plan means nothing: not sent, not a difference.
    expect(backupsChange({ plan: "daily", weekday: "MON", hour: 20 }, start.dailyAt20)).toEqual(none);
    expect(backupsChange({ plan: "daily", weekday: "MON", hour: 20 }, start.none)).toEqual({
      kind: "enable",
      policy: wanted,
    });
  });

  it("an unset weekday or hour means whatever DO has: no change for it, and a change keeps DO's value", () => {
    // Enabling: left out of the request, so DO picks its default window.
    expect(backupsChange({ plan: "weekly" }, start.none)).toEqual({ kind: "enable", policy: { plan: "weekly" } });
    expect(backupsChange({ plan: "daily" }, start.off)).toEqual({ kind: "enable", policy: { plan: "daily" } });
    // Same plan, other hour or weekday than the plan would name: nothing to change.
    expect(backupsChange({ plan: "weekly" }, start.otherHour)).toEqual(none);
    expect(backupsChange({ plan: "weekly", hour: 4 }, start.otherWeekday)).toEqual({
      kind: "change",
      policy: { plan: "weekly", weekday: "MON", hour: 4 },
    });
    expect(backupsChange({ plan: "weekly", weekday: "MON" }, start.otherHour)).toEqual({
      kind: "change",
      policy: { plan: "weekly", weekday: "MON", hour: 4 },
    });
    expect(backupsChange({ plan: "daily" }, start.dailyAt20)).toEqual(none);
    // Another plan: DO's hour kept; weekly from daily has no weekday to keep, so DO picks it.
    expect(backupsChange({ plan: "weekly" }, start.dailyAt20)).toEqual({
      kind: "change",
      policy: { plan: "weekly", hour: 20 },
    });
    expect(backupsChange({ plan: "daily" }, start.otherWeekday)).toEqual({
      kind: "change",
      policy: { plan: "daily", hour: 20 },
    });
  });

  it("every target from every starting state: the state after the change is what the plan asked for", () => {
    const targets: Setting[] = [
      "off",
      { plan: "daily" },
      { plan: "daily", hour: 4 },
      { plan: "weekly", weekday: "SUN", hour: 20 },
      { plan: "weekly", weekday: "TUE" },
      { plan: "weekly", hour: 0 },
    ];
    for (const target of targets) {
      for (const current of Object.values(start)) {
        const after = stateAfter(current, backupsChange(target, current));
        // Once changed, the plan asks for nothing more.
        expect(backupsChange(target, { dropletId: 1, ...after })).toEqual(none);
        expect(after.enabled).toBe(target !== "off");
      }
    }
  });
});

describe("a droplet's Backups in words", () => {
  it("says the plan, weekday and hour DO gave", () => {
    expect(backupsStateText({ enabled: false })).toBe("off");
    expect(backupsStateText({ enabled: true })).toBe("on");
    expect(backupsStateText({ enabled: true, policy: { plan: "daily", hour: 4 } })).toBe("daily at 04:00 UTC");
    expect(backupsStateText({ enabled: true, policy: { plan: "weekly", weekday: "SUN", hour: 20 } })).toBe(
      "weekly on SUN at 20:00 UTC",
    );
    expect(backupsStateText({ enabled: true, policy: { plan: "weekly" } })).toBe("weekly");
  });
});
