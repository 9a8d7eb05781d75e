/**
 * Issue #14 end to end: the archive and duplicity phases as jobs on the droplet, under the
 * routine (`runPlan` in LocalDurableTestRunner), against the harness's real sshd, dockerd,
 * duplicity and s3rver — wired as functions/droplet-hosts.ts wires them, STS replaced by
 * s3rver's static key.
 *  - With a per-invocation budget of a few seconds, jobs that take several times as long
 *    (the archive throttled by the plan's `jobs.bandwidthLimit`, duplicity by a slow uplink
 *    to the S3 server) succeed, followed by polls across durable waits.
 *  - Ending the invocation after every step (each restart replays the history): one job per
 *    phase, one object per archive, one manifest, no multipart upload left, containers running.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import {
  type DropletHosts,
  type JobKind,
  type LifeboatConfigInput,
  type LifeboatEvent,
  validateConfig,
} from "@lifeboat/core";
import { type Shell, sh } from "@lifeboat/remote";
import { manifestKey, readManifest, runPrefix, S3Sink } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployedDropletHosts } from "../../../functions/droplet-hosts";
import { harness, missingServices } from "../../harness/context";
import { type SlowProxy, startSlowProxy } from "../../harness/slow-proxy";
import { restartAfterEveryStep, runRestarting } from "../../unit/routine/restart-every-step";
import { makeWorld, type World, type WorldOptions } from "../../unit/routine/world";
import { openSession, remote, unique } from "../remote/session";

const skip = missingServices("ssh", "docker", "s3", "duplicity");

/** A test-side command on the "droplet", on a connection of its own (see ./ssh-phases.test.ts). */
async function onDroplet(command: Shell): Promise<string> {
  const session = await openSession();
  try {
    return await remote(session, command);
  } finally {
    session.close();
  }
}

/**
 * Short enough that each job must span many invocations; long enough for the few SSH steps
 * between two waits (finish the archive, its retention, start duplicity) on a busy machine.
 */
const BUDGET_MS = 10_000;
/** The archive's and duplicity's uplink ("200KB/s"): 6.4 MB at this rate is over 31 s, more than 3× the budget. */
const RATE = 200 * 1024;
const PAYLOAD_BYTES = 6_400_000;

