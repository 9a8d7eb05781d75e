import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { captureImages, inventory, loadImage, type RemoteSession, sh } from "@lifeboat/remote";
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
});
