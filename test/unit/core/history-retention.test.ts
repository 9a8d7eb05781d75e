import { decideHistory, type RunRecord } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const record = (runId: string, day: number, droplets: RunRecord["droplets"] = []): RunRecord => ({
  format: "lifeboat.run/v1",
  runId,
  plan: "weekly",
  startedBy: { trigger: "schedule" },
  startedAt: new Date(Date.UTC(2026, 0, day, 3)).toISOString(),
  finishedAt: new Date(Date.UTC(2026, 0, day, 4)).toISOString(),
  durationSeconds: 3600,
  outcome: droplets.length ? "succeeded" : "failed",
  droplets,
});
const made = (droplet: string, snapshot?: string, archives = 0): RunRecord["droplets"][number] => ({
  droplet,
  dropletId: 1,
  outcome: "succeeded",
  detail: "",
  ...(snapshot ? { snapshot: { name: snapshot } } : {}),
  ...(archives ? { archives: { count: archives, bytes: 10 } } : {}),
  errors: [],
});
const deleted = (verdicts: ReturnType<typeof decideHistory>) =>
  verdicts.filter((v) => v.action === "delete").map((v) => v.runId);

describe("decideHistory: run records follow retention", () => {
  it("a record goes once every snapshot and archive run it names is known gone; not before", () => {
    const records = [
      record("now", 20, [made("web-1", "s20", 2)]),
      record("both-gone", 1, [made("web-1", "s1", 2)]),
      record("archive-left", 2, [made("web-1", "s2", 2)]),
      record("snapshot-left", 3, [made("web-1", "s3")]),
      record("other-droplet", 4, [made("db", "d4")]),
    ];
    const kept = new Map([["web-1", { snapshots: ["s20", "s3"], archives: ["now", "archive-left"] }]]);
    expect(deleted(decideHistory(records, kept))).toEqual(["both-gone"]);
  });

  it("a droplet or target retention did not look at counts as still there", () => {
    const records = [record("now", 20), record("old", 1, [made("web-1", "s1", 1)])];
    expect(deleted(decideHistory(records, new Map([["web-1", { snapshots: [] }]])))).toEqual([]);
    expect(deleted(decideHistory(records, new Map([["web-1", { archives: [] }]])))).toEqual([]);
    expect(deleted(decideHistory(records, new Map([["web-1", { snapshots: [], archives: [] }]])))).toEqual(["old"]);
  });

  it("records of runs that left nothing are capped per plan, newest kept; the newest and protected always stay", () => {
    const records = Array.from({ length: 6 }, (_, i) => record(`empty-${i}`, i + 1));
    const verdicts = decideHistory(records, new Map(), { keepEmpty: 2, protect: ["empty-0"] });
    // empty-5 is the newest (always kept, not counted); then empty-4 and empty-3 fill the cap.
    expect(deleted(verdicts)).toEqual(["empty-2", "empty-1"]);
    expect(verdicts.find((v) => v.runId === "empty-0")).toMatchObject({ action: "keep", reason: "this run" });
  });
});
