import {
  applyRetention,
  isoWeek,
  parseSchedule,
  parseSnapshotName,
  type RetentionPolicy,
  type Schedule,
  simulateRetention,
  snapshotName,
} from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const policy = (p: Partial<RetentionPolicy>): RetentionPolicy => ({
  keepLast: 0,
  keepDaily: 0,
  keepWeekly: 0,
  keepMonthly: 0,
  keepYearly: 0,
  ...p,
});

/** One item per ISO time; ids are the times, so the expected sets read as dates. */
const history = (...times: string[]) => times.map((t) => ({ id: t, createdAt: new Date(t) }));
const daily = (from: string, to: string, hour = "03:00:00Z") => {
  const out: string[] = [];
  for (let d = new Date(`${from}T${hour}`); d <= new Date(`${to}T${hour}`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString());
  }
  return history(...out);
};
const day = (iso: string) => new Date(`${iso}T03:00:00Z`).toISOString();

const cases: Array<[string, RetentionPolicy, ReturnType<typeof history>, string[], string[]?]> = [
  [
    "keepLast 3 of 5",
    policy({ keepLast: 3 }),
    daily("2026-11-01", "2026-11-05"),
    [day("2026-11-05"), day("2026-11-04"), day("2026-11-03")],
  ],
  [
    "keepDaily 2 with several a day keeps each day's newest",
    policy({ keepDaily: 2 }),
    history(
      "2026-11-01T01:00:00Z",
      "2026-11-01T05:00:00Z",
      "2026-11-02T01:00:00Z",
      "2026-11-03T02:00:00Z",
      "2026-11-03T09:00:00Z",
    ),
    ["2026-11-03T09:00:00Z", "2026-11-02T01:00:00Z"],
  ],
  [
    "keepWeekly 2 over ISO weeks",
    policy({ keepWeekly: 2 }),
    daily("2026-11-01", "2026-11-20"),
    [day("2026-11-20"), day("2026-11-15")],
  ],
  [
    "keepMonthly 2 + keepLast 1",
    policy({ keepLast: 1, keepMonthly: 2 }),
    daily("2026-01-01", "2026-03-10"),
    [day("2026-03-10"), day("2026-02-28")],
  ],
  [
    "keepYearly 2 over monthly snapshots",
    policy({ keepYearly: 2 }),
    history(...Array.from({ length: 30 }, (_, i) => new Date(Date.UTC(2024, i, 1, 3)).toISOString())),
    ["2026-06-01T03:00:00.000Z", "2025-12-01T03:00:00.000Z"],
  ],
  [
    "daily + weekly add up",
    policy({ keepDaily: 3, keepWeekly: 2 }),
    daily("2026-11-01", "2026-11-20"),
    [day("2026-11-20"), day("2026-11-19"), day("2026-11-18"), day("2026-11-15")],
  ],
  [
    "days without snapshots do not count",
    policy({ keepDaily: 3 }),
    history(day("2026-11-01"), day("2026-11-05"), day("2026-11-10"), day("2026-11-11")),
    [day("2026-11-11"), day("2026-11-10"), day("2026-11-05")],
  ],
  [
    "a policy keeping nothing still keeps the newest",
    policy({}),
    daily("2026-11-01", "2026-11-03"),
    [day("2026-11-03")],
  ],
  [
    "protected items stay whatever the policy",
    policy({ keepLast: 1 }),
    daily("2026-11-01", "2026-11-04"),
    [day("2026-11-04"), day("2026-11-01")],
    [day("2026-11-01")],
  ],
  ["an empty history keeps and deletes nothing", policy({ keepLast: 2 }), [], []],
];

describe("GFS retention policy", () => {
  it.each(cases)("%s", (_name, p, items, expectedKept, protect) => {
    const decision = applyRetention(items, p, { protect });
    expect(decision.keep.map((k) => k.item.id)).toEqual(expectedKept);
    expect(decision.remove.map((i) => i.id).sort()).toEqual(
      items
        .map((i) => i.id)
        .filter((id) => !expectedKept.includes(id))
        .sort(),
    );
  });

  it("says why each item is kept", () => {
    const decision = applyRetention(
      daily("2026-11-01", "2026-11-20"),
      policy({ keepLast: 1, keepDaily: 2, keepWeekly: 2 }),
    );
    expect(decision.keep.map((k) => [k.item.id, k.reasons])).toEqual([
      [day("2026-11-20"), ["newest", "last", "daily", "weekly"]],
      [day("2026-11-19"), ["daily"]],
      [day("2026-11-15"), ["weekly"]],
    ]);
  });

  it("numbers ISO weeks across year ends", () => {
    expect(isoWeek(new Date("2026-01-01T00:00:00Z"))).toBe("2026-W01");
    expect(isoWeek(new Date("2027-01-01T00:00:00Z"))).toBe("2026-W53");
    expect(isoWeek(new Date("2024-12-30T00:00:00Z"))).toBe("2025-W01");
  });
});

describe("snapshot names", () => {
  const at = new Date("2026-11-29T03:04:12Z");

  it("round-trips the plan, droplet and time", () => {
    const name = snapshotName("weekly", "gitlab", at);
    expect(name).toBe("lifeboat-weekly-gitlab-20261129T030412Z");
    expect(parseSnapshotName(name, "weekly", "gitlab")).toEqual(at);
  });

  it.each([
    ["someone's manual snapshot", "gitlab-before-upgrade"],
    ["another plan's snapshot", "lifeboat-nightly-gitlab-20261129T030412Z"],
    ["another droplet's snapshot", "lifeboat-weekly-gitlab2-20261129T030412Z"],
    ["a lookalike with a suffix", "lifeboat-weekly-gitlab-20261129T030412Z-copy"],
    ["a lookalike with a bad time", "lifeboat-weekly-gitlab-20261332T030412Z"],
    ["a prefix of the time only", "lifeboat-weekly-gitlab-20261129"],
  ])("does not claim %s", (_what, name) => {
    expect(parseSnapshotName(name, "weekly", "gitlab")).toBeUndefined();
  });
});

describe("retention simulation", () => {
  const schedule = parseSchedule("cron(0 3 * * ? *)") as Schedule;
  const from = new Date("2026-01-01T00:00:00Z");

  it("keepLast 2 on a daily schedule holds at most 3 snapshots at once", () => {
    const sim = simulateRetention(policy({ keepLast: 2 }), schedule, from, 6);
    expect(sim.runs).toBe(181);
    expect(sim.kept).toHaveLength(2);
    expect(sim.deleted).toBe(179);
    expect(sim.peak).toBe(3);
  });

  it("daily 7 + weekly 4 + monthly 6 over six months keeps exactly these", () => {
    const sim = simulateRetention(policy({ keepDaily: 7, keepWeekly: 4, keepMonthly: 6 }), schedule, from, 6);
    expect(sim.kept.map((k) => k.at.toISOString().slice(0, 10))).toEqual([
      "2026-06-30",
      "2026-06-29",
      "2026-06-28",
      "2026-06-27",
      "2026-06-26",
      "2026-06-25",
      "2026-06-24",
      "2026-06-21",
      "2026-06-14",
      "2026-05-31",
      "2026-04-30",
      "2026-03-31",
      "2026-02-28",
      "2026-01-31",
    ]);
    expect(sim.deleted).toBe(181 - 14);
  });
});
