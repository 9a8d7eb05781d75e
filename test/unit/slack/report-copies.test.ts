/** The thread's view of region copies (#16 §2): a reply per copy or failed copy, the summary, retention's regions. */
import type { LifeboatEvent } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { replyFor, summaryMessage } from "../../../packages/slack/src/report/render";
import { applyEvent, emptyRunState } from "../../../packages/slack/src/report/state";

const RUN = "weekly-20261129T030000Z";
const base = { runId: RUN, plan: "weekly", droplet: "gitlab", at: "2026-11-29T04:00:00.000Z", dropletId: 3164444 };
const snapshotName = "lifeboat-weekly-gitlab-20261129T030510Z";
const copied: LifeboatEvent = {
  ...base,
  type: "snapshot.copied",
  snapshotName,
  snapshotId: "6372321",
  region: "ams3",
  regions: ["nyc3", "ams3"],
  durationSeconds: 740,
  sizeGb: 24,
};
const copyFailed: LifeboatEvent = {
  ...base,
  at: "2026-11-29T04:01:00.000Z",
  type: "snapshot.copy-failed",
  snapshotName,
  snapshotId: "6372321",
  region: "fra1",
  error: "DigitalOcean reports the transfer errored",
  regions: ["nyc3", "ams3"],
};

describe("report thread: region copies", () => {
  it("replies for a copy and for a failed one, saying where the snapshot is kept", () => {
    expect(replyFor(copied)?.text).toBe(
      `:earth_africa: gitlab: snapshot \`${snapshotName}\` copied to ams3 in 12m 20s; it is now in nyc3, ams3.`,
    );
    expect(replyFor(copyFailed)?.text).toBe(
      `:warning: gitlab: the copy of snapshot \`${snapshotName}\` to fra1 failed: DigitalOcean reports the transfer errored. The snapshot is kept in nyc3, ams3; old snapshots are not deleted this run.`,
    );
  });

  it("the summary names each droplet's copies and the failed ones", () => {
    const state = [copied, copyFailed].reduce(applyEvent, emptyRunState(RUN, "weekly"));
    expect(state.droplets.gitlab).toMatchObject({ copiedTo: ["ams3"], copyFailedTo: ["fra1"] });
    expect(JSON.stringify(summaryMessage(state).blocks)).toContain("copies: ams3 :warning: copy failed to fra1");
  });

  it("retention's reply says a deleted snapshot's one delete removed it from every region", () => {
    const reply = replyFor({
      ...base,
      type: "retention.applied",
      target: "snapshots",
      kept: [snapshotName],
      deleted: ["lifeboat-weekly-gitlab-20261101T030000Z"],
      dryRun: false,
      deletedRegions: [{ name: "lifeboat-weekly-gitlab-20261101T030000Z", regions: ["nyc3", "ams3"] }],
    });
    expect(reply?.text).toContain(
      "with every copy (one delete each): `lifeboat-weekly-gitlab-20261101T030000Z` was in nyc3, ams3",
    );
  });
});
