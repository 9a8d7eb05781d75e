import {
  type DropletSnapshot,
  decideRetention,
  elapsedBefore,
  estimateSnapshot,
  firstSnapshotCheck,
  offMarkerTag,
  ownSnapshots,
  parseAnswer,
  parseOffMarker,
  type RetentionPolicy,
  snapshotName,
  snapshotPollDelay,
} from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const snap = (name: string, dropletId: number, sizeGb = 25, createdAt = "2026-01-01T00:00:00Z"): DropletSnapshot => ({
  id: name,
  name,
  createdAt,
  sizeGb,
  minDiskGb: 50,
  dropletId,
  regions: ["nyc3"],
});

describe("powered-off marker tag", () => {
  it("round-trips plan, droplet and time, and fits DigitalOcean's tag rules", () => {
    const since = new Date("2026-12-01T03:00:00Z");
    const tag = offMarkerTag("weekly", 3164400, since);
    expect(tag).toBe("lifeboat-off:weekly:3164400:1796094000");
    expect(tag).toMatch(/^[a-zA-Z0-9_\-:]{1,255}$/);
    expect(parseOffMarker(tag)).toEqual({ plan: "weekly", dropletId: 3164400, since });
  });

  it("is not confused with other tags", () => {
    for (const tag of [
      "lifeboat-weekly",
      "lifeboat-off",
      "lifeboat-off:weekly:x:1796094000",
      "off:weekly:1:1796094000",
    ]) {
      expect(parseOffMarker(tag)).toBeUndefined();
    }
  });
});

describe("snapshot time estimate and poll plan", () => {
  it("uses the previous lifeboat snapshot's size, else the disk size, and says which", () => {
    expect(
      estimateSnapshot({ diskGb: 50 }, [
        snap("a", 1, 20, "2026-01-01T00:00:00Z"),
        snap("b", 1, 25, "2026-01-08T00:00:00Z"),
      ]),
    ).toEqual({
      usedGb: 25,
      source: "previous-snapshot",
      secondsPerGb: 59,
      speed: "typical",
      expectedSeconds: 1475,
    });
    expect(estimateSnapshot({ diskGb: 50 }, [])).toMatchObject({ usedGb: 50, source: "disk-size", speed: "typical" });
  });

  it("learns the speed from the action that made the previous snapshot, and only from that one", () => {
    const previous = snap("b", 1, 25, "2026-01-08T03:00:00Z");
    const itsAction = { startedAt: "2026-01-08T03:00:00Z", completedAt: "2026-01-08T03:27:05Z" }; // 1625 s = 65 s/GB
    expect(estimateSnapshot({ diskGb: 50 }, [previous], itsAction)).toMatchObject({
      secondsPerGb: 65,
      speed: "measured",
      expectedSeconds: 1625,
    });
    const anotherAction = { startedAt: "2026-01-09T03:00:00Z", completedAt: "2026-01-09T03:27:05Z" };
    expect(estimateSnapshot({ diskGb: 50 }, [previous], anotherAction).speed).toBe("typical");
    const implausible = { startedAt: "2026-01-08T03:00:00Z", completedAt: "2026-01-08T03:00:10Z" }; // 0.4 s/GB
    expect(estimateSnapshot({ diskGb: 50 }, [previous], implausible).speed).toBe("typical");
  });

  it("with a measured speed, looks first at the expected end, then every 30 s until 10 % after", () => {
    const estimate = estimateSnapshot({ diskGb: 50 }, [snap("b", 1, 25, "2026-01-08T03:00:00Z")], {
      startedAt: "2026-01-08T03:00:00Z",
      completedAt: "2026-01-08T03:24:35Z", // 1475 s = 59 s/GB
    });
    const first = firstSnapshotCheck(estimate).seconds;
    expect(first).toBe(1475);
    const plan = { delay: (e: number) => snapshotPollDelay(estimate, e), giveUpSeconds: 36_000 };
    const looksAt = (n: number) => first + elapsedBefore(plan, n);
    // The same speed as last time is seen when it ends, at the first look.
    let n = 1;
    while (looksAt(n) < 1475) n++;
    expect(n).toBe(1);
    // A faster one is seen at that look, late by what it gained (3 % faster: 44 s).
    expect(looksAt(1) - Math.round(1475 * 0.97)).toBe(44);
    // A slower one is still seen within 30 s anywhere up to 72 s/GB.
    for (const speed of [60, 64, 70, 72]) {
      let m = 1;
      while (looksAt(m) < 25 * speed) m++;
      expect(looksAt(m) - 25 * speed).toBeLessThanOrEqual(30);
    }
  });

  it("looks first at the fast end (50 s/GB), every 30 s up to 72 s/GB, then less often", () => {
    const estimate = estimateSnapshot({ diskGb: 50 }, [snap("b", 1, 25)]);
    expect(firstSnapshotCheck(estimate)).toEqual({ seconds: 1250 });
    const plan = { delay: (e: number) => snapshotPollDelay(estimate, e), giveUpSeconds: 36_000 };
    const looksAt = (n: number) => 1250 + elapsedBefore(plan, n);
    expect([1, 2, 3].map(looksAt)).toEqual([1250, 1280, 1310]);
    // Any end between 50 and 72 s/GB is seen at most 30 s late.
    for (const speed of [50, 55, 59, 64, 70, 72]) {
      const end = 25 * speed;
      let n = 1;
      while (looksAt(n) < end) n++;
      expect(looksAt(n) - end).toBeLessThanOrEqual(30);
    }
    expect(snapshotPollDelay(estimate, 25 * 72)).toEqual({ seconds: 120 });
    expect(snapshotPollDelay(estimate, 1475 * 2)).toEqual({ seconds: 300 });
  });
});

