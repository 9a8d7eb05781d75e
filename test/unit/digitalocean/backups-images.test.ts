import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectSpecCompliant } from "../sandbox/openapi-check";
import { clientFor, pollUntil, requestsFor } from "./helpers";

const DAY = 86_400_000;

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ startAt: Date.parse("2026-01-04T03:00:00Z") });
});
afterEach(async () => {
  await expectSpecCompliant(sandbox);
  await sandbox.close();
});

describe("DigitalOcean client against the sandbox: DO Backups", () => {
  it("reads every droplet's backup policy from a map spread over two pages", async () => {
    const droplets = Array.from({ length: 230 }, (_, i) =>
      sandbox.addDroplet({
        name: `d${i}`,
        ...(i % 3 === 0 ? { backups: { plan: "weekly" as const, weekday: "TUE" as const, hour: 8 as const } } : {}),
      }),
    );
    const { client } = clientFor(sandbox);
    const policies = await client.listBackupPolicies();
    expect(requestsFor(sandbox, "droplets_list_backup_policies").map((x) => x.query.page)).toEqual(["1", "2"]);
    expect(policies.map((p) => p.dropletId)).toEqual(droplets.map((d) => d.id));
    expect(policies.filter((p) => p.enabled)).toHaveLength(77);
    expect(policies[0]).toEqual({
      dropletId: droplets[0]!.id,
      enabled: true,
      policy: { plan: "weekly", weekday: "TUE", hour: 8 },
      nextWindow: { start: "2026-01-06T08:00:00Z", end: "2026-01-06T12:00:00Z" },
    });
    expect(policies[1]).toEqual({ dropletId: droplets[1]!.id, enabled: false });
  });

  it("enables, changes and disables backups, each a droplet action that completes on the virtual clock", async () => {
    const d = sandbox.addDroplet({ name: "gitlab" });
    const { client } = clientFor(sandbox);
    const enable = await client.enableBackups(d.id, { plan: "daily", hour: 20 });
    expect(enable).toMatchObject({ type: "enable_backups", status: "in-progress", dropletId: d.id });
    await pollUntil(
      sandbox,
      () => client.getAction(enable.id),
      (a) => a.status === "completed",
    );
    expect((await client.listBackupPolicies())[0]).toMatchObject({
      enabled: true,
      policy: { plan: "daily", hour: 20 },
    });
    const change = await client.changeBackupPolicy(d.id, { plan: "weekly", weekday: "FRI", hour: 0 });
    await pollUntil(
      sandbox,
      () => client.getAction(change.id),
      (a) => a.status === "completed",
    );
    expect((await client.listBackupPolicies())[0]!.policy).toEqual({ plan: "weekly", weekday: "FRI", hour: 0 });
    const disable = await client.disableBackups(d.id);
    await pollUntil(
      sandbox,
      () => client.getAction(disable.id),
      (a) => a.status === "completed",
    );
    expect((await client.listBackupPolicies())[0]).toEqual({ dropletId: d.id, enabled: false });
  });

  it("waits out the droplet's pending event on change_backup_policy, then changes it once", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 5, backups: { plan: "daily", hour: 0 } });
    const { client, logs } = clientFor(sandbox, { pendingEvent: { pollMs: 30_000, timeoutMs: 3_600_000 } });
    const snap = await client.snapshot(d.id, "lifeboat-weekly-gitlab-1");
    const change = await client.changeBackupPolicy(d.id, { plan: "weekly", weekday: "SUN", hour: 4 });
    expect(change.type).toBe("change_backup_policy");
    expect(sandbox.state.actions.get(snap.id)!.status).toBe("completed");
    expect(logs.map((l) => l.event)).toContain("pending_event");
    expect(requestsFor(sandbox, "dropletActions_post").map((x) => x.status)).toEqual([201, 422, 201]);
    expect([...sandbox.state.actions.values()].filter((a) => a.type === "change_backup_policy")).toHaveLength(1);
  });

  it("lists a droplet's backups and restores it in place from one of them", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", diskGb: 50, usedDiskGb: 9, backups: { plan: "daily", hour: 0 } });
    const older = sandbox.state.addBackup(d.id, sandbox.clock.now() - 2 * DAY);
    const newer = sandbox.state.addBackup(d.id, sandbox.clock.now() - DAY);
    const { client } = clientFor(sandbox);
    const backups = await client.listDropletBackups(d.id);
    expect(backups).toEqual([
      expect.objectContaining({ id: String(older.id), dropletId: d.id, sizeGb: 9, minDiskGb: 50, regions: ["nyc3"] }),
      expect.objectContaining({ id: String(newer.id), createdAt: "2026-01-03T03:00:00Z" }),
    ]);
    const restore = await client.restoreDroplet(d.id, String(newer.id));
    expect(restore).toMatchObject({ type: "restore", dropletId: d.id });
    expect(requestsFor(sandbox, "dropletActions_post")[0]!.body).toEqual({ type: "restore", image: newer.id });
    await pollUntil(
      sandbox,
      () => client.getAction(restore.id),
      (a) => a.status === "completed",
    );
    expect(sandbox.droplet(d.id)!.restoredFrom?.image).toBe(newer.id);
  });
});

