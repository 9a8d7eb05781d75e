import { DigitalOceanError } from "@lifeboat/digitalocean";
import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectSpecCompliant } from "../sandbox/openapi-check";
import { clientFor, pollUntil, requestsFor } from "./helpers";

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await expectSpecCompliant(sandbox);
  await sandbox.close();
});

describe("DigitalOcean client against the sandbox", () => {
  it("reads all pages of 450 snapshots, 200 per page, with ids normalised", async () => {
    const d = sandbox.addDroplet({ name: "busy", usedDiskGb: 3 });
    for (let i = 0; i < 450; i++) sandbox.state.addSnapshot(d.id, `lifeboat-weekly-busy-${i}`);
    const { client } = clientFor(sandbox);
    const all = await client.listSnapshots();
    const mine = await client.listDropletSnapshots(d.id);
    expect(all).toHaveLength(450);
    expect(new Set(all.map((s) => s.id)).size).toBe(450);
    expect(mine.map((s) => s.id)).toEqual(all.map((s) => s.id));
    expect(all[0]).toMatchObject({ id: expect.any(String), dropletId: d.id, sizeGb: 3 });
    expect(mine[0]!.id).toBe(String([...sandbox.state.snapshots.keys()][0]));
    const pages = requestsFor(sandbox, "snapshots_list").map((x) => [x.query.page, x.query.per_page]);
    expect(pages).toEqual([
      ["1", "200"],
      ["2", "200"],
      ["3", "200"],
    ]);
  });

  it("finds droplets by id, name and tag, and names a name that matches nothing", async () => {
    const gitlab = sandbox.addDroplet({ name: "gitlab" });
    sandbox.addDroplet({ name: "drone", tags: ["lifeboat-weekly"] });
    const { client } = clientFor(sandbox);
    expect((await client.findDroplets({ id: gitlab.id })).map((d) => d.name)).toEqual(["gitlab"]);
    expect((await client.findDroplets({ name: "gitlab" })).map((d) => d.id)).toEqual([gitlab.id]);
    expect((await client.findDroplets({ tag: "lifeboat-weekly" })).map((d) => d.name)).toEqual(["drone"]);
    const missing = await client.findDroplets({ name: "gitlab-old" }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DigitalOceanError);
    expect((missing as DigitalOceanError).plainWords()).toMatch(/no droplet is named "gitlab-old"/);
    const notThere = await client.getDroplet(42).catch((e: unknown) => e as DigitalOceanError);
    expect(notThere).toMatchObject({ status: 404, doId: "not_found", dropletId: 42, requestId: expect.any(String) });
  });

  it("runs 60 droplets' power-off, snapshot and power-on at once under the real limits without a 429", async () => {
    const droplets = Array.from({ length: 60 }, (_, i) => sandbox.addDroplet({ name: `d${i}`, usedDiskGb: 2 }));
    const { client } = clientFor(sandbox);
    await Promise.all(
      droplets.map(async (d) => {
        await client.shutdown(d.id);
        await pollUntil(
          sandbox,
          () => client.getDroplet(d.id),
          (x) => x.status === "off",
        );
        const snap = await client.snapshot(d.id, `lifeboat-test-${d.name}`);
        await pollUntil(
          sandbox,
          () => client.getAction(snap.id),
          (a) => a.status !== "in-progress",
        );
        await client.powerOn(d.id);
        await pollUntil(
          sandbox,
          () => client.getDroplet(d.id),
          (x) => x.status === "active",
        );
      }),
    );
    expect(sandbox.log.length).toBeGreaterThan(250); // more than one minute's allowance: the budget had to pace
    expect(sandbox.log.filter((x) => x.status === 429)).toHaveLength(0);
    expect(client.stats.rateLimited).toBe(0);
    expect(droplets.map((d) => sandbox.droplet(d.id)!.status)).toEqual(droplets.map(() => "active"));
    expect(sandbox.state.snapshots.size).toBe(60);
  });

  it("keeps several clients of one token within one shared budget", async () => {
    const ds = Array.from({ length: 300 }, (_, i) => sandbox.addDroplet({ name: `d${i}` }));
    const a = clientFor(sandbox).client;
    const b = clientFor(sandbox).client;
    await Promise.all(ds.map((d, i) => (i % 2 ? a : b).getDroplet(d.id)));
    expect(sandbox.log.filter((x) => x.status === 429)).toHaveLength(0);
  });

  it("waits out a 429 for retry-after and retries", async () => {
    const d = sandbox.addDroplet({ name: "gitlab" });
    sandbox.inject({ operationId: "droplets_get", fault: { kind: "rate-limit", retryAfterSeconds: 30 }, times: 2 });
    const { client, logs } = clientFor(sandbox);
    const before = sandbox.clock.now();
    expect((await client.getDroplet(d.id)).name).toBe("gitlab");
    expect(client.stats.rateLimited).toBe(2);
    expect(sandbox.clock.now() - before).toBeGreaterThanOrEqual(60_000);
    expect(logs.filter((l) => l.event === "rate_limited")).toHaveLength(2);
  });

  it.each([
    ["500", { kind: "status", status: 500 }],
    ["503", { kind: "status", status: 503 }],
    ["dropped connection", { kind: "drop", when: "before" }],
    ["latency past the timeout", { kind: "latency", ms: 400 }],
  ] as const)("recovers a read from a %s", async (_, fault) => {
    const d = sandbox.addDroplet({ name: "gitlab" });
    sandbox.inject({ operationId: "droplets_get", fault, times: 2 });
    const { client, logs } = clientFor(sandbox, { timeoutMs: 200 });
    expect((await client.getDroplet(d.id)).id).toBe(d.id);
    expect(requestsFor(sandbox, "droplets_get")).toHaveLength(3);
    expect(logs.filter((l) => l.event === "retry")).toHaveLength(2);
  });

  it("reports a fault that does not go away as a typed error after a bounded number of tries", async () => {
    const d = sandbox.addDroplet({ name: "gitlab" });
    sandbox.inject({ operationId: "droplets_get", fault: { kind: "status", status: 503 }, times: 100 });
    const { client } = clientFor(sandbox, { retry: { maxAttempts: 4 } });
    const error = (await client.getDroplet(d.id).catch((e: unknown) => e)) as DigitalOceanError;
    expect(error).toBeInstanceOf(DigitalOceanError);
    expect(error).toMatchObject({ kind: "api", status: 503, doId: "server_error", attempts: 4, dropletId: d.id });
    expect(error.plainWords()).toMatch(/^DigitalOcean refused to read droplet \d+: .*after 4 tries/);
    expect(requestsFor(sandbox, "droplets_get")).toHaveLength(4);
  });

  it("does not start a second action when a POST's answer was lost after DO acted", async () => {
    const d = sandbox.addDroplet({ name: "gitlab" });
    sandbox.inject({ operationId: "dropletActions_post", fault: { kind: "drop", when: "after" } });
    const { client, logs } = clientFor(sandbox);
    const action = await client.shutdown(d.id);
    const actions = [...sandbox.state.actions.values()].filter((a) => a.dropletId === d.id);
    expect(actions.map((a) => a.id)).toEqual([action.id]);
    expect(requestsFor(sandbox, "dropletActions_post")).toHaveLength(1);
    expect(logs.map((l) => l.event)).toContain("recovered");
  });

  it("retries a POST whose connection dropped before DO acted, once", async () => {
    const d = sandbox.addDroplet({ name: "gitlab" });
    sandbox.inject({ operationId: "dropletActions_post", fault: { kind: "drop", when: "before" } });
    const { client } = clientFor(sandbox);
    const action = await client.snapshot(d.id, "lifeboat-weekly-gitlab-x");
    expect([...sandbox.state.actions.values()].map((a) => a.id)).toEqual([action.id]);
    expect(requestsFor(sandbox, "dropletActions_post")).toHaveLength(2);
  });

  it("does not create a second droplet when a restore's answer was lost", async () => {
    const d = sandbox.addDroplet({ name: "gitlab" });
    const snap = sandbox.state.addSnapshot(d.id, "lifeboat-weekly-gitlab-1");
    sandbox.inject({ operationId: "droplets_create", fault: { kind: "status", status: 500 } });
    sandbox.inject({ operationId: "droplets_create", fault: { kind: "drop", when: "after" } });
    const { client } = clientFor(sandbox);
    const restored = await client.createDropletFromSnapshot({
      name: "gitlab-restored",
      snapshotId: String(snap.id),
      region: "nyc3",
      sizeSlug: "s-1vcpu-1gb",
    });
    expect([...sandbox.state.droplets.values()].filter((x) => x.name === "gitlab-restored")).toHaveLength(1);
    expect(restored.name).toBe("gitlab-restored");
  });

  it("waits for the droplet's in-flight action on a 422 pending event, then goes on", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 5 });
    const { client, logs } = clientFor(sandbox, { pendingEvent: { pollMs: 30_000, timeoutMs: 3_600_000 } });
    const snap = await client.snapshot(d.id, "first");
    const off = await client.powerOff(d.id);
    expect(off.type).toBe("power_off");
    expect(sandbox.state.actions.get(snap.id)!.status).toBe("completed");
    expect(logs.map((l) => l.event)).toContain("pending_event");
    expect(requestsFor(sandbox, "dropletActions_post").map((x) => x.status)).toEqual([201, 422, 201]);
  });

  it("reports an action that ends errored", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 2 });
    sandbox.inject({ operationId: "dropletActions_post", fault: { kind: "action-errored" } });
    const { client } = clientFor(sandbox);
    const snap = await client.snapshot(d.id, "doomed");
    const done = await pollUntil(
      sandbox,
      () => client.getAction(snap.id),
      (a) => a.status !== "in-progress",
    );
    expect(done).toMatchObject({ status: "errored", type: "snapshot", dropletId: d.id });
    expect(sandbox.state.snapshots.size).toBe(0);
  });

  it("does not trust a shutdown reported completed while the droplet stays on", async () => {
    const d = sandbox.addDroplet({ name: "gitlab" });
    sandbox.inject({ operationId: "dropletActions_post", fault: { kind: "shutdown-stays-on" } });
    const { client } = clientFor(sandbox);
    const shutdown = await client.shutdown(d.id);
    const after3Min = await pollUntil(
      sandbox,
      () => client.getDroplet(d.id),
      (x) => x.status === "off",
      180_000,
    );
    expect((await client.getAction(shutdown.id)).status).toBe("completed");
    expect(after3Min.status).toBe("active");
    await client.powerOff(d.id);
    expect(
      (
        await pollUntil(
          sandbox,
          () => client.getDroplet(d.id),
          (x) => x.status === "off",
        )
      ).status,
    ).toBe("off");
  });

  it("tags, untags and deletes tags and snapshots", async () => {
    const d = sandbox.addDroplet({ name: "gitlab" });
    const s = sandbox.state.addSnapshot(d.id, "old");
    const { client } = clientFor(sandbox);
    await client.ensureTag("lifeboat-running");
    await client.ensureTag("lifeboat-running");
    const others = Array.from({ length: 60 }, (_, i) => sandbox.addDroplet({ name: `web-${i}` }).id);
    const assigns = () => sandbox.log.filter((r) => r.operationId === "tags_assign_resources").length;
    await client.tagDroplets("lifeboat-running", [d.id, ...others]);
    expect(assigns()).toBe(2); // 61 droplets: a request per 50
    expect((await client.listDropletsByTag("lifeboat-running")).map((x) => x.id).sort()).toEqual(
      [d.id, ...others].sort(),
    );
    await client.untagDroplets("lifeboat-running", others);
    expect((await client.listDropletsByTag("lifeboat-running")).map((x) => x.id)).toEqual([d.id]);
    await client.untagDroplets("lifeboat-running", [d.id]);
    await client.tagDroplets("lifeboat-running", []);
    expect(assigns()).toBe(2);
    expect(await client.listDropletsByTag("lifeboat-running")).toEqual([]);
    await client.deleteTag("lifeboat-running");
    sandbox.inject({ operationId: "snapshots_delete", fault: { kind: "drop", when: "after" } });
    await client.deleteSnapshot(String(s.id));
    expect(sandbox.state.snapshots.size).toBe(0);
    await expect(client.deleteSnapshot(String(s.id))).rejects.toMatchObject({ status: 404 });
  });

  it("reports a snapshot gone before a delete that was only rate-limited, not as deleted", async () => {
    const d = sandbox.addDroplet({ name: "gitlab" });
    const s = sandbox.state.addSnapshot(d.id, "old");
    const { client } = clientFor(sandbox);
    await client.deleteSnapshot(String(s.id)); // gone before the delete under test
    // A 429 is DO refusing the request unseen: the 404 after it is the first real answer.
    sandbox.inject({ operationId: "snapshots_delete", fault: { kind: "rate-limit", retryAfterSeconds: 1 } });
    await expect(client.deleteSnapshot(String(s.id))).rejects.toMatchObject({ status: 404, attempts: 1 });
    expect(requestsFor(sandbox, "snapshots_delete").map((x) => x.status)).toEqual([204, 429, 404]);
  });
});
