import { claimTag, type LifeboatEvent, offMarkerTag, validateConfig, watchdogRound } from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { startSandbox } from "@lifeboat/sandbox";
import { describe, expect, it } from "vitest";
import { planInput } from "./world";

describe("watchdog", () => {
  it("powers on and untags a droplet whose run died while it was off past maxDowntime, and touches nothing else", async () => {
    const sandbox = await startSandbox({ startAt: Date.parse("2026-01-04T06:00:00Z") });
    try {
      const clock = sandbox.clock;
      const api = new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock });
      const config = validateConfig({
        plans: [
          {
            ...(planInput({ maxDowntime: "2h" }).plans[0] as object),
            droplets: [{ name: "gitlab" }, { name: "drone" }, { name: "ssh" }],
          },
        ],
      } as never);
      // gitlab: the run tagged it and powered it off 3 h ago, then died.
      const stranded = sandbox.addDroplet({ name: "gitlab", status: "off" });
      const old = offMarkerTag("weekly", stranded.id, new Date(clock.now() - 3 * 3_600_000));
      // drone: off for 30 min under a live run: within budget.
      const recent = sandbox.addDroplet({ name: "drone", status: "off" });
      const fresh = offMarkerTag("weekly", recent.id, new Date(clock.now() - 30 * 60_000));
      // ssh: off without lifeboat's tag (someone switched it off): never touched.
      const manual = sandbox.addDroplet({ name: "ssh", status: "off" });
      for (const [d, tag] of [
        [stranded, old],
        [recent, fresh],
      ] as const) {
        sandbox.state.tags.add(tag);
        d.tags.push(tag);
      }

      const events: LifeboatEvent[] = [];
      const report = await watchdogRound(config, {
        api,
        events: { emit: async (e) => void events.push(e) },
        now: () => clock.now(),
        sleep: (ms) => clock.sleep(ms),
      });

      expect(report.recovered).toEqual(["gitlab"]);
      expect(sandbox.droplet(stranded.id)).toMatchObject({ status: "active", tags: [] });
      expect(sandbox.state.tags.has(old)).toBe(false);
      expect(sandbox.droplet(recent.id)).toMatchObject({ status: "off", tags: [fresh] });
      expect(sandbox.droplet(manual.id)?.status).toBe("off");
      const posts = sandbox.log.filter((r) => r.method !== "GET");
      expect(posts.every((r) => r.path.includes(String(stranded.id)) || r.path.includes("lifeboat-off"))).toBe(true);
      expect(events).toEqual([
        expect.objectContaining({
          type: "watchdog.recovered",
          droplet: "gitlab",
          dropletId: stranded.id,
          offSinceSeconds: 3 * 3600,
          maxDowntimeSeconds: 7200,
        }),
      ]);
    } finally {
      await sandbox.close();
    }
  });

  it("reads a run's claim on a droplet that is off as its mark: powers it on past maxDowntime, keeps the claim, touches nothing else", async () => {
    const sandbox = await startSandbox({ startAt: Date.parse("2026-01-04T06:00:00Z") });
    try {
      const clock = sandbox.clock;
      const api = new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock });
      const config = validateConfig({
        plans: [
          {
            ...(planInput({ maxDowntime: "2h" }).plans[0] as object),
            droplets: [{ name: "gitlab" }, { name: "drone" }, { name: "web" }, { name: "ssh" }],
          },
        ],
      } as never);
      const now = clock.now();
      const HOUR = 3_600_000;
      /** A claim made or renewed `ago` ms ago: it counts maxDowntime + 30 min from then. */
      const claim = (droplet: { id: number; tags: string[] }, ago: number, runId: string) => {
        const tag = claimTag({
          rank: 1,
          nonce: "0123456789ab",
          since: now - ago,
          until: now - ago + 2.5 * HOUR,
          plan: "weekly",
          by: "schedule",
          runId,
        });
        sandbox.state.tags.add(tag);
        droplet.tags.push(tag);
        return tag;
      };
      // gitlab: claimed 2h10 ago and powered off at most 5 min later, then its run died: off > 2h.
      const stranded = sandbox.addDroplet({ name: "gitlab", status: "off" });
      const strandedClaim = claim(stranded, 2 * HOUR + 10 * 60_000, "weekly-20260104T035000Z");
      // drone: claimed 1h55 ago, off since 1h50 at most: within budget.
      const recent = sandbox.addDroplet({ name: "drone", status: "off" });
      const recentClaim = claim(recent, 1 * HOUR + 55 * 60_000, "weekly-20260104T040500Z");
      // web: on, under an old claim (a run in its SSH phases): not the watchdog's business.
      const working = sandbox.addDroplet({ name: "web" });
      const workingClaim = claim(working, 2 * HOUR + 10 * 60_000, "weekly-20260104T035000Z");
      // ssh: off without lifeboat's tags (someone switched it off): never touched.
      const manual = sandbox.addDroplet({ name: "ssh", status: "off" });

      const events: LifeboatEvent[] = [];
      const report = await watchdogRound(config, {
        api,
        events: { emit: async (e) => void events.push(e) },
        now: () => clock.now(),
        sleep: (ms) => clock.sleep(ms),
      });

      expect(report.recovered).toEqual(["gitlab"]);
      // The claim stays until it expires (20 min on): no new run starts on a droplet whose run may still be alive.
      expect(sandbox.droplet(stranded.id)).toMatchObject({ status: "active", tags: [strandedClaim] });
      expect(sandbox.droplet(recent.id)).toMatchObject({ status: "off", tags: [recentClaim] });
      expect(sandbox.droplet(working.id)).toMatchObject({ status: "active", tags: [workingClaim] });
      expect(sandbox.droplet(manual.id)?.status).toBe("off");
      const writes = sandbox.log.filter((r) => r.method !== "GET");
      expect(writes.map((r) => r.path)).toEqual([`/v2/droplets/${stranded.id}/actions`]);
      // Off since the claim plus 5 min at the latest (drone is looked at after gitlab's power-on wait).
      const offFor = (name: string) => report.marked.find((m) => m.droplet === name)?.offSinceSeconds;
      expect(offFor("gitlab")).toBe(2 * 3600 + 5 * 60);
      expect(offFor("drone")).toBeGreaterThanOrEqual(3600 + 50 * 60);
      expect(offFor("drone")).toBeLessThan(7200);
      expect(events).toEqual([
        expect.objectContaining({ type: "watchdog.recovered", droplet: "gitlab", maxDowntimeSeconds: 7200 }),
      ]);

      // Once the claim has expired, the next round clears it.
      sandbox.advance(25 * 60_000);
      const later = await watchdogRound(config, {
        api,
        events: { emit: async (e) => void events.push(e) },
        now: () => clock.now(),
        sleep: (ms) => clock.sleep(ms),
      });
      expect(later.cleared).toEqual(expect.arrayContaining([`gitlab: ${strandedClaim}`]));
      expect(sandbox.droplet(stranded.id)?.tags).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });
});
