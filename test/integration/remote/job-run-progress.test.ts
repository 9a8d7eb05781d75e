/**
 * A "run" step (duplicity's first full runs for hours) shows progress while its processes do
 * I/O, and none while they only wait: the routine calls a job stalled from `progressAt`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RemoteSession } from "@lifeboat/remote";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JobLook, killJob, listJobs, readJob, startJob } from "../../../packages/remote/src/job/lifecycle";
import type { JobSpec } from "../../../packages/remote/src/job/spec";
import { missingServices } from "../../harness/context";
import { openSession, unique } from "./session";

const skip = missingServices("ssh");

describe.skipIf(skip)(`remote: a run step's progress${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const prefix = unique("run-progress");
  let session: RemoteSession;
  let root: string;

  const spec = (name: string, command: string): JobSpec => ({
    version: 1,
    jobId: `${prefix}-${name}`,
    kind: "duplicity",
    runId: prefix,
    steps: [{ type: "run", name: "backup", command }],
  });

  /** Polls the job every ~half second until it ends; the looks taken while it ran. */
  async function pollToEnd(jobId: string): Promise<{ running: JobLook[]; last: JobLook }> {
    const running: JobLook[] = [];
    const end = Date.now() + 30_000;
    for (;;) {
      const look = await readJob(session, jobId, root);
      if (look.status && look.status.state !== "running") return { running, last: look };
      if (look.status) running.push(look);
      if (Date.now() > end) throw new Error(`job ${jobId} did not end`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  beforeAll(async () => {
    session = await openSession();
    root = await mkdtemp(join(tmpdir(), "lifeboat-run-progress-"));
  });

  afterAll(async () => {
    for (const job of await listJobs(session, root)) await killJob(session, job.jobId, root, { graceSeconds: 5 });
    session.close();
    await rm(root, { recursive: true, force: true });
  });

  it("a run step that reads and writes: bytesDone grows and progressAt moves across polls", async () => {
    // ~10 s: a long-lived reader (as duplicity is) fed by short writers, one a second.
    const command =
      "for i in $(seq 1 10); do head -c 8000000 /dev/zero; sleep 1; done | dd of=/dev/null bs=1M status=none";
    const job = spec("busy", command);
    await startJob(session, { spec: job, root });
    const { running, last } = await pollToEnd(job.jobId);

    expect(last.status?.error).toBeUndefined();
    expect(last.status?.state).toBe("succeeded");
    expect(running.length).toBeGreaterThanOrEqual(4);
    expect(running.map((l) => l.status?.item)).toContain("duplicity backup");
    const bytes = running.map((l) => l.status?.bytesDone ?? 0);
    const progress = running.map((l) => l.status?.progressAt ?? 0);
    // Never backwards, and moving while it runs: several distinct values, not one at the step's start.
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(new Set(bytes).size).toBeGreaterThanOrEqual(3);
    expect(new Set(progress).size).toBeGreaterThanOrEqual(3);
    // The writers read and write 80 MB, dd reads and writes it again: most of it seen before the step ended.
    expect(last.status?.bytesDone).toBeGreaterThan(160_000_000);
    expect(Math.max(...running.map((l) => l.status?.rate ?? 0))).toBeGreaterThan(1_000_000);
    // Never idle for long by the droplet's clock while it worked.
    const idle = running.map((l) => l.now - (l.status?.progressAt ?? 0));
    expect(Math.max(...idle.slice(running.length / 3))).toBeLessThan(4);
  });

  it("a run step that only sleeps: progressAt stays and the idle time grows", async () => {
    const job = spec("idle", "sleep 10");
    await startJob(session, { spec: job, root });
    const { running, last } = await pollToEnd(job.jobId);

    expect(last.status?.state).toBe("succeeded");
    // After the processes started (their loader reads a few KB), nothing: progressAt stands still.
    const settled = running.filter((l) => l.now - (l.status?.startedAt ?? l.now) > 3.5);
    expect(settled.length).toBeGreaterThanOrEqual(3);
    expect(new Set(settled.map((l) => l.status?.progressAt)).size).toBe(1);
    expect(new Set(settled.map((l) => l.status?.bytesDone)).size).toBe(1);
    const idle = settled.map((l) => l.now - (l.status?.progressAt ?? 0));
    expect(idle[idle.length - 1]! - idle[0]!).toBeGreaterThan(2);
    expect(idle[idle.length - 1]).toBeGreaterThan(4);
  });
});
