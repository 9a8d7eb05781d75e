/**
 * DO Backups in `cost` (#16 §1): weekly 20 %, daily 30 % of the droplet's monthly price, from
 * the managing plan's target or, unmanaged, DigitalOcean's policy; one warning per droplet a
 * plan also powers off for snapshots. Figures against prices worked out by hand below.
 */
import { dropletBackupsCost, fleetCost, validateConfig } from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { startSandbox } from "@lifeboat/sandbox";
import { describe, expect, it } from "vitest";

const plan = (name: string, extra: Record<string, unknown>) => ({
  name,
  schedule: "cron(0 3 ? * SUN *)",
  droplets: [{ tag: name }],
  snapshot: { approval: { required: false } },
  ...extra,
});

const config = validateConfig({
  storage: { type: "local", directory: ".lifeboat" },
  plans: [
    plan("weekly", { dropletBackups: { plan: "weekly", weekday: "SUN", hour: 4 } }), // offline (default)
    plan("nightly", { dropletBackups: { plan: "daily" }, snapshot: { mode: "live" } }),
    plan("archive", {}), // unmanaged, offline
    plan("files", { snapshot: { mode: "none" } }), // unmanaged, no snapshots
    plan("quiet", { dropletBackups: "off" }),
  ],
});
const p = (name: string) => config.plans.find((x) => x.name === name) ?? expect.fail(name);

// The sandbox's (and DO's 2025) list prices of the sizes below.
const sizes = [
  { slug: "s-1vcpu-1gb", priceMonthly: 6 },
  { slug: "s-1vcpu-2gb", priceMonthly: 12 },
  { slug: "s-2vcpu-4gb", priceMonthly: 24 },
  { slug: "s-4vcpu-8gb", priceMonthly: 48 },
];

const fleet = [
  // Managed weekly by "weekly", and also in "archive": two plans power it off, still ONE warning.
  { id: 1, name: "gitlab", tags: ["weekly", "archive"], sizeSlug: "s-2vcpu-4gb", plans: [p("weekly"), p("archive")] },
  { id: 2, name: "drone", tags: ["nightly"], sizeSlug: "s-1vcpu-2gb", plans: [p("nightly")] }, // managed daily, live snapshots
  { id: 3, name: "ssh", tags: ["archive"], sizeSlug: "s-1vcpu-1gb", plans: [p("archive")] }, // unmanaged: DO says daily
  { id: 4, name: "db", tags: ["files"], sizeSlug: "s-4vcpu-8gb", plans: [p("files")] }, // unmanaged: DO says weekly
  { id: 5, name: "old", tags: ["archive"], sizeSlug: "s-1vcpu-1gb", plans: [p("archive")] }, // unmanaged: DO says disabled
  { id: 6, name: "mute", tags: ["quiet"], sizeSlug: "s-4vcpu-8gb", plans: [p("quiet")] }, // "off" wins over DO's enabled
  { id: 7, name: "odd", tags: ["files"], sizeSlug: "custom-size", plans: [p("files")] }, // a size /v2/sizes does not list
];

const policies = [
  { dropletId: 1, enabled: false }, // managed: DO's current state does not count
  { dropletId: 3, enabled: true, policy: { plan: "daily" as const, hour: 0 as const } },
  { dropletId: 4, enabled: true, policy: { plan: "weekly" as const, weekday: "MON" as const, hour: 8 as const } },
  { dropletId: 5, enabled: false },
  { dropletId: 6, enabled: true, policy: { plan: "daily" as const } },
  { dropletId: 7, enabled: true, policy: { plan: "weekly" as const } },
];

