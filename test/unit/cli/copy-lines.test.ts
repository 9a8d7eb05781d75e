/** Region copies (#16 §2) as the CLI prints them, through the run's ProgressView (off a terminal). */
import type { EventOf } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { ProgressView } from "../../../packages/cli/src/run/progress";
import type { TimeBase } from "../../../packages/cli/src/run/time-base";

const START = Date.parse("2026-11-29T04:00:00Z");
const time: TimeBase = { now: () => START, speed: 1, realMs: (ms) => ms, sleep: async () => undefined };
const base = { runId: "weekly-20261129T030000Z", plan: "weekly", droplet: "gitlab", at: "2026-11-29T04:00:00Z" };
const name = "lifeboat-weekly-gitlab-20261129T030510Z";

describe("the CLI's lines for region copies", () => {
  it("a copy, a failed copy, and retention's delete of a snapshot with copies", async () => {
    let written = "";
    const view = new ProgressView({ isTTY: false, write: (t: string) => (written += t) }, time);
    const copied: EventOf<"snapshot.copied"> = {
      ...base,
      type: "snapshot.copied",
      dropletId: 1,
      snapshotName: name,
      snapshotId: "6372321",
      region: "ams3",
      regions: ["nyc3", "ams3"],
      durationSeconds: 740,
    };
    const failed: EventOf<"snapshot.copy-failed"> = {
      ...base,
      type: "snapshot.copy-failed",
      dropletId: 1,
      snapshotName: name,
      region: "fra1",
      error: "DigitalOcean reports the transfer errored",
      regions: ["nyc3", "ams3"],
    };
    const retention: EventOf<"retention.applied"> = {
      ...base,
      type: "retention.applied",
      target: "snapshots",
      kept: [name],
      deleted: ["lifeboat-weekly-gitlab-20261101T030000Z"],
      dryRun: false,
      deletedRegions: [{ name: "lifeboat-weekly-gitlab-20261101T030000Z", regions: ["nyc3", "ams3"] }],
    };
    for (const e of [copied, failed, retention]) await view.emit(e);
    expect(written).toContain(`snapshot ${name} copied to ams3 in 12m20s (now in nyc3, ams3)`);
    expect(written).toContain(
      `copy of ${name} to fra1 failed: DigitalOcean reports the transfer errored — the snapshot is kept in nyc3, ams3`,
    );
    expect(written).toContain(
      "lifeboat-weekly-gitlab-20261101T030000Z was in nyc3, ams3: its one delete removed every copy",
    );
  });
});
