import {
  classifyRuns,
  dataProblem,
  duplicityChainVerdict,
  objectProblem,
  pickArchives,
  scheduleIntervalSeconds,
  snapshotVerdict,
  verifyReport,
  verifyReportLines,
} from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const now = Date.parse("2026-11-30T12:00:00Z");
const hoursAgo = (h: number) => new Date(now - h * 3_600_000).toISOString();

describe("verify verdicts: which run, what is debris", () => {
  it("the latest complete run is the one whose manifest was written last; a run without a manifest is never it", () => {
    const v = classifyRuns(
      [
        { runId: "nightly-b", manifestAt: hoursAgo(30), newestAt: hoursAgo(30) },
        { runId: "nightly-c", newestAt: hoursAgo(1) },
        { runId: "weekly-a", manifestAt: hoursAgo(2), newestAt: hoursAgo(2) },
      ],
      now,
    );
    expect(v.latest?.runId).toBe("weekly-a");
  });

  it("a run without a manifest is debris only once older than a day (a younger one may still upload)", () => {
    const v = classifyRuns(
      [
        { runId: "old", newestAt: hoursAgo(25) },
        { runId: "young", newestAt: hoursAgo(23) },
        { runId: "done", manifestAt: hoursAgo(48), newestAt: hoursAgo(48) },
      ],
      now,
    );
    expect(v.debris.map((d) => d.runId)).toEqual(["old"]);
    expect(v.latest?.runId).toBe("done");
  });

  it("nothing stored: no latest, no debris", () => {
    expect(classifyRuns([], now)).toEqual({ debris: [] });
  });

  it("objects and data: missing, wrong size, wrong sha256, unreadable; whole", () => {
    const listed = { bytes: 10, sha256: "a".repeat(64) };
    expect(objectProblem(listed, undefined)).toBe("missing from the store");
    expect(objectProblem(listed, { bytes: 9 })).toBe("has 9 bytes, the manifest says 10");
    expect(objectProblem(listed, { bytes: 10 })).toBeUndefined();
    expect(dataProblem(listed, { bytes: 10, sha256: "b".repeat(64) })).toMatch(/^sha256 b{64} differs/);
    expect(dataProblem(listed, { bytes: 10, sha256: "a".repeat(64), unreadable: "bad tar" })).toMatch(
      /not readable: bad tar/,
    );
    expect(dataProblem(listed, { bytes: 10, sha256: "a".repeat(64), entries: 3 })).toBeUndefined();
  });
});

describe("verify verdicts: the seeded pick", () => {
  const keys = Array.from({ length: 20 }, (_, i) => `runs/w/r/volumes/v${i}.tar.zst`);

  it("the same seed picks the same archives, whatever the order given; another seed another pick", () => {
    const a = pickArchives(keys, 0.25, 42);
    expect(a).toHaveLength(5);
    expect(pickArchives([...keys].reverse(), 0.25, 42)).toEqual(a);
    const others = [1, 2, 3, 4, 5].map((s) => pickArchives(keys, 0.25, s).join());
    expect(others.some((o) => o !== a.join())).toBe(true);
  });

  it("0 picks none, 1 picks all, a small share picks at least one", () => {
    expect(pickArchives(keys, 0, 7)).toEqual([]);
    expect(pickArchives(keys, 1, 7)).toEqual([...keys].sort());
    expect(pickArchives(keys, 0.01, 7)).toHaveLength(1);
  });
});

