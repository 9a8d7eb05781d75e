/**
 * Run records from the durable runner: runPlan under LocalDurableTestRunner writes one record
 * per run to a real local store (packages/storage's runHistory), for every way a run ends,
 * never for a dry run, and prunes the plan's records as retention left them.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DropletApi, RunHistory, RunRecord } from "@lifeboat/core";
import { LocalSink, runHistory } from "@lifeboat/storage";
import { afterAll, describe, expect, it } from "vitest";
import { scriptedHost } from "./job-host";
import { planInput, seedGitlab, worldsClosedAfterEach } from "./world";

const makeWorld = worldsClosedAfterEach();
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function store() {
  const dir = mkdtempSync(join(tmpdir(), "lifeboat-history-"));
  dirs.push(dir);
  return { dir, history: runHistory(new LocalSink(dir)) };
}

/** The API with one method replaced. */
const replacing =
  <K extends keyof DropletApi>(key: K, fn: (api: DropletApi) => DropletApi[K]) =>
  (api: DropletApi): DropletApi =>
    new Proxy(api, { get: (target, k, receiver) => (k === key ? fn(target) : Reflect.get(target, k, receiver)) });

describe("run records from the durable runner", () => {
  it("a failed run and an incomplete one: outcome per droplet and the error in plain words", async () => {
    const { history } = store();
    const failSnapshotOf = (name: string) =>
      replacing("snapshot", (api) => async (id, snapshotName) => {
        if (snapshotName.includes(`-${name}-`)) throw new Error("the image service is unavailable");
        return api.snapshot(id, snapshotName);
      });
    const config = planInput({}, { droplets: [{ name: "gitlab" }, { name: "drone" }] });
    const world = await makeWorld({ history, config, wrapApi: failSnapshotOf("drone") });
    seedGitlab(world.sandbox);
    world.sandbox.addDroplet({ name: "drone", diskGb: 25, usedDiskGb: 5 });
    const incomplete = (await world.run()).getResult()!;
    expect(incomplete.outcome).toBe("incomplete");

    const failing = await makeWorld({
      history,
      wrapApi: failSnapshotOf("gitlab"),
      startAt: Date.parse("2026-01-11T03:00:00Z"),
    });
    seedGitlab(failing.sandbox);
    const failed = (await failing.run({ scheduledTime: "2026-01-11T03:00:00Z" })).getResult()!;
    expect(failed.outcome).toBe("failed");

    const records = await history.list("weekly");
    expect(records.map((r) => [r.runId, r.outcome])).toEqual([
      [failed.runId, "failed"],
      [incomplete.runId, "incomplete"],
    ]);
    const drone = records[1]!.droplets.find((d) => d.droplet === "drone");
    expect(drone).toMatchObject({ outcome: "failed" });
    expect(drone!.errors.join()).toContain("the image service is unavailable");
    expect(records[1]!.droplets.find((d) => d.droplet === "gitlab")).toMatchObject({ outcome: "succeeded" });
    expect(records[0]!.droplets[0]!.errors.join()).toMatch(/snapshot failed: .*the image service is unavailable/);
  });

  it("archives, duplicity and archive retention go into the record as figures", async () => {
    const { history } = store();
    let now = () => 0;
    const done = { polls: [{ state: "succeeded" as const, bytesDone: 5e8 }] };
    const host = {
      ...scriptedHost({ archive: done, duplicity: done }, () => now()),
      retainArchives: async () => ({
        kept: ["weekly-20260104T030000Z"],
        deleted: ["weekly-20251207T030000Z"],
        dryRun: false,
      }),
    };
    const config = planInput({ mode: "none" }, { duplicity: { paths: ["/srv"], encryption: { type: "passphrase" } } });
    const world = await makeWorld({ history, config, hosts: () => host });
    now = () => world.sandbox.clock.now();
    seedGitlab(world.sandbox);
    expect((await world.run()).getResult()!.outcome).toBe("succeeded");
    const [record] = await history.list("weekly");
    expect(record!.droplets[0]).toMatchObject({
      archives: { count: 1, bytes: 3e9 }, // the volume archive; the manifest is not counted
      duplicity: { kind: "full", bytes: 5e8 },
      retentionDeleted: { snapshots: [], archives: ["weekly-20251207T030000Z"] },
      errors: [],
    });
  });

  it("a run that could not start has a record saying why", async () => {
    const { history } = store();
    const world = await makeWorld({
      history,
      wrapApi: replacing("findDroplets", () => async () => {
        throw new Error("DigitalOcean answered 401: the token is not valid");
      }),
    });
    const result = (await world.run()).getResult()!;
    expect(result.outcome).toBe("failed");
    const [record] = await history.list("weekly");
    expect(record).toMatchObject({ runId: result.runId, outcome: "failed", droplets: [] });
    expect(record!.error).toContain("the token is not valid");
  });

  it("a dry run writes nothing", async () => {
    const { dir, history } = store();
    const world = await makeWorld({ history });
    seedGitlab(world.sandbox);
    const result = (await world.run({ dryRun: true })).getResult()!;
    expect(result.dryRun).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a store that refuses the record does not fail the backup: the result says so", async () => {
    const refusing: RunHistory = {
      write: async () => {
        throw new Error("AccessDenied");
      },
      list: async () => [],
      delete: async () => undefined,
    };
    const world = await makeWorld({ history: refusing, config: planInput({ mode: "none" }) });
    seedGitlab(world.sandbox);
    const execution = await world.run();
    expect(execution.getStatus()).toBe("SUCCEEDED");
    expect(execution.getResult()).toMatchObject({
      outcome: "succeeded",
      historyError: "the run record was not written: AccessDenied",
    });
    expect(world.events.at(-1)).toMatchObject({ type: "run.finished", outcome: "succeeded" });
  });

  it("a succeeded run: its record (starter, times, snapshot, downtime, retention deletions); older records pruned with retention", async () => {
    const { dir, history } = store();
    const world = await makeWorld({ history });
    const { earlier } = seedGitlab(world.sandbox); // keepLast 3: this run deletes earlier[0]
    const at = (name: string) => `${name.slice(-16, -12)}-${name.slice(-12, -10)}-${name.slice(-10, -8)}T03:00:00.000Z`;
    const made = (runId: string, snapshot: string): RunRecord => ({
      ...recordBase(runId, at(snapshot)),
      outcome: "succeeded",
      droplets: [
        { droplet: "gitlab", dropletId: 1, outcome: "succeeded", detail: "", snapshot: { name: snapshot }, errors: [] },
      ],
    });
    await history.write(made("weekly-gone", earlier[0]!));
    await history.write(made("weekly-kept", earlier[1]!));
    for (let i = 0; i < 22; i++) {
      await history.write({ ...recordBase(`weekly-empty-${i}`, new Date(Date.UTC(2025, 11, 1 + i)).toISOString()) });
    }
    writeFileSync(join(dir, "history", "weekly", "notes.txt"), "not lifeboat's\n");

    const result = (await world.run()).getResult()!;
    expect(result.outcome).toBe("succeeded");
    expect(result.historyError).toBeUndefined();

    const [record, ...older] = await history.list("weekly");
    expect(record).toMatchObject({
      format: "lifeboat.run/v1",
      runId: result.runId,
      plan: "weekly",
      startedBy: { trigger: "schedule" },
      startedAt: "2026-01-04T03:00:00.000Z",
      outcome: "succeeded",
      durationSeconds: result.durationSeconds,
    });
    expect(Date.parse(record!.finishedAt)).toBeGreaterThan(Date.parse(record!.startedAt));
    expect(record!.droplets).toEqual([
      {
        droplet: "gitlab",
        dropletId: result.droplets[0]!.dropletId,
        outcome: "succeeded",
        detail: result.droplets[0]!.detail,
        snapshot: { name: result.droplets[0]!.snapshot },
        downtimeSeconds: result.droplets[0]!.downtimeSeconds,
        retentionDeleted: { snapshots: [earlier[0]], archives: [] },
        errors: [],
      },
    ]);
    expect(result.droplets[0]!.downtimeSeconds).toBeGreaterThan(0);

    // Pruned: the record of the run whose snapshot retention just deleted went with it.
    const left = older.map((r) => r.runId);
    expect(left).toContain("weekly-kept");
    expect(left).not.toContain("weekly-gone");
    // The newest 20 records of runs that made nothing stay; the 2 oldest go.
    expect(left.filter((id) => id.startsWith("weekly-empty-"))).toHaveLength(20);
    expect(left).not.toContain("weekly-empty-0");
    expect(left).not.toContain("weekly-empty-1");
    expect(readdirSync(join(dir, "history", "weekly"))).toContain("notes.txt");
  });
});

function recordBase(runId: string, startedAt: string): RunRecord {
  return {
    format: "lifeboat.run/v1",
    runId,
    plan: "weekly",
    startedBy: { trigger: "schedule" },
    startedAt,
    finishedAt: startedAt,
    durationSeconds: 60,
    outcome: "failed",
    droplets: [],
  };
}
