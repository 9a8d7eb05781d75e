/**
 * verify's snapshot check (#15 §1) against the sandbox through the real client: the latest
 * lifeboat snapshot of each droplet must be `available` (its image status, one call for that
 * snapshot only); any other status is broken, named.
 */
import { type Droplet, snapshotName, validateConfig, verifyAll } from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectSpecCompliant } from "../sandbox/openapi-check";

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ startAt: Date.parse("2026-01-10T05:00:00Z") });
});
afterEach(async () => {
  await expectSpecCompliant(sandbox);
  await sandbox.close();
});

const config = validateConfig({
  plans: [
    {
      name: "weekly",
      schedule: "cron(0 3 ? * SUN *)",
      droplets: [{ tag: "web" }],
      snapshot: { approval: { required: false } },
    },
  ],
});

/** Two droplets, each with an older and a latest weekly snapshot; `latest` sets the latest's status. */
async function verifyWith(latest: Record<string, "NEW" | "available" | "pending" | "deleted" | "retired">) {
  const droplets: Droplet[] = [];
  const api = new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock: sandbox.clock });
  for (const name of ["gitlab", "drone"]) {
    const d = sandbox.addDroplet({ name, tags: ["web"] });
    sandbox.state.addSnapshot(d.id, snapshotName("weekly", name, new Date("2025-12-28T03:00:00Z")));
    const newest = sandbox.state.addSnapshot(d.id, snapshotName("weekly", name, new Date("2026-01-04T03:00:00Z")));
    const status = latest[name];
    if (status) newest.status = status;
    droplets.push(await api.getDroplet(d.id));
  }
  sandbox.log.length = 0;
  const report = await verifyAll(
    {
      api,
      store: {
        listRun: async () => ({ findings: [], toRead: [] }),
        readBack: async () => {
          throw new Error("nothing to read");
        },
      },
      now: sandbox.clock.now(),
    },
    droplets.map((droplet) => ({ droplet, plans: config.plans })),
    { readData: 0, seed: 1, prune: false },
  );
  return report.findings.filter((f) => f.check === "snapshot");
}

describe("verify: the latest snapshot is available", () => {
  it("available: holds, and only the latest snapshot of each droplet is read", async () => {
    const findings = await verifyWith({});
    expect(findings.map((f) => [f.droplet, f.item, f.ok])).toEqual([
      ["gitlab", "lifeboat-weekly-gitlab-20260104T030000Z", true],
      ["drone", "lifeboat-weekly-drone-20260104T030000Z", true],
    ]);
    expect(findings[0]?.detail).toMatch(/, available$/);
    const reads = sandbox.log.filter((r) => r.operationId === "images_get").map((r) => r.path);
    const latestIds = [...sandbox.state.snapshots.values()]
      .filter((s) => s.name.endsWith("20260104T030000Z"))
      .map((s) => `/v2/images/${s.id}`);
    expect(reads).toEqual(latestIds);
  });

  it("any other status is broken, with the status named; the other droplet still holds", async () => {
    const findings = await verifyWith({ gitlab: "pending" });
    expect(findings).toEqual([
      {
        droplet: "gitlab",
        check: "snapshot",
        item: "lifeboat-weekly-gitlab-20260104T030000Z",
        ok: false,
        detail: "its image is pending, not available: no droplet can be created from it",
      },
      expect.objectContaining({ droplet: "drone", ok: true }),
    ]);
    expect((await verifyWith({ drone: "retired" })).find((f) => !f.ok)?.detail).toContain("its image is retired");
  });
});
