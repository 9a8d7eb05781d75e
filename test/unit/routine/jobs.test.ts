/**
 * Archives and duplicity as jobs on the droplet: the routine starts each in one short step,
 * polls it in short steps between durable waits, and stops it (the phase fails in plain
 * words, the snapshot is still taken) when it failed, was lost, stalled, or its droplet could
 * not be reached for too long. The droplet side is a scripted host (./job-host.ts); the
 * DigitalOcean side the sandbox; time is skipped.
 */
import type { LifeboatEvent } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { type Call, running, type ScriptedJob, STORED, scriptedHost } from "./job-host";
import { restartAfterEveryStep, runRestarting } from "./restart-every-step";
import { actionsStarted, planInput, seedGitlab, worldsClosedAfterEach } from "./world";

const makeWorld = worldsClosedAfterEach();

const GB = 1e9;
const config = (jobs: Record<string, unknown> = {}) =>
  planInput({}, { jobs, duplicity: { paths: ["/srv"], encryption: { type: "passphrase" } } });

/** A world whose droplet runs these jobs; the host reads the sandbox's (virtual) clock. */
async function jobWorld(jobs: Partial<Record<"archive" | "duplicity", ScriptedJob>>, limits = {}, more = {}) {
  let now = () => 0;
  const host = scriptedHost(jobs, () => now());
  const world = await makeWorld({ config: config(limits), hosts: () => host, ...more });
  now = () => world.sandbox.clock.now();
  seedGitlab(world.sandbox);
  return { world, host };
}

const progressOf = (events: LifeboatEvent[], job: "archive" | "duplicity") =>
  events.filter(
    (e): e is Extract<LifeboatEvent, { type: "archive.progress" }> => e.type === "archive.progress" && e.job === job,
  );
/** Seconds between the calls of `call` (the durable waits between them, on the virtual clock). */
const gaps = (calls: Call[], call: string, kind: string) => {
  const at = calls.filter((c) => c.call === call && c.kind === kind).map((c) => c.at);
  return at.slice(1).map((t, i) => (t - at[i]!) / 1000);
};
const quickDuplicity: ScriptedJob = { polls: [{ state: "succeeded", bytesDone: 5e8 }] };