describe("approval answers", () => {
  it("accepts the ApprovalAnswer JSON, as text or value, and nothing else", () => {
    expect(parseAnswer('{"decision":"approve","by":"U1"}')).toEqual({ decision: "approve", by: "U1" });
    expect(parseAnswer({ decision: "postpone", by: "U1" })).toEqual({ decision: "postpone", by: "U1" });
    expect(parseAnswer('{"decision":"yes","by":"U1"}')).toBeUndefined();
    expect(parseAnswer("approve")).toBeUndefined();
    expect(parseAnswer(undefined)).toBeUndefined();
  });
});

const policy = (p: Partial<RetentionPolicy>): RetentionPolicy => ({
  keepLast: 0,
  keepDaily: 0,
  keepWeekly: 0,
  keepMonthly: 0,
  keepYearly: 0,
  ...p,
});

describe("routine retention: only this plan's snapshots of this droplet", () => {
  const droplet = { id: 7, name: "gitlab" };
  const ours = (iso: string) => snapshotName("weekly", "gitlab", new Date(iso));
  const days = ["2026-01-01", "2026-01-02", "2026-01-08", "2026-01-15", "2026-02-01", "2026-03-01"].map((d) =>
    ours(`${d}T03:00:00Z`),
  );
  const foreign = [
    snap("gitlab-before-upgrade", 7), // by hand
    snap(snapshotName("nightly", "gitlab", new Date("2025-01-01T03:00:00Z")), 7), // another plan
    snap(snapshotName("weekly", "gitlab", new Date("2025-01-01T03:00:00Z")), 8), // same name, other droplet id
    snap(`${ours("2025-02-01T03:00:00Z")}-copy`, 7), // not exactly lifeboat's form
  ];
  const list = [...days.map((n) => snap(n, 7)), ...foreign];

  const plan = (p: Partial<RetentionPolicy>) => ({ name: "weekly", retention: policy(p) });
  /** The plan's own verdicts, by name: what it keeps and what it releases. */
  const ours_ = (verdicts: ReturnType<typeof decideRetention>) => {
    const own = verdicts.filter((v) => v.planOwned);
    return {
      keep: own.filter((v) => v.action === "keep").map((v) => v.name),
      remove: own.filter((v) => v.action === "delete").map((v) => v.name),
    };
  };

  it("never considers a snapshot lifeboat did not make for this plan and droplet", () => {
    expect(ownSnapshots(list, "weekly", droplet).map((s) => s.name)).toEqual([...days].reverse());
  });

  const table: Array<[string, Partial<RetentionPolicy>, string[]]> = [
    ["keepLast 2", { keepLast: 2 }, [days[5]!, days[4]!]],
    ["keepDaily 3", { keepDaily: 3 }, [days[5]!, days[4]!, days[3]!]],
    ["keepWeekly 2", { keepWeekly: 2 }, [days[5]!, days[4]!]],
    ["keepMonthly 2", { keepMonthly: 2 }, [days[5]!, days[4]!]],
    ["keepLast 1 + keepMonthly 3", { keepLast: 1, keepMonthly: 3 }, [days[5]!, days[4]!, days[3]!]],
    ["keepYearly 1", { keepYearly: 1 }, [days[5]!]],
  ];
  it.each(table)("%s keeps exactly the expected set, the one just made included", (_, p, kept) => {
    const decision = ours_(decideRetention({ plan: plan(p), droplet, snapshots: list, justMade: [days[5]!] }));
    expect(decision.keep).toEqual(kept);
    expect(decision.remove.sort()).toEqual(days.filter((d) => !kept.includes(d)).sort());
  });

  it("keeps the snapshot just made even when the policy alone would not", () => {
    // The run's snapshot is older than another of ours (clock skew, a re-run): still kept.
    const decision = ours_(
      decideRetention({ plan: plan({ keepLast: 1 }), droplet, snapshots: list, justMade: [days[2]!] }),
    );
    expect(decision.keep).toEqual([days[5]!, days[2]!]);
  });
});
