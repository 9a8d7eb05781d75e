/**
 * duplicity as a job through the droplet host's port, on the harness's real sshd, duplicity
 * and s3rver: started (once), polled with fresh credentials handed over when they are due,
 * finished with its figures, or stopped; nothing of a job stays on the droplet.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type HostRun, type JobStatus, validateConfig } from "@lifeboat/core";
import type { DuplicityAccess, RemoteSession } from "@lifeboat/remote";
import { LocalSink, runStorage } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sshDropletHost } from "../../../packages/remote/src/droplet-host";
import { listJobs } from "../../../packages/remote/src/job/lifecycle";
import { harness, missingServices } from "../../harness/context";
import { openSession, unique } from "./session";

const skip = missingServices("ssh", "s3", "duplicity");

describe.skipIf(skip)(`remote: duplicity as a job${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const h = harness();
  const p = unique("dupjob");
  const passphrase = `passphrase-${randomBytes(12).toString("hex")}`;
  let session: RemoteSession;
  let dir: string;
  let root: string;
  let asked = 0;

  beforeAll(async () => {
    session = await openSession();
    dir = await mkdtemp(join(tmpdir(), "lifeboat-dup-host-"));
    root = await mkdtemp(join(tmpdir(), "lifeboat-jobs-"));
    await mkdir(join(dir, "src"), { recursive: true });
    await writeFile(join(dir, "src", "a.txt"), "one\n");
  });

  afterAll(async () => {
    session.close();
    await rm(dir, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  });

  function hostFor(runId: string, expiresInSeconds: number) {
    const plan = validateConfig({
      plans: [
        {
          name: "nightly",
          schedule: "cron(30 2 * * ? *)",
          droplets: [{ name: "web-1" }],
          snapshot: { approval: { required: false } },
          duplicity: { paths: [join(dir, "src")], encryption: { type: "passphrase" }, fullEvery: "30d", keepFull: 2 },
        },
      ],
    }).plans[0]!;
    const run: HostRun = { runId, plan, dryRun: false };
    const access = async (): Promise<DuplicityAccess> => {
      asked++;
      return {
        target: {
          bucket: h.s3!.bucket,
          prefix: `${p}/duplicity/web-1`,
          endpoint: h.s3!.endpoint,
          region: h.s3!.region,
        },
        credentials: {
          accessKeyId: h.s3!.accessKeyId,
          secretAccessKey: h.s3!.secretAccessKey,
          expiration: new Date(Date.now() + expiresInSeconds * 1000).toISOString(),
        },
        encryption: { type: "passphrase", passphrase },
        cache: { archiveDir: join(dir, "cache") },
      };
    };
    return sshDropletHost({
      droplet: "web-1",
      run,
      open: () => openSession(),
      storage: runStorage(new LocalSink(join(dir, "archives")), {
        droplet: "web-1",
        runId,
        plan: plan.name,
        policy: plan.retention,
      }),
      duplicity: access,
      jobRoot: root,
    });
  }

  async function settle(host: ReturnType<typeof hostFor>): Promise<JobStatus> {
    for (let i = 0; i < 600; i++) {
      const status = await host.pollJob("duplicity");
      if (status.state !== "running") return status;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error("the duplicity job did not end within 150 s");
  }

  it("starts once, is polled to its end with fresh credentials when due, and finishes with its figures", async () => {
    // Credentials that expire within the 20-minute window: each poll of the running job hands fresh ones over.
    const host = hostFor(`${p}-r1`, 10 * 60);
    expect(await host.startJob("duplicity")).toMatchObject({ started: true, debris: [] });
    expect(await host.startJob("duplicity")).toMatchObject({ started: false });
    expect((await listJobs(session, root)).map((j) => j.jobId)).toEqual([`${p}-r1-duplicity`]);
    const before = asked;
    const credentialsFile = join(root, `${p}-r1-duplicity`, "credentials.json");
    const first = await readFile(credentialsFile, "utf8");
    const end = await settle(host);
    expect(end.error).toBeUndefined();
    expect(end).toMatchObject({ state: "succeeded" });
    expect(asked).toBeGreaterThan(before);
    expect(await readFile(credentialsFile, "utf8")).not.toBe(first);

    const result = await host.finishDuplicity();
    expect(result).toMatchObject({ mode: "full", chains: 1 });
    expect(result.bytes).toBeGreaterThan(0);
    expect(await listJobs(session, root)).toEqual([]);
  });

  it("a duplicity job that a crashed run left is named and cleaned by the next start", async () => {
    const crashed = hostFor(`${p}-r2`, 3600);
    await crashed.startJob("duplicity");
    const next = hostFor(`${p}-r3`, 3600);
    const start = await next.startJob("duplicity");
    expect(start.debris).toEqual([expect.stringContaining(`duplicity job of run ${p}-r2`)]);
    expect((await listJobs(session, root)).map((j) => j.jobId)).toEqual([`${p}-r3-duplicity`]);
    const { done } = await next.stopJob("duplicity", "the test stops it");
    expect(done.join("; ")).toContain(`removed job ${p}-r3-duplicity`);
    expect(await listJobs(session, root)).toEqual([]);
  });
});
