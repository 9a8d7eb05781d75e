/**
 * #16 §1: each run reconciles DigitalOcean's own Backups to the plan's `dropletBackups`, against
 * the sandbox (its backup-policy routes and actions, on the virtual clock).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LifeboatEvent, Plan } from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import type { Sandbox } from "@lifeboat/sandbox";
import { LocalSink, runHistory } from "@lifeboat/storage";
import { describe, expect, it } from "vitest";
import { planInput, type World, worldsClosedAfterEach } from "./world";

const makeWorld = worldsClosedAfterEach();

/** A plan over the droplets tagged `backup` that takes no snapshot: the run is the reconciliation (and the claims). */
const backupsPlan = (dropletBackups: Plan["dropletBackups"] | undefined, snapshot: Record<string, unknown> = {}) =>
  planInput(
    { mode: "none", ...snapshot },
    { droplets: [{ tag: "backup" }], ...(dropletBackups !== undefined ? { dropletBackups } : {}) },
  );

/** One droplet per starting state, all in the plan, and one outside it with Backups on. */
function seedFleet(sandbox: Sandbox) {
  const tags = ["backup"];
  return {
    none: sandbox.addDroplet({ name: "none", tags }),
    otherPlan: sandbox.addDroplet({ name: "other-plan", tags, backups: { plan: "daily", hour: 20 } }),
    otherHour: sandbox.addDroplet({ name: "other-hour", tags, backups: { plan: "weekly", weekday: "SUN", hour: 4 } }),
    otherDay: sandbox.addDroplet({ name: "other-day", tags, backups: { plan: "weekly", weekday: "MON", hour: 20 } }),
    same: sandbox.addDroplet({ name: "same", tags, backups: { plan: "weekly", weekday: "SUN", hour: 20 } }),
    outsider: sandbox.addDroplet({ name: "outsider", backups: { plan: "daily", hour: 8 } }),
  };
}

const policyOf = (sandbox: Sandbox, id: number) => sandbox.droplet(id)?.backups?.policy;
const requests = (w: World, operationId: string) => w.sandbox.log.filter((r) => r.operationId === operationId);
const backupActionPosts = (w: World) =>
  requests(w, "dropletActions_post").filter((r) =>
    ["enable_backups", "change_backup_policy", "disable_backups"].includes(String((r.body as { type?: string })?.type)),
  );
const reconciledEvent = (events: LifeboatEvent[]) =>
  events.find((e): e is Extract<LifeboatEvent, { type: "backups.reconciled" }> => e.type === "backups.reconciled");

