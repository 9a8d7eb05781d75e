import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { captureImages, inventory, loadImage, type RemoteSession, restoreImage, sh } from "@lifeboat/remote";
import { LocalSink, runWriter } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, missingServices } from "../../harness/context";
import { openSession, remote, unique } from "./session";

const skip = missingServices("ssh", "docker");

describe.skipIf(skip)(`remote: container images${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let session: RemoteSession;
  let dir: string;
  const image = harness().docker?.baseImage ?? "";
  const container = unique("web");

  beforeAll(async () => {
    session = await openSession();
    dir = await mkdtemp(join(tmpdir(), "lifeboat-images-"));
    await remote(session, sh`docker create --name ${container} --label ${"purpose=test"} ${image} sh`);
    await remote(session, sh`docker start ${container}`);
    await remote(session, sh`docker cp ${"/etc/hostname"} ${`${container}:/root/hostname`}`);
  });

  afterAll(async () => {
    await session.run(sh`docker rm -f ${container}`, { what: "cleanup", check: false });
    session.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("commit + save → docker load brings back the same image id, and the droplet keeps no extra image", async () => {
    const sink = new LocalSink(dir);
    const inv = await inventory(session);
    const info = inv.containers.find((c) => c.name === container)!;
    expect(info.labels).toEqual({ purpose: "test" });
    expect(info.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);

    const result = await captureImages(session, runWriter(sink, { droplet: "harness", runId: "img" }), {
      containers: [info],
      mode: "commit",
    });
    expect(result.failed).toEqual([]);
    const [stored] = result.stored;
    expect(stored).toMatchObject({ container, image, imageId: info.imageId, mode: "commit" });
    expect(stored!.key).toMatch(/^runs\/harness\/img\/images\/.+\.tar\.(zst|gz)$/);
    const committed = stored!.capturedImageId!;
    // The committed image was removed after the save.
    expect((await session.run(sh`docker image inspect ${committed}`, { what: "t", check: false })).code).not.toBe(0);

    const loaded = await loadImage(session, await sink.get(stored!.key), {
      sha256: stored!.sha256,
      compression: stored!.compression,
    });
    expect(loaded.loaded).toEqual([committed]);
    const file = await remote(session, sh`docker run --rm --log-driver none ${committed} cat /root/hostname`);
    expect(file.length).toBeGreaterThan(0);
    await remote(session, sh`docker image rm ${committed}`);
  });

  it("export writes the container's filesystem as a tar", async () => {
    const sink = new LocalSink(dir);
    const inv = await inventory(session);
    const info = inv.containers.find((c) => c.name === container)!;
    const result = await captureImages(session, runWriter(sink, { droplet: "harness", runId: "exp" }), {
      containers: [info],
      mode: "export",
      compression: "none",
    });
    expect(result.failed).toEqual([]);
    const chunks: Buffer[] = [];
    for await (const c of await sink.get(result.stored[0]!.key)) chunks.push(c as Buffer);
    const tar = Buffer.concat(chunks);
    expect(tar.length).toBe(result.stored[0]!.bytes);
    expect(tar.includes(Buffer.from("root/hostname"))).toBe(true);
  });

  it("restoreImage gives the restored image its original repo:tag back, for commit and export archives", async () => {
    // Its own name, so moving the tag never touches the harness's base image.
    const name = `lifeboat-test/restore-web-${process.pid}:1`;
    const app = unique("tagged");
    await remote(session, sh`docker tag ${image} ${name}`);
    await remote(session, sh`docker create --name ${app} ${name} sh`);
    const idOf = async (ref: string) => (await remote(session, sh`docker image inspect -f ${"{{.Id}}"} ${ref}`)).trim();
    const baseId = await idOf(image);
    const cleanup: string[] = [name];
    try {
      const sink = new LocalSink(dir);
      const info = (await inventory(session)).containers.find((c) => c.name === app)!;
      const writer = runWriter(sink, { droplet: "harness", runId: "tag" });
      const [commit] = (await captureImages(session, writer, { containers: [info], mode: "commit" })).stored;
      expect(commit).toMatchObject({ image: name, mode: "commit" });

      // The name still points at the original image: the restore moves it, and says from where.
      const loaded = await restoreImage(session, await sink.get(commit!.key), {
        sha256: commit!.sha256,
        compression: commit!.compression,
        mode: "commit",
        tag: commit!.image,
      });
      cleanup.push(loaded.imageId);
      expect(loaded).toEqual({ imageId: commit!.capturedImageId, tagged: name, replaced: baseId });
      expect(await idOf(name)).toBe(commit!.capturedImageId);

      const writer2 = runWriter(sink, { droplet: "harness", runId: "tag-export" });
      const [flat] = (await captureImages(session, writer2, { containers: [info], mode: "export" })).stored;
      const exportedName = `lifeboat-test/restore-web-${process.pid}:exported`;
      cleanup.push(exportedName);
      const imported = await restoreImage(session, await sink.get(flat!.key), {
        sha256: flat!.sha256,
        compression: flat!.compression,
        mode: "export",
        tag: exportedName,
      });
      expect(imported).toEqual({ imageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), tagged: exportedName });
      expect(await idOf(exportedName)).toBe(imported.imageId);
      const passwd = await remote(session, sh`docker run --rm --log-driver none ${exportedName} cat /etc/passwd`);
      expect(passwd).toContain("root:x:0:0");
    } finally {
      await session.run(sh`docker rm -f ${app}`, { what: "cleanup", check: false });
      for (const ref of cleanup) await session.run(sh`docker image rm ${ref}`, { what: "cleanup", check: false });
    }
  });
});
