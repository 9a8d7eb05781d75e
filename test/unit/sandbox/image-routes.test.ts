import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectSpecCompliant } from "./openapi-check";

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.close();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sandbox.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe("sandbox: images and image actions", () => {
  it("shows a finished snapshot and a backup as available images, and a snapshot being taken not at all", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", diskGb: 50, usedDiskGb: 6, region: "fra1" });
    const snap = sandbox.state.addSnapshot(d.id, "lifeboat-weekly-gitlab-1");
    const backup = sandbox.state.addBackup(d.id, Date.parse("2026-01-03T21:10:00Z"));
    const taking = await call("POST", `/droplets/${d.id}/actions`, { type: "snapshot", name: "taking" });
    expect(taking.status).toBe(201);

    const s = await call("GET", `/images/${snap.id}`);
    expect(s.body.image).toMatchObject({ id: snap.id, type: "snapshot", status: "available", regions: ["fra1"] });
    const b = await call("GET", `/images/${backup.id}`);
    expect(b.body.image).toMatchObject({
      id: backup.id,
      type: "backup",
      status: "available",
      size_gigabytes: 6,
      min_disk_size: 50,
      created_at: "2026-01-03T21:10:00Z",
    });
    // The snapshot in progress has no image id yet: the next id is unknown.
    expect((await call("GET", `/images/${backup.id + 1}`)).status).toBe(404);
    await expectSpecCompliant(sandbox);
  });

  it("converts a backup into a snapshot that outlives the droplet's destroy; a snapshot cannot be converted", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 4 });
    const kept = sandbox.state.addBackup(d.id, sandbox.clock.now() - 86_400_000);
    const other = sandbox.state.addBackup(d.id, sandbox.clock.now() - 2 * 86_400_000);
    const snap = sandbox.state.addSnapshot(d.id, "lifeboat-weekly-gitlab-1");
    expect((await call("POST", `/images/${snap.id}/actions`, { type: "convert" })).status).toBe(422);
    const stays = await call("POST", `/images/${kept.id}/actions`, { type: "transfer", region: "ams3" });
    expect([stays.status, stays.body.message]).toEqual([422, expect.stringMatching(/convert it to a snapshot first/)]);

    const started = await call("POST", `/images/${kept.id}/actions`, { type: "convert" });
    expect(started.status).toBe(201);
    expect(started.body.action).toMatchObject({ type: "convert", status: "in-progress", resource_type: "image" });
    expect((await call("GET", `/images/${kept.id}`)).body.image.type).toBe("backup");
    sandbox.advance(sandbox.state.timings.convertMs);
    const done = await call("GET", `/images/${kept.id}/actions/${started.body.action.id}`);
    expect(done.body.action.status).toBe("completed");
    expect((await call("GET", `/images/${kept.id}`)).body.image.type).toBe("snapshot");
    const backups = await call("GET", `/droplets/${d.id}/backups`);
    expect(backups.body.backups.map((b: { id: number }) => b.id)).toEqual([other.id]);

    expect((await call("DELETE", `/droplets/${d.id}`)).status).toBe(204);
    expect((await call("GET", `/images/${other.id}`)).status).toBe(404); // destroyed with the droplet
    const listed = await call("GET", "/snapshots");
    expect(listed.body.snapshots.map((s: { id: string }) => s.id).sort()).toEqual(
      [String(kept.id), String(snap.id)].sort(),
    );
    await expectSpecCompliant(sandbox);
  });

  it("transfers an image to a region after a time proportional to its size, then lists the region", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 30 });
    const snap = sandbox.state.addSnapshot(d.id, "lifeboat-weekly-gitlab-1");
    const started = await call("POST", `/images/${snap.id}/actions`, { type: "transfer", region: "ams3" });
    expect(started.status).toBe(201);
    expect(started.body.action).toMatchObject({ type: "transfer", region_slug: "ams3", resource_id: snap.id });
    const again = await call("POST", `/images/${snap.id}/actions`, { type: "transfer", region: "ams3" });
    expect(again.status).toBe(422);
    const tenMinutes = 30 * sandbox.state.timings.transferMsPerGb;
    sandbox.advance(tenMinutes - 1_000);
    expect((await call("GET", `/images/${snap.id}`)).body.image.regions).toEqual(["nyc3"]);
    sandbox.advance(1_000);
    expect((await call("GET", `/images/${snap.id}`)).body.image.regions).toEqual(["nyc3", "ams3"]);
    const list = await call("GET", `/images/${snap.id}/actions`);
    expect(list.body.actions.map((a: { id: number; status: string }) => [a.id, a.status])).toEqual([
      [started.body.action.id, "completed"],
    ]);
    // The account's action list and read show image actions too (resource_type image).
    const account = await call("GET", `/actions/${started.body.action.id}`);
    expect(account.body.action).toMatchObject({ resource_type: "image", resource_id: snap.id, status: "completed" });
    expect((await call("GET", "/actions")).body.actions.map((a: { id: number }) => a.id)).toEqual([
      started.body.action.id,
    ]);
    expect((await call("POST", `/images/${snap.id}/actions`, { type: "transfer", region: "ams3" })).status).toBe(422);
    expect((await call("POST", `/images/${snap.id}/actions`, { type: "transfer" })).status).toBe(422);
    expect((await call("POST", "/images/999/actions", { type: "transfer", region: "fra1" })).status).toBe(404);
    await expectSpecCompliant(sandbox);
  });

  it("ends a transfer errored without the region when told to", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 2 });
    const snap = sandbox.state.addSnapshot(d.id, "lifeboat-weekly-gitlab-1");
    sandbox.inject({ operationId: "imageActions_post", fault: { kind: "action-errored" } });
    const started = await call("POST", `/images/${snap.id}/actions`, { type: "transfer", region: "sfo3" });
    sandbox.advance(3_600_000);
    const done = await call("GET", `/images/${snap.id}/actions/${started.body.action.id}`);
    expect(done.body.action.status).toBe("errored");
    expect((await call("GET", `/images/${snap.id}`)).body.image.regions).toEqual(["nyc3"]);
    await expectSpecCompliant(sandbox);
  });
});
