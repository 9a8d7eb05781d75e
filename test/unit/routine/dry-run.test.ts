/**
 * A dry run changes nothing: against the DigitalOcean sandbox it sends no write request
 * (POST/PUT/PATCH/DELETE), asks no approval, runs no hook and calls nothing on the droplet
 * host but its read-only `preview`; it reports what a real run would do.
 */
import type { DropletHost, HostPreview } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { planInput, seedGitlab, snapshotsOf, types, worldsClosedAfterEach } from "./world";

const makeWorld = worldsClosedAfterEach();

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** A droplet host whose only allowed call is `preview`; any other is recorded as a violation. */
function previewOnlyHost(calls: string[], look: HostPreview): DropletHost {
  const forbidden = (name: string) => async () => {
    calls.push(name);
    throw new Error(`${name} must not be called in a dry run`);
  };
  return {
    preview: async () => {
      calls.push("preview");
      return look;
    },
    hooks: forbidden("hooks"),
    inventory: forbidden("inventory"),
    startJob: forbidden("startJob"),
    pollJob: forbidden("pollJob"),
    finishArchive: forbidden("finishArchive"),
    finishDuplicity: forbidden("finishDuplicity"),
    stopJob: forbidden("stopJob"),
    retainArchives: forbidden("retainArchives"),
    restartContainers: forbidden("restartContainers"),
    checkSsh: forbidden("checkSsh"),
  };
}

const approvalPlan = planInput(
  { approval: { required: true, approvers: ["U024BE7LH"], timeout: "1h", onTimeout: "skip" } },
  {
    retention: { keepLast: 2 },
    hooks: { pre: [{ command: "pg_dumpall > /srv/dump.sql" }] },
    duplicity: { paths: ["/srv"], encryption: { type: "passphrase" } },
  },
);

describe("a dry run", () => {
  it("sends DigitalOcean no write request, asks no approval, and says what a real run would do", async () => {
    const calls: string[] = [];
    const look: HostPreview = {
      containers: [{ name: "gitlab", image: "gitlab/gitlab-ce:16", running: true, bytes: 2_400_000_000 }],
      volumes: [{ name: "gitlab-data", usedBy: ["gitlab"], bytes: 310_000_000 }],
      stopped: ["gitlab"],
      duplicityPaths: [{ path: "/srv" }],
      archiveRuns: [
        { runId: "weekly-20251221T030000Z", createdAt: "2025-12-21T03:00:00Z" },
        { runId: "weekly-20251228T030000Z", createdAt: "2025-12-28T03:00:00Z" },
      ],
      unknown: ["duplicity path sizes: du exited 124 (too slow)"],
    };
    const world = await makeWorld({ config: approvalPlan, hosts: () => previewOnlyHost(calls, look) });
    const { gitlab, earlier } = seedGitlab(world.sandbox);
    const before = snapshotsOf(world.sandbox, gitlab.id).sort();

    const execution = await world.run({ dryRun: true });
    expect(execution.getStatus()).toBe("SUCCEEDED");
    const result = execution.getResult()!;

    const writes = world.sandbox.log.filter((r) => WRITES.has(r.method));
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(world.sandbox.log.length).toBeGreaterThan(0); // it did read
    expect(calls).toEqual(["preview"]);
    expect(snapshotsOf(world.sandbox, gitlab.id).sort()).toEqual(before);
    expect(world.sandbox.droplet(gitlab.id)).toMatchObject({ status: "active", tags: [] });
    expect(types(world.events)).toEqual(["run.started", "run.finished"]);
    expect(world.events.every((e) => "dryRun" in e && e.dryRun === true)).toBe(true);

    expect(result).toMatchObject({ dryRun: true, outcome: "succeeded" });
    const gitlabOutcome = result.droplets[0]!;
    expect(gitlabOutcome.snapshot).toBeUndefined();
    const preview = gitlabOutcome.preview!;
    expect(preview.snapshot).toMatchObject({
      mode: "offline",
      name: expect.stringMatching(/^lifeboat-weekly-gitlab-\d{8}T\d{6}Z$/),
      approval: { timeout: "1h", onTimeout: "skip" },
      maxDowntimeSeconds: 7200,
    });
    // 24 GB from the previous snapshot at the typical 59 s/GB, plus the first shutdown and power-on checks.
    expect(preview.snapshot.expectedDowntimeSeconds).toBe(24 * 59 + 15 + 20);
    expect(preview.hooks.pre).toEqual(["pg_dumpall > /srv/dump.sql"]);
    expect(preview.host).toMatchObject({ reached: true, containers: look.containers, volumes: look.volumes });
    expect(preview.unknown).toEqual(look.unknown);
    // keepLast 2 with this run's snapshot counted: the two older lifeboat snapshots go; the hand-made one is never considered.
    expect(preview.retention.snapshots?.delete.map((d) => d.name)).toEqual([earlier[1], earlier[0]]);
    expect(preview.retention.snapshots?.delete[0]?.why).toContain("keepLast 2");
    expect(preview.retention.snapshots?.keep.map((k) => k.name)).toEqual([preview.snapshot.name, earlier[2]]);
    expect(preview.retention.snapshots?.keep[0]?.why).toContain("just made");
    expect(preview.retention.archives?.delete.map((d) => d.name)).toEqual(["weekly-20251221T030000Z"]);
    expect(gitlabOutcome.detail).toMatch(
      /^dry run, nothing changed: would power off for ~24m 11s \(after approval\), snapshot lifeboat-weekly-gitlab-.*, capture 1 image \(2\.4 GB\), archive 1 volume \(310 MB\), duplicity \/srv \(size unknown\), delete 2 old snapshots, delete 1 old archive run$/,
    );
  });

  it("a droplet without a host is previewed from DigitalOcean alone, and says why there are no SSH phases", async () => {
    const world = await makeWorld({ config: approvalPlan, hosts: () => undefined });
    seedGitlab(world.sandbox);
    const result = (await world.run({ dryRun: true })).getResult()!;
    expect(world.sandbox.log.filter((r) => WRITES.has(r.method))).toEqual([]);
    expect(result.droplets[0]?.preview?.host).toEqual({
      reached: false,
      reason: 'lifeboat.config.ts has no ssh.droplets["gitlab"] entry (its pinned host key, or transport: "local")',
    });
  });

  it("a look over SSH that fails is reported as failed; still nothing is written", async () => {
    const host: DropletHost = {
      preview: async () => {
        throw Object.assign(new Error("host key mismatch"), { retryable: false });
      },
      inventory: async () => ({ containers: [] }),
      startJob: async () => ({ started: true, nothing: true, debris: [] }),
      pollJob: async () => ({ state: "succeeded", bytesDone: 0, idleSeconds: 0, elapsedSeconds: 0 }),
      finishArchive: async () => [],
      finishDuplicity: async () => ({ mode: "full", chains: 1, bytes: 0, durationSeconds: 0 }),
      stopJob: async () => ({ done: [] }),
      restartContainers: async () => ({ restarted: [], failed: [] }),
      checkSsh: async () => true,
    };
    const world = await makeWorld({ config: approvalPlan, hosts: () => host });
    seedGitlab(world.sandbox);
    const result = (await world.run({ dryRun: true })).getResult()!;
    expect(world.sandbox.log.filter((r) => WRITES.has(r.method))).toEqual([]);
    expect(result.droplets[0]).toMatchObject({
      outcome: "failed",
      detail: expect.stringContaining("host key mismatch"),
    });
    expect(types(world.events)).toEqual(["run.started", "run.finished"]);
  });
});
