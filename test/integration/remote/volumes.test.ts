import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  archiveVolumes,
  ChecksumMismatchError,
  type Compression,
  inventory,
  type RemoteSession,
  restoreVolume,
  sh,
  VolumeNotEmptyError,
} from "@lifeboat/remote";
import { LocalSink, listRuns, runWriter, writeManifest } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, missingServices } from "../../harness/context";
import { openSession, remote, unique, volumeListing } from "./session";

const skip = missingServices("ssh", "docker");
/** A container process that stops promptly on SIGTERM (PID 1 ignores it otherwise). */
const IDLE = "trap 'exit 0' TERM; while :; do sleep 0.2; done";

describe.skipIf(skip)(`remote: volume archives round trip${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let session: RemoteSession;
  let observer: RemoteSession;
  let dir: string;
  const image = harness().docker?.baseImage ?? "";
  const volume = unique("data");
  const container = unique("app");
  const made: string[] = [volume];

  beforeAll(async () => {
    session = await openSession();
    observer = await openSession();
    dir = await mkdtemp(join(tmpdir(), "lifeboat-volumes-"));
    await remote(session, sh`docker volume create ${volume}`);
    const fill = [
      "mkdir -p /data/dir/deeper /data/empty",
      "printf 'hello\\n' > /data/dir/greeting && chmod 640 /data/dir/greeting",
      "head -c 300000 /dev/urandom > /data/dir/deeper/random.bin && chmod 600 /data/dir/deeper/random.bin",
      "printf '#!/bin/sh\\necho hi\\n' > /data/run.sh && chmod 755 /data/run.sh",
      "chown 65534:65534 /data/dir/greeting && chmod 1777 /data/empty",
      "ln -s dir/greeting /data/link",
    ].join(" && ");
    await remote(session, sh`docker run --rm --log-driver none -v ${`${volume}:/data`} ${image} sh -c ${fill}`);
    await remote(
      session,
      sh`docker run -d --name ${container} --log-driver none -v ${`${volume}:/srv/app`} ${image} sh -c ${IDLE}`,
    );
  });

  afterAll(async () => {
    await session.run(sh`docker rm -f ${container}`, { what: "cleanup", check: false });
    for (const v of made) await session.run(sh`docker volume rm -f ${v}`, { what: "cleanup", check: false });
    session.close();
    observer.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const compression of ["zstd", "gzip", "none"] as Compression[]) {
    it(`archives a volume (${compression}), lists it in a manifest, and restores the same files and modes`, async () => {
      const sink = new LocalSink(join(dir, compression));
      const inv = await inventory(session);
      const owner = inv.containers.find((c) => c.name === container);
      expect(owner?.mounts).toContainEqual({ type: "volume", volume, destination: "/srv/app", readOnly: false });
      expect(inv.running).toContain(container);
      const info = inv.volumes.find((v) => v.name === volume)!;

      const runId = `test-${compression}`;
      const states: string[] = [];
      const writer = runWriter(sink, { droplet: "harness", runId });
      const watching = {
        putArchive: async (...args: Parameters<typeof writer.putArchive>) => {
          // While the archive streams: is the container stopped, as stopDuringArchive asks?
          const state = await observer.run(sh`docker inspect -f ${"{{.State.Running}}"} ${container}`, { what: "t" });
          states.push(state.stdout.trim());
          return writer.putArchive(...args);
        },
      };
      const result = await archiveVolumes(session, watching, {
        volumes: [info],
        containers: inv.containers,
        stopDuringArchive: [container],
        helperImage: image,
        compression,
        stopTimeoutSeconds: 5,
      });
      expect(result.failed).toEqual([]);
      expect(states).toEqual(["false"]);
      expect(result.stopped).toEqual([container]);
      expect(result.restarts.restarted).toEqual([container]);
      expect((await remote(session, sh`docker inspect -f ${"{{.State.Running}}"} ${container}`)).trim()).toBe("true");

      const [stored] = result.stored;
      expect(stored).toMatchObject({ volume, mountPath: "/srv/app", container, image, compression });
      await writeManifest(sink, {
        runId,
        plan: "test",
        droplet: "harness",
        createdAt: new Date().toISOString(),
        containers: [],
        volumes: result.stored,
      });
      const { runs } = await listRuns(sink, "harness");
      expect(runs.map((r) => r.runId)).toEqual([runId]);
      const entry = runs[0]!.manifest.volumes[0]!;

      const target = unique("restored");
      made.push(target);
      const restored = await restoreVolume(session, await sink.get(entry.key), {
        volume: target,
        sha256: entry.sha256,
        compression: entry.compression,
        helperImage: image,
      });
      expect(restored).toEqual({ volume: target, created: true });
      const original = await volumeListing(session, volume);
      expect(original).toContain("-rw-r----- 65534:65534 6");
      expect(original).toContain("drwxrwxrwt");
      expect(await volumeListing(session, target)).toBe(original);

      // Into a volume that now has files: refused, and nothing changes.
      await expect(
        restoreVolume(session, await sink.get(entry.key), {
          volume: target,
          sha256: entry.sha256,
          compression: entry.compression,
          helperImage: image,
        }),
      ).rejects.toBeInstanceOf(VolumeNotEmptyError);
    });
  }

  it("checks the sha256 before extracting: a corrupted archive restores nothing", async () => {
    const target = unique("never");
    made.push(target);
    const bogus = Readable.from([Buffer.from("not the archive")]);
    await expect(
      restoreVolume(session, bogus, {
        volume: target,
        sha256: "0".repeat(64),
        compression: "zstd",
        helperImage: image,
      }),
    ).rejects.toBeInstanceOf(ChecksumMismatchError);
    const exists = await session.run(sh`docker volume inspect ${target}`, { what: "t", check: false });
    expect(exists.code).not.toBe(0);
  });
  it("a restore that fails removes the volume it created, and never one that existed before", async () => {
    // Bytes that match their checksum but are no zstd: the extraction fails after the volume exists.
    const garbage = Buffer.from("checksum right, archive wrong");
    const sha256 = createHash("sha256").update(garbage).digest("hex");
    const attempt = (into: string, helperImage = image) =>
      restoreVolume(session, Readable.from([garbage]), { volume: into, sha256, compression: "zstd", helperImage });
    const exists = async (v: string) =>
      (await session.run(sh`docker volume inspect ${v}`, { what: "t", check: false })).code === 0;

    const fresh = unique("failed");
    made.push(fresh);
    await expect(attempt(fresh)).rejects.toThrow(/extract into volume .* failed/);
    expect(await exists(fresh)).toBe(false);

    // A helper image that is neither here nor pullable (offline): docker run fails, nothing stays.
    const offline = unique("offline");
    made.push(offline);
    await expect(attempt(offline, `lifeboat-test/absent-${process.pid}:1`)).rejects.toThrow(/extract into volume/);
    expect(await exists(offline)).toBe(false);

    const before = unique("existing");
    made.push(before);
    await remote(session, sh`docker volume create ${before}`);
    await expect(attempt(before)).rejects.toThrow(/extract into volume/);
    expect(await exists(before)).toBe(true);
  });

  it("fails, without waiting forever, when the helper container dies before it writes the tar", async () => {
    // An image with tar but no sh: `docker run … sh -c` fails before the FIFO is ever opened,
    // the case in which a reader left waiting on it would hang the run.
    const noShell = `lifeboat-test/no-shell-${process.pid}:1`;
    const build = [
      'd=$(mktemp -d) && trap \'rm -rf "$d"\' EXIT && mkdir "$d/bin"',
      'cp "$(command -v busybox)" "$d/bin/busybox" && ln -s busybox "$d/bin/tar"',
      `tar c -C "$d" . | docker import - ${noShell} >/dev/null`,
    ].join(" && ");
    await remote(session, sh`sh -c ${build}`);
    try {
      const sink = new LocalSink(join(dir, "no-shell"));
      const info = (await inventory(session)).volumes.find((v) => v.name === volume)!;
      const result = await archiveVolumes(session, runWriter(sink, { droplet: "harness", runId: "no-shell" }), {
        volumes: [info],
        containers: [],
        helperImage: noShell,
        compression: "none",
      });
      expect(result.stored).toEqual([]);
      expect(result.failed).toHaveLength(1);
      expect(result.failed[0]!.error).toMatch(/archive volume .* failed \(exit code 12[67]\)/);
      expect(await sink.list("")).toEqual([]);
    } finally {
      await session.run(sh`docker rmi ${noShell}`, { what: "cleanup", check: false });
    }
  });
});
