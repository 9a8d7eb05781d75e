/** #16 §1 under replays: the function restarted after every step changes each policy once and waits once. */
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restartAfterEveryStep, runRestarting } from "./restart-every-step";
import { actionsStarted, makeWorld, planInput } from "./world";

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());

describe("DO Backups under replays", () => {
  it("restarted after every step: one listing, one policy change, one wait for the window, one power-off", async () => {
    const world = await makeWorld({
      wrapContext: restartAfterEveryStep,
      config: planInput({}, { dropletBackups: { plan: "daily", hour: 0 } }),
    });
    const gitlab = world.sandbox.addDroplet({
      name: "gitlab",
      diskGb: 50,
      usedDiskGb: 24,
      backups: { plan: "weekly", weekday: "MON", hour: 0 },
    });
    const { execution } = await runRestarting(world);
    try {
      expect(execution.getResult()?.outcome).toBe("succeeded");
      expect(world.sandbox.log.filter((r) => r.operationId === "droplets_list_backup_policies")).toHaveLength(1);
      expect(actionsStarted(world.sandbox, "change_backup_policy")).toBe(1);
      expect(actionsStarted(world.sandbox, "shutdown")).toBe(1);
      expect(world.sandbox.droplet(gitlab.id)?.backups?.policy).toEqual({ plan: "daily", hour: 0 });
      const types = world.events.map((e) => e.type);
      expect(types.filter((t) => t === "backups.reconciled" || t === "backup-window.waited")).toEqual([
        "backups.reconciled",
        "backup-window.waited",
      ]);
      const off = world.events.find((e) => e.type === "droplet.powered_off");
      expect(Date.parse(off!.at)).toBeGreaterThanOrEqual(Date.parse("2026-01-04T04:00:00Z"));
    } finally {
      await world.close();
    }
  });
});
