import { DRILL_FIREWALL_NAME, DRILL_TAG, drillEgressFirewall, drillFirewall } from "@lifeboat/core";
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

const tags = [DRILL_TAG, "lifeboat-drill:weekly:d1"];

function snapshotOf(name = "gitlab") {
  const d = sandbox.addDroplet({ name, usedDiskGb: 4 });
  return sandbox.state.addSnapshot(d.id, `lifeboat-weekly-${name}-20261129T030000Z`);
}

describe("DigitalOcean client: what a drill calls", () => {
  it("reads sizes (disk, prices, regions) and the account's droplet limit, one call each", async () => {
    const { client } = clientFor(sandbox);
    const sizes = await client.listSizes();
    expect(sizes.find((s) => s.slug === "s-1vcpu-1gb")).toEqual({
      slug: "s-1vcpu-1gb",
      diskGb: 25,
      memoryMb: 1024,
      vcpus: 1,
      priceHourly: 0.00893,
      priceMonthly: 6,
      regions: expect.arrayContaining(["nyc3"]),
      available: true,
    });
    expect(sizes.some((s) => !s.available)).toBe(true);
    sandbox.state.account.dropletLimit = 10;
    expect(await client.getAccount()).toEqual({ dropletLimit: 10, status: "active" });
    expect(sandbox.log.map((x) => x.operationId)).toEqual(["sizes_list", "account_get"]);
  });

  it("counts the account's droplets in one call, from the listing's meta.total", async () => {
    for (const name of ["gitlab", "drone", "web-1"]) sandbox.addDroplet({ name });
    const { client } = clientFor(sandbox);
    expect(await client.countDroplets()).toBe(3);
    expect(sandbox.log.map((x) => x.operationId)).toEqual(["droplets_list"]);
    expect(requestsFor(sandbox, "droplets_list")[0]?.query).toMatchObject({ per_page: "1" });
  });

  it("creates a droplet from a snapshot with tags and user data, and gives its create action", async () => {
    const snap = snapshotOf();
    const { client } = clientFor(sandbox);
    const created = await client.createDropletFromSnapshot({
      name: "drill-gitlab-d1",
      snapshotId: String(snap.id),
      region: "nyc3",
      sizeSlug: "s-1vcpu-1gb",
      tags,
      userData: "#cloud-config\n",
    });
    expect(created).toMatchObject({ name: "drill-gitlab-d1", status: "new", tags, createActionId: expect.any(Number) });
    expect(sandbox.droplet(created.id)?.createdWith).toMatchObject({ tags, userData: "#cloud-config\n" });
    const active = await pollUntil(
      sandbox,
      () => client.getDroplet(created.id),
      (d) => d.status === "active",
    );
    expect(active.publicIpv4).toMatch(/^203\.0\.113\./);
    expect((await client.getAction(created.createActionId!)).status).toBe("completed");
  });

  it("never makes a second droplet when a create's answer is lost, and adopts only the one with its tags", async () => {
    const snap = snapshotOf();
    // Someone else's droplet of the same name, made moments ago, without the drill's tags.
    const impostor = sandbox.addDroplet({ name: "drill-gitlab-d1" });
    sandbox.inject({ operationId: "droplets_create", fault: { kind: "drop", when: "after" } });
    const { client, logs } = clientFor(sandbox);
    const created = await client.createDropletFromSnapshot({
      name: "drill-gitlab-d1",
      snapshotId: String(snap.id),
      region: "nyc3",
      sizeSlug: "s-1vcpu-1gb",
      tags,
    });
    expect(created.id).not.toBe(impostor.id);
    expect(created.tags).toEqual(tags);
    expect(created.createActionId).toEqual(expect.any(Number));
    expect([...sandbox.state.droplets.values()].filter((d) => d.name === "drill-gitlab-d1")).toHaveLength(2);
    expect(requestsFor(sandbox, "droplets_create")).toHaveLength(1);
    expect(logs.map((l) => l.event)).toContain("recovered");
  });

  it("tells a create that ended errored from its action", async () => {
    const snap = snapshotOf();
    sandbox.inject({ operationId: "droplets_create", fault: { kind: "action-errored" } });
    const { client } = clientFor(sandbox);
    const created = await client.createDropletFromSnapshot({
      name: "drill-gitlab-d1",
      snapshotId: String(snap.id),
      region: "nyc3",
      sizeSlug: "s-1vcpu-1gb",
      tags,
    });
    const action = await pollUntil(
      sandbox,
      () => client.getAction(created.createActionId!),
      (a) => a.status !== "in-progress",
    );
    expect(action.status).toBe("errored");
    expect((await client.getDroplet(created.id)).status).toBe("new");
  });

  it("says plainly when the account's droplet limit is reached, and makes nothing", async () => {
    const snap = snapshotOf();
    sandbox.state.account.dropletLimit = 1;
    const { client } = clientFor(sandbox);
    await expect(
      client.createDropletFromSnapshot({
        name: "drill-x",
        snapshotId: String(snap.id),
        region: "nyc3",
        sizeSlug: "s-1vcpu-1gb",
      }),
    ).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/droplet limit/) });
    expect(sandbox.state.droplets.size).toBe(1);
  });

  it("destroys a droplet; one already gone (or whose destroy answer was lost) is done, not an error", async () => {
    const a = sandbox.addDroplet({ name: "drill-a", tags });
    const b = sandbox.addDroplet({ name: "drill-b", tags });
    const { client, logs } = clientFor(sandbox);
    await client.destroyDroplet(a.id);
    expect(sandbox.state.droplets.has(a.id)).toBe(false);
    await client.destroyDroplet(a.id);
    sandbox.inject({ operationId: "droplets_destroy", fault: { kind: "drop", when: "after" } });
    await client.destroyDroplet(b.id);
    expect(sandbox.state.destroyed.has(b.id)).toBe(true);
    expect(logs).toContainEqual(expect.objectContaining({ event: "recovered", dropletId: b.id }));
    expect(requestsFor(sandbox, "droplets_destroy").map((x) => x.status)).toEqual([204, 404, 204, 404]);
    // Any other refusal is still an error.
    sandbox.inject({ operationId: "droplets_destroy", fault: { kind: "status", status: 500 }, times: 9 });
    const c = sandbox.addDroplet({ name: "drill-c", tags });
    await expect(clientFor(sandbox, { retry: { maxAttempts: 2 } }).client.destroyDroplet(c.id)).rejects.toMatchObject({
      status: 500,
    });
  });

  it("makes the isolating firewall once, leaves it alone when right, and puts its rules back when they differ", async () => {
    const { client } = clientFor(sandbox);
    const made = await client.ensureFirewall(drillFirewall());
    expect(made).toEqual({
      id: expect.any(String),
      name: DRILL_FIREWALL_NAME,
      tag: DRILL_TAG,
      inboundTcpPorts: [22],
      outboundTcpPorts: [],
    });
    const stored = sandbox.state.firewalls.get(made.id)!;
    expect(stored).toMatchObject({ tags: [DRILL_TAG], outboundRules: [] });
    expect(sandbox.state.tags.has(DRILL_TAG)).toBe(true);

    const before = sandbox.log.length;
    expect(await client.ensureFirewall(drillFirewall())).toEqual(made);
    expect(sandbox.log.slice(before).map((x) => x.operationId)).toEqual(["firewalls_list"]);

    // Open HTTPS for a restore's download, then close it again: one PUT each.
    expect((await client.ensureFirewall(drillFirewall([443]))).outboundTcpPorts).toEqual([443]);
    expect(sandbox.state.firewalls.get(made.id)!.outboundRules).toEqual([
      { protocol: "tcp", ports: "443", addresses: ["0.0.0.0/0", "::/0"] },
    ]);
    await client.ensureFirewall(drillFirewall());
    expect(sandbox.state.firewalls.get(made.id)!.outboundRules).toEqual([]);

    // Someone let DNS out by hand: the same ports by lifeboat's reading, but not the same firewall.
    sandbox.state.firewalls
      .get(made.id)!
      .outboundRules.push({ protocol: "udp", ports: "53", addresses: ["0.0.0.0/0"] });
    await client.ensureFirewall(drillFirewall());
    expect(sandbox.state.firewalls.get(made.id)!.outboundRules).toEqual([]);
    expect(requestsFor(sandbox, "firewalls_update")).toHaveLength(3);
    expect(requestsFor(sandbox, "firewalls_create")).toHaveLength(1);
    expect(sandbox.state.firewalls.size).toBe(1);
  });

  it("opens outbound traffic for one droplet by its id, lists it, and deletes it (gone already is no error)", async () => {
    const { client } = clientFor(sandbox);
    await client.ensureFirewall(drillFirewall());
    const scratch = sandbox.addDroplet({ name: "drill-gitlab-d1", tags });
    const other = sandbox.addDroplet({ name: "drill-gitlab-d2", tags });
    const spec = drillEgressFirewall(scratch.id, [443]);
    const opened = await client.createDropletFirewall(spec);
    expect(opened).toEqual({ ...spec, id: expect.any(String), createdAt: expect.any(String) });
    expect(sandbox.state.firewalls.get(opened.id)).toMatchObject({
      name: `lifeboat-drill-egress-${scratch.id}`,
      tags: [],
      dropletIds: [scratch.id],
      inboundRules: [],
      outboundRules: [
        { protocol: "tcp", ports: "53", addresses: ["0.0.0.0/0", "::/0"] },
        { protocol: "tcp", ports: "443", addresses: ["0.0.0.0/0", "::/0"] },
        { protocol: "udp", ports: "53", addresses: ["0.0.0.0/0", "::/0"] },
      ],
    });
    // The scratch droplet alone: the other drill droplet has only the isolating firewall.
    const covering = (id: number) =>
      sandbox.state.firewallsCovering(sandbox.state.droplets.get(id)!).flatMap((f) => f.outboundRules);
    expect(covering(scratch.id)).toHaveLength(3);
    expect(covering(other.id)).toEqual([]);

    const listed = await client.listFirewalls();
    expect(listed.find((f) => f.id === opened.id)).toEqual(opened);
    expect(listed.find((f) => f.name === DRILL_FIREWALL_NAME)?.outbound).toEqual([]);

    await client.deleteFirewall(opened.id);
    await client.deleteFirewall(opened.id); // a retry after a lost answer: 404, the outcome wanted
    expect(covering(scratch.id)).toEqual([]);
    expect(sandbox.state.firewallChanges.map((c) => `${c.change} ${c.firewall.name}`)).toEqual([
      `created ${DRILL_FIREWALL_NAME}`,
      `created lifeboat-drill-egress-${scratch.id}`,
      `deleted lifeboat-drill-egress-${scratch.id}`,
    ]);
    expect(requestsFor(sandbox, "firewalls_delete").map((x) => x.status)).toEqual([204, 404]);
  });

  it("does not open egress twice when the create's answer is lost", async () => {
    sandbox.inject({ operationId: "firewalls_create", fault: { kind: "drop", when: "after" } });
    const scratch = sandbox.addDroplet({ name: "drill-gitlab-d1", tags });
    const { client } = clientFor(sandbox);
    const made = await client.createDropletFirewall(drillEgressFirewall(scratch.id, [443]));
    expect([...sandbox.state.firewalls.keys()]).toEqual([made.id]);
    expect(requestsFor(sandbox, "firewalls_create")).toHaveLength(1);
  });

  it("does not make a second firewall when the create's answer is lost", async () => {
    sandbox.inject({ operationId: "firewalls_create", fault: { kind: "drop", when: "after" } });
    const { client } = clientFor(sandbox);
    const made = await client.ensureFirewall(drillFirewall());
    expect([...sandbox.state.firewalls.keys()]).toEqual([made.id]);
    expect(requestsFor(sandbox, "firewalls_create")).toHaveLength(1);
  });
});
