/**
 * An in-memory SlackBackend (a test double of the port, not of Slack) holding a small
 * team's realistic state: gitlab in both plans, drone in nightly, web-1 in no plan.
 */
import { monthlyCost, type PlanUsage, PRICES, type PriceList, type RetentionReport } from "@lifeboat/core";
import type { DropletRef, RestoreRequest, SlackBackend } from "@lifeboat/slack";

export function memoryBackend() {
  const droplets: DropletRef[] = [
    { id: 3164444, name: "gitlab", plans: ["weekly", "nightly"] },
    { id: 3164445, name: "drone", plans: ["nightly"] },
    { id: 3164446, name: "web-1", plans: [] },
  ];
  const snapshots = [
    {
      id: "119192817",
      name: "lifeboat-weekly-gitlab-20261122T030000Z",
      createdAt: "2026-11-22T03:24:00Z",
      sizeGb: 24.7,
    },
    {
      id: "119192100",
      name: "lifeboat-weekly-gitlab-20261115T030000Z",
      createdAt: "2026-11-15T03:22:00Z",
      sizeGb: 24.1,
      regions: ["nyc3", "ams3"],
    },
  ];
  const restores: RestoreRequest[] = [];
  const retentionApplied: string[] = [];
  /** What gitlab's snapshots and drone's archives occupy; the cost answer prices it with core. */
  const usage: PlanUsage[] = [
    { plan: "weekly", snapshotGb: [24.7, 24.1], archiveBytes: 0 },
    { plan: "nightly", snapshotGb: [], archiveBytes: 30 * 1024 ** 3 },
  ];
  /** Where archives are kept; a test may switch it to Spaces. */
  const pricing: { storage: PriceList } = { storage: "s3" };
  const backend: SlackBackend = {
    async status(plans) {
      return plans.map((plan) =>
        plan === "weekly"
          ? {
              plan,
              running: [
                {
                  runId: "weekly-20261129T030000Z-schedule",
                  plan,
                  status: "running" as const,
                  startedAt: "2026-11-29T03:00:00Z",
                },
              ],
              lastFinished: {
                runId: "weekly-20261122T030000Z-schedule",
                plan,
                status: "succeeded" as const,
                startedAt: "2026-11-22T03:00:00Z",
                finishedAt: "2026-11-22T03:31:00Z",
                detail: "gitlab snapshot 24.7 GB",
              },
            }
          : { plan, running: [] },
      );
    },
    async findDroplet(name) {
      return droplets.find((d) => d.name === name);
    },
    async listBackups(droplet) {
      return {
        droplet,
        snapshots: droplet.name === "gitlab" ? snapshots : [],
        archiveRuns: [
          {
            runId: "nightly-20261128T023000Z-schedule",
            plan: "nightly",
            createdAt: "2026-11-28T02:41:00Z",
            bytes: 3_221_225_472,
            items: 7,
            complete: true,
          },
          {
            runId: "nightly-20261127T023000Z-schedule",
            plan: "nightly",
            createdAt: "2026-11-27T02:40:00Z",
            bytes: 1_073_741_824,
            items: 3,
            complete: false,
          },
        ],
      };
    },
    async previewRetention(plan) {
      return retentionReport(plan, true);
    },
    async applyRetention(plan) {
      retentionApplied.push(plan);
      return retentionReport(plan, false);
    },
    async storageCost() {
      const prices = PRICES[pricing.storage];
      return { storage: pricing.storage, prices, ...monthlyCost(usage, prices) };
    },
    async restoreOptions() {
      return [
        {
          id: "snap:119192817",
          kind: "snapshot" as const,
          label: snapshots[0]!.name,
          createdAt: snapshots[0]!.createdAt,
          bytes: 26_521_911_296,
        },
      ];
    },
    async startRestore(request) {
      restores.push(request);
      return { restoreId: `restore-${restores.length}` };
    },
  };
  return { backend, restores, retentionApplied, usage, pricing };
}

/** What core's retention use case reports for plan weekly: one snapshot kept, one released. */
function retentionReport(plan: string, dryRun: boolean): RetentionReport {
  const base = { target: "snapshots" as const, droplet: "gitlab", planOwned: true };
  const released = { ...base, name: "lifeboat-weekly-gitlab-20260301T030000Z", id: "119000001" };
  return {
    plan,
    dryRun,
    verdicts: [
      {
        ...base,
        name: "lifeboat-weekly-gitlab-20261122T030000Z",
        id: "119192817",
        at: "2026-11-22T03:00:00.000Z",
        action: "keep",
        reasons: ["newest", "keepLast #1"],
      },
      { ...released, at: "2026-03-01T03:00:00.000Z", action: "delete", reasons: ["no keep rule holds it"] },
    ],
    deleted: [{ target: "snapshots", droplet: "gitlab", name: released.name }],
    failed: [],
    refused: [],
  };
}