describe("verify verdicts: the duplicity chain from its file names", () => {
  const rule = { fullEverySeconds: 7 * 86_400, intervalSeconds: 86_400 };
  const full = "20261129T030000Z";
  const inc = "20261130T030000Z";
  const chain = [
    `duplicity-full-signatures.${full}.sigtar.gpg`,
    `duplicity-full.${full}.manifest.gpg`,
    `duplicity-full.${full}.vol1.difftar.gpg`,
    `duplicity-full.${full}.vol2.difftar.gpg`,
    `duplicity-full.${full}.vol3.difftar.gpg`,
    `duplicity-new-signatures.${full}.to.${inc}.sigtar.gpg`,
    `duplicity-inc.${full}.to.${inc}.manifest.gpg`,
    `duplicity-inc.${full}.to.${inc}.vol1.difftar.gpg`,
  ];
  const files = (names: string[]) => names.map((name) => ({ name }));

  it("a whole, fresh chain has no problem", () => {
    expect(duplicityChainVerdict(files(chain), rule, now)).toEqual({
      lastFull: "2026-11-29T03:00:00Z",
      sets: 2,
      problems: [],
    });
  });

  it("a volume missing from a set is named with its number (duplicity's collection-status does not see it)", () => {
    const v = duplicityChainVerdict(files(chain.filter((n) => !n.includes(".vol2."))), rule, now);
    expect(v.problems).toEqual([
      { item: "full 2026-11-29T03:00:00Z", problem: "lacks volume 2 of 3: the chain cannot be restored" },
    ]);
  });

  it("a set without its manifest, a full without signatures, an incremental that follows nothing", () => {
    const later = "20261130T150000Z";
    const v = duplicityChainVerdict(
      files([
        ...chain.filter((n) => !n.includes("manifest") || n.includes("inc")).filter((n) => !n.includes("signatures")),
        `duplicity-inc.${later}.to.20261130T160000Z.manifest.gpg`,
        `duplicity-inc.${later}.to.20261130T160000Z.vol1.difftar.gpg`,
      ]),
      rule,
      now,
    );
    expect(v.problems.map((p) => p.problem)).toEqual([
      "has no manifest (an incomplete backup set)",
      "has no signature file (duplicity-full-signatures)",
      "does not follow the chain (an earlier set of its chain is missing)",
    ]);
  });

  it("no full at all; a full older than fullEvery + the interval", () => {
    expect(duplicityChainVerdict([], rule, now).problems).toEqual([
      { item: "target", problem: "no full backup found: there is no chain" },
    ]);
    const late = duplicityChainVerdict(files(chain), rule, now + 8 * 86_400_000);
    expect(late.problems).toHaveLength(1);
    expect(late.problems[0]!.problem).toMatch(
      /newest full is \d+ h old, more than fullEvery \+ the schedule's interval \(192 h\)/,
    );
  });

  it("the schedule's interval: a rate, a daily and a weekly cron", () => {
    const at = new Date(now);
    expect(scheduleIntervalSeconds("rate(6 hours)", at)).toBe(21_600);
    expect(scheduleIntervalSeconds("cron(0 3 * * ? *)", at)).toBe(86_400);
    expect(scheduleIntervalSeconds("cron(0 3 ? * SUN *)", at)).toBe(7 * 86_400);
  });
});

describe("verify verdicts: the latest snapshot", () => {
  const droplet = { id: 7, name: "web", region: "fra1" };
  const snap = (name: string, regions: string[], dropletId = 7) => ({
    id: name,
    name,
    createdAt: hoursAgo(1),
    sizeGb: 1,
    minDiskGb: 25,
    dropletId,
    regions,
  });

  it("the newest of the plans' own snapshots, in the droplet's region", () => {
    const v = snapshotVerdict(
      [
        snap("lifeboat-nightly-web-20261129T030000Z", ["fra1"]),
        snap("lifeboat-weekly-web-20261130T030000Z", ["fra1"]),
        snap("by-hand", ["fra1"]),
      ],
      ["nightly", "weekly"],
      droplet,
    );
    expect(v).toEqual({ item: "lifeboat-weekly-web-20261130T030000Z", detail: expect.stringContaining("in fra1") });
  });

  it("none of lifeboat's (another droplet's, or by hand) is a problem; one in another region is named", () => {
    expect(
      snapshotVerdict([snap("lifeboat-nightly-web-20261129T030000Z", ["fra1"], 8)], ["nightly"], droplet).problem,
    ).toBe("no lifeboat snapshot of web (plans nightly)");
    expect(snapshotVerdict([snap("lifeboat-nightly-web-20261129T030000Z", ["ams3"])], ["nightly"], droplet)).toEqual({
      item: "lifeboat-nightly-web-20261129T030000Z",
      problem: "is in ams3, not in the droplet's region fra1",
      detail: "",
    });
  });

  it("the report names each broken item and the seed to repeat it", () => {
    const report = verifyReport(
      [
        {
          droplet: "web",
          check: "object",
          item: "runs/web/r/volumes/v.tar.zst",
          ok: false,
          detail: "missing from the store",
        },
        { droplet: "web", check: "snapshot", item: "s", ok: true, detail: "fine" },
      ],
      99,
      0.5,
    );
    expect(report.ok).toBe(false);
    const lines = verifyReportLines(report);
    expect(lines[0]).toBe(
      "verify: 1 broken of 2 checks (read back 50% of the archives, seed 99; repeat with --seed 99)",
    );
    expect(lines[1]).toBe("  BROKEN web object runs/web/r/volumes/v.tar.zst: missing from the store");
  });
});
