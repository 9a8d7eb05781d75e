/** A run that leaves a droplet's DO Backups to the plan that owns them says so (#16 §1), in Slack and the CLI. */
import type { EventOf, RunResult } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { report } from "../../../packages/cli/src/commands/run";
import { ProgressView } from "../../../packages/cli/src/run/progress";
import type { TimeBase } from "../../../packages/cli/src/run/time-base";
import { replyFor } from "../../../packages/slack/src/report/render";

const event: EventOf<"backups.reconciled"> = {
  runId: "nightly-20260104T030000Z",
  plan: "nightly",
  droplet: "*",
  at: "2026-01-04T03:00:05Z",
  type: "backups.reconciled",
  target: "daily at 20:00 UTC",
  changes: [],
  unchanged: ["db-1"],
  ownedElsewhere: [{ droplet: "web-1", owner: "weekly" }],
};

describe("a droplet whose DO Backups another plan owns", () => {
  it("is named with its owner in the Slack thread, even when nothing changed", () => {
    expect(replyFor(event)?.text).toBe(
      [
        ":floppy_disk: DO Backups: plan nightly wants DO Backups daily at 20:00 UTC; changed 0.",
        "1 already as wanted.",
        "• web-1: not changed, plan weekly manages its DO Backups",
      ].join("\n"),
    );
  });

  it("is named with its owner in the CLI's report", () => {
    const { type: _t, runId: _r, plan: _p, droplet: _d, at: _a, ...backups } = event;
    const result: RunResult = {
      runId: event.runId,
      plan: "nightly",
      outcome: "succeeded",
      droplets: [],
      durationSeconds: 1,
      backups,
    };
    expect(report(result)).toContain(
      [
        "DO Backups (plan wants daily at 20:00 UTC):",
        "  already as wanted: db-1",
        "  web-1: not changed, plan weekly manages its DO Backups",
      ].join("\n"),
    );
  });

  it("is named with its owner as the CLI's run goes", async () => {
    const lines: string[] = [];
    const time: TimeBase = {
      now: () => Date.parse(event.at),
      speed: 1,
      realMs: (ms) => ms,
      sleep: async () => undefined,
    };
    const view = new ProgressView({ write: (t: string) => lines.push(...t.split("\n").filter(Boolean)) }, time);
    await view.emit(event);
    view.stop();
    expect(lines).toEqual(["+00:00            DO Backups web-1: not changed, plan weekly manages its DO Backups"]);
  });
});