describe("reconciling DO Backups each run", () => {
  it("weekly on SUN at 20: one listing, then only the droplets that differ are changed, each before → after", async () => {
    const world = await makeWorld({ config: backupsPlan({ plan: "weekly", weekday: "SUN", hour: 20 }) });
    const fleet = seedFleet(world.sandbox);
    const result = (await world.run()).getResult()!;

    const wanted = { plan: "weekly", weekday: "SUN", hour: 20 };
    for (const d of [fleet.none, fleet.otherPlan, fleet.otherHour, fleet.otherDay, fleet.same]) {
      expect([d.name, policyOf(world.sandbox, d.id)]).toEqual([d.name, wanted]);
    }
    // Never a droplet the plan does not back up.
    expect(policyOf(world.sandbox, fleet.outsider.id)).toEqual({ plan: "daily", hour: 8 });
    expect(requests(world, "droplets_list_backup_policies")).toHaveLength(1);
    const posts = backupActionPosts(world);
    expect(posts.map((r) => [r.path, (r.body as { type: string }).type, r.status])).toEqual([
      [`/v2/droplets/${fleet.none.id}/actions`, "enable_backups", 201],
      [`/v2/droplets/${fleet.otherPlan.id}/actions`, "change_backup_policy", 201],
      [`/v2/droplets/${fleet.otherHour.id}/actions`, "change_backup_policy", 201],
      [`/v2/droplets/${fleet.otherDay.id}/actions`, "change_backup_policy", 201],
    ]);
    expect(posts.map((r) => (r.body as { backup_policy?: unknown }).backup_policy)).toEqual([
      wanted,
      wanted,
      wanted,
      wanted,
    ]);

    const event = reconciledEvent(world.events);
    expect(event).toMatchObject({ droplet: "*", target: "weekly on SUN at 20:00 UTC", unchanged: ["same"] });
    expect(event?.dryRun).toBeUndefined();
    expect(event?.changes).toEqual([
      {
        droplet: "none",
        dropletId: fleet.none.id,
        change: "enable",
        before: "off",
        after: "weekly on SUN at 20:00 UTC",
      },
      {
        droplet: "other-plan",
        dropletId: fleet.otherPlan.id,
        change: "change",
        before: "daily at 20:00 UTC",
        after: "weekly on SUN at 20:00 UTC",
      },
      {
        droplet: "other-hour",
        dropletId: fleet.otherHour.id,
        change: "change",
        before: "weekly on SUN at 04:00 UTC",
        after: "weekly on SUN at 20:00 UTC",
      },
      {
        droplet: "other-day",
        dropletId: fleet.otherDay.id,
        change: "change",
        before: "weekly on MON at 20:00 UTC",
        after: "weekly on SUN at 20:00 UTC",
      },
    ]);
    expect(result.backups).toEqual({ target: event?.target, changes: event?.changes, unchanged: ["same"] });
    // The reconciliation comes before the droplets' backups.
    expect(world.events.map((e) => e.type).slice(0, 2)).toEqual(["run.started", "backups.reconciled"]);
  });

  it("waits for each change to complete, and a second run finds nothing to change", async () => {
    const world = await makeWorld({ config: backupsPlan({ plan: "daily", hour: 4 }) });
    const fleet = seedFleet(world.sandbox);
    await world.run();
    const actions = [...world.sandbox.state.actions.values()].filter((a) => a.type.includes("backup"));
    expect(actions).toHaveLength(5);
    expect(actions.every((a) => a.status === "completed")).toBe(true);
    // Looked at together, 15 s after they started (the sandbox's take 10 s): one read each.
    expect(requests(world, "actions_get")).toHaveLength(actions.length);

    const before = world.sandbox.log.length;
    await world.run({ scheduledTime: "2026-01-11T03:00:00Z" });
    const second = world.sandbox.log.slice(before);
    expect(second.filter((r) => r.operationId === "droplets_list_backup_policies")).toHaveLength(1);
    expect(second.filter((r) => r.method === "POST" && r.operationId === "dropletActions_post")).toHaveLength(0);
    expect(reconciledEvent(world.events.slice(-3))?.changes ?? []).toEqual([]);
    expect(policyOf(world.sandbox, fleet.outsider.id)).toEqual({ plan: "daily", hour: 8 });
  });

  it("the run record carries the reconciliation", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lifeboat-backups-history-"));
    try {
      const history = runHistory(new LocalSink(dir));
      const world = await makeWorld({ config: backupsPlan({ plan: "daily", hour: 4 }), history });
      const a = world.sandbox.addDroplet({ name: "a", tags: ["backup"] });
      await world.run();
      const [record] = await history.list("weekly");
      expect(record?.backups).toEqual({
        target: "daily at 04:00 UTC",
        changes: [{ droplet: "a", dropletId: a.id, change: "enable", before: "off", after: "daily at 04:00 UTC" }],
        unchanged: [],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("off disables Backups where they are on, and only there", async () => {
    const world = await makeWorld({ config: backupsPlan("off") });
    const fleet = seedFleet(world.sandbox);
    await world.run();
    for (const d of [fleet.none, fleet.otherPlan, fleet.otherHour, fleet.otherDay, fleet.same]) {
      expect([d.name, world.sandbox.droplet(d.id)?.backups]).toEqual([d.name, undefined]);
    }
    expect(policyOf(world.sandbox, fleet.outsider.id)).toEqual({ plan: "daily", hour: 8 });
    expect(backupActionPosts(world).map((r) => (r.body as { type: string }).type)).toEqual([
      "disable_backups",
      "disable_backups",
      "disable_backups",
      "disable_backups",
    ]);
    expect(reconciledEvent(world.events)?.unchanged).toEqual(["none"]);
  });

  it("unmanaged never writes, and reads nothing when the plan powers nothing off", async () => {
    const world = await makeWorld({ config: backupsPlan(undefined) });
    const fleet = seedFleet(world.sandbox);
    const result = (await world.run()).getResult()!;
    expect(backupActionPosts(world)).toEqual([]);
    expect(requests(world, "droplets_list_backup_policies")).toEqual([]);
    expect(reconciledEvent(world.events)).toBeUndefined();
    expect(result.backups).toBeUndefined();
    expect(policyOf(world.sandbox, fleet.otherPlan.id)).toEqual({ plan: "daily", hour: 20 });
  });

  it("a dry run says what it would change and sends DigitalOcean no write at all", async () => {
    const world = await makeWorld({ config: backupsPlan({ plan: "weekly", weekday: "SUN", hour: 20 }) });
    const fleet = seedFleet(world.sandbox);
    const result = (await world.run({ dryRun: true })).getResult()!;
    expect(world.sandbox.log.filter((r) => r.method !== "GET")).toEqual([]);
    expect(requests(world, "droplets_list_backup_policies")).toHaveLength(1);
    expect(world.sandbox.droplet(fleet.none.id)?.backups).toBeUndefined();
    expect(policyOf(world.sandbox, fleet.otherPlan.id)).toEqual({ plan: "daily", hour: 20 });
    const event = reconciledEvent(world.events);
    expect(event).toMatchObject({ dryRun: true, unchanged: ["same"] });
    expect(event?.changes.map((c) => [c.droplet, c.change, c.before, c.after])).toEqual([
      ["none", "enable", "off", "weekly on SUN at 20:00 UTC"],
      ["other-plan", "change", "daily at 20:00 UTC", "weekly on SUN at 20:00 UTC"],
      ["other-hour", "change", "weekly on SUN at 04:00 UTC", "weekly on SUN at 20:00 UTC"],
      ["other-day", "change", "weekly on MON at 20:00 UTC", "weekly on SUN at 20:00 UTC"],
    ]);
    expect(result.backups?.dryRun).toBe(true);
  });

  it("a change while the droplet has a pending event: the client waits it out, then changes the policy once", async () => {
    const world = await makeWorld({
      config: backupsPlan({ plan: "weekly", weekday: "SUN", hour: 4 }),
      // A client that waits out a pending event as long as production's does.
      wrapApi: (_api, sandbox) =>
        new DigitalOceanClient({
          token: sandbox.token,
          endpoint: sandbox.url,
          clock: sandbox.clock,
          retry: { baseDelayMs: 5, maxDelayMs: 50 },
          pendingEvent: { pollMs: 15_000, timeoutMs: 3_600_000 },
        }),
    });
    const gitlab = world.sandbox.addDroplet({
      name: "gitlab",
      tags: ["backup"],
      usedDiskGb: 5,
      backups: { plan: "daily", hour: 0 },
    });
    // Someone's snapshot of the droplet is still running when the run starts.
    const snapshot = world.sandbox.state.startAction(gitlab.id, "snapshot", 5 * 60_000, { snapshotName: "by-hand" });
    const result = (await world.run()).getResult()!;

    expect(world.sandbox.state.actions.get(snapshot.id)?.status).toBe("completed");
    expect(backupActionPosts(world).map((r) => r.status)).toEqual([422, 201]);
    expect([...world.sandbox.state.actions.values()].filter((a) => a.type === "change_backup_policy")).toHaveLength(1);
    expect(policyOf(world.sandbox, gitlab.id)).toEqual({ plan: "weekly", weekday: "SUN", hour: 4 });
    expect(result.backups?.changes).toEqual([
      {
        droplet: "gitlab",
        dropletId: gitlab.id,
        change: "change",
        before: "daily at 00:00 UTC",
        after: "weekly on SUN at 04:00 UTC",
      },
    ]);
  });

  it("a change that fails is reported for its droplet; the others are changed and the backup goes on", async () => {
    const world = await makeWorld({ config: backupsPlan({ plan: "daily", hour: 4 }, { mode: "live" }) });
    const a = world.sandbox.addDroplet({ name: "a", tags: ["backup"], usedDiskGb: 2 });
    const b = world.sandbox.addDroplet({ name: "b", tags: ["backup"], usedDiskGb: 2 });
    world.sandbox.inject({ operationId: "dropletActions_post", dropletId: a.id, fault: { kind: "action-errored" } });
    const result = (await world.run()).getResult()!;

    expect(result.outcome).toBe("succeeded");
    expect(result.droplets.map((d) => [d.droplet, d.outcome])).toEqual([
      ["a", "succeeded"],
      ["b", "succeeded"],
    ]);
    expect(world.sandbox.droplet(a.id)?.backups).toBeUndefined();
    expect(policyOf(world.sandbox, b.id)).toEqual({ plan: "daily", hour: 4 });
    // Said in the droplet's own report too (the run's summary), without failing it.
    expect(result.droplets[0]?.detail).toMatch(/DO Backups enable failed \(still off\): .*ended errored/);
    expect(result.droplets[1]?.detail).not.toContain("DO Backups");
    const changes = reconciledEvent(world.events)?.changes;
    expect(changes?.[0]).toMatchObject({ droplet: "a", change: "enable", before: "off", after: "off" });
    expect(changes?.[0]?.error).toMatch(/enable_backups action \d+ ended errored/);
    expect(changes?.[1]).toEqual({
      droplet: "b",
      dropletId: b.id,
      change: "enable",
      before: "off",
      after: "daily at 04:00 UTC",
    });
  });

  it("a policy listing that cannot be read is reported; nothing is changed and the backup goes on", async () => {
    const world = await makeWorld({ config: backupsPlan("off", { mode: "live" }) });
    const a = world.sandbox.addDroplet({
      name: "a",
      tags: ["backup"],
      usedDiskGb: 2,
      backups: { plan: "daily", hour: 4 },
    });
    world.sandbox.inject({
      operationId: "droplets_list_backup_policies",
      fault: { kind: "status", status: 500 },
      times: 50,
    });
    const result = (await world.run()).getResult()!;
    expect(result.outcome).toBe("succeeded");
    expect(backupActionPosts(world)).toEqual([]);
    expect(world.sandbox.droplet(a.id)?.backups).toBeDefined();
    expect(result.backups?.error).toMatch(/backup policies could not be read/);
    expect(reconciledEvent(world.events)?.error).toBe(result.backups?.error);
  });
});
