import {
  etaSecondsOf,
  JOB_POLL_MAX_SECONDS,
  JOB_POLL_MIN_SECONDS,
  jobPollCapSeconds,
  nextJobPollSeconds,
  validateConfig,
} from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { planInput } from "./world";

const jobsOf = (jobs: Record<string, unknown> = {}) => validateConfig(planInput({}, { jobs })).plans[0]!.jobs;
const GB = 1e9;

describe("the job poll plan", () => {
  const jobs = jobsOf();

  it("looks soon at first, then waits longer as the job ages while its end is unknown", () => {
    expect(nextJobPollSeconds(undefined, 30 * GB, jobs)).toBe(JOB_POLL_MIN_SECONDS);
    expect(nextJobPollSeconds({ bytesDone: 0, elapsedSeconds: 10 }, 30 * GB, jobs)).toBe(10);
    expect(nextJobPollSeconds({ bytesDone: 0, elapsedSeconds: 60 }, undefined, jobs)).toBe(30);
    expect(nextJobPollSeconds({ bytesDone: 0, elapsedSeconds: 3600 }, undefined, jobs)).toBe(JOB_POLL_MAX_SECONDS);
  });

  it("waits about a third of the time left at the rate seen so far", () => {
    // 300 MB left at 10 MB/s: 30 s left, looked at again in 10 s.
    expect(nextJobPollSeconds({ bytesDone: 700e6, rate: 10e6, elapsedSeconds: 70 }, GB, jobs)).toBe(10);
    // 1.8 GB left at 10 MB/s: 180 s, looked at in 60 s.
    expect(nextJobPollSeconds({ bytesDone: 200e6, rate: 10e6, elapsedSeconds: 20 }, 2 * GB, jobs)).toBe(60);
    // Without the job's own rate, its average: 1 GB in 100 s, 1 GB left.
    expect(nextJobPollSeconds({ bytesDone: GB, elapsedSeconds: 100 }, 2 * GB, jobs)).toBe(33);
    expect(etaSecondsOf({ bytesDone: GB, elapsedSeconds: 100 }, 2 * GB)).toBe(100);
    // Past the expected size (the estimate was low): no ETA, back to the age rule.
    expect(etaSecondsOf({ bytesDone: 3 * GB, rate: 10e6, elapsedSeconds: 300 }, 2 * GB)).toBeUndefined();
    expect(nextJobPollSeconds({ bytesDone: 3 * GB, rate: 10e6, elapsedSeconds: 300 }, 2 * GB, jobs)).toBe(150);
  });

  it("never waits above the cap: under 5 min (credentials), under half the stall and unreachable limits; never below the minimum", () => {
    const huge = { bytesDone: GB, rate: 1e6, elapsedSeconds: 1000 };
    expect(nextJobPollSeconds(huge, 500 * GB, jobs)).toBe(JOB_POLL_MAX_SECONDS);
    expect(JOB_POLL_MAX_SECONDS).toBeLessThan(300);
    expect(nextJobPollSeconds(huge, 500 * GB, jobsOf({ stallAfter: "3m" }))).toBe(90);
    expect(nextJobPollSeconds(huge, 500 * GB, jobsOf({ unreachableFor: "2m" }))).toBe(60);
    expect(jobPollCapSeconds(jobsOf({ stallAfter: "5s" }))).toBe(JOB_POLL_MIN_SECONDS);
    const almostDone = { bytesDone: GB - 1, rate: 100e6, elapsedSeconds: 10 };
    expect(nextJobPollSeconds(almostDone, GB, jobs)).toBe(JOB_POLL_MIN_SECONDS);

    // Over a spread of jobs, every wait is within the bounds.
    for (const expected of [undefined, 0, 1e6, GB, 50 * GB, 5000 * GB]) {
      for (const rate of [undefined, 1, 1e3, 1e6, 40e6, 1e10]) {
        for (const elapsedSeconds of [0, 1, 59, 600, 86_400]) {
          for (const bytesDone of [0, 1e6, 10 * GB]) {
            const s = nextJobPollSeconds({ bytesDone, elapsedSeconds, ...(rate ? { rate } : {}) }, expected, jobs);
            expect(Number.isInteger(s)).toBe(true);
            expect(s).toBeGreaterThanOrEqual(JOB_POLL_MIN_SECONDS);
            expect(s).toBeLessThanOrEqual(jobPollCapSeconds(jobs));
          }
        }
      }
    }
  });
});
