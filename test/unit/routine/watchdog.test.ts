import { type LifeboatEvent, offMarkerTag, validateConfig, watchdogRound } from "@lifeboat/core";
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
});
