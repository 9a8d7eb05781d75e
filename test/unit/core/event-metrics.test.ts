import { type LifeboatEvent, metricsOfEvent, RUN_OUTCOMES, runOutcomeMetric } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const at = "2026-11-30T03:00:00.000Z";
const base = { runId: "nightly-20261130T030000Z", plan: "nightly", droplet: "gitlab", at };
/** An event without the fields every test shares (distributed over the union, so each type keeps its own). */
type Draft<E = LifeboatEvent> = E extends LifeboatEvent ? Omit<E, keyof typeof base> & Partial<typeof base> : never;
const on = (event: Draft) => metricsOfEvent({ ...base, ...event } as LifeboatEvent);

describe("metricsOfEvent", () => {
  it("measures a droplet's downtime, snapshot, archives and duplicity with plan and droplet", () => {
    expect(
      on({
        type: "droplet.powered_on",
        dropletId: 1,
        downtimeSeconds: 95,
        containersRestarted: [],
        containersFailed: [],
      }),
    ).toEqual([
      { plan: "nightly", droplet: "gitlab", at, metrics: [{ name: "DowntimeSeconds", unit: "Seconds", value: 95 }] },
    ]);
    expect(
      on({ type: "snapshot.completed", dropletId: 1, snapshotName: "s", durationSeconds: 1440, live: false })[0]
        ?.metrics,
    ).toEqual([{ name: "SnapshotSeconds", unit: "Seconds", value: 1440 }]);
    expect(
      on({ type: "duplicity.completed", mode: "full", chains: 1, bytes: 5e8, durationSeconds: 60 })[0]?.metrics,
    ).toEqual([
      { name: "DuplicityBytes", unit: "Bytes", value: 5e8 },
      { name: "DuplicitySeconds", unit: "Seconds", value: 60 },
    ]);
  });

  it("counts every stored object's bytes, and the archive job's seconds once, on the manifest", () => {
    const volume = on({ type: "archive.stored", kind: "volume", name: "v", key: "k", bytes: 3e9, sha256: "ab" });
    expect(volume[0]).toMatchObject({
      droplet: "gitlab",
      metrics: [{ name: "ArchiveBytes", unit: "Bytes", value: 3e9 }],
    });
    const manifest = on({
      type: "archive.stored",
      kind: "manifest",
      name: "manifest.json",
      key: "k",
      bytes: 900,
      sha256: "cd",
      jobSeconds: 140,
    });
    expect(manifest[0]?.metrics).toEqual([
      { name: "ArchiveBytes", unit: "Bytes", value: 900 },
      { name: "ArchiveSeconds", unit: "Seconds", value: 140 },
    ]);
  });

  it.each(Object.keys(RUN_OUTCOMES) as Array<keyof typeof RUN_OUTCOMES>)(
    "counts a run that ended %s once, per plan only, with its duration",
    (outcome) => {
      const records = on({ type: "run.finished", droplet: "*", outcome, durationSeconds: 600, summary: [] });
      expect(records).toEqual([
        {
          plan: "nightly",
          at,
          metrics: [
            { name: runOutcomeMetric(outcome), unit: "Count", value: 1 },
            { name: "RunSeconds", unit: "Seconds", value: 600 },
          ],
        },
      ]);
    },
  );

  it("names the outcome counts as the alarms read them", () => {
    expect(runOutcomeMetric("succeeded")).toBe("RunSucceeded");
    expect(runOutcomeMetric("failed")).toBe("RunFailed");
  });

  it("measures nothing for a dry run, which backed nothing up", () => {
    expect(
      on({ type: "run.finished", droplet: "*", outcome: "succeeded", durationSeconds: 3, summary: [], dryRun: true }),
    ).toEqual([]);
  });

  it("counts failed phases and watchdog recoveries", () => {
    expect(on({ type: "run.failed", phase: "snapshot", error: "e", recovery: "r" })).toEqual([
      { plan: "nightly", at, metrics: [{ name: "PhaseFailed", unit: "Count", value: 1 }] },
    ]);
    expect(
      on({
        type: "watchdog.recovered",
        runId: "watchdog",
        dropletId: 1,
        offSinceSeconds: 8000,
        maxDowntimeSeconds: 7200,
      }),
    ).toEqual([
      { plan: "nightly", droplet: "gitlab", at, metrics: [{ name: "WatchdogRecovered", unit: "Count", value: 1 }] },
    ]);
  });

  it("measures nothing for events without figures (progress, approvals)", () => {
    expect(on({ type: "archive.progress", job: "archive", bytesDone: 1, elapsedSeconds: 1 })).toEqual([]);
    expect(on({ type: "run.started", droplet: "*", trigger: "cli", droplets: ["gitlab"] })).toEqual([]);
  });
});
