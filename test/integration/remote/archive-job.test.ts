/**
 * The archive phase as a job, through the droplet host's port (start, poll, finish, stop), on
 * the harness's real sshd and dockerd: with S3 storage (s3rver) the droplet uploads straight
 * to the bucket; with local storage the pull runs in the background of this process.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { type HostRun, type JobStatus, type StoredArchive, validateConfig } from "@lifeboat/core";
import { type RemoteSession, sh } from "@lifeboat/remote";
import { LocalSink, manifestKey, readManifest, runPrefix, runStorage, S3Sink, type Sink } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sshDropletHost } from "../../../packages/remote/src/droplet-host";
import { listJobs } from "../../../packages/remote/src/job/lifecycle";
import { harness, missingServices } from "../../harness/context";
import { openSession, remote, unique } from "./session";

const skip = missingServices("ssh", "docker", "s3");

describe.skipIf(skip)(`remote: the archive job${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const h = harness();
  const p = unique("job");
  const app = `${p}-app`;
  const volume = `${p}-data`;
  const big = `${p}-big`;
  let session: RemoteSession;
  let root: string;
  let dir: string;
  const droplet = `web-${p.slice(-6)}`;

  const s3 = new S3Sink({
    bucket: h.s3?.bucket ?? "",
    region: h.s3?.region ?? "",
    endpoint: h.s3?.endpoint ?? "",
    prefix: `${p}/`,
    forcePathStyle: true,
    checksums: "WHEN_REQUIRED",
    credentials: { accessKeyId: h.s3?.accessKeyId ?? "", secretAccessKey: h.s3?.secretAccessKey ?? "" },
  });

  beforeAll(async () => {
    session = await openSession();
    root = await mkdtemp(join(tmpdir(), "lifeboat-jobs-"));
    dir = await mkdtemp(join(tmpdir(), "lifeboat-archive-job-"));
    const image = h.docker!.baseImage;
    await remote(session, sh`docker volume create ${volume}`);
    await remote(
      session,
      sh`docker run --rm --log-driver none -v ${`${volume}:/data`} ${image} sh -c ${"echo hello > /data/a.txt && mkdir /data/d && echo x > /data/d/b"}`,
    );
    // 48 MiB that do not compress: at the plan's 4 MB/s cap the job runs for seconds, long enough to stop it.
    await remote(session, sh`docker volume create ${big}`);
    await remote(
      session,
      sh`docker run --rm --log-driver none -v ${`${big}:/data`} ${image} sh -c ${"head -c 50331648 /dev/urandom > /data/noise"}`,
    );
    // Stops at once on SIGTERM (PID 1 ignores it otherwise).
    const service = 'trap "exit 0" TERM; sleep 100000 & wait';
    await remote(
      session,
      sh`docker run -d --name ${app} --log-driver none -v ${`${volume}:/data`} -v ${`${big}:/big`} ${image} sh -c ${service}`,
    );
  });

  afterAll(async () => {
    await session.run(sh`docker rm -f ${app}`, { what: "cleanup", check: false });
    await session.run(sh`docker volume rm -f ${volume} ${big}`, { what: "cleanup", check: false });
    session.close();
    await rm(root, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  const planOf = (volumes: string[], extra: Record<string, unknown> = {}) =>
    validateConfig({
      plans: [
        {
          name: "nightly",
          schedule: "cron(30 2 * * ? *)",
          droplets: [{ name: droplet }],
          snapshot: { approval: { required: false } },
          containers: { include: [app], capture: "commit", stopDuringArchive: [app] },
          volumes: { include: volumes },
          ...extra,
        },
      ],
    }).plans[0]!;

  function hostFor(sink: Sink, runId: string, plan = planOf([volume])) {
    const run: HostRun = { runId, plan, dryRun: false, startedAt: Date.parse("2026-01-04T02:30:00Z") };
    const storageOf = (id: string) => runStorage(sink, { droplet, runId: id, plan: plan.name, policy: plan.retention });
    return sshDropletHost({
      droplet,
      run,
      open: () => openSession(),
      storage: storageOf(runId),
      storageOf,
      archiveCredentials: async () => ({ accessKeyId: h.s3!.accessKeyId, secretAccessKey: h.s3!.secretAccessKey }),
      compression: "gzip",
      helperImage: h.docker!.baseImage,
      restart: { delayMs: 200 },
      jobRoot: root,
    });
  }

  /** Polls until the job has ended, as the routine would (without its waits). */
  async function settle(host: ReturnType<typeof hostFor>): Promise<JobStatus[]> {
    const seen: JobStatus[] = [];
    for (let i = 0; i < 600; i++) {
      const status = await host.pollJob("archive");
      seen.push(status);
      if (status.state !== "running") return seen;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error("the job did not end within 150 s");
  }

  const running = async (name: string) =>
    (await remote(session, sh`docker inspect -f ${"{{.State.Running}}"} ${name}`)).trim() === "true";
  const bytesOf = async (sink: Sink, key: string) => {
    const chunks: Buffer[] = [];
    for await (const c of await sink.get(key)) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks);
  };
  const tarListing = async (bytes: Buffer) => {
    const file = join(dir, `listing-${Math.random().toString(36).slice(2)}.tar`);
    await writeFile(file, gunzipSync(bytes));
    return spawnSync("tar", ["-tf", file], { encoding: "utf8" }).stdout.split("\n").filter(Boolean).sort();
  };

  /** Every archive is in storage with the manifest's size and sha256; the manifest lists exactly them. */
  async function checkStored(sink: Sink, runId: string, stored: StoredArchive[]) {
    expect(stored.map((s) => `${s.kind} ${s.name}`)).toEqual([
      `image ${app}`,
      `volume ${volume}`,
      "manifest manifest.json",
    ]);
    const manifest = await readManifest(sink, manifestKey(droplet, runId));
    expect(stored.at(-1)!.key).toBe(manifestKey(droplet, runId));
    for (const entry of [...manifest.containers, ...manifest.volumes]) {
      const bytes = await bytesOf(sink, entry.key);
      expect(bytes.length).toBe(entry.bytes);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(entry.sha256);
    }
    expect(manifest.volumes[0]).toMatchObject({ volume, container: app, mountPath: "/data", compression: "gzip" });
    const listing = await tarListing(await bytesOf(sink, manifest.volumes[0]!.key));
    expect(listing).toEqual(["./", "./a.txt", "./d/", "./d/b"]);
    const image = manifest.containers[0]!;
    expect(image).toMatchObject({ container: app, mode: "commit", capturedImageId: expect.stringMatching(/^sha256:/) });
    expect(await tarListing(await bytesOf(sink, image.key))).toContain("manifest.json");
    // The committed image was a vehicle only: it is gone from the droplet.
    expect((await remote(session, sh`docker image ls -q --no-trunc`)).includes(image.capturedImageId!)).toBe(false);
  }

  it("S3: starts once, runs on the droplet, and finishes with every archive checked and the manifest last", async () => {
    const runId = `${p}-r1`;
    const host = hostFor(s3, runId);
    const first = await host.startJob("archive");
    expect(first).toMatchObject({ started: true, debris: [] });
    expect(first.expectedBytes).toBeGreaterThan(0);
    // A retry of the start step attaches: still one job.
    expect(await host.startJob("archive")).toMatchObject({ started: false });
    expect((await listJobs(session, root)).map((j) => j.jobId)).toEqual([`${runId}-archive`]);

    const seen = await settle(host);
    expect(seen.at(-1)).toMatchObject({ state: "succeeded" });
    expect(seen.at(-1)!.bytesDone).toBeGreaterThan(0);
    expect(await s3.head(manifestKey(droplet, runId))).toBeUndefined();

    const stored = await host.finishArchive();
    await checkStored(s3, runId, stored);
    expect(await running(app)).toBe(true);
    expect(await listJobs(session, root)).toEqual([]);
  });

  it("S3: stopped mid-way, it leaves no object, no open upload, and the container running", async () => {
    const runId = `${p}-r2`;
    const host = hostFor(s3, runId, planOf([big], { jobs: { bandwidthLimit: "4MB/s" } }));
    expect(await host.startJob("archive")).toMatchObject({ started: true });
    let status = await host.pollJob("archive");
    for (let i = 0; i < 200 && status.state === "running" && !status.item?.includes(big); i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await host.pollJob("archive");
    }
    expect(status).toMatchObject({ state: "running", item: expect.stringContaining(big) });
    expect(await running(app)).toBe(false);

    const { done } = await host.stopJob("archive", "the test stops it");
    expect(done.join("; ")).toMatch(new RegExp(`stopped job ${runId}-archive`));
    expect(await s3.list(runPrefix(droplet, runId))).toEqual([]);
    expect(await s3.openUploads!(runPrefix(droplet, runId))).toEqual([]);
    expect(await running(app)).toBe(true);
    expect(await listJobs(session, root)).toEqual([]);
  });

  it("S3: a job a crashed run left is stopped and cleaned by the next run's start, and named", async () => {
    const crashed = `${p}-r3`;
    const left = hostFor(s3, crashed, planOf([big], { jobs: { bandwidthLimit: "4MB/s" } }));
    await left.startJob("archive");
    let status = await left.pollJob("archive");
    for (let i = 0; i < 200 && !status.item?.includes(big); i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await left.pollJob("archive");
    }

    const next = `${p}-r4`;
    const host = hostFor(s3, next);
    const start = await host.startJob("archive");
    expect(start.started).toBe(true);
    expect(start.debris).toEqual([expect.stringContaining(`archive job of run ${crashed}`)]);
    expect(await s3.list(runPrefix(droplet, crashed))).toEqual([]);
    expect(await s3.openUploads!(runPrefix(droplet, crashed))).toEqual([]);
    expect((await settle(host)).at(-1)).toMatchObject({ state: "succeeded" });
    await checkStored(s3, next, await host.finishArchive());
    expect(await running(app)).toBe(true);
  });

  it("S3: a job whose runner was killed and whose directory is gone (a reboot) is lost; stopping leaves no object and no open upload", async () => {
    const runId = `${p}-r5`;
    const host = hostFor(s3, runId, planOf([big], { jobs: { bandwidthLimit: "4MB/s" } }));
    await host.startJob("archive");
    let status = await host.pollJob("archive");
    for (let i = 0; i < 200 && !(status.item?.includes(big) && status.bytesDone > 0); i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await host.pollJob("archive");
    }
    expect(status).toMatchObject({ state: "running", item: expect.stringContaining(big) });
    // Killed while a multipart upload is open (the runner creates it once a first part is read).
    let open = await s3.openUploads!(runPrefix(droplet, runId));
    for (let i = 0; i < 200 && open.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      open = await s3.openUploads!(runPrefix(droplet, runId));
    }
    expect(open).toHaveLength(1);
    // As a reboot would: the runner dies at once (no cleanup of its own) and its directory goes.
    const jobDir = join(root, `${runId}-archive`);
    const pid = Number((await readFile(join(jobDir, "pid"), "utf8")).split(" ")[0]);
    process.kill(-pid, "SIGKILL");
    await rm(jobDir, { recursive: true, force: true });
    expect(await host.pollJob("archive")).toMatchObject({ state: "lost", error: expect.stringContaining("gone") });

    const { done } = await host.stopJob("archive", "the job was lost");
    expect(done.join("; ")).toContain("already gone");
    // The image it had stored is found from a fresh inventory and deleted; the open upload is aborted.
    expect(done.join("; ")).toMatch(/aborted 1 unfinished upload.*deleted 1 stored archive/);
    expect(await s3.list(runPrefix(droplet, runId))).toEqual([]);
    expect(await s3.openUploads!(runPrefix(droplet, runId))).toEqual([]);
    // The container the job had stopped is started again by the routine's last step (it ran before), not here.
    await remote(session, sh`docker start ${app}`);
  });

  it("local storage: the pull runs in this process behind the same port", async () => {
    const sink = new LocalSink(join(dir, "local"));
    const runId = `${p}-l1`;
    const host = hostFor(sink, runId);
    expect(await host.startJob("archive")).toMatchObject({ started: true });
    expect(await host.startJob("archive")).toMatchObject({ started: false });
    const seen = await settle(host);
    expect(seen.at(-1)).toMatchObject({ state: "succeeded" });
    expect(seen.at(-1)!.bytesDone).toBeGreaterThan(0);
    await checkStored(sink, runId, await host.finishArchive());
    expect(await running(app)).toBe(true);
    expect(await listJobs(session, root)).toEqual([]);
  });

  it("local storage: stopped mid-way, nothing of the run stays and the container runs again", async () => {
    const sink = new LocalSink(join(dir, "local"));
    const runId = `${p}-l2`;
    const host = hostFor(sink, runId, planOf([big]));
    await host.startJob("archive");
    let status = await host.pollJob("archive");
    for (let i = 0; i < 400 && status.state === "running" && !status.item?.includes(big); i++) {
      await new Promise((r) => setTimeout(r, 25));
      status = await host.pollJob("archive");
    }
    expect(status).toMatchObject({ state: "running", item: expect.stringContaining(big) });
    const { done } = await host.stopJob("archive", "the test stops it");
    expect(done.join("; ")).toContain("broke off the archive pull");
    expect(await sink.list(runPrefix(droplet, runId))).toEqual([]);
    expect(await running(app)).toBe(true);
    expect((await host.pollJob("archive")).state).toBe("lost");
  });
});
