import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { archiveVolumes, inventory, type RemoteSession, sh } from "@lifeboat/remote";
import { listRuns, runWriter, S3Sink } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, missingServices } from "../../harness/context";
import { startTcpProxy } from "../../harness/tcp-proxy";
import { openSession, remote, unique } from "../remote/session";

const skip = missingServices("s3");

/** An S3 sink on the harness's s3rver; `commands` records each S3 call; `refusePart` fails that part. */
function sinkWith(prefix: string, commands?: string[], refusePart?: number): S3Sink {
  const s3 = harness().s3!;
  return new S3Sink({
    bucket: s3.bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    prefix,
    forcePathStyle: true,
    checksums: "WHEN_REQUIRED",
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    partSize: 5 * 1024 * 1024,
    onClient: (c) =>
      c.middlewareStack.add(
        (next, context) => async (args) => {
          commands?.push(context.commandName ?? "");
          const input = args.input as { PartNumber?: number };
          if (context.commandName === "UploadPartCommand" && input.PartNumber === refusePart) {
            throw Object.assign(new Error("refused by the test: InternalError"), { name: "InternalError" });
          }
          return next(args);
        },
        { step: "initialize", name: "observe" },
      ),
  });
}

describe.skipIf(skip)(`storage: S3 sink${skip ? ` (skipped: ${skip})` : ""}`, () => {
  it("stores a multipart object with the sha256 of its bytes, reads, lists and deletes it", async () => {
    const sink = sinkWith(`${unique("t")}/`);
    const data = randomBytes(11 * 1024 * 1024 + 5);
    const stored = await sink.put("runs/d/r/volumes/v.tar", Readable.from([data.subarray(0, 7e6), data.subarray(7e6)]));
    expect(stored).toEqual({
      key: "runs/d/r/volumes/v.tar",
      bytes: data.length,
      sha256: createHash("sha256").update(data).digest("hex"),
    });
    const chunks: Buffer[] = [];
    for await (const c of await sink.get(stored.key)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    expect((await sink.list("runs/d/")).map((o) => [o.key, o.bytes])).toEqual([[stored.key, data.length]]);
    await sink.delete(stored.key);
    expect(await sink.head(stored.key)).toBeUndefined();
  });

  it("aborts the upload when S3 refuses a part: no object remains", async () => {
    const commands: string[] = [];
    const sink = sinkWith(`${unique("t")}/`, commands, 2);
    const data = randomBytes(12 * 1024 * 1024);
    await expect(sink.put("runs/d/r/volumes/v.tar", Readable.from([data]))).rejects.toThrow(/refused by the test/);
    expect(commands).toContain("CreateMultipartUploadCommand");
    expect(commands).toContain("AbortMultipartUploadCommand");
    expect(commands).not.toContain("CompleteMultipartUploadCommand");
    expect(await sink.head("runs/d/r/volumes/v.tar")).toBeUndefined();
    expect(await sink.list("")).toEqual([]);
  });

  it("aborts when the source stream breaks: no object remains", async () => {
    const sink = sinkWith(`${unique("t")}/`);
    const source = new Readable({ read() {} });
    source.push(randomBytes(6 * 1024 * 1024));
    setImmediate(() => source.destroy(new Error("source broke")));
    await expect(sink.put("runs/d/r/x.tar", source)).rejects.toThrow();
    expect(await sink.list("")).toEqual([]);
  });
});

const skipCut = missingServices("s3", "ssh", "docker");

describe.skipIf(skipCut)(`storage: SSH cut mid-stream${skipCut ? ` (skipped: ${skipCut})` : ""}`, () => {
  let setup: RemoteSession;
  const volume = unique("big");

  beforeAll(async () => {
    setup = await openSession();
    await remote(setup, sh`docker volume create ${volume}`);
    const fill = "head -c 24000000 /dev/urandom > /data/random.bin";
    await remote(
      setup,
      sh`docker run --rm --log-driver none -v ${`${volume}:/data`} ${harness().docker!.baseImage} sh -c ${fill}`,
    );
  });
  afterAll(async () => {
    await setup.run(sh`docker volume rm -f ${volume}`, { what: "cleanup", check: false });
    setup.close();
  });

  it("an SSH connection cut mid-stream aborts the upload: no object, no manifest", async () => {
    const commands: string[] = [];
    const sink = sinkWith(`${unique("cut")}/`, commands);
    let cut = false;
    // Cut after ~8 MB came back from the droplet: past the first 5 MiB part.
    const proxy = await startTcpProxy(harness().ssh!.port, (total, p) => {
      if (!cut && total > 8_000_000) {
        cut = true;
        p.cut();
      }
    });
    const session = await openSession(undefined, proxy.port);
    const inv = await inventory(session);
    const result = await archiveVolumes(session, runWriter(sink, { droplet: "harness", runId: "cut" }), {
      volumes: inv.volumes.filter((v) => v.name === volume),
      containers: inv.containers,
      helperImage: harness().docker!.baseImage,
      compression: "none",
    });
    await proxy.close();
    expect(cut).toBe(true);
    expect(result.stored).toEqual([]);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]!.error).toMatch(/SSH connection .* lost/);
    expect(commands).toContain("UploadPartCommand");
    expect(commands).toContain("AbortMultipartUploadCommand");
    expect(await sink.list("")).toEqual([]);
    expect((await listRuns(sink, "harness")).runs).toEqual([]);
  });
});
