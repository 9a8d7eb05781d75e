/**
 * Golden cases for retention verdicts (as restic's policy tests): every item of a droplet,
 * keep or delete, and the reasons the CLI and Slack show. And the use case over in-memory
 * ports: every release tried, failures collected, a dry run deleting nothing.
 */
import {
  type ArchiveCatalog,
  type ArchiveRun,
  type DropletSnapshot,
  decideRetention,
  type RetentionPolicy,
  runRetention,
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
const droplet = { id: 7, name: "gitlab" };
const snap = (name: string, dropletId = 7, createdAt = "2026-11-30T00:00:00Z"): DropletSnapshot => ({
  id: `id-${name}`,
  name,
  createdAt,
  sizeGb: 1,
  minDiskGb: 25,
  dropletId,
  regions: ["fra1"],
});
const ours = (iso: string) => snap(snapshotName("weekly", "gitlab", new Date(iso)));
const at = (d: string) => `${d}T03:00:00Z`;

/** [case, policy, snapshot days (ours), just made, expected "name-day action: reasons" lines] */
const golden: Array<[string, Partial<RetentionPolicy>, string[], string[], string[]]> = [
  [
    "keepLast 2 of 4",
    { keepLast: 2 },
    ["2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"],
    [],
    [
      "2026-11-29 keep: newest, keepLast #1",
      "2026-11-28 keep: keepLast #2",
      "2026-11-27 delete: no keep rule holds it",
      "2026-11-26 delete: no keep rule holds it",
    ],
  ],
  [
    "daily, weekly, monthly, yearly name their bucket",
    { keepDaily: 2, keepWeekly: 2, keepMonthly: 2, keepYearly: 2 },
    ["2025-12-31", "2026-10-31", "2026-11-21", "2026-11-28", "2026-11-29"],
    [],
    [
      "2026-11-29 keep: newest, keepDaily 2026-11-29, keepWeekly 2026-W48, keepMonthly 2026-11, keepYearly 2026",
      "2026-11-28 keep: keepDaily 2026-11-28",
      "2026-11-21 keep: keepWeekly 2026-W47",
      "2026-10-31 keep: keepMonthly 2026-10",
      "2025-12-31 keep: keepYearly 2025",
    ],
  ],
  [
    "the snapshot just made stays even when older than another",
    { keepLast: 1 },
    ["2026-11-27", "2026-11-28", "2026-11-29"],
    ["2026-11-27"],
    ["2026-11-29 keep: newest, keepLast #1", "2026-11-28 delete: no keep rule holds it", "2026-11-27 keep: just made"],
  ],
  ["nothing of ours: no verdict", { keepLast: 1 }, [], [], []],
];

describe("retention verdicts: golden cases", () => {
  it.each(golden)("%s", (_name, p, days, justMade, expected) => {
    const snapshots = days.map((d) => ours(at(d)));
    const verdicts = decideRetention({
      plan: { name: "weekly", retention: policy(p) },
      droplet,
      snapshots,
      justMade: justMade.map((d) => ours(at(d)).name),
    });
    expect(verdicts.map((v) => `${v.at.slice(0, 10)} ${v.action}: ${v.reasons.join(", ")}`)).toEqual(expected);
    expect(verdicts.every((v) => v.target === "snapshots" && v.planOwned && v.droplet === "gitlab")).toBe(true);
  });

  it("lists what is not the plan's as kept, saying whose it is", () => {
    const verdicts = decideRetention({
      plan: { name: "weekly", retention: policy({ keepLast: 1 }) },
      droplet,
      snapshots: [
        ours(at("2026-11-29")),
        snap("gitlab-before-upgrade"),
        snap(snapshotName("nightly", "gitlab", new Date(at("2026-11-28")))),
        snap(snapshotName("weekly", "gitlab", new Date(at("2026-11-01"))), 8),
      ],
      runs: [
        { runId: "weekly-1", plan: "weekly", createdAt: "2026-11-29T03:00:00.000Z", bytes: 0, refused: [] },
        { runId: "weekly-0", plan: "weekly", createdAt: "2026-11-22T03:00:00.000Z", bytes: 0, refused: [] },
        { runId: "nightly-1", plan: "nightly", createdAt: "2026-01-01T03:00:00.000Z", bytes: 0, refused: [] },
      ],
    });
    expect(verdicts.map((v) => [v.target, v.name, v.action, v.planOwned, v.reasons.join(", ")])).toEqual([
      ["snapshots", "lifeboat-weekly-gitlab-20261129T030000Z", "keep", true, "newest, keepLast #1"],
      ["snapshots", "gitlab-before-upgrade", "keep", false, "not lifeboat's"],
      ["snapshots", "lifeboat-nightly-gitlab-20261128T030000Z", "keep", false, "not plan weekly's"],
      ["snapshots", "lifeboat-weekly-gitlab-20261101T030000Z", "keep", false, "another droplet's"],
      ["archives", "weekly-1", "keep", true, "newest, keepLast #1"],
      ["archives", "weekly-0", "delete", true, "no keep rule holds it"],
      ["archives", "nightly-1", "keep", false, "plan nightly's"],
    ]);
  });
});

/** DigitalOcean and the archive store in memory, with deletions that can be made to fail. */
function world(snapshots: DropletSnapshot[], runs: ArchiveRun[], failing: string[] = []) {
  const deleted: string[] = [];
  const droplets = {
    listDropletSnapshots: async (id: number) => snapshots.filter((s) => s.dropletId === id),
    deleteSnapshot: async (id: string) => {
      if (failing.includes(id)) throw new Error(`HTTP 500 deleting ${id}`);
      deleted.push(id);
    },
  };
  const archives: ArchiveCatalog = {
    listRuns: async () => runs,
    deleteRun: async (_droplet, run) => {
      if (failing.includes(run.runId)) throw new Error(`AccessDenied on ${run.runId}`);
      deleted.push(run.runId);
    },
  };
  return { ports: { droplets, archives }, deleted };
}

describe("retention use case over the ports", () => {
  const snapshots = ["2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"].map((d) => ours(at(d)));
  const runs: ArchiveRun[] = [1, 2, 3].map((d) => ({
    runId: `weekly-${d}`,
    plan: "weekly",
    createdAt: `2026-11-2${d}T03:00:00.000Z`,
    bytes: 0,
    refused: d === 1 ? [{ runId: "weekly-1", manifestKey: "m", key: "runs/other/x", reason: "outside" }] : [],
  }));
  const request = {
    plan: { name: "weekly", retention: policy({ keepLast: 1 }) },
    droplets: [droplet],
    targets: ["snapshots", "archives"] as const,
  };

  it("a failed deletion in the middle is reported, and the others are still deleted", async () => {
    const middle = snapshots[1]!;
    const { ports, deleted } = world(snapshots, runs, [middle.id, "weekly-2"]);
    const report = await runRetention(ports, { ...request, dryRun: false });
    expect(deleted).toEqual([snapshots[2]!.id, snapshots[0]!.id, "weekly-1"]);
    expect(report.deleted.map((d) => d.name)).toEqual([snapshots[2]!.name, snapshots[0]!.name, "weekly-1"]);
    expect(report.failed).toEqual([
      { target: "snapshots", droplet: "gitlab", name: middle.name, error: `HTTP 500 deleting ${middle.id}` },
      { target: "archives", droplet: "gitlab", name: "weekly-2", error: "AccessDenied on weekly-2" },
    ]);
    expect(report.refused.map((r) => r.key)).toEqual(["runs/other/x"]);
  });

  it("a dry run deletes nothing and reports what it would delete, with the same verdicts", async () => {
    const { ports, deleted } = world(snapshots, runs);
    const dry = await runRetention(ports, { ...request, dryRun: true });
    expect(deleted).toEqual([]);
    expect(dry.deleted.map((d) => d.name)).toEqual([
      snapshots[2]!.name,
      snapshots[1]!.name,
      snapshots[0]!.name,
      "weekly-2",
      "weekly-1",
    ]);
    const real = await runRetention(world(snapshots, runs).ports, { ...request, dryRun: false });
    expect(real.verdicts).toEqual(dry.verdicts);
  });

  it("deletes nothing anywhere when a listing fails", async () => {
    const { ports, deleted } = world(snapshots, runs);
    const failingCatalog = { ...ports.archives, listRuns: async () => Promise.reject(new Error("timeout")) };
    await expect(runRetention({ ...ports, archives: failingCatalog }, { ...request, dryRun: false })).rejects.toThrow(
      "timeout",
    );
    expect(deleted).toEqual([]);
  });
});
