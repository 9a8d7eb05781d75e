import { startSandbox } from "@lifeboat/sandbox";
import { expect, it } from "vitest";
import { expectSpecCompliant } from "../sandbox/openapi-check";
import { clientFor } from "./helpers";

it("slows down before the hourly limit instead of running into it", async () => {
  const sandbox = await startSandbox({ rateLimits: { perHour: 100 } });
  try {
    const d = sandbox.addDroplet({ name: "gitlab" });
    const { client } = clientFor(sandbox);
    const start = sandbox.clock.now();
    await Promise.all(Array.from({ length: 150 }, () => client.getDroplet(d.id)));
    expect(sandbox.log.filter((x) => x.status === 429)).toHaveLength(0);
    expect(client.stats.rateLimited).toBe(0);
    // 150 requests at 100 an hour cannot all fit in the first hour.
    expect(sandbox.clock.now() - start).toBeGreaterThan(3_600_000);
    await expectSpecCompliant(sandbox);
  } finally {
    await sandbox.close();
  }
});

it("runs the sandbox in real time with a speed factor for the demo", async () => {
  // 10 min of sandbox time at 600× is 1 real second: room for a busy machine between two looks.
  const sandbox = await startSandbox({ time: "real", speed: 600, timings: { powerOnMs: 600_000 } });
  try {
    const d = sandbox.addDroplet({ name: "gitlab", status: "off" });
    const { client } = clientFor(sandbox);
    const [realStart, sandboxStart] = [Date.now(), sandbox.clock.now()];
    const action = await client.powerOn(d.id);
    expect(sandbox.droplet(d.id)!.status).toBe("off");
    while ((await client.getAction(action.id)).status !== "completed") {
      expect(Date.now() - realStart, "the power-on takes 10 min of sandbox time, 1 s real").toBeLessThan(20_000);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Done when 10 sandbox minutes had passed, at 600 sandbox seconds per real second.
    const [real, virtual] = [Date.now() - realStart, sandbox.clock.now() - sandboxStart];
    expect(virtual).toBeGreaterThanOrEqual(600_000);
    expect(virtual / real).toBeGreaterThan(500);
    expect(virtual / real).toBeLessThan(700);
    expect(sandbox.droplet(d.id)!.status).toBe("active");
    // advance() jumps a real-time clock too (the watchdog tests jump past maxDowntime with it).
    const before = sandbox.clock.now();
    sandbox.advance(3_600_000);
    expect(sandbox.clock.now()).toBeGreaterThanOrEqual(before + 3_600_000);
  } finally {
    await sandbox.close();
  }
});
