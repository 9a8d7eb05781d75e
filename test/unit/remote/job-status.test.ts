/** What a look at a job on the droplet means for the routine, by the droplet's own clock. */
import { describe, expect, it } from "vitest";
import { credentialsDue, jobStatusOf } from "../../../packages/remote/src/job/job-status";
import type { JobStatusFile } from "../../../packages/remote/src/job/spec";

const NOW = 1_800_000_000;
const status = (more: Partial<JobStatusFile> = {}): JobStatusFile => ({
  jobId: "run-1-archive",
  kind: "archive",
  state: "running",
  pid: 4242,
  startedAt: NOW - 600,
  updatedAt: NOW - 2,
  progressAt: NOW - 30,
  item: "volume data",
  bytesDone: 5_000_000,
  rate: 1_000_000,
  stopped: [],
  results: [],
  runs: [],
  ...more,
});
const look = (more: { exists?: boolean; alive?: boolean; status?: JobStatusFile; logTail?: string } = {}) => ({
  exists: true,
  alive: true,
  now: NOW,
  logTail: "",
  ...more,
});

describe("a job as one poll sees it", () => {
  it("running on a full disk (its status cannot be written): failed, saying so, alive or not", () => {
    for (const alive of [true, false]) {
      expect(jobStatusOf({ ...look({ alive, status: status() }), freeKb: 0 })).toMatchObject({
        state: "failed",
        bytesDone: 5_000_000,
        error: expect.stringMatching(/^the droplet's disk holding the job's directory is full \(0 KiB free\)/),
      });
    }
    // Room left: as before.
    expect(jobStatusOf({ ...look({ status: status() }), freeKb: 500_000 })).toMatchObject({ state: "running" });
  });

  it("running: progress, idle and elapsed seconds by the droplet's clock", () => {
    expect(jobStatusOf(look({ status: status() }))).toEqual({
      state: "running",
      item: "volume data",
      bytesDone: 5_000_000,
      rate: 1_000_000,
      idleSeconds: 30,
      elapsedSeconds: 600,
    });
  });

  it("a rate the status has no number for is left out", () => {
    const noRate = status({ rate: null as unknown as number });
    expect(jobStatusOf(look({ status: noRate }))).not.toHaveProperty("rate");
  });

  it("just started, no status yet: running with nothing done", () => {
    expect(jobStatusOf(look())).toMatchObject({ state: "running", bytesDone: 0 });
  });

  it("lost when its directory is gone (a reboot), or its process died without a final state", () => {
    expect(jobStatusOf(look({ exists: false, alive: false }))).toMatchObject({
      state: "lost",
      error: expect.stringContaining("directory is gone"),
    });
    const killed = jobStatusOf(look({ alive: false, status: status(), logTail: "uploading part 3\nKilled\n" }));
    expect(killed).toMatchObject({ state: "lost", bytesDone: 5_000_000, error: expect.stringContaining("Killed") });
    expect(jobStatusOf(look({ alive: false, logTail: "python3: not found" }))).toMatchObject({
      state: "lost",
      error: "the job ended before it wrote any status: python3: not found",
    });
  });

  it("an ended job is what it says, alive or not; a failure says why", () => {
    expect(jobStatusOf(look({ alive: false, status: status({ state: "succeeded" }) })).state).toBe("succeeded");
    expect(jobStatusOf(look({ alive: false, status: status({ state: "failed", error: "disk full" }) }))).toMatchObject({
      state: "failed",
      error: "disk full",
    });
    expect(
      jobStatusOf(look({ alive: false, status: status({ state: "failed" }), logTail: "boto3 missing\n" })),
    ).toMatchObject({ state: "failed", error: "boto3 missing" });
  });

  it("fresh credentials are due within 20 minutes of their expiry, for a running job only", () => {
    expect(credentialsDue(look({ status: status({ credentialsExpireAt: NOW + 19 * 60 }) }))).toBe(true);
    expect(credentialsDue(look({ status: status({ credentialsExpireAt: NOW + 21 * 60 }) }))).toBe(false);
    expect(credentialsDue(look({ status: status() }))).toBe(false);
    expect(credentialsDue(look({ alive: false, status: status({ credentialsExpireAt: NOW }) }))).toBe(false);
    const ended = status({ state: "succeeded", credentialsExpireAt: NOW });
    expect(credentialsDue(look({ status: ended }))).toBe(false);
  });
});
