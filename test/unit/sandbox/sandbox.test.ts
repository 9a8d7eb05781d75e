import { addSampleFleet, type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectSpecCompliant } from "./openapi-check";

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await sandbox.close();
});

async function call(method: string, path: string, body?: unknown, token = sandbox.token) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

describe("sandbox", () => {
  it("answers a wrong token with 401 and DO's error body", async () => {
    const res = await call("GET", "/droplets", undefined, "dop_v1_wrong");
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ id: "unauthorized" });
    await expectSpecCompliant(sandbox);
  });

  it("answers an unknown droplet with 404 and a request id", async () => {
    const res = await call("GET", "/droplets/999");
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ id: "not_found", request_id: res.headers.get("x-request-id") });
    await expectSpecCompliant(sandbox);
  });

  it("paginates with links.pages and meta.total exactly as the spec describes", async () => {
    const d = sandbox.addDroplet({ name: "many" });
    for (let i = 0; i < 45; i++) sandbox.state.addSnapshot(d.id, `s-${i}`);
    const first = await call("GET", "/snapshots?per_page=20");
    expect(first.body.meta.total).toBe(45);
    expect(first.body.snapshots).toHaveLength(20);
    expect(Object.keys(first.body.links.pages).sort()).toEqual(["last", "next"]);
    expect(first.body.links.pages.next).toBe(`${sandbox.url}/snapshots?per_page=20&page=2`);
    const last = await call("GET", "/snapshots?per_page=20&page=3");
    expect(last.body.snapshots).toHaveLength(5);
    expect(Object.keys(last.body.links.pages).sort()).toEqual(["first", "prev"]);
    const all = await call("GET", `/droplets/${d.id}/snapshots?per_page=200`);
    expect(all.body.links).toEqual({});
    expect(typeof all.body.snapshots[0].id).toBe("number");
    expect(typeof first.body.snapshots[0].id).toBe("string");
    await expectSpecCompliant(sandbox);
  });

  it("runs a snapshot for ~60 s per used GB of virtual time, with 422 while it runs", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 24 });
    const started = await call("POST", `/droplets/${d.id}/actions`, { type: "snapshot", name: "nightly" });
    expect(started.status).toBe(201);
    const again = await call("POST", `/droplets/${d.id}/actions`, { type: "power_off" });
    expect(again.status).toBe(422);
    expect(again.body.message).toMatch(/pending event/);
    sandbox.advance(24 * 60_000 - 1_000);
    const running = await call("GET", `/actions/${started.body.action.id}`);
    expect(running.body.action.status).toBe("in-progress");
    expect((await call("GET", `/droplets/${d.id}/snapshots`)).body.meta.total).toBe(0);
    sandbox.advance(1_000);
    const done = await call("GET", `/actions/${started.body.action.id}`);
    expect(done.body.action.status).toBe("completed");
    const snaps = await call("GET", `/droplets/${d.id}/snapshots`);
    expect(snaps.body.snapshots.map((s: { name: string }) => s.name)).toEqual(["nightly"]);
    await expectSpecCompliant(sandbox);
  });

  it("names an unnamed snapshot from its virtual end time, so runs repeat exactly", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 2 });
    const started = await call("POST", `/droplets/${d.id}/actions`, { type: "snapshot" });
    expect(started.status).toBe(201);
    const endsAt = sandbox.state.actions.get(started.body.action.id)!.endsAt;
    sandbox.advance(endsAt - sandbox.clock.now());
    const snaps = await call("GET", `/droplets/${d.id}/snapshots`);
    expect(snaps.body.snapshots.map((s: { name: string }) => s.name)).toEqual([`gitlab-${endsAt}`]);
    await expectSpecCompliant(sandbox);
  });

  it("keeps a droplet on after a shutdown it reports completed, when told to (DO's quirk)", async () => {
    const d = sandbox.addDroplet({ name: "stubborn" });
    sandbox.inject({ operationId: "dropletActions_post", fault: { kind: "shutdown-stays-on" } });
    const res = await call("POST", `/droplets/${d.id}/actions`, { type: "shutdown" });
    sandbox.advance(60_000);
    expect((await call("GET", `/actions/${res.body.action.id}`)).body.action.status).toBe("completed");
    expect((await call("GET", `/droplets/${d.id}`)).body.droplet.status).toBe("active");
    await expectSpecCompliant(sandbox);
  });

  it("limits each token to 250 requests a minute with DO's headers and 429 body", async () => {
    const other = await startSandbox({ rateLimits: { perMinute: 5 }, tokens: ["a", "b"] });
    try {
      const get = (token: string) =>
        fetch(`${other.url}/droplets`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({
          status: r.status,
          headers: r.headers,
          body: await r.json(),
        }));
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await get("a"));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429]);
      expect(answers[0]!.headers.get("ratelimit-remaining")).toBe("4999");
      expect(answers[5]!.body).toEqual(expect.objectContaining({ id: "too_many_requests" }));
      expect(Number(answers[5]!.headers.get("retry-after"))).toBe(60);
      expect((await get("b")).status).toBe(200);
      other.advance(60_000);
      expect((await get("a")).status).toBe(200);
      await expectSpecCompliant(other);
    } finally {
      await other.close();
    }
  });

  it("serves the sample fleet the repository's lifeboat.config.ts names", async () => {
    addSampleFleet(sandbox);
    const tagged = await call("GET", "/droplets?tag_name=lifeboat-weekly");
    expect(tagged.body.droplets.map((d: { name: string }) => d.name).sort()).toEqual(["drone", "ssh"]);
    const byName = await call("GET", "/droplets?name=gitlab");
    expect(byName.body.droplets).toHaveLength(1);
    await call("POST", "/tags", { name: "lifeboat-running" });
    await call("POST", "/tags/lifeboat-running/resources", {
      resources: [{ resource_id: String(byName.body.droplets[0].id), resource_type: "droplet" }],
    });
    expect((await call("GET", "/tags/lifeboat-running")).body.tag.resources.count).toBe(1);
    await expectSpecCompliant(sandbox);
  });

  it("flags a response that breaks the spec (the checker is not a rubber stamp)", async () => {
    const { specProblems } = await import("./openapi-check");
    await call("GET", "/droplets/999");
    const record = { ...sandbox.log[0]!, responseBody: { message: "no id" } };
    expect((await specProblems(record)).join("\n")).toMatch(/must have required property 'id'/);
  });
});
