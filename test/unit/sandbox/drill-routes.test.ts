import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectSpecCompliant } from "./openapi-check";

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ addressOf: (d) => (d.name.startsWith("drill-") ? "127.0.0.1" : undefined) });
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

/** A production droplet and a 6 GB snapshot of it (min disk 25 GB) in nyc3. */
function seedSnapshot() {
  const original = sandbox.addDroplet({ name: "gitlab", diskGb: 25, usedDiskGb: 6 });
  return sandbox.state.addSnapshot(original.id, "lifeboat-weekly-gitlab-20261129T030000Z");
}

const isolating = {
  name: "lifeboat-drill-isolation",
  inbound_rules: [{ protocol: "tcp", ports: "22", sources: { addresses: ["0.0.0.0/0", "::/0"] } }],
  outbound_rules: [],
  tags: ["lifeboat-drill"],
};

describe("sandbox: what a drill uses", () => {
  it("shows the account's droplet limit and a realistic list of sizes with disk, prices and regions", async () => {
    const account = await call("GET", "/account");
    expect(account.body.account).toMatchObject({ droplet_limit: 25, status: "active" });
    const sizes = await call("GET", "/sizes?per_page=200");
    const slugs = sizes.body.sizes.map((s: { slug: string }) => s.slug);
    expect(slugs).toContain("s-1vcpu-1gb");
    expect(sizes.body.sizes.find((s: { slug: string }) => s.slug === "s-1vcpu-1gb")).toMatchObject({
      disk: 25,
      price_hourly: 0.00893,
      price_monthly: 6,
      available: true,
    });
    expect(sizes.body.sizes.some((s: { available: boolean }) => !s.available)).toBe(true);
    expect(sizes.body.meta.total).toBe(slugs.length);
    await expectSpecCompliant(sandbox);
  });

  it("creates a droplet from a snapshot with tags and user data, new without an address until it boots", async () => {
    const snap = seedSnapshot();
    const created = await call("POST", "/droplets", {
      name: "drill-gitlab-d1",
      region: "nyc3",
      size: "s-1vcpu-1gb",
      image: snap.id,
      tags: ["lifeboat-drill", "lifeboat-drill:weekly:d1"],
      user_data: "#cloud-config\nssh_keys: {}\n",
    });
    expect(created.status).toBe(202);
    expect(created.body.droplet).toMatchObject({ status: "new", networks: { v4: [] }, disk: 25 });
    const id = created.body.droplet.id as number;
    expect(sandbox.droplet(id)?.createdWith).toEqual({
      image: snap.id,
      tags: ["lifeboat-drill", "lifeboat-drill:weekly:d1"],
      userData: "#cloud-config\nssh_keys: {}\n",
      firewalls: [],
    });
    // 40 s + 3 s per GB of the 6 GB snapshot
    sandbox.advance(40_000 + 6 * 3_000 - 1_000);
    expect((await call("GET", `/droplets/${id}`)).body.droplet.status).toBe("new");
    sandbox.advance(1_000);
    const active = await call("GET", `/droplets/${id}`);
    expect(active.body.droplet).toMatchObject({
      status: "active",
      tags: ["lifeboat-drill", "lifeboat-drill:weekly:d1"],
    });
    expect(active.body.droplet.networks.v4).toEqual([
      expect.objectContaining({ ip_address: "127.0.0.1", type: "public" }),
    ]);
    expect((await call("GET", "/droplets?tag_name=lifeboat-drill")).body.droplets).toHaveLength(1);
    await expectSpecCompliant(sandbox);
  });

  it("makes, lists, reads and replaces a firewall on a tag, and records which firewalls covered a droplet at its creation", async () => {
    const snap = seedSnapshot();
    const before = await call("POST", "/droplets", {
      name: "early",
      region: "nyc3",
      size: "s-1vcpu-1gb",
      image: snap.id,
      tags: ["lifeboat-drill"],
    });
    const made = await call("POST", "/firewalls", isolating);
    expect(made.status).toBe(202);
    expect(made.body.firewall).toMatchObject({
      name: "lifeboat-drill-isolation",
      tags: ["lifeboat-drill"],
      outbound_rules: [],
    });
    const id = made.body.firewall.id as string;
    const after = await call("POST", "/droplets", {
      name: "late",
      region: "nyc3",
      size: "s-1vcpu-1gb",
      image: snap.id,
      tags: ["lifeboat-drill"],
    });
    const untagged = await call("POST", "/droplets", {
      name: "other",
      region: "nyc3",
      size: "s-1vcpu-1gb",
      image: snap.id,
    });
    // Opening outbound HTTPS later does not rewrite what was recorded at creation.
    const opened = await call("PUT", `/firewalls/${id}`, {
      ...isolating,
      outbound_rules: [{ protocol: "tcp", ports: "443", destinations: { addresses: ["0.0.0.0/0", "::/0"] } }],
    });
    expect(opened.status).toBe(200);
    expect(opened.body.firewall.outbound_rules).toEqual([
      { protocol: "tcp", ports: "443", destinations: { addresses: ["0.0.0.0/0", "::/0"] } },
    ]);
    expect((await call("GET", `/firewalls/${id}`)).body.firewall.outbound_rules).toHaveLength(1);
    expect((await call("GET", "/firewalls")).body.firewalls.map((f: { id: string }) => f.id)).toEqual([id]);

    expect(sandbox.droplet(before.body.droplet.id)?.createdWith?.firewalls).toEqual([]);
    expect(sandbox.droplet(after.body.droplet.id)?.createdWith?.firewalls).toEqual([
      expect.objectContaining({
        id,
        tags: ["lifeboat-drill"],
        outboundRules: [],
        inboundRules: [{ protocol: "tcp", ports: "22", addresses: ["0.0.0.0/0", "::/0"] }],
      }),
    ]);
    expect(sandbox.droplet(untagged.body.droplet.id)?.createdWith?.firewalls).toEqual([]);
    expect(sandbox.state.firewalls.get(id)?.outboundRules).toHaveLength(1);

    await expectSpecCompliant(sandbox);
    // (after the spec check: the spec itself rejects this request)
    const bad = await call("POST", "/firewalls", { name: "no-rules" });
    expect(bad).toMatchObject({ status: 400, body: { id: "bad_request" } });
    expect(sandbox.state.firewalls.size).toBe(1);
  });

  it("destroys a droplet (204), then answers 404 for it", async () => {
    const d = sandbox.addDroplet({ name: "drill-gitlab-d1", tags: ["lifeboat-drill"] });
    expect((await call("DELETE", `/droplets/${d.id}`)).status).toBe(204);
    expect((await call("DELETE", `/droplets/${d.id}`)).status).toBe(404);
    expect((await call("GET", `/droplets/${d.id}`)).status).toBe(404);
    expect(sandbox.state.destroyed.get(d.id)?.droplet.name).toBe("drill-gitlab-d1");
    await expectSpecCompliant(sandbox);
  });

  it("ends a create errored when told to: the droplet never becomes active", async () => {
    const snap = seedSnapshot();
    sandbox.inject({ operationId: "droplets_create", fault: { kind: "action-errored" } });
    const created = await call("POST", "/droplets", {
      name: "drill-x",
      region: "nyc3",
      size: "s-1vcpu-1gb",
      image: snap.id,
    });
    const actionId = created.body.links.actions[0].id as number;
    sandbox.advance(3_600_000);
    expect((await call("GET", `/actions/${actionId}`)).body.action).toMatchObject({
      type: "create",
      status: "errored",
    });
    expect((await call("GET", `/droplets/${created.body.droplet.id}`)).body.droplet.status).toBe("new");
    await expectSpecCompliant(sandbox);
  });

  it("refuses as DO does: past the droplet limit, a size too small or missing in the region, user data over 64 KiB", async () => {
    const snap = seedSnapshot();
    const base = { name: "drill-x", region: "nyc3", size: "s-1vcpu-1gb", image: snap.id };
    sandbox.state.account.dropletLimit = 1; // gitlab already counts
    const limited = await call("POST", "/droplets", base);
    expect(limited).toMatchObject({
      status: 422,
      body: { id: "unprocessable_entity", message: "creating this/these droplet(s) will exceed your droplet limit" },
    });
    sandbox.state.account.dropletLimit = 25;
    expect((await call("POST", "/droplets", { ...base, size: "s-1vcpu-512mb-10gb" })).body.message).toMatch(
      /at least 25 GB/,
    );
    expect((await call("POST", "/droplets", { ...base, size: "s-8vcpu-16gb", region: "syd1" })).status).toBe(422);
    expect((await call("POST", "/droplets", { ...base, user_data: "x".repeat(64 * 1024 + 1) })).body.message).toMatch(
      /64 KiB/,
    );
    expect(sandbox.state.droplets.size).toBe(1);
    await expectSpecCompliant(sandbox);
  });
});
