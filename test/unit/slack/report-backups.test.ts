/** DO Backups in the run's report (#16 §1): the Slack thread's replies and the CLI's lines. */
import type { EventOf, RunResult } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { report } from "../../../packages/cli/src/commands/run";
import { dryRunReport } from "../../../packages/cli/src/run/dry-run-report";
import { ProgressView } from "../../../packages/cli/src/run/progress";
import type { TimeBase } from "../../../packages/cli/src/run/time-base";
import { replyFor } from "../../../packages/slack/src/report/render";

const base = { runId: "weekly-20260104T030000Z", plan: "weekly", droplet: "*", at: "2026-01-04T03:00:05Z" };

const reconciled = (extra: Partial<EventOf<"backups.reconciled">> = {}): EventOf<"backups.reconciled"> => ({
  ...base,
  type: "backups.reconciled",
  target: "weekly on SUN at 20:00 UTC",
  changes: [
    { droplet: "gitlab", dropletId: 1, change: "enable", before: "off", after: "weekly on SUN at 20:00 UTC" },
    {
      droplet: "drone",
      dropletId: 2,
      change: "change",
      before: "daily at 04:00 UTC",
      after: "daily at 04:00 UTC",
      error: "DigitalOcean's change_backup_policy action 7 ended errored",
    },
  ],
  unchanged: ["ssh"],
  ...extra,
});

const waited: EventOf<"backup-window.waited"> = {
  ...base,
  droplet: "gitlab",
  at: "2026-01-04T04:00:00Z",
  type: "backup-window.waited",
  dropletId: 1,
  window: { start: "2026-01-04T00:00:00Z", end: "2026-01-04T04:00:00Z" },
  waitedSeconds: 3600,
  before: "power off",
};

describe("DO Backups in the Slack thread", () => {
  it("a reply with each droplet's before → after, failures marked, the rest counted", () => {
    expect(replyFor(reconciled())?.text).toBe(
      [
        ":floppy_disk: DO Backups: plan weekly wants DO Backups weekly on SUN at 20:00 UTC; changed 1, 1 failed (the backups went on):",
        "• gitlab: off → weekly on SUN at 20:00 UTC",
        ":x: drone: change failed (still daily at 04:00 UTC): DigitalOcean's change_backup_policy action 7 ended errored",
        "1 already as wanted.",
      ].join("\n"),
    );
  });

  it("a dry run says what a run would change", () => {
    const text = replyFor(reconciled({ dryRun: true, changes: reconciled().changes.slice(0, 1) }))?.text;
    expect(text).toContain("(dry run, nothing changed)");
    expect(text).toContain("a run would change 1");
    expect(text).toContain("• gitlab: would go from off → weekly on SUN at 20:00 UTC");
  });

  it("no reply when every droplet already matched; a listing that failed is said", () => {
    expect(replyFor(reconciled({ changes: [] }))).toBeUndefined();
    expect(
      replyFor(reconciled({ changes: [], error: "DigitalOcean's backup policies could not be read: HTTP 500" }))?.text,
    ).toBe(
      ":warning: DO Backups were not reconciled (plan weekly wants DO Backups weekly on SUN at 20:00 UTC): DigitalOcean's backup policies could not be read: HTTP 500",
    );
  });

  it("a wait for the backup window, with the window and how long", () => {
    expect(replyFor(waited)?.text).toBe(
      ":hourglass: gitlab: waited 1h before powering off, for its DO backup window (2026-01-04 00:00–04:00 UTC) to end.",
    );
  });
});

describe("DO Backups in the CLI", () => {
  it("a line per change as it happens, and the wait", async () => {
    const lines: string[] = [];
    const start = Date.parse(base.at);
    let now = start;
    const time: TimeBase = { now: () => now, speed: 1, realMs: (ms) => ms, sleep: async () => undefined };
    const view = new ProgressView({ write: (t: string) => lines.push(...t.split("\n").filter(Boolean)) }, time);
    await view.emit(reconciled());
    now = start + 3595_000;
    await view.emit(waited);
    view.stop();
    expect(lines).toEqual([
      "+00:00            DO Backups gitlab: off → weekly on SUN at 20:00 UTC",
      "+00:00            DO Backups drone: change failed (still daily at 04:00 UTC): DigitalOcean's change_backup_policy action 7 ended errored",
      "+59:55  gitlab    waited 1h00m for its DO backup window (00:00–04:00 UTC) to end",
    ]);
  });

  it("the run's report and a dry run's report end with the reconciliation", () => {
    const { type: _t, runId: _r, plan: _p, droplet: _d, at: _a, ...backups } = reconciled();
    const result: RunResult = {
      runId: base.runId,
      plan: "weekly",
      outcome: "succeeded",
      droplets: [],
      durationSeconds: 10,
      backups,
    };
    expect(report(result)).toContain(
      [
        "DO Backups (plan wants weekly on SUN at 20:00 UTC):",
        "  gitlab: off → weekly on SUN at 20:00 UTC",
        "  drone: change failed (still daily at 04:00 UTC): DigitalOcean's change_backup_policy action 7 ended errored",
        "  already as wanted: ssh",
      ].join("\n"),
    );
    const dry = dryRunReport({
      ...result,
      dryRun: true,
      backups: { ...backups, dryRun: true, changes: backups.changes.slice(0, 1) },
    });
    expect(dry).toContain("  gitlab: would go from off → weekly on SUN at 20:00 UTC");
  });
});
