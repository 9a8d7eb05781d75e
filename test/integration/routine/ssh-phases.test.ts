/**
 * The whole routine end to end: `runPlan` under LocalDurableTestRunner, the DigitalOcean side
 * on the sandbox (real client), the droplet side on the harness's real sshd + dockerd +
 * duplicity, archives in s3rver — wired the way functions/backup-run.ts wires them
 * (functions/droplet-hosts.ts), with only the STS call replaced by s3rver's static key.
 */
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { type LifeboatConfigInput, type LifeboatEvent, validateConfig } from "@lifeboat/core";
import { configuredDropletHosts, type Shell, sh } from "@lifeboat/remote";
import { LocalSink, manifestKey, readManifest, runStorage, S3Sink } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployedDropletHosts } from "../../../functions/droplet-hosts";
import { harness, missingServices } from "../../harness/context";
import { makeWorld, types, type World } from "../../unit/routine/world";
import { openSession, remote, unique } from "../remote/session";

const skip = missingServices("ssh", "docker", "s3", "duplicity");

/**
 * A test-side command on the "droplet", on a connection of its own: a connection kept open
 * across runs would see its keepalive timers jump with the runner's skipped time.
 */
async function onDroplet(command: Shell): Promise<string> {
  const session = await openSession();
  try {
    return await remote(session, command);
  } finally {
    session.close();
  }
}