describe("a job on the droplet", () => {
  it("succeeds after several polls: waits planned between them, progress with an ETA, then finished and stored", async () => {
    const { world, host } = await jobWorld({
      archive: {
        expectedBytes: 3 * GB,
        polls: [
          running(0.3 * GB, { rate: 10e6, item: "volume app-data" }),
          running(1.2 * GB, { rate: 20e6, item: "volume app-data" }),
          running(2.4 * GB, { rate: 25e6, item: "volume app-data" }),
          { state: "succeeded", bytesDone: 3 * GB },
        ],
      },
      duplicity: quickDuplicity,
    });
    const result = (await world.run()).getResult()!;
    const gitlab = result.droplets[0]!;

    expect(gitlab.outcome).toBe("succeeded");
    expect(gitlab.phases).toMatchObject({ archive: "done", duplicity: "done", snapshot: "done" });
    expect(host.count("startJob", "archive")).toBe(1);
    expect(host.count("pollJob", "archive")).toBe(4);
    expect(host.count("finishArchive")).toBe(1);
    expect(host.count("stopJob")).toBe(0);
    // First look after 10 s; then a third of the time left: 2.7 GB at 10 MB/s = 270 s → 90 s,
    // 1.8 GB at 20 MB/s = 90 s → 30 s, 0.6 GB at 25 MB/s = 24 s → 10 s (the minimum).
    const startAt = host.calls.find((c) => c.call === "startJob" && c.kind === "archive")!.at;
    const firstPoll = host.calls.find((c) => c.call === "pollJob" && c.kind === "archive")!.at;
    expect((firstPoll - startAt) / 1000).toBe(10);
    expect(gaps(host.calls, "pollJob", "archive")).toEqual([90, 30, 10]);

    const progress = progressOf(world.events, "archive");
    expect(progress.map((p) => [p.bytesDone, p.etaSeconds])).toEqual([
      [0.3 * GB, 270],
      [1.2 * GB, 90],
      [2.4 * GB, 24],
      [3 * GB, undefined],
    ]);
    expect(progress[0]).toMatchObject({
      item: "volume app-data",
      bytesExpected: 3 * GB,
      rate: 10e6,
      elapsedSeconds: 10,
    });
    expect(progressOf(world.events, "duplicity")).toHaveLength(1);
    expect(world.events.filter((e) => e.type === "archive.stored").map((e) => "key" in e && e.key)).toEqual(
      STORED.map((s) => s.key),
    );
    // The manifest says how long the job ran, by its last poll (10 + 90 + 30 + 10 s): the ArchiveSeconds metric.
    const stored = world.events.filter((e) => e.type === "archive.stored");
    expect(stored.map((e) => ("jobSeconds" in e ? e.jobSeconds : undefined))).toEqual(
      STORED.map((s) => (s.kind === "manifest" ? 140 : undefined)),
    );
    expect(world.events.find((e) => e.type === "duplicity.completed")).toMatchObject({ mode: "full", chains: 1 });
  });

  it("that stalls is stopped with why; the phase fails in plain words and the snapshot is still taken", async () => {
    const { world, host } = await jobWorld({
      archive: {
        expectedBytes: 30 * GB,
        polls: [
          running(GB, { rate: 20e6, item: "volume app-data" }),
          running(GB, { idleSeconds: 300, item: "volume app-data" }),
          running(GB, { idleSeconds: 660, item: "volume app-data" }),
        ],
      },
      duplicity: quickDuplicity,
    });
    const gitlab = (await world.run()).getResult()!.droplets[0]!;

    const stops = host.calls.filter((c) => c.call === "stopJob");
    expect(stops).toEqual([
      expect.objectContaining({
        kind: "archive",
        reason: "the archive job made no progress for 11m at volume app-data (jobs.stallAfter is 10m)",
      }),
    ]);
    expect(host.count("pollJob", "archive")).toBe(3);
    expect(host.count("finishArchive")).toBe(0);
    expect(gitlab.outcome).toBe("failed");
    expect(gitlab.phases).toMatchObject({ archive: "failed", duplicity: "done", snapshot: "done", "power on": "done" });
    expect(actionsStarted(world.sandbox, "snapshot")).toBe(1);
    expect(gitlab.detail).toContain("archive failed: the archive job made no progress for 11m");
    expect(world.events.find((e) => e.type === "run.failed")).toMatchObject({
      phase: "archive",
      error: expect.stringContaining("made no progress"),
      recovery:
        "the job was stopped: killed the job, aborted 1 upload, started app again; no manifest was written; the snapshot is still taken",
    });
    expect(world.events.map((e) => e.type)).not.toContain("archive.stored");
  });

  it("whose droplet cannot be reached for a while goes on once it answers again", async () => {
    const refused = new Error("ssh: connect to 203.0.113.10 port 22: Connection refused");
    const { world, host } = await jobWorld({
      archive: {
        expectedBytes: GB,
        polls: [running(0.1 * GB), refused, refused, refused, running(0.5 * GB), { state: "succeeded", bytesDone: GB }],
      },
      duplicity: quickDuplicity,
    });
    const gitlab = (await world.run()).getResult()!.droplets[0]!;

    expect(gitlab.outcome).toBe("succeeded");
    expect(gitlab.phases).toMatchObject({ archive: "done" });
    expect(host.count("pollJob", "archive")).toBe(6);
    expect(host.count("stopJob")).toBe(0);
    expect(host.count("finishArchive")).toBe(1);
    // A look that failed emits no progress; the three that saw the job do.
    expect(progressOf(world.events, "archive").map((p) => p.bytesDone)).toEqual([0.1 * GB, 0.5 * GB, GB]);
  });

  it("whose droplet cannot be reached past jobs.unreachableFor is stopped (judged by the orchestrator's clock)", async () => {
    const refused = new Error("ssh: connect to 203.0.113.10 port 22: Connection refused");
    const { world, host } = await jobWorld(
      { archive: { expectedBytes: 30 * GB, polls: [running(GB, { rate: 20e6 }), refused] }, duplicity: quickDuplicity },
      { unreachableFor: "10m" },
    );
    const gitlab = (await world.run()).getResult()!.droplets[0]!;

    const polls = host.calls.filter((c) => c.call === "pollJob" && c.kind === "archive");
    const firstRefused = polls[1]!.at;
    const stop = host.calls.find((c) => c.call === "stopJob")!;
    // Looked at every 4 min (the cap) while away; stopped at the first look 10 min or more after the first refusal.
    expect((stop.at - firstRefused) / 1000).toBeGreaterThanOrEqual(600);
    expect((stop.at - firstRefused) / 1000).toBeLessThan(600 + 240);
    expect(stop).toMatchObject({
      kind: "archive",
      reason: `gitlab could not be reached for 12m (jobs.unreachableFor is 10m): ${refused.message}`,
    });
    expect(gitlab.phases).toMatchObject({ archive: "failed", snapshot: "done" });
    expect(host.count("finishArchive")).toBe(0);
  });

  it("whose droplet answers with an error a retry cannot fix (a changed host key) is stopped at once", async () => {
    const changed = Object.assign(new Error("host key mismatch for 203.0.113.10"), { retryable: false });
    const { world, host } = await jobWorld({ archive: { expectedBytes: GB, polls: [running(1e6), changed] } });
    const gitlab = (await world.run()).getResult()!.droplets[0]!;
    expect(host.count("pollJob", "archive")).toBe(2);
    expect(host.calls.filter((c) => c.call === "stopJob").map((c) => c.reason)).toEqual([
      "gitlab cannot be reached: host key mismatch for 203.0.113.10",
    ]);
    expect(gitlab.phases).toMatchObject({ archive: "failed", snapshot: "done" });
  });

  it("that was lost, or failed, is stopped and its phase says why", async () => {
    const { world, host } = await jobWorld({
      archive: { expectedBytes: GB, polls: [running(0.2 * GB), { state: "lost", bytesDone: 0.2 * GB }] },
      duplicity: {
        polls: [
          running(1e6),
          { state: "failed", bytesDone: 1e6, error: "duplicity exited 23: No space left on device" },
        ],
      },
    });
    const gitlab = (await world.run()).getResult()!.droplets[0]!;

    expect(host.calls.filter((c) => c.call === "stopJob").map((c) => [c.kind, c.reason])).toEqual([
      ["archive", "the archive job was lost: it is gone without a final status (killed, or the droplet restarted)"],
      ["duplicity", "the duplicity job failed: duplicity exited 23: No space left on device"],
    ]);
    expect(gitlab.phases).toMatchObject({ archive: "failed", duplicity: "failed", snapshot: "done" });
    expect(host.count("finishArchive") + host.count("finishDuplicity")).toBe(0);
    expect(gitlab.detail).toContain("duplicity failed: the duplicity job failed: duplicity exited 23");
    expect(world.events.map((e) => e.type)).not.toContain("duplicity.completed");
  });

  it("that cannot be started is stopped (it may have begun); a duplicity backup whose figures cannot be read is kept", async () => {
    const noKey = Object.assign(new Error("host key mismatch for 203.0.113.10"), { retryable: false });
    const { world, host } = await jobWorld({
      archive: { startError: noKey, polls: [] },
      duplicity: {
        polls: [{ state: "succeeded", bytesDone: 5e8 }],
        finishError: Object.assign(new Error("collection-status exited 1"), { retryable: false }),
      },
    });
    const gitlab = (await world.run()).getResult()!.droplets[0]!;
    expect(host.count("startJob", "archive")).toBe(1); // not retried: the error says a retry cannot help
    expect(host.calls.filter((c) => c.call === "stopJob").map((c) => [c.kind, c.reason])).toEqual([
      ["archive", "the archive job could not be started: host key mismatch for 203.0.113.10"],
    ]);
    expect(gitlab.phases).toMatchObject({ archive: "failed", duplicity: "failed", snapshot: "done" });
    expect(world.events.filter((e) => e.type === "run.failed")).toEqual([
      expect.objectContaining({
        phase: "archive",
        recovery: expect.stringMatching(/^the job was stopped: killed the job/),
      }),
      expect.objectContaining({
        phase: "duplicity",
        error: "finishing the duplicity job failed: collection-status exited 1",
        recovery: expect.stringMatching(/^the backup duplicity made is kept/),
      }),
    ]);
  });

  it("whose archive cannot be finished (an object missing in storage) is stopped: no manifest, nothing left", async () => {
    const { world, host } = await jobWorld({
      archive: {
        polls: [{ state: "succeeded", bytesDone: 3e9 }],
        finishError: Object.assign(new Error("volumes/app-data.tar.zst is not in the bucket"), { retryable: false }),
      },
    });
    const gitlab = (await world.run()).getResult()!.droplets[0]!;
    expect(host.calls.filter((c) => c.call === "stopJob").map((c) => [c.kind, c.reason])).toEqual([
      ["archive", "finishing the archive job failed: volumes/app-data.tar.zst is not in the bucket"],
    ]);
    expect(gitlab.phases).toMatchObject({ archive: "failed", snapshot: "done" });
    expect(world.events.map((e) => e.type)).not.toContain("archive.stored");
  });

  it("found already running (a retried start) or debris of a crashed run: both are reported as notes", async () => {
    const { world } = await jobWorld({
      archive: {
        attached: true,
        debris: ["job 20260103T030000Z-archive (stopped; aborted 2 uploads)"],
        polls: [{ state: "succeeded", bytesDone: 10 }],
      },
    });
    const gitlab = (await world.run()).getResult()!.droplets[0]!;
    expect(gitlab.phases).toMatchObject({ archive: "done", duplicity: "skipped" });
    expect(gitlab.detail).toContain(
      "cleaned up after an earlier run: job 20260103T030000Z-archive (stopped; aborted 2 uploads)",
    );
    expect(gitlab.detail).toContain("the archive job on gitlab was already running; this run attached to it");
  });
});