describe("DO Backups cost", () => {
  it("prices each droplet's Backups at 20 % (weekly) or 30 % (daily) of its monthly price", () => {
    const cost = dropletBackupsCost(fleet, policies, sizes);
    // By hand:
    //   gitlab weekly (plan weekly)   0.20 × $24 = $4.80
    //   drone  daily  (plan nightly)  0.30 × $12 = $3.60
    //   ssh    daily  (DigitalOcean)  0.30 × $6  = $1.80
    //   db     weekly (DigitalOcean)  0.20 × $48 = $9.60
    //   odd    weekly (DigitalOcean)  size unknown: listed, not counted
    //   old (disabled) and mute (plan says off): no Backups
    //   total 4.80 + 3.60 + 1.80 + 9.60 = $19.80
    expect(cost.droplets.map((d) => [d.droplet, d.backups, d.setBy, d.dropletMonthlyUsd, d.usd])).toEqual([
      ["gitlab", "weekly", "weekly", 24, 4.8],
      ["drone", "daily", "nightly", 12, 3.6],
      ["ssh", "daily", "DigitalOcean", 6, 1.8],
      ["db", "weekly", "DigitalOcean", 48, 9.6],
      ["odd", "weekly", "DigitalOcean", undefined, 0],
    ]);
    expect(cost.totalUsd).toBe(19.8);
  });

  it("warns once per droplet that a plan powers off for snapshots while it has Backups", () => {
    const { warnings } = dropletBackupsCost(fleet, policies, sizes);
    // gitlab (two offline plans: one line) and ssh; not drone (live), db (no snapshots), old or mute (no Backups).
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^gitlab pays for both DO weekly Backups \(weekly\) and offline snapshots \(plan weekly, archive\)/,
    );
    expect(warnings[1]).toMatch(
      /^ssh pays for both DO daily Backups \(DigitalOcean\) and offline snapshots \(plan archive\)/,
    );
  });
});

describe("fleetCost with DO Backups, against the sandbox", () => {
  it("adds the droplets' Backups to the total, reading policies and sizes once each", async () => {
    const sandbox = await startSandbox({ startAt: Date.parse("2026-11-30T12:00:00Z") });
    try {
      const api = new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock: sandbox.clock });
      const gitlab = sandbox.addDroplet({ name: "gitlab", tags: ["weekly"], sizeSlug: "s-2vcpu-4gb", usedDiskGb: 10 });
      sandbox.addDroplet({ name: "drone", tags: ["nightly"], sizeSlug: "s-1vcpu-2gb" });
      sandbox.addDroplet({
        name: "ssh",
        tags: ["archive"],
        sizeSlug: "s-1vcpu-1gb",
        backups: { plan: "daily", hour: 0 },
      });
      sandbox.addDroplet({
        name: "db",
        tags: ["files"],
        sizeSlug: "s-4vcpu-8gb",
        backups: { plan: "weekly", weekday: "MON", hour: 8 },
      });
      sandbox.addDroplet({
        name: "mute",
        tags: ["quiet"],
        sizeSlug: "s-4vcpu-8gb",
        backups: { plan: "daily", hour: 0 },
      });
      sandbox.state.addSnapshot(gitlab.id, "lifeboat-weekly-gitlab-20261129T030000Z"); // 10 GB × $0.06 = $0.60
      // No archive runs: only snapshots and Backups cost anything here.
      const archives = {
        listRuns: async () => [],
        deleteRun: async () => expect.fail("cost deletes nothing"),
      };

      const cost = await fleetCost({ droplets: api, archives }, config.plans, "local");
      // By hand (the sandbox's list prices): gitlab weekly 0.20 × $24 = $4.80 (plan weekly),
      // drone daily 0.30 × $12 = $3.60 (plan nightly), ssh daily 0.30 × $6 = $1.80 and db weekly
      // 0.20 × $48 = $9.60 (DigitalOcean's policies), mute none (plan quiet: off) = $19.80;
      // with gitlab's snapshot $0.60, the total is $20.40.
      expect(cost.dropletBackups.droplets.map((d) => [d.droplet, d.backups, d.setBy, d.usd])).toEqual([
        ["gitlab", "weekly", "weekly", 4.8],
        ["drone", "daily", "nightly", 3.6],
        ["ssh", "daily", "DigitalOcean", 1.8],
        ["db", "weekly", "DigitalOcean", 9.6],
      ]);
      expect(cost.dropletBackups.totalUsd).toBe(19.8);
      expect(cost.plans.find((p) => p.plan === "weekly")?.snapshotUsd).toBe(0.6);
      expect(cost.totalUsd).toBe(20.4);
      expect(cost.dropletBackups.warnings.map((w) => w.split(" ")[0])).toEqual(["gitlab", "ssh"]);
      const calls = (path: string) => sandbox.log.filter((x) => x.path.endsWith(path)).length;
      expect([calls("/backups/policies"), calls("/sizes")]).toEqual([1, 1]);
    } finally {
      await sandbox.close();
    }
  });
});