describe.skipIf(skip)(`routine: SSH phases end to end${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const h = harness();
  const p = unique("e2e");
  const app = `${p}-app`;
  const idle = `${p}-idle`;
  const volume = `${p}-data`;
  // s3rver does not check secret keys: these markers must never show up in a log, event or result.
  const secretAccessKey = `secret-${randomBytes(12).toString("hex")}`;
  const passphrase = `passphrase-${randomBytes(12).toString("hex")}`;
  const lines: string[] = [];
  let dir: string;
  let privateKey: string;
  const worlds: World[] = [];

  beforeAll(async () => {
    await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
    privateKey = await readFile(h.ssh!.privateKeyPath, "utf8");
    dir = await mkdtemp(join(tmpdir(), "lifeboat-e2e-"));
    await mkdir(join(dir, "src", "etc"), { recursive: true });
    await writeFile(join(dir, "src", "etc", "app.conf"), "port 8080\n");
    const image = h.docker!.baseImage;
    await onDroplet(sh`docker volume create ${volume}`);
    await onDroplet(
      sh`docker run --rm --log-driver none -v ${`${volume}:/data`} ${image} sh -c ${"echo hello > /data/a.txt && mkdir /data/d && echo x > /data/d/b"}`,
    );
    // Stops at once on SIGTERM (a bare `sleep` as PID 1 would make every `docker stop` wait its timeout).
    const service = 'trap "exit 0" TERM; sleep 100000 & wait';
    await onDroplet(
      sh`docker run -d --name ${app} --log-driver none -v ${`${volume}:/data`} ${image} sh -c ${service}`,
    );
    await onDroplet(sh`docker create --name ${idle} --log-driver none ${image} true`);
  });

  afterAll(async () => {
    for (const w of worlds) await w.close();
    await onDroplet(sh`docker rm -f ${app} ${idle}`).catch(() => undefined);
    await onDroplet(sh`docker volume rm -f ${volume}`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await LocalDurableTestRunner.teardownTestEnvironment();
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

  const configFor = (droplet: string, hostKey: string, extra: Record<string, unknown> = {}): LifeboatConfigInput =>
    ({
      plans: [
        {
          name: "nightly",
          schedule: "cron(30 2 * * ? *)",
          droplets: [{ name: droplet }],
          snapshot: { approval: { required: false } },
          retention: { keepLast: 1 },
          containers: { include: [`${p}-*`], capture: "commit", stopDuringArchive: [app] },
          volumes: { include: [`${p}-*`] },
          duplicity: { paths: [join(dir, "src")], encryption: { type: "passphrase" }, fullEvery: "30d", keepFull: 2 },
          hooks: {
            pre: [{ command: `echo pre > ${join(dir, `${droplet}-pre`)}`, timeout: "1m" }],
            post: [{ command: `echo post > ${join(dir, `${droplet}-post`)}`, timeout: "1m" }],
          },
          ...extra,
        },
      ],
      ssh: { user: h.ssh!.user, port: h.ssh!.port, droplets: { [droplet]: { hostKey, address: "127.0.0.1" } } },
    }) as LifeboatConfigInput;

  async function worldFor(config: LifeboatConfigInput) {
    const validated = validateConfig(config);
    const hosts = deployedDropletHosts(validated, {
      sink,
      secrets: async <const N extends string>(names: readonly N[]) => {
        const known: Record<string, string> = { SSH_PRIVATE_KEY: privateKey, DUPLICITY_PASSPHRASE: passphrase };
        return Object.fromEntries(names.map((n) => [n, known[n] ?? ""])) as Record<N, string>;
      },
      credentials: async () => ({ accessKeyId: h.s3!.accessKeyId, secretAccessKey }),
      // The archive job uploads from the droplet straight to s3rver (deployed: STS, narrowed to the run).
      archiveCredentials: async () => ({ accessKeyId: h.s3!.accessKeyId, secretAccessKey }),
      duplicityEndpoint: h.s3!.endpoint,
      env: { LIFEBOAT_BUCKET: h.s3!.bucket, AWS_REGION: h.s3!.region },
      log: (line) => lines.push(line),
      host: { helperImage: h.docker!.baseImage, restart: { delayMs: 200 } },
    });
    const world = await makeWorld({ config, hosts, startAt: Date.parse("2026-01-04T02:30:00Z") });
    worlds.push(world);
    return world;
  }

  const running = async (name: string) =>
    (await onDroplet(sh`docker inspect -f ${"{{.State.Running}}"} ${name}`)).trim() === "true";
  const bytesOf = async (key: string) => {
    const chunks: Buffer[] = [];
    for await (const c of await sink.get(key)) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks);
  };
  const ofType = <T extends LifeboatEvent["type"]>(events: LifeboatEvent[], type: T) =>
    events.filter((e): e is Extract<LifeboatEvent, { type: T }> => e.type === type);

  it("archives images and volumes with a manifest, duplicity full then incremental, containers running and the droplet active at the end", async () => {
    const droplet = `web-1-${p.slice(-6)}`;
    const world = await worldFor(configFor(droplet, h.ssh!.hostKeyFingerprint));
    const web = world.sandbox.addDroplet({ name: droplet, diskGb: 2, usedDiskGb: 1 });
    expect(await running(app)).toBe(true);

    // Run 1.
    const first = await world.run({ plan: "nightly", scheduledTime: "2026-01-04T02:30:00Z" });
    expect(first.getStatus()).toBe("SUCCEEDED");
    const result = first.getResult()!;
    expect(result.droplets[0]?.detail).not.toMatch(/failed/);
    expect(result.outcome).toBe("succeeded");
    expect(result.droplets[0]?.phases).toEqual({
      "pre hooks": "done",
      inventory: "done",
      archive: "done",
      "archive retention": "done",
      duplicity: "done",
      "post hooks": "done",
      "power off": "done",
      snapshot: "done",
      "power on": "done",
      containers: "done",
      retention: "done",
    });
    // The archive job's progress comes between the start and the stored archives, its bytes growing.
    const progress = ofType(world.events, "archive.progress").filter((e) => e.job === "archive");
    expect(progress.length).toBeGreaterThan(0);
    const bytes = progress.map((e) => e.bytesDone);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    const order = types(world.events);
    for (const e of progress) {
      expect(world.events.indexOf(e)).toBeGreaterThan(order.indexOf("run.started"));
      expect(world.events.indexOf(e)).toBeLessThan(order.indexOf("archive.stored"));
    }
    expect(types(world.events).filter((t) => t !== "archive.progress")).toEqual([
      "run.started",
      "archive.stored",
      "archive.stored",
      "archive.stored",
      "archive.stored",
      "retention.applied",
      "duplicity.completed",
      "droplet.powered_off",
      "snapshot.completed",
      "droplet.powered_on",
      "retention.applied",
      "run.finished",
    ]);
    const stored = ofType(world.events, "archive.stored");
    // Images (in docker's order), then volumes, then the manifest last.
    expect(stored.map((s) => s.kind)).toEqual(["image", "image", "volume", "manifest"]);
    expect(stored.map((s) => s.name).sort()).toEqual([app, idle, volume, "manifest.json"].sort());
    // Every object is in S3 with the sha256 the event reports; the manifest lists the archives.
    for (const s of stored) {
      expect(
        createHash("sha256")
          .update(await bytesOf(s.key))
          .digest("hex"),
      ).toBe(s.sha256);
    }
    const manifest = await readManifest(sink, manifestKey(droplet, result.runId));
    expect(manifest.containers.map((c) => c.container).sort()).toEqual([app, idle].sort());
    expect(manifest.volumes).toMatchObject([{ volume, mountPath: "/data", container: app }]);
    const tarball = join(dir, "volume.tar.x");
    await writeFile(tarball, await bytesOf(manifest.volumes[0]!.key));
    expect(spawnSync("tar", ["-tf", tarball]).stdout.toString().split("\n").sort()).toEqual(
      expect.arrayContaining(["./a.txt", "./d/b"]),
    );
    expect(ofType(world.events, "duplicity.completed")[0]).toMatchObject({ mode: "full", chains: 1 });
    expect(ofType(world.events, "droplet.powered_on")[0]).toMatchObject({ containersFailed: [] });
    expect(ofType(world.events, "droplet.powered_on")[0]?.containersRestarted).toContain(app);
    expect(ofType(world.events, "droplet.powered_on")[0]?.containersRestarted).not.toContain(idle);
    expect(await running(app)).toBe(true);
    expect(await running(idle)).toBe(false);
    expect(world.sandbox.droplet(web.id)?.status).toBe("active");
    expect(world.sandbox.droplet(web.id)?.tags).toEqual([]);
    expect((await stat(join(dir, `${droplet}-pre`))).isFile()).toBe(true);
    expect((await stat(join(dir, `${droplet}-post`))).isFile()).toBe(true);

    // Run 2, a day later: an incremental, and archive retention (keepLast 1) releases run 1.
    world.sandbox.advance(86_400_000);
    world.events.length = 0;
    const second = await world.run({ plan: "nightly", scheduledTime: "2026-01-05T02:30:00Z" });
    expect(second.getResult()?.outcome).toBe("succeeded");
    expect(ofType(world.events, "duplicity.completed")[0]).toMatchObject({ mode: "incremental", chains: 1 });
    const archives = ofType(world.events, "retention.applied").find((e) => e.target === "archives");
    expect(archives).toMatchObject({ kept: [second.getResult()?.runId], deleted: [result.runId], dryRun: false });
    expect(await sink.head(manifestKey(droplet, result.runId))).toBeUndefined();
    for (const s of stored) expect(await sink.head(s.key)).toBeUndefined();
    expect(await running(app)).toBe(true);
    expect(world.sandbox.droplet(web.id)?.status).toBe("active");

    // No credential anywhere lifeboat writes.
    const text = JSON.stringify({ lines, events: world.events, first: result, second: second.getResult() });
    // The log holds the duplicity job's start (the secrets go to it on stdin, not in the command).
    expect(lines.some((l) => l.includes("start job ") && l.includes("-duplicity"))).toBe(true);
    expect(text).not.toContain(secretAccessKey);
    expect(text).not.toContain(passphrase);
    expect(text).not.toContain("PRIVATE KEY");
  }, 300_000); // Two runs, each following its jobs poll by poll over SSH: past the suite's default on a busy machine.

  it("a host key that does not match: the SSH phases fail and are reported, the snapshot is taken, the droplet ends active; a droplet without an SSH entry is skipped with the reason", async () => {
    const droplet = `web-2-${p.slice(-6)}`;
    const wrongKey = `SHA256:${"Q".repeat(43)}`;
    const world = await worldFor(configFor(droplet, wrongKey, { droplets: [{ name: droplet }, { name: "db-1" }] }));
    const web = world.sandbox.addDroplet({ name: droplet, diskGb: 2, usedDiskGb: 1 });
    const db = world.sandbox.addDroplet({ name: "db-1", diskGb: 2, usedDiskGb: 1 });
    const execution = await world.run({ plan: "nightly", scheduledTime: "2026-01-04T02:30:00Z" });
    const result = execution.getResult()!;
    expect(result.outcome).toBe("incomplete");

    const web2 = result.droplets.find((d) => d.droplet === droplet)!;
    expect(web2.outcome).toBe("failed");
    expect(web2.phases).toMatchObject({
      "pre hooks": "failed",
      inventory: "failed",
      archive: "skipped",
      // The pre hook could not run, so (onFailure "skip-archives") duplicity is not tried.
      duplicity: "skipped",
      "post hooks": "failed",
      snapshot: "done",
      "power on": "done",
    });
    const failures = ofType(world.events, "run.failed").filter((e) => e.droplet === droplet);
    expect(failures.map((f) => f.phase)).toEqual(["pre hooks", "inventory", "post hooks"]);
    for (const f of failures) {
      expect(f.error).toContain(`its host key is ${h.ssh!.hostKeyFingerprint}, but the config pins ${wrongKey}`);
    }
    expect(ofType(world.events, "archive.stored")).toEqual([]);
    expect(
      ofType(world.events, "snapshot.completed")
        .map((e) => e.droplet)
        .sort(),
    ).toEqual([droplet, "db-1"].sort());
    expect(world.sandbox.droplet(web.id)?.status).toBe("active");
    expect(world.sandbox.droplet(db.id)?.status).toBe("active");

    const dbOutcome = result.droplets.find((d) => d.droplet === "db-1")!;
    expect(dbOutcome.outcome).toBe("succeeded");
    expect(dbOutcome.phases).toMatchObject({ inventory: "skipped", archive: "skipped", duplicity: "skipped" });
    expect(dbOutcome.detail).toContain('no ssh.droplets["db-1"]');
  });

  it('transport: "local": the same phases through a local shell archive into a local sink', async () => {
    const droplet = `web-3-${p.slice(-6)}`;
    const input: LifeboatConfigInput = {
      plans: [
        {
          name: "local",
          schedule: "rate(1 day)",
          droplets: [{ name: droplet }],
          snapshot: { mode: "none" },
          retention: { keepLast: 2 },
          containers: { include: [app], capture: "export", stopDuringArchive: [app] },
          volumes: { include: [volume] },
        },
      ],
      ssh: { droplets: { [droplet]: { transport: "local" } } },
    };
    const config = validateConfig(input);
    const local = new LocalSink(join(dir, "archives"));
    const hosts = configuredDropletHosts(config, {
      privateKey: async () => {
        throw new Error("a local droplet needs no SSH key");
      },
      localEnv: { DOCKER_HOST: h.docker!.host },
      storage: (name, run) =>
        runStorage(local, { droplet: name, runId: run.runId, plan: run.plan.name, policy: run.plan.retention }),
      log: (line) => lines.push(line),
      host: { helperImage: h.docker!.baseImage },
    });
    const world = await makeWorld({ config: input, hosts });
    worlds.push(world);
    world.sandbox.addDroplet({ name: droplet, diskGb: 2, usedDiskGb: 1 });
    const execution = await world.run({ plan: "local", trigger: "cli", scheduledTime: "2026-01-04T03:00:00Z" });
    const result = execution.getResult()!;
    expect(result.droplets[0]?.phases).toMatchObject({ inventory: "done", archive: "done", containers: "done" });
    expect(result.outcome).toBe("succeeded");
    const manifest = await readManifest(local, manifestKey(droplet, result.runId));
    expect(manifest.containers).toMatchObject([{ container: app, mode: "export" }]);
    expect(manifest.volumes).toMatchObject([{ volume, mountPath: "/data" }]);
    expect(lines.some((l) => l.startsWith(`${droplet} (local): `))).toBe(true);
    expect(await running(app)).toBe(true);
  });
});
