/**
 * `verify`'s store half against the harness's S3 server: real tar.zst / tar.gz archives and a
 * manifest as a run writes them, then each kind of damage made in the server itself (an object
 * deleted, rewritten longer, rewritten with one byte flipped; a run left without a manifest; a
 * volume deleted from a chain real duplicity made) — each found and named.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { duplicityChainVerdict, type VerifyFinding } from "@lifeboat/core";
import { duplicityPrefix, runWriter, S3Sink, type Sink, storeVerifier, writeManifest } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, missingServices } from "../../harness/context";
import { unique } from "../remote/session";

const h = harness();
const DAY = 86_400_000;

function s3Sink(prefix: string): S3Sink {
  const s3 = h.s3!;
  return new S3Sink({
    bucket: s3.bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    prefix,
    forcePathStyle: true,
    checksums: "WHEN_REQUIRED",
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
}

/** A real tar of a small tree (`tar c`), as the volume job makes it. */
async function tarOf(dir: string): Promise<Buffer> {
  await mkdir(join(dir, "sub"), { recursive: true });
  await writeFile(join(dir, "a.txt"), "kept\n");
  await writeFile(join(dir, "sub", "b.bin"), randomBytes(70_000));
  return execFileSync("tar", ["c", "-C", dir, "."], { maxBuffer: 1 << 24 });
}

const zstd = (data: Buffer) => execFileSync("zstd", ["-q", "-c"], { input: data, maxBuffer: 1 << 24 });

async function put(sink: Sink, key: string, body: Buffer) {
  await sink.put(key, Readable.from([body]));
}

async function getBytes(sink: Sink, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await sink.get(key)) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** A complete run: an image (tar.zst), two volumes (tar.zst, tar.gz), then the manifest. */
async function storeRun(sink: Sink, droplet: string, runId: string, tar: Buffer, createdAt = new Date().toISOString()) {
  const writer = runWriter(sink, { droplet, runId });
  const image = await writer.putArchive("image", "app.tar.zst", Readable.from([zstd(tar)]));
  const data = await writer.putArchive("volume", "data.tar.zst", Readable.from([zstd(tar)]));
  const logs = await writer.putArchive("volume", "logs.tar.gz", Readable.from([gzipSync(tar)]));
  await writeManifest(sink, {
    runId,
    plan: "nightly",
    droplet,
    createdAt,
    containers: [
      { container: "app", image: "app:1", imageId: "sha256:1", mode: "commit", compression: "zstd", ...image },
    ],
    volumes: [
      { volume: "data", usedBy: [], compression: "zstd", ...data },
      { volume: "logs", usedBy: [], compression: "gzip", ...logs },
    ],
  });
  return { image: image.key, data: data.key, logs: logs.key };
}

const broken = (findings: VerifyFinding[]) => findings.filter((f) => !f.ok).map((f) => [f.check, f.item, f.detail]);

