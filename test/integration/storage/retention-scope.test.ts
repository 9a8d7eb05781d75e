import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { applyArchiveRetention, LocalSink, runWriter, S3Sink, type Sink, writeManifest } from "@lifeboat/storage";
import { describe, expect, it } from "vitest";
import { harness, missingServices } from "../../harness/context";
import { unique } from "../remote/session";

const keepLast = (n: number) => ({ keepLast: n, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0 });
const day = (d: number) => `2026-11-0${d}T03:00:00.000Z`;

/** A complete run as lifeboat writes it: one image and one volume archive, then the manifest. */
async function storeRun(sink: Sink, droplet: string, runId: string, createdAt: string) {
  const writer = runWriter(sink, { droplet, runId });
  const image = await writer.putArchive("image", "app.tar.gz", Readable.from([Buffer.from(`image ${runId}`)]));
  const volume = await writer.putArchive("volume", "data.tar.gz", Readable.from([Buffer.from(`volume ${runId}`)]));
  await writeManifest(sink, {
    runId,
    plan: "nightly",
    droplet,
    createdAt,
    containers: [
      { container: "app", image: "app:1", imageId: "sha256:1", mode: "commit", compression: "gzip", ...image },
    ],
    volumes: [{ volume: "data", usedBy: [], compression: "gzip", ...volume }],
  });
  return { image: image.key, volume: volume.key };
}

/** Rewrites a manifest by hand, as someone editing or copying it would: no check runs. */
async function tamper(sink: Sink, manifestKey: string, extraVolumeKeys: string[]) {
  const chunks: Buffer[] = [];
  for await (const c of await sink.get(manifestKey)) chunks.push(Buffer.from(c));
  const manifest = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const [own] = manifest.volumes;
  for (const key of extraVolumeKeys) manifest.volumes.push({ ...own, volume: `v${manifest.volumes.length}`, key });
  await sink.put(manifestKey, Readable.from([Buffer.from(JSON.stringify(manifest))]));
}

const keysOf = async (sink: Sink) => (await sink.list("")).map((o) => o.key);

async function scenario(sink: Sink) {
  const a1 = await storeRun(sink, "web-a", "nightly-1", day(1));
  const a2 = await storeRun(sink, "web-a", "nightly-2", day(2));
  const b1 = await storeRun(sink, "web-b", "nightly-1", day(1));
  const b2 = await storeRun(sink, "web-b", "nightly-2", day(2));
  await storeRun(sink, "web-b", "nightly-3", day(3));

  // B's oldest run, the one its retention releases, now also lists A's archives (directly and
  // by climbing out with ".."), one of B's other runs, and its own image with a leading "/".
  const foreign = [
    a1.volume,
    a2.image,
    "runs/web-b/nightly-1/../../web-a/nightly-2/volumes/data.tar.gz",
    "runs/web-b/nightly-1/../../../../runs/web-a/nightly-1/images/app.tar.gz",
    "runs/web-b/nightly-10/volumes/data.tar.gz",
    b2.volume,
  ];
  await tamper(sink, "runs/web-b/nightly-1/manifest.json", [
    ...foreign,
    `/${b1.image}`,
    "runs//web-b/nightly-1/./x.tar",
  ]);
  const manifest = "runs/web-b/nightly-1/manifest.json";

  const dry = await applyArchiveRetention(sink, {
    droplet: "web-b",
    plan: "nightly",
    policy: keepLast(2),
    dryRun: true,
  });
  expect(dry.deleted).toEqual(["nightly-1"]);
  expect(dry.refused.map((r) => r.key)).toEqual(foreign);

  const before = await keysOf(sink);
  const b = await applyArchiveRetention(sink, { droplet: "web-b", plan: "nightly", policy: keepLast(2) });
  expect(b.deleted).toEqual(["nightly-1"]);
  expect(b.refused.map((r) => r.key)).toEqual(foreign);
  for (const r of b.refused) expect(r).toMatchObject({ runId: "nightly-1", manifestKey: manifest });
  expect(b.refused[0]!.reason).toMatch(/outside runs\/web-b\/nightly-1\/, the run directory holding this manifest/);
  expect(b.refused[3]!.reason).toMatch(/climbs above the storage root/);

  const after = await keysOf(sink);
  // Everything of A's, and B's other runs, survive; B's released run is gone entirely.
  expect(after.filter((k) => k.startsWith("runs/web-a/"))).toEqual(before.filter((k) => k.startsWith("runs/web-a/")));
  expect(after).toContain(b2.volume);
  expect(after.filter((k) => k.startsWith("runs/web-b/nightly-1/"))).toEqual([]);

  // A normal run: its own keys are deleted as before, nothing refused.
  const a = await applyArchiveRetention(sink, { droplet: "web-a", plan: "nightly", policy: keepLast(1) });
  expect(a).toMatchObject({ deleted: ["nightly-1"], refused: [] });
  const end = await keysOf(sink);
  expect(end.filter((k) => k.startsWith("runs/web-a/"))).toEqual([
    "runs/web-a/nightly-2/images/app.tar.gz",
    "runs/web-a/nightly-2/manifest.json",
    "runs/web-a/nightly-2/volumes/data.tar.gz",
  ]);
}

describe("archive retention deletes only inside the released run's own directory", () => {
  it("local sink: a tampered manifest cannot delete another droplet's archives", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lifeboat-retention-scope-"));
    try {
      await scenario(new LocalSink(dir));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const skip = missingServices("s3");
  it.skipIf(skip)(`S3 sink on s3rver: the same${skip ? ` (skipped: ${skip})` : ""}`, async () => {
    const s3 = harness().s3!;
    const sink = new S3Sink({
      bucket: s3.bucket,
      region: s3.region,
      endpoint: s3.endpoint,
      prefix: `${unique("scope")}/`,
      forcePathStyle: true,
      checksums: "WHEN_REQUIRED",
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    await scenario(sink);
  });
});
