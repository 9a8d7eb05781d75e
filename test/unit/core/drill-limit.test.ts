/**
 * The drill's account check (#15 §2) against the sandbox through the real client: at its droplet
 * limit the account has no room for a scratch droplet, and the drill refuses before it creates
 * or changes anything, saying what to do.
 */
import {
  type DrillDeps,
  type DrillShell,
  type LifeboatEvent,
  runDrill,
  snapshotName,
  validateConfig,
} from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalSteps } from "../../../packages/cli/src/run/local-steps";
import { expectSpecCompliant } from "../sandbox/openapi-check";

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ startAt: Date.parse("2026-01-10T05:00:00Z") });
});
afterEach(async () => {
  await expectSpecCompliant(sandbox);
  await sandbox.close();
});

const shell = new Proxy({} as DrillShell, {
  get: (_t, name) => () => Promise.reject(new Error(`the drill used its shell (${String(name)}) though it refused`)),
});

async function drillWithRoom(droplets: number, limit: number) {
  const gitlab = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 4 });
  sandbox.state.addSnapshot(gitlab.id, snapshotName("weekly", "gitlab", new Date("2026-01-04T03:00:00Z")));
  for (let i = 1; i < droplets; i++) sandbox.addDroplet({ name: `other-${i}` });
  sandbox.state.account.dropletLimit = limit;
  const events: LifeboatEvent[] = [];
  const clock = sandbox.clock;
  const deps: DrillDeps = {
    api: new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock }),
    events: { emit: async (e) => void events.push(e) },
    shell,
    now: () => clock.now(),
  };
  const steps = new LocalSteps({ now: () => clock.now(), speed: 1, realMs: () => 0, sleep: async () => undefined });
  const config = validateConfig({
    plans: [
      {
        name: "weekly",
        schedule: "cron(0 3 ? * SUN *)",
        droplets: [{ name: "gitlab" }],
        snapshot: { approval: { required: false } },
        // Cheaper than any size: a drill past the account check stops at the size, creating nothing.
        drill: { schedule: "cron(0 5 ? * MON *)", maxHourlyPrice: 0.000001 },
      },
    ],
  });
  const result = await runDrill(steps, deps, config, {
    kind: "drill",
    plan: "weekly",
    droplet: "gitlab",
    trigger: "cli",
  });
  return { result, events };
}

describe("drill: the account's droplet limit", () => {
  it("at its limit: refused before anything is made, with what to do", async () => {
    const { result, events } = await drillWithRoom(3, 3);
    expect(result.passed).toBe(false);
    const refusal =
      "the DigitalOcean account has 3 droplets and may have 3: a scratch droplet would be one too many; destroy a droplet you no longer need or ask DigitalOcean for a higher droplet limit; nothing was created";
    expect(result.drills[0]).toMatchObject({ droplet: "gitlab", passed: false, error: refusal, destroyed: true });
    expect(events.map((e) => e.type)).toEqual(["drill.failed"]);
    expect(events[0]).toMatchObject({ type: "drill.failed", error: refusal });
    // Read-only calls, one count among them; nothing created, tagged or firewalled.
    const operations = sandbox.log.map((r) => r.operationId ?? r.path);
    expect(operations.filter((o) => o === "droplets_list")).toHaveLength(2); // find gitlab, count
    expect(operations).toContain("account_get");
    expect(operations.filter((o) => !/_(list|get)|^droplets_list_snapshots$/.test(o))).toEqual([]);
    expect(sandbox.state.droplets.size).toBe(3);
  });

  it("with room for one more: past the account check, on to the size (refused here by its price cap)", async () => {
    const { result } = await drillWithRoom(2, 3);
    expect(result.drills[0]?.error).toContain("above drill.maxHourlyPrice");
    expect(sandbox.log.map((r) => r.operationId)).toContain("sizes_list");
    expect(sandbox.state.droplets.size).toBe(2);
  });
});
