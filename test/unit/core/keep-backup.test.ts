/**
 * `lifeboat keep` (#16 §1) against the sandbox through the real DigitalOcean client: a DO
 * backup converted to a snapshot and named `kept-<droplet>-<time>` outlives its droplet, and
 * retention (which deletes only the names it made) never deletes it.
 */
import {
  isKeptName,
  KeepFailed,
  keepBackup,
  keptSnapshotName,
  ownSnapshots,
  runRetention,
  snapshotName,
  validateConfig,
} from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectSpecCompliant } from "../sandbox/openapi-check";

let sandbox: Sandbox;
let api: DigitalOceanClient;
beforeEach(async () => {
  sandbox = await startSandbox({ startAt: Date.parse("2026-11-30T12:00:00Z") });
  api = new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock: sandbox.clock });
});
afterEach(() => sandbox.close());

const ports = () => ({ api, sleep: (ms: number) => sandbox.clock.sleep(ms), now: () => sandbox.clock.now() });
const DAY = 86_400_000;

describe("lifeboat keep", () => {
  it("converts a backup into a kept snapshot that retention never deletes and that outlives the droplet", async () => {
    const gitlab = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 8 });
    const now = sandbox.clock.now();
    const older = snapshotName("weekly", "gitlab", new Date(now - 14 * DAY));
    const newer = snapshotName("weekly", "gitlab", new Date(now - 7 * DAY));
    sandbox.state.addSnapshot(gitlab.id, older, now - 14 * DAY);
    sandbox.state.addSnapshot(gitlab.id, newer, now - 7 * DAY);
    sandbox.state.addBackup(gitlab.id, Date.parse("2026-11-20T04:12:09Z")); // older than both snapshots
    const [backup] = await api.listDropletBackups(gitlab.id);

    const kept = await keepBackup(ports(), backup!, "gitlab");
    expect(kept).toMatchObject({
      imageId: backup!.id,
      name: "kept-gitlab-20261120T041209Z",
      action: { type: "convert", status: "completed" },
    });
    expect(await api.getImage(backup!.id)).toMatchObject({ type: "snapshot", name: "kept-gitlab-20261120T041209Z" });
    expect(await api.listDropletBackups(gitlab.id)).toEqual([]);
    expect(isKeptName(kept.name, "gitlab")).toBe(true);

    // Retention keeping only the last one deletes the older lifeboat snapshot (it does delete)
    // and never the kept one, older still.
    const plan = validateConfig({
      storage: { type: "local", directory: ".lifeboat" },
      plans: [
        {
          name: "weekly",
          schedule: "rate(7 days)",
          droplets: [{ name: "gitlab" }],
          snapshot: { approval: { required: false } },
          retention: { keepLast: 1 },
        },
      ],
    }).plans[0]!;
    const report = await runRetention(
      { droplets: api },
      { plan, droplets: [gitlab], targets: ["snapshots"], dryRun: false },
    );
    expect(report.deleted.map((d) => d.name)).toEqual([older]);
    const left = (await api.listDropletSnapshots(gitlab.id)).map((s) => s.name).sort();
    expect(left).toEqual([kept.name, newer].sort());

    // Not even a plan named "kept" could take it for its own.
    expect(ownSnapshots(await api.listDropletSnapshots(gitlab.id), "kept", gitlab)).toEqual([]);

    await api.destroyDroplet(gitlab.id);
    expect((await api.listSnapshots()).map((s) => s.name)).toContain(kept.name);
    await expectSpecCompliant(sandbox); // PUT /v2/images/{id} (the rename) included
  });

  it("names a kept backup after its droplet and its UTC time, a form retention's own names never take", () => {
    expect(keptSnapshotName("web-1", "2026-11-29T23:59:59.500Z")).toBe("kept-web-1-20261129T235959Z");
    expect(isKeptName("kept-web-1-20261129T235959Z", "web-1")).toBe(true);
    expect(isKeptName("kept-web-1-20261129T235959Z", "web")).toBe(false);
    expect(isKeptName("lifeboat-kept-web-1-20261129T235959Z", "web-1")).toBe(false);
  });

  it("a convert DigitalOcean fails leaves the backup a backup and says so", async () => {
    const gitlab = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 8 });
    sandbox.state.addBackup(gitlab.id, Date.parse("2026-11-29T04:00:00Z"));
    const [backup] = await api.listDropletBackups(gitlab.id);
    sandbox.inject({ operationId: "imageActions_post", fault: { kind: "action-errored" } });

    const failed = await keepBackup(ports(), backup!, "gitlab").catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(KeepFailed);
    expect((failed as Error).message).toContain("it is still a backup, destroyed with its droplet");
    expect(await api.getImage(backup!.id)).toMatchObject({ type: "backup", name: backup!.name });
    expect((await api.listDropletBackups(gitlab.id)).map((b) => b.id)).toEqual([backup!.id]);
  });

  it("gives up waiting on a convert that outlasts its timeout, saying it goes on and is never deleted", async () => {
    const gitlab = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 8 });
    sandbox.state.addBackup(gitlab.id, Date.parse("2026-11-29T04:00:00Z"));
    const [backup] = await api.listDropletBackups(gitlab.id);
    const timeoutMs = sandbox.state.timings.convertMs / 3;

    const failed = await keepBackup(ports(), backup!, "gitlab", { timeoutMs, intervalMs: 1_000 }).catch(
      (e: unknown) => e,
    );
    expect((failed as Error).message).toMatch(/still in progress .* keeps the name gitlab 2026-11-29/);
  });
});