describe("DigitalOcean client against the sandbox: images", () => {
  it("reads a backup as an image and converts it into a snapshot that outlives the droplet", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 3, backups: { plan: "daily", hour: 0 } });
    const backup = sandbox.state.addBackup(d.id, sandbox.clock.now() - DAY);
    const { client } = clientFor(sandbox);
    expect(await client.getImage(String(backup.id))).toEqual({
      id: String(backup.id),
      name: backup.name,
      type: "backup",
      status: "available",
      regions: ["nyc3"],
      sizeGb: 3,
      createdAt: "2026-01-03T03:00:00Z",
    });
    const convert = await client.convertImage(String(backup.id));
    expect(convert).toMatchObject({ type: "convert", status: "in-progress", imageId: String(backup.id) });
    const done = await pollUntil(
      sandbox,
      () => client.getImageAction(String(backup.id), convert.id),
      (a) => a.status !== "in-progress",
    );
    expect(done.status).toBe("completed");
    await client.destroyDroplet(d.id);
    expect((await client.getImage(String(backup.id))).type).toBe("snapshot");
    expect((await client.listSnapshots()).map((s) => s.id)).toEqual([String(backup.id)]);
  });

  it("transfers a snapshot to another region: the same image, one more region once the action completes", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 12 });
    const snap = sandbox.state.addSnapshot(d.id, "lifeboat-weekly-gitlab-1");
    const { client } = clientFor(sandbox);
    const transfer = await client.transferImage(String(snap.id), "ams3");
    expect(transfer).toMatchObject({ type: "transfer", region: "ams3", status: "in-progress" });
    expect(requestsFor(sandbox, "imageActions_post")[0]!.body).toEqual({ type: "transfer", region: "ams3" });
    const done = await pollUntil(
      sandbox,
      () => client.getImageAction(String(snap.id), transfer.id),
      (a) => a.status !== "in-progress",
      3_600_000,
    );
    expect(done).toMatchObject({ status: "completed", region: "ams3" });
    expect((await client.getImage(String(snap.id))).regions).toEqual(["nyc3", "ams3"]);
  });

  it("recovers a transfer whose answer was lost without starting a second one", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 12 });
    const snap = sandbox.state.addSnapshot(d.id, "lifeboat-weekly-gitlab-1");
    sandbox.inject({ operationId: "imageActions_post", fault: { kind: "drop", when: "after" } });
    const { client, logs } = clientFor(sandbox);
    const transfer = await client.transferImage(String(snap.id), "fra1");
    expect([...sandbox.state.imageActions.values()].map((a) => [a.id, a.region])).toEqual([[transfer.id, "fra1"]]);
    expect(requestsFor(sandbox, "imageActions_post")).toHaveLength(1);
    expect(requestsFor(sandbox, "imageActions_list")).toHaveLength(1);
    expect(logs.map((l) => l.event)).toContain("recovered");
    expect(transfer).toMatchObject({ type: "transfer", region: "fra1", imageId: String(snap.id) });
  });

  it("reports a transfer that ends errored, and the image keeps only its own region", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 2 });
    const snap = sandbox.state.addSnapshot(d.id, "lifeboat-weekly-gitlab-1");
    sandbox.inject({ operationId: "imageActions_post", fault: { kind: "action-errored" } });
    const { client } = clientFor(sandbox);
    const transfer = await client.transferImage(String(snap.id), "sgp1");
    const done = await pollUntil(
      sandbox,
      () => client.getImageAction(String(snap.id), transfer.id),
      (a) => a.status !== "in-progress",
    );
    expect(done).toMatchObject({ status: "errored", region: "sgp1" });
    expect((await client.getImage(String(snap.id))).regions).toEqual(["nyc3"]);
  });
});
