import { DRILL_TAG, drillEgressFirewall, drillTags, validateConfig, watchdogRound } from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { startSandbox } from "@lifeboat/sandbox";
import { describe, expect, it } from "vitest";

const plan = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  schedule: "cron(0 3 ? * SUN *)",
  droplets: [{ name: "gitlab" }],
  snapshot: { approval: { required: false } },
  ...extra,
});

describe("watchdog: drill droplets", () => {
  it("destroys drill droplets past their plan's maxAge (2h without one), keeps young ones, and touches nothing untagged", async () => {
    const sandbox = await startSandbox({ startAt: Date.parse("2026-12-01T12:00:00Z") });
    try {
      const clock = sandbox.clock;
      const api = new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock });
      const config = validateConfig({
        plans: [plan("weekly", { drill: { schedule: "cron(0 5 ? * SAT *)", maxAge: "30m" } }), plan("nightly")],
      } as never);
      const minutesAgo = (m: number) => clock.now() - m * 60_000;
      const droplet = (name: string, tags: string[], ageMinutes: number) => {
        const d = sandbox.addDroplet({ name, tags });
        d.createdAt = minutesAgo(ageMinutes);
        return d;
      };
      const stale = droplet("drill-gitlab-d1", drillTags("weekly", "d1"), 31);
      const young = droplet("drill-gitlab-d2", drillTags("weekly", "d2"), 10);
      const defaultYoung = droplet("drill-gitlab-d3", drillTags("nightly", "d3"), 110);
      const defaultStale = droplet("drill-gitlab-d4", drillTags("nightly", "d4"), 121);
      const orphan = droplet("drill-gitlab-d5", drillTags("gone", "d5"), 121);
      // Says "drill" in its name, but without the tag: not the watchdog's.
      const lookalike = droplet("drill-gitlab-old", ["lifeboat-drill:weekly:d0"], 24 * 60);
      // A plan's own droplet someone tagged by mistake: never destroyed.
      const production = droplet("gitlab", [DRILL_TAG], 24 * 60);

      const report = await watchdogRound(config, {
        api,
        events: { emit: async () => undefined },
        now: () => clock.now(),
        sleep: (ms) => clock.sleep(ms),
      });

      expect(report.drillsDestroyed.sort()).toEqual(["drill-gitlab-d1", "drill-gitlab-d4", "drill-gitlab-d5"]);
      for (const d of [stale, defaultStale, orphan]) expect(sandbox.state.destroyed.has(d.id)).toBe(true);
      for (const d of [young, defaultYoung, lookalike, production]) expect(sandbox.state.droplets.has(d.id)).toBe(true);
      expect(report.drills).toContainEqual({
        droplet: "drill-gitlab-d2",
        dropletId: young.id,
        plan: "weekly",
        drillId: "d2",
        ageSeconds: 600,
        maxAgeSeconds: 1800,
      });
      expect(report.drills.find((d) => d.droplet === "drill-gitlab-d3")?.maxAgeSeconds).toBe(7200);
      expect(report.drills.map((d) => d.droplet)).not.toContain("drill-gitlab-old");
      expect(report.pending).toEqual([expect.stringMatching(/^gitlab carries lifeboat-drill but a plan backs it up/)]);
      // One list by the tag; the only writes are the three destroys.
      const byTag = sandbox.log.filter((r) => r.operationId === "droplets_list" && r.query.tag_name === DRILL_TAG);
      expect(byTag).toHaveLength(1);
      const writes = sandbox.log.filter((r) => r.method !== "GET");
      expect(writes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
        [stale, defaultStale, orphan].map((d) => `DELETE /v2/droplets/${d.id}`).sort(),
      );
      expect(sandbox.log.some((r) => r.path.endsWith(`/${lookalike.id}`))).toBe(false);
    } finally {
      await sandbox.close();
    }
  });

  it("closes outbound traffic a drill left open: egress older than twice the restore's limit, or on no live drill droplet", async () => {
    const sandbox = await startSandbox({ startAt: Date.parse("2026-12-01T12:00:00Z") });
    try {
      const clock = sandbox.clock;
      const api = new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock });
      const config = validateConfig({
        plans: [plan("weekly", { drill: { schedule: "cron(0 5 ? * SAT *)" } })],
      } as never);
      const drillDroplet = (name: string, ageMinutes: number) => {
        const d = sandbox.addDroplet({ name, tags: drillTags("weekly", name.slice(-2)) });
        d.createdAt = clock.now() - ageMinutes * 60_000;
        return d;
      };
      const egress = async (dropletId: number, ageMinutes: number) => {
        const made = await api.createDropletFirewall(drillEgressFirewall(dropletId, [443]));
        sandbox.state.firewalls.get(made.id)!.createdAt = clock.now() - ageMinutes * 60_000;
        return made.name;
      };
      const restoring = drillDroplet("drill-gitlab-d1", 20);
      const killedMidRestore = drillDroplet("drill-gitlab-d2", 50);
      const stale = drillDroplet("drill-gitlab-d3", 121);
      const open = await egress(restoring.id, 5); // a restore downloading now: left alone
      const leftOver = await egress(killedMidRestore.id, 31); // its URLs expired 16 minutes ago
      const onStale = await egress(stale.id, 100);
      const onGone = await egress(3_100_000, 1); // its droplet was destroyed already
      // Not lifeboat's egress (another name on a drill droplet): never touched.
      await api.createDropletFirewall({
        name: "someone-elses",
        dropletIds: [restoring.id],
        outbound: [{ protocol: "tcp", port: 80 }],
      });

      const report = await watchdogRound(config, {
        api,
        events: { emit: async () => undefined },
        now: () => clock.now(),
        sleep: (ms) => clock.sleep(ms),
      });

      expect(report.drillsDestroyed).toEqual(["drill-gitlab-d3"]);
      expect(report.drillEgressClosed.sort()).toEqual([leftOver, onStale, onGone].sort());
      expect([...sandbox.state.firewalls.values()].map((f) => f.name).sort()).toEqual([open, "someone-elses"].sort());
      expect(report.pending).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });

  it("lists no firewall while no drill droplet exists", async () => {
    const sandbox = await startSandbox();
    try {
      const api = new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock: sandbox.clock });
      await watchdogRound(validateConfig({ plans: [plan("weekly")] } as never), {
        api,
        events: { emit: async () => undefined },
        now: () => sandbox.clock.now(),
        sleep: (ms) => sandbox.clock.sleep(ms),
      });
      expect(sandbox.log.filter((r) => r.operationId === "firewalls_list")).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
});