describe("a job longer than the droplet's claim", () => {
  it("keeps the claim while it runs: after 4 hours of archiving (the claim lasts 2h 30m) the snapshot is still taken", async () => {
    // 4 h at 70 MB/s of 1 TB: the polls are at most 4 min apart, so about 60 of them.
    const polls = Array.from({ length: 60 }, (_, i) => running((i + 1) * 16e9, { rate: 70e6, item: "volume big" }));
    const { world, host } = await jobWorld({
      archive: { expectedBytes: 1e12, polls: [...polls, { state: "succeeded", bytesDone: 1e12 }] },
      duplicity: quickDuplicity,
    });
    const gitlab = (await world.run()).getResult()!.droplets[0]!;

    const archiving = host.calls.filter((c) => c.call === "pollJob" && c.kind === "archive").map((c) => c.at);
    expect((archiving.at(-1)! - archiving[0]!) / 3600_000).toBeGreaterThan(2.5);
    expect(gitlab.phases).toMatchObject({ archive: "done", snapshot: "done" });
    expect(gitlab.outcome).toBe("succeeded");
    expect(actionsStarted(world.sandbox, "snapshot")).toBe(1);
  });
});

describe("a job followed across restarts of the function after every step", () => {
  it("starts once per phase, finishes once, and emits each event once", async () => {
    const { world, host } = await jobWorld(
      {
        archive: {
          expectedBytes: 3 * GB,
          polls: [
            running(GB, { rate: 20e6 }),
            running(2 * GB, { rate: 20e6 }),
            { state: "succeeded", bytesDone: 3 * GB },
          ],
        },
        duplicity: { polls: [running(1e6), { state: "succeeded", bytesDone: 5e8 }] },
      },
      {},
      { wrapContext: restartAfterEveryStep },
    );
    const { execution, restarts } = await runRestarting(world);

    expect(execution.getResult()?.outcome).toBe("succeeded");
    expect(restarts).toBeGreaterThan(20);
    expect(host.count("startJob", "archive")).toBe(1);
    expect(host.count("startJob", "duplicity")).toBe(1);
    expect(host.count("pollJob", "archive")).toBe(3);
    expect(host.count("pollJob", "duplicity")).toBe(2);
    expect(host.count("finishArchive")).toBe(1);
    expect(host.count("finishDuplicity")).toBe(1);
    expect(host.count("stopJob")).toBe(0);
    // One progress event per poll, one stored per object, one duplicity.completed.
    expect(progressOf(world.events, "archive").map((p) => p.bytesDone)).toEqual([GB, 2 * GB, 3 * GB]);
    expect(progressOf(world.events, "duplicity")).toHaveLength(2);
    expect(world.events.filter((e) => e.type === "archive.stored")).toHaveLength(STORED.length);
    expect(world.events.filter((e) => e.type === "duplicity.completed")).toHaveLength(1);
  });

  it("stops a stalled job once", async () => {
    const { world, host } = await jobWorld(
      { archive: { expectedBytes: GB, polls: [running(1e6), running(1e6, { idleSeconds: 601 })] } },
      {},
      { wrapContext: restartAfterEveryStep },
    );
    const { execution } = await runRestarting(world);
    expect(execution.getResult()?.droplets[0]?.phases).toMatchObject({ archive: "failed", snapshot: "done" });
    expect(host.count("startJob", "archive")).toBe(1);
    expect(host.count("stopJob", "archive")).toBe(1);
    expect(world.events.filter((e) => e.type === "run.failed")).toHaveLength(1);
  });
});