describe.skipIf(skip)(`routine: archive and duplicity jobs end to end${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const h = harness();
  const p = unique("jobs");
  const app = `${p}-app`;
  const volume = `${p}-data`;
  const secretAccessKey = `secret-${randomBytes(12).toString("hex")}`;
  const passphrase = `passphrase-${randomBytes(12).toString("hex")}`;
  const lines: string[] = [];
  const worlds: World[] = [];
  let dir: string;
  let privateKey: string;
  let slow: SlowProxy;

  const s3 = new S3Client({
    endpoint: h.s3?.endpoint ?? "http://127.0.0.1:1",
    region: h.s3?.region ?? "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: h.s3?.accessKeyId ?? "x", secretAccessKey: h.s3?.secretAccessKey ?? "x" },
  });
  const sink = new S3Sink({
    bucket: h.s3?.bucket ?? "",
    region: h.s3?.region ?? "",
    endpoint: h.s3?.endpoint ?? "",
    prefix: `${p}/`,
    forcePathStyle: true,
    checksums: "WHEN_REQUIRED",
    credentials: { accessKeyId: h.s3?.accessKeyId ?? "", secretAccessKey: h.s3?.secretAccessKey ?? "" },
  });

  beforeAll(async () => {
    await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
    privateKey = await readFile(h.ssh!.privateKeyPath, "utf8");
    dir = await mkdtemp(join(tmpdir(), "lifeboat-jobs-"));
    // Random bytes: neither the archive's compression nor duplicity's shrinks them.
    await mkdir(join(dir, "src"), { recursive: true });
    await writeFile(join(dir, "src", "blob.bin"), randomBytes(PAYLOAD_BYTES));
    const image = h.docker!.baseImage;
    await onDroplet(sh`docker volume create ${volume}`);
    await onDroplet(
      sh`docker run --rm --log-driver none -v ${`${volume}:/data`} ${image} sh -c ${`head -c ${PAYLOAD_BYTES} /dev/urandom > /data/blob && echo hello > /data/a.txt`}`,
    );
    const service = 'trap "exit 0" TERM; sleep 100000 & wait';
    await onDroplet(
      sh`docker run -d --name ${app} --log-driver none -v ${`${volume}:/data`} ${image} sh -c ${service}`,
    );
    slow = await startSlowProxy(Number(new URL(h.s3!.endpoint).port), RATE);
  });

  afterAll(async () => {
    for (const w of worlds) await w.close();
    await slow?.close();
    await onDroplet(sh`docker rm -f ${app}`).catch(() => undefined);
    await onDroplet(sh`docker volume rm -f ${volume}`).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
    await LocalDurableTestRunner.teardownTestEnvironment();
  });

  const configFor = (droplet: string, jobs: Record<string, unknown> = {}): LifeboatConfigInput =>
    ({
      plans: [
        {
          name: "weekly",
          schedule: "cron(0 3 ? * SUN *)",
          droplets: [{ name: droplet }],
          snapshot: { approval: { required: false } },
          retention: { keepLast: 3 },
          containers: { include: [app], capture: "none", stopDuringArchive: [app] },
          volumes: { include: [volume] },
          duplicity: { paths: [join(dir, "src")], encryption: { type: "passphrase" }, fullEvery: "30d", keepFull: 2 },
          jobs,
        },
      ],
      ssh: {
        user: h.ssh!.user,
        port: h.ssh!.port,
        droplets: { [droplet]: { hostKey: h.ssh!.hostKeyFingerprint, address: "127.0.0.1" } },
      },
    }) as LifeboatConfigInput;

  /** The jobs each host was asked to start, and whether the droplet started one (false: it attached). */
  type Start = { kind: JobKind; started: boolean };

  async function worldFor(
    config: LifeboatConfigInput,
    options: { duplicityEndpoint: string; jobRoot: string; world?: Partial<WorldOptions> },
  ) {
    const deployed = deployedDropletHosts(validateConfig(config), {
      sink,
      secrets: async <const N extends string>(names: readonly N[]) => {
        const known: Record<string, string> = { SSH_PRIVATE_KEY: privateKey, DUPLICITY_PASSPHRASE: passphrase };
        return Object.fromEntries(names.map((n) => [n, known[n] ?? ""])) as Record<N, string>;
      },
      credentials: async () => ({ accessKeyId: h.s3!.accessKeyId, secretAccessKey }),
      archiveCredentials: async () => ({ accessKeyId: h.s3!.accessKeyId, secretAccessKey }),
      duplicityEndpoint: options.duplicityEndpoint,
      env: { LIFEBOAT_BUCKET: h.s3!.bucket, AWS_REGION: h.s3!.region },
      log: (line) => lines.push(line),
      host: { helperImage: h.docker!.baseImage, restart: { delayMs: 200 }, jobRoot: options.jobRoot },
    });
    const starts: Start[] = [];
    const hosts: DropletHosts = (droplet, run) => {
      const host = deployed(droplet, run);
      if (!host || !("startJob" in host)) return host;
      const start = host.startJob.bind(host);
      host.startJob = async (kind) => {
        const s = await start(kind);
        starts.push({ kind, started: s.started });
        return s;
      };
      return host;
    };
    const world = await makeWorld({
      config,
      hosts,
      startAt: Date.parse("2026-01-04T02:30:00Z"),
      ...options.world,
    });
    worlds.push(world);
    return { world, starts };
  }

  const running = async (name: string) =>
    (await onDroplet(sh`docker inspect -f ${"{{.State.Running}}"} ${name}`)).trim() === "true";
  const ofType = <T extends LifeboatEvent["type"]>(events: LifeboatEvent[], type: T) =>
    events.filter((e): e is Extract<LifeboatEvent, { type: T }> => e.type === type);
  const objects = async (prefix: string) =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: h.s3!.bucket, Prefix: prefix }))).Contents ?? []).map(
      (o) => o.Key ?? "",
    );
  const uploads = async (prefix: string) =>
    ((await s3.send(new ListMultipartUploadsCommand({ Bucket: h.s3!.bucket, Prefix: prefix }))).Uploads ?? []).map(
      (u) => u.Key ?? "",
    );
  /** Job directories left on the droplet, and runners still running from them. */
  const leftOn = async (jobRoot: string) => ({
    dirs: await readdir(jobRoot).catch(() => [] as string[]),
    runners: (await onDroplet(sh`ps -eo args=`)).split("\n").filter((l) => l.includes(jobRoot)),
  });

  it(`jobs several times the ${BUDGET_MS} ms budget (throttled archive and duplicity) succeed, polled across waits, no step or invocation over budget`, async () => {
    const droplet = `slow-${p.slice(-6)}`;
    const jobRoot = join(dir, "jobs-slow");
    const endpoint = `http://127.0.0.1:${slow.port}`;
    const { world, starts } = await worldFor(configFor(droplet, { bandwidthLimit: "200KB/s" }), {
      duplicityEndpoint: endpoint,
      jobRoot,
      world: { budgetMs: BUDGET_MS },
    });
    world.sandbox.addDroplet({ name: droplet, diskGb: 2, usedDiskGb: 1 });

    const execution = await world.run({ plan: "weekly", scheduledTime: "2026-01-04T03:00:00Z" });
    const result = execution.getResult()!;
    expect(result.droplets[0]?.detail ?? "").not.toMatch(/failed/);
    expect(result.outcome).toBe("succeeded");
    expect(result.droplets[0]?.phases).toMatchObject({ archive: "done", duplicity: "done", containers: "done" });
    expect(world.overBudget).toEqual([]);

    // Each job ran several budgets long, seen by the droplet's own clock.
    const progress = ofType(world.events, "archive.progress");
    for (const job of ["archive", "duplicity"] as const) {
      const seen = progress.filter((e) => e.job === job);
      expect(seen.length, `${job} polls`).toBeGreaterThanOrEqual(3);
      expect(Math.max(...seen.map((e) => e.elapsedSeconds)), `${job} seconds`).toBeGreaterThanOrEqual(
        (3 * BUDGET_MS) / 1000,
      );
      const names = execution.getOperations().map((o) => o.getName() ?? "");
      expect(names.filter((n) => n.startsWith(`wait ${job} ${droplet} `)).length).toBeGreaterThanOrEqual(3);
      expect(names.filter((n) => n.startsWith(`poll ${job} ${droplet} `)).length).toBeGreaterThanOrEqual(3);
    }
    const archived = progress.filter((e) => e.job === "archive").map((e) => e.bytesDone);
    expect(archived).toEqual([...archived].sort((a, b) => a - b));
    expect(world.invocations.count).toBeGreaterThan(6);
    // All of the volume went up (the throttle, not a short archive, made the job long).
    const volumeStored = ofType(world.events, "archive.stored").find((e) => e.kind === "volume")!;
    expect(volumeStored.bytes).toBeGreaterThanOrEqual(PAYLOAD_BYTES);
    // duplicity's upload went through the slow uplink.
    expect(slow.bytesIn()).toBeGreaterThanOrEqual(PAYLOAD_BYTES);
    expect(ofType(world.events, "duplicity.completed")[0]).toMatchObject({ mode: "full" });
    expect(starts).toEqual([
      { kind: "archive", started: true },
      { kind: "duplicity", started: true },
    ]);
    expect(await leftOn(jobRoot)).toEqual({ dirs: [], runners: [] });
    expect(await running(app)).toBe(true);
    expect(await uploads(`${p}/`)).toEqual([]);

    const text = JSON.stringify({ lines, events: world.events, result });
    expect(text).not.toContain(secretAccessKey);
    expect(text).not.toContain(passphrase);
  }, 180_000);

  it("restarted after every step (each restart replays the history): one job per phase, one object per archive, one manifest, no upload left, containers running", async () => {
    const droplet = `replay-${p.slice(-6)}`;
    const jobRoot = join(dir, "jobs-replay");
    const { world, starts } = await worldFor(configFor(droplet), {
      duplicityEndpoint: h.s3!.endpoint,
      jobRoot,
      world: { wrapContext: restartAfterEveryStep },
    });
    world.sandbox.addDroplet({ name: droplet, diskGb: 2, usedDiskGb: 1 });

    const { execution, restarts } = await runRestarting(world);
    const result = execution.getResult()!;
    expect(result.droplets[0]?.detail ?? "").not.toMatch(/failed/);
    expect(result.outcome).toBe("succeeded");
    expect(result.droplets[0]?.phases).toMatchObject({ archive: "done", duplicity: "done", containers: "done" });
    expect(restarts).toBeGreaterThan(10);

    // The droplet was asked once per phase, and started a job each time.
    expect(starts).toEqual([
      { kind: "archive", started: true },
      { kind: "duplicity", started: true },
    ]);
    const names = execution.getOperations().map((o) => o.getName() ?? "");
    expect(names.filter((n) => n.startsWith("start archive job "))).toEqual([`start archive job ${droplet}`]);
    expect(names.filter((n) => n.startsWith("start duplicity job "))).toEqual([`start duplicity job ${droplet}`]);
    expect(await leftOn(jobRoot)).toEqual({ dirs: [], runners: [] });

    // One object per archive and one manifest, each reported stored once.
    const stored = ofType(world.events, "archive.stored");
    expect(stored.map((s) => s.kind)).toEqual(["volume", "manifest"]);
    const under = `${p}/${runPrefix(droplet, result.runId)}`;
    expect((await objects(under)).sort()).toEqual(stored.map((s) => `${p}/${s.key}`).sort());
    const manifest = await readManifest(sink, manifestKey(droplet, result.runId));
    expect(manifest.volumes.map((v) => v.volume)).toEqual([volume]);
    expect(await uploads(under)).toEqual([]);
    expect(ofType(world.events, "duplicity.completed")).toHaveLength(1);
    expect(await running(app)).toBe(true);
  });
});
