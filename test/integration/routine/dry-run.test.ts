import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { type LifeboatConfigInput, validateConfig } from "@lifeboat/core";
import { S3Sink } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployedDropletHosts } from "../../../functions/droplet-hosts";
import { harness, missingServices } from "../../harness/context";
import { type OwnDockerd, runVolumeContainerOn, startOwnDockerd } from "../../harness/own-dockerd";
import { isReadOnly, type RecordingSshd, startRecordingSshd } from "../../harness/recording-sshd";
import { makeWorld, snapshotsOf, type World } from "../../unit/routine/world";
import { unique } from "../remote/session";

const skip = missingServices("ssh", "docker", "s3", "duplicity");

describe.skipIf(skip)(`routine: a dry run changes nothing${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const h = harness();
  const p = unique("dry");
  const app = `${p}-app`;
  const volume = `${p}-data`;
  const droplet = `web-${p.slice(-6)}`;
  let dir: string;
  let recording: RecordingSshd;
  let world: World;
  const credentialsAsked: string[] = [];
  // An engine of its own: the test compares everything it holds before and after the dry run.
  let engine: OwnDockerd;
  const docker = (...args: string[]) => engine.docker(...args);

  beforeAll(async () => {
    await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
    dir = await mkdtemp(join(tmpdir(), "lifeboat-dry-"));
    await mkdir(join(dir, "src"), { recursive: true });
    await writeFile(join(dir, "src", "app.conf"), "x".repeat(50_000));
    engine = await startOwnDockerd(join(dir, "d"));
    recording = await startRecordingSshd(dir, { DOCKER_HOST: engine.service.host });
    const sshd = recording.ssh;

    docker("volume", "create", volume);
    docker(
      "run",
      "--rm",
      "-v",
      `${volume}:/data`,
      engine.service.baseImage,
      "sh",
      "-c",
      "head -c 200000 /dev/zero > /data/f",
    );
    runVolumeContainerOn(engine, {
      name: app,
      volume: volume,
      script: 'trap "exit 0" TERM; sleep 100000 & wait',
    });

    const config: LifeboatConfigInput = {
      plans: [
        {
          name: "nightly",
          schedule: "cron(30 2 * * ? *)",
          droplets: [{ name: droplet }],
          snapshot: { approval: { required: false } },
          retention: { keepLast: 1 },
          containers: { include: [app], capture: "commit", stopDuringArchive: [app] },
          volumes: { include: [volume] },
          duplicity: { paths: [join(dir, "src")], encryption: { type: "passphrase" } },
          hooks: { pre: [{ command: `echo pre > ${join(dir, "pre-ran")}` }] },
        },
      ],
      ssh: {
        user: sshd.user,
        port: sshd.port,
        droplets: { [droplet]: { hostKey: sshd.hostKeyFingerprint, address: "127.0.0.1" } },
      },
    } as LifeboatConfigInput;
    const validated = validateConfig(config);
    const privateKey = await readFile(sshd.privateKeyPath, "utf8");
    const hosts = deployedDropletHosts(validated, {
      sink,
      secrets: async <const N extends string>(names: readonly N[]) => {
        const known: Record<string, string> = { SSH_PRIVATE_KEY: privateKey, DUPLICITY_PASSPHRASE: "dry-run-test" };
        return Object.fromEntries(names.map((n) => [n, known[n] ?? ""])) as Record<N, string>;
      },
      credentials: async (name) => {
        credentialsAsked.push(name);
        return { accessKeyId: h.s3!.accessKeyId, secretAccessKey: `secret-${randomBytes(6).toString("hex")}` };
      },
      // The real run's archive job uploads from the droplet straight to s3rver (deployed: STS).
      archiveCredentials: async () => ({ accessKeyId: h.s3!.accessKeyId, secretAccessKey: "dry-run-test" }),
      duplicityEndpoint: h.s3!.endpoint,
      env: { LIFEBOAT_BUCKET: h.s3!.bucket, AWS_REGION: h.s3!.region },
      host: { helperImage: engine.service.baseImage, restart: { delayMs: 200 } },
    });
    world = await makeWorld({ config, hosts, startAt: Date.parse("2026-01-04T02:30:00Z") });
  });

  afterAll(async () => {
    await world?.close();
    await recording?.stop();
    await engine?.stop();
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

  /** Everything a run could create, delete or change, as comparable text. */
  const everything = async (dropletId: number) => ({
    containers: docker("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.Image}} {{.State}}"),
    volumes: docker("volume", "ls", "-q"),
    images: docker("images", "-a", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}"),
    objects: (await sink.list(""))
      .map((o) => `${o.key} ${o.bytes}`)
      .sort()
      .join("\n"),
    snapshots: snapshotsOf(world.sandbox, dropletId).sort(),
    droplet: world.sandbox.droplet(dropletId),
    tags: [...world.sandbox.state.tags].sort(),
  });

  it("after a real run: every command the droplet ran reads only, the sandbox got no write, and nothing is new or gone", async () => {
    const web = world.sandbox.addDroplet({ name: droplet, diskGb: 2, usedDiskGb: 1 });

    // A real run first: an archive run and a snapshot for retention to weigh.
    const real = (await world.run({ plan: "nightly", scheduledTime: "2026-01-04T02:30:00Z" })).getResult()!;
    expect(real.droplets[0]?.phases).toMatchObject({ archive: "done", duplicity: "done", snapshot: "done" });
    expect((await recording.commands()).length).toBeGreaterThan(0); // the recorder sees commands
    await rm(join(dir, "pre-ran"));

    world.sandbox.advance(86_400_000);
    const before = await everything(web.id);
    await recording.clear();
    const requestsBefore = world.sandbox.log.length;
    credentialsAsked.length = 0;
    world.events.length = 0;

    const execution = await world.run({ plan: "nightly", scheduledTime: "2026-01-05T02:30:00Z", dryRun: true });
    const result = execution.getResult()!;
    expect(result.outcome, JSON.stringify(result)).toBe("succeeded");

    const writes = world.sandbox.log
      .slice(requestsBefore)
      .filter((r) => ["POST", "PUT", "PATCH", "DELETE"].includes(r.method));
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    const commands = await recording.commands();
    expect(commands.length).toBeGreaterThan(0);
    expect(commands.filter((c) => !isReadOnly(c))).toEqual([]);
    expect(await everything(web.id)).toEqual(before);
    await expect(stat(join(dir, "pre-ran"))).rejects.toThrow(); // the pre hook did not run
    expect(credentialsAsked).toEqual([]); // no duplicity credentials were even made
    expect(world.events.map((e) => e.type)).toEqual(["run.started", "run.finished"]);

    const preview = result.droplets[0]!.preview!;
    expect(preview.host).toMatchObject({
      reached: true,
      containers: [{ name: app, running: true, bytes: expect.any(Number) }],
      volumes: [{ name: volume, usedBy: [app], bytes: expect.any(Number) }],
      stopped: [app],
      duplicityPaths: [{ path: join(dir, "src"), bytes: expect.any(Number) }],
    });
    if (!preview.host.reached) throw new Error("unreachable");
    expect(preview.host.volumes[0]!.bytes).toBeGreaterThanOrEqual(200_000);
    expect(preview.host.duplicityPaths[0]!.bytes).toBeGreaterThanOrEqual(50_000);
    expect(preview.unknown).toEqual([]);
    // keepLast 1: this run's snapshot and archive run would replace the real run's.
    expect(preview.retention.snapshots?.delete.map((d) => d.name)).toEqual([real.droplets[0]!.snapshot]);
    expect(preview.retention.archives?.delete.map((d) => d.name)).toEqual([real.runId]);
  }, 180_000);
});