const skip = missingServices("s3");
describe.skipIf(skip)(`verify: the stored archives are whole${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let dir: string;
  let tar: Buffer;
  let sink: S3Sink;
  const options = (o: { readData?: number; prune?: boolean; now?: number } = {}) => ({
    readData: o.readData ?? 1,
    seed: 1,
    prune: o.prune ?? false,
    now: o.now ?? Date.now(),
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "verify-store-"));
    tar = await tarOf(join(dir, "tree"));
    sink = s3Sink(`${unique("verify")}/`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("a clean store passes: the latest run's manifest, sizes, sha256 and each tar read back", async () => {
    await storeRun(sink, "clean", "nightly-1", tar, "2026-11-28T03:00:00.000Z");
    const latest = await storeRun(sink, "clean", "nightly-2", tar);
    const findings = await storeVerifier(sink).runs("clean", options());
    expect(broken(findings)).toEqual([]);
    expect(findings.find((f) => f.check === "manifest")?.detail).toMatch(/^run nightly-2 .*: 3 of 3 archives there/);
    const data = findings.filter((f) => f.check === "data");
    expect(data.map((f) => f.item).sort()).toEqual(Object.values(latest).sort());
    // a.txt, sub/, sub/b.bin and "./": the tar listed through zstd and gzip alike.
    for (const f of data) expect(f.detail).toMatch(/^sha256 matches \(\d+ bytes\), a tar of 4 entries$/);
  });

  it("a missing object and one of the wrong size are each named; sizes need no read-back", async () => {
    const keys = await storeRun(sink, "damaged", "nightly-1", tar);
    await sink.delete(keys.data);
    await put(sink, keys.logs, Buffer.concat([await getBytes(sink, keys.logs), Buffer.from("x")]));
    const findings = await storeVerifier(sink).runs("damaged", options({ readData: 0 }));
    expect(broken(findings)).toEqual([
      ["object", keys.data, "missing from the store"],
      ["object", keys.logs, expect.stringMatching(/^has (\d+) bytes, the manifest says \d+$/)],
      ["manifest", "runs/damaged/nightly-1/manifest.json", expect.stringContaining("1 of 3 archives there")],
    ]);
    expect(findings.some((f) => f.check === "data")).toBe(false);
  });

  it("a flipped byte (same size) is found by --read-data and named with both sha256s", async () => {
    const keys = await storeRun(sink, "flipped", "nightly-1", tar);
    const bytes = await getBytes(sink, keys.image);
    bytes[bytes.length >> 1]! ^= 0x01;
    await put(sink, keys.image, bytes);
    const sizesOnly = await storeVerifier(sink).runs("flipped", options({ readData: 0 }));
    expect(broken(sizesOnly)).toEqual([]);
    const read = await storeVerifier(sink).runs("flipped", options());
    expect(broken(read)).toEqual([
      ["data", keys.image, expect.stringMatching(/^sha256 [0-9a-f]{64} differs from the manifest's [0-9a-f]{64}$/)],
    ]);
  });

  it("an archive whose sha256 matches but is no tar is named unreadable", async () => {
    const writer = runWriter(sink, { droplet: "notar", runId: "nightly-1" });
    const stored = await writer.putArchive("volume", "junk.tar.zst", Readable.from([zstd(randomBytes(5000))]));
    await writeManifest(sink, {
      runId: "nightly-1",
      plan: "nightly",
      droplet: "notar",
      createdAt: new Date().toISOString(),
      containers: [],
      volumes: [{ volume: "junk", usedBy: [], compression: "zstd", ...stored }],
    });
    const findings = await storeVerifier(sink).runs("notar", options());
    expect(broken(findings)).toEqual([
      [
        "data",
        stored.key,
        expect.stringMatching(/^its sha256 matches but it is not readable: tar header 1 has a bad checksum/),
      ],
    ]);
  });

  it("a manifest that does not parse is named", async () => {
    await storeRun(sink, "badmanifest", "nightly-1", tar);
    await put(sink, "runs/badmanifest/nightly-1/manifest.json", Buffer.from('{"format":"lifeboat.manifest/v1"}'));
    const findings = await storeVerifier(sink).runs("badmanifest", options());
    expect(broken(findings)).toEqual([
      [
        "manifest",
        "runs/badmanifest/nightly-1/manifest.json",
        expect.stringMatching(/^does not match lifeboat.manifest\/v1 at /),
      ],
    ]);
  });

  it("a run without a manifest older than a day is debris; --prune deletes it and nothing else", async () => {
    const kept = await storeRun(sink, "debris", "nightly-1", tar);
    const writer = runWriter(sink, { droplet: "debris", runId: "nightly-2" });
    await writer.putArchive("volume", "data.tar.zst", Readable.from([zstd(tar)]));
    await writer.putArchive("image", "app.tar.zst", Readable.from([zstd(tar)]));
    await storeRun(sink, "debris-2", "nightly-2", tar); // another droplet, same run id: never touched
    const before = (await sink.list("")).map((o) => o.key).sort();

    // Young: may still be uploading, so not debris.
    expect(broken(await storeVerifier(sink).runs("debris", options()))).toEqual([]);
    const later = Date.now() + 2 * DAY;
    expect(broken(await storeVerifier(sink).runs("debris", options({ now: later })))).toEqual([
      [
        "debris",
        "runs/debris/nightly-2/",
        expect.stringMatching(/^no manifest, 2 objects, .*; delete it with --prune$/),
      ],
    ]);
    expect((await sink.list("")).map((o) => o.key).sort()).toEqual(before);

    const pruned = await storeVerifier(sink).runs("debris", options({ now: later, prune: true }));
    expect(broken(pruned)).toEqual([]);
    expect(pruned.find((f) => f.check === "debris")?.detail).toMatch(/deleted 2 objects \(--prune\)$/);
    const after = (await sink.list("")).map((o) => o.key).sort();
    expect(after).toEqual(before.filter((k) => !k.startsWith("runs/debris/nightly-2/")));
    expect(after).toEqual(expect.arrayContaining([...Object.values(kept), "runs/debris-2/nightly-2/manifest.json"]));
  });
});

const skipDuplicity = missingServices("s3", "duplicity");
describe.skipIf(skipDuplicity)(
  `verify: a duplicity chain made by real duplicity${skipDuplicity ? ` (skipped: ${skipDuplicity})` : ""}`,
  () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "verify-dup-"));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it("a whole chain passes; a volume deleted from it is named", async () => {
      const storePrefix = `${unique("verify-dup")}/`;
      const sink = s3Sink(storePrefix);
      const src = join(dir, "src");
      await mkdir(src, { recursive: true });
      await writeFile(join(src, "a.txt"), "one\n");
      const s3 = h.s3!;
      // duplicity itself, straight at the S3 server, where `lifeboat run` puts it (kept to
      // one invocation: the suite is near its time budget).
      const duplicity = (mode: string) =>
        execFileSync(
          "duplicity",
          [
            mode,
            `--s3-endpoint-url=${s3.endpoint}`,
            `--s3-region-name=${s3.region}`,
            `--archive-dir=${join(dir, "cache")}`,
            "--name=verify",
            src,
            `boto3+s3://${s3.bucket}/${duplicityPrefix(storePrefix, "web")}`,
          ],
          {
            env: {
              ...process.env,
              PASSPHRASE: "verify-test",
              AWS_ACCESS_KEY_ID: s3.accessKeyId,
              AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
            },
            stdio: "pipe",
          },
        );
      duplicity("full");

      const rule = { fullEverySeconds: 30 * 86_400, intervalSeconds: 86_400 };
      const files = await storeVerifier(sink).duplicityFiles!("web");
      const whole = duplicityChainVerdict(files, rule, Date.now());
      expect(whole).toMatchObject({ sets: 1, problems: [] });

      const volume = files.find((f) => /^duplicity-full\..*\.vol1\.difftar/.test(f.name))!.name;
      await sink.delete(`${duplicityPrefix("", "web")}/${volume}`);
      const after = duplicityChainVerdict(await storeVerifier(sink).duplicityFiles!("web"), rule, Date.now());
      expect(after.problems).toEqual([{ item: expect.stringMatching(/^full /), problem: "has no volumes" }]);
    });
  },
);
