/**
 * #16 §1: two plans select one droplet and manage its DO Backups differently. Only the owner
 * (the first in the config that manages them and selects it) changes them; the other plan's
 * run reads them, writes nothing, and says who owns them; `cost` prices the owner's setting.
 */
import { fleetCost, type LifeboatConfigInput, type LifeboatEvent, validateConfig } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { type World, worldsClosedAfterEach } from "./world";

const makeWorld = worldsClosedAfterEach();

const plan = (name: string, tags: string[], dropletBackups: unknown) => ({
  name,
  schedule: "cron(0 3 ? * SUN *)",
  droplets: tags.map((tag) => ({ tag })),
  snapshot: { mode: "none" },
  retention: { keepLast: 3 },
  dropletBackups,
});
// Shared through a tag, so the config cannot refuse it: the owner rule decides at run time.
const config = {
  storage: { type: "local", directory: ".lifeboat" },
  plans: [
    plan("weekly", ["web"], { plan: "weekly", weekday: "SUN", hour: 4 }),
    plan("nightly", ["db", "web"], { plan: "daily", hour: 20 }),
  ],
} as LifeboatConfigInput;

const backupWrites = (w: World) =>
  w.sandbox.log.filter(
    (r) =>
      r.operationId === "dropletActions_post" &&
      ["enable_backups", "change_backup_policy", "disable_backups"].includes(
        String((r.body as { type?: string })?.type),
      ),
  );
const reconciled = (events: LifeboatEvent[]) =>
  events.filter((e): e is Extract<LifeboatEvent, { type: "backups.reconciled" }> => e.type === "backups.reconciled");

describe("a droplet two plans manage differently", () => {
  it("only its owner's run changes its Backups; the other's run reads them, names the owner, and cost agrees", async () => {
    const world = await makeWorld({ config });
    const web = world.sandbox.addDroplet({ name: "web-1", tags: ["web"], sizeSlug: "s-2vcpu-4gb" });
    const db = world.sandbox.addDroplet({ name: "db-1", tags: ["db"], sizeSlug: "s-1vcpu-2gb" });
    const policyOf = (id: number) => world.sandbox.droplet(id)?.backups?.policy;

    // nightly's run: its own db-1 only; web-1 is weekly's (the first plan that manages and selects it).
    const first = (await world.run({ plan: "nightly" })).getResult()!;
    expect(backupWrites(world).map((r) => r.path)).toEqual([`/v2/droplets/${db.id}/actions`]);
    expect(world.sandbox.droplet(web.id)?.backups).toBeUndefined();
    expect(policyOf(db.id)).toEqual({ plan: "daily", hour: 20 });
    expect(first.backups?.ownedElsewhere).toEqual([{ droplet: "web-1", owner: "weekly" }]);
    expect(reconciled(world.events)[0]?.ownedElsewhere).toEqual([{ droplet: "web-1", owner: "weekly" }]);

    // weekly's run sets web-1 as it asks.
    await world.run({ plan: "weekly", scheduledTime: "2026-01-04T04:00:00Z" });
    expect(policyOf(web.id)).toEqual({ plan: "weekly", weekday: "SUN", hour: 4 });

    // nightly again: it does not flip web-1 back; nothing is written at all.
    const before = backupWrites(world).length;
    await world.run({ plan: "nightly", scheduledTime: "2026-01-05T03:00:00Z" });
    expect(backupWrites(world)).toHaveLength(before);
    expect(policyOf(web.id)).toEqual({ plan: "weekly", weekday: "SUN", hour: 4 });
    expect(reconciled(world.events).at(-1)).toMatchObject({
      plan: "nightly",
      changes: [],
      unchanged: ["db-1"],
      ownedElsewhere: [{ droplet: "web-1", owner: "weekly" }],
    });

    // cost prices what the runs keep: web-1 weekly (20 % of $24), db-1 daily (30 % of $12).
    const archives = { listRuns: async () => [], deleteRun: async () => expect.fail("cost deletes nothing") };
    const cost = await fleetCost({ droplets: world.api, archives }, validateConfig(config).plans, "local");
    expect(cost.dropletBackups.droplets.map((d) => [d.droplet, d.backups, d.setBy, d.usd])).toEqual([
      ["web-1", "weekly", "weekly", 4.8],
      ["db-1", "daily", "nightly", 3.6],
    ]);
  });
});
