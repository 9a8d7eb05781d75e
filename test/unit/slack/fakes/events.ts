/** A realistic run's events, in the schema of packages/core/src/events.ts. */
import { EVENT_SOURCE, type LifeboatEvent } from "@lifeboat/core";
import type { EventBridgeDelivery } from "@lifeboat/slack";

export const RUN = "weekly-20261129T030000Z-schedule";
const base = (droplet: string, at: string) => ({ runId: RUN, plan: "weekly", droplet, at });

export function approvalRequested(
  callbackId: string,
  at = "2026-11-29T03:00:05Z",
  expiresAt = "2026-11-29T05:00:05Z",
): LifeboatEvent {
  return {
    ...base("gitlab", at),
    type: "approval.requested",
    callbackId,
    dropletId: 3164444,
    expectedDowntimeSeconds: 1500,
    expiresAt,
    onTimeout: "live",
    approvers: ["U0LIFEBOAT1", "U0LIFEBOAT2"],
    attempt: 1,
  };
}

export function fullRun(): LifeboatEvent[] {
  return [
    { ...base("*", "2026-11-29T03:00:00Z"), type: "run.started", trigger: "schedule", droplets: ["gitlab", "drone"] },
    approvalRequested("cb-full"),
    {
      ...base("gitlab", "2026-11-29T03:04:00Z"),
      type: "approval.decided",
      callbackId: "cb-full",
      decision: "approve",
      outcome: "proceed",
      decidedBy: "U0LIFEBOAT1",
    },
    {
      ...base("gitlab", "2026-11-29T03:05:10Z"),
      type: "droplet.powered_off",
      dropletId: 3164444,
      how: "shutdown",
      waitedSeconds: 62,
    },
    {
      ...base("gitlab", "2026-11-29T03:29:50Z"),
      type: "snapshot.completed",
      dropletId: 3164444,
      snapshotName: "lifeboat-weekly-gitlab-20261129T030510Z",
      snapshotId: "119200001",
      sizeGb: 24.9,
      durationSeconds: 1480,
      live: false,
    },
    {
      ...base("gitlab", "2026-11-29T03:31:00Z"),
      type: "droplet.powered_on",
      dropletId: 3164444,
      downtimeSeconds: 1550,
      containersRestarted: ["gitlab", "ssh"],
      containersFailed: [],
    },
    {
      ...base("gitlab", "2026-11-29T03:33:00Z"),
      type: "archive.stored",
      kind: "image",
      name: "gitlab",
      key: "lifeboat/weekly/gitlab/img.tar",
      bytes: 2_147_483_648,
      sha256: "a".repeat(64),
    },
    {
      ...base("gitlab", "2026-11-29T03:34:00Z"),
      type: "archive.stored",
      kind: "manifest",
      name: "manifest",
      key: "lifeboat/weekly/gitlab/manifest.json",
      bytes: 2048,
      sha256: "b".repeat(64),
    },
    {
      ...base("gitlab", "2026-11-29T03:35:00Z"),
      type: "retention.applied",
      target: "snapshots",
      kept: ["lifeboat-weekly-gitlab-20261129T030510Z", "lifeboat-weekly-gitlab-20261122T030000Z"],
      deleted: ["lifeboat-weekly-gitlab-20261025T030000Z"],
      dryRun: false,
    },
    {
      ...base("*", "2026-11-29T03:36:00Z"),
      type: "run.finished",
      outcome: "incomplete",
      durationSeconds: 2160,
      summary: [
        { droplet: "gitlab", outcome: "succeeded", detail: "snapshot 24.9 GB, 2 archives" },
        { droplet: "drone", outcome: "skipped", detail: "not in this week's tag" },
      ],
      monthlyCostUsd: 4.41,
    },
  ];
}

export function failedRun(): LifeboatEvent[] {
  const run = "weekly-20261206T030000Z-schedule";
  return [
    {
      runId: run,
      plan: "weekly",
      droplet: "*",
      at: "2026-12-06T03:00:00Z",
      type: "run.started",
      trigger: "schedule",
      droplets: ["gitlab"],
    },
    {
      runId: run,
      plan: "weekly",
      droplet: "gitlab",
      at: "2026-12-06T03:05:00Z",
      type: "droplet.powered_off",
      dropletId: 3164444,
      how: "power_off",
      waitedSeconds: 180,
    },
    {
      runId: run,
      plan: "weekly",
      droplet: "gitlab",
      at: "2026-12-06T03:40:00Z",
      type: "droplet.powered_on",
      dropletId: 3164444,
      downtimeSeconds: 2100,
      containersRestarted: ["gitlab"],
      containersFailed: ["ssh"],
    },
    {
      runId: run,
      plan: "weekly",
      droplet: "gitlab",
      at: "2026-12-06T03:40:05Z",
      type: "run.failed",
      phase: "snapshot",
      error: "DigitalOcean reported the snapshot action as errored after 34 minutes",
      recovery: "powered gitlab back on after the snapshot failed; no snapshot was made and none was deleted",
    },
    {
      runId: run,
      plan: "weekly",
      droplet: "*",
      at: "2026-12-06T03:40:06Z",
      type: "run.finished",
      outcome: "failed",
      durationSeconds: 2406,
      summary: [{ droplet: "gitlab", outcome: "failed", detail: "snapshot failed" }],
    },
  ];
}

export function delivery(event: LifeboatEvent): EventBridgeDelivery {
  return { source: EVENT_SOURCE, "detail-type": event.type, detail: event as unknown as Record<string, unknown> };
}
