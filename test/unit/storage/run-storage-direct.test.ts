/**
 * What a droplet's archive job needs from a run's storage: where to upload (`direct`), the
 * keys, the sizes found (HEAD) and aborting the run's open multipart uploads. The S3 side runs
 * the real SDK against a loopback stand-in that keeps open uploads and pages their listing
 * two at a time, as S3 does past MaxUploads; the local side against a directory.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { LocalSink, runStorage, S3Sink } from "@lifeboat/storage";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const BUCKET = "archives";
const policy = { keepLast: 1, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0 };
const run = { droplet: "web-1", runId: "nightly-20261130T030000Z", plan: "nightly", policy };

/** Open uploads by full key and id, objects by full key (their sizes), and what was asked. */
const open: Array<{ key: string; uploadId: string }> = [];
const objects = new Map<string, number>();
const requests: string[] = [];
let refuseAbortOf: string | undefined;

const xmlEscape = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;");

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://s3");
  requests.push(`${req.method} ${url.pathname}${url.search}`);
  const key = decodeURIComponent(url.pathname.slice(`/${BUCKET}/`.length));
  if (req.method === "GET" && url.searchParams.has("uploads")) {
    const prefix = url.searchParams.get("prefix") ?? "";
    const keyMarker = url.searchParams.get("key-marker") ?? "";
    const idMarker = url.searchParams.get("upload-id-marker") ?? "";
    const after = open
      .filter((u) => u.key.startsWith(prefix))
      .sort((a, b) => a.key.localeCompare(b.key) || a.uploadId.localeCompare(b.uploadId))
      .filter((u) => u.key > keyMarker || (u.key === keyMarker && u.uploadId > idMarker));
    const page = after.slice(0, 2);
    const last = page.at(-1);
    const truncated = after.length > page.length;
    res.writeHead(200, { "content-type": "application/xml" }).end(
      `<?xml version="1.0" encoding="UTF-8"?>
<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>${BUCKET}</Bucket><Prefix>${xmlEscape(prefix)}</Prefix><MaxUploads>2</MaxUploads>
  <IsTruncated>${truncated}</IsTruncated>
  ${truncated && last ? `<NextKeyMarker>${xmlEscape(last.key)}</NextKeyMarker><NextUploadIdMarker>${last.uploadId}</NextUploadIdMarker>` : ""}
  ${page.map((u) => `<Upload><Key>${xmlEscape(u.key)}</Key><UploadId>${u.uploadId}</UploadId><Initiated>2026-11-30T03:00:00.000Z</Initiated></Upload>`).join("")}
</ListMultipartUploadsResult>`,
    );
    return;
  }
  if (req.method === "DELETE" && url.searchParams.has("uploadId")) {
    const uploadId = url.searchParams.get("uploadId");
    if (uploadId === refuseAbortOf) {
      res
        .writeHead(403, { "content-type": "application/xml" })
        .end("<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>");
      return;
    }
    const at = open.findIndex((u) => u.key === key && u.uploadId === uploadId);
    if (at < 0) {
      res
        .writeHead(404, { "content-type": "application/xml" })
        .end("<Error><Code>NoSuchUpload</Code><Message>none</Message></Error>");
      return;
    }
    open.splice(at, 1);
    res.writeHead(204).end();
    return;
  }
  if (req.method === "HEAD") {
    const bytes = objects.get(key);
    if (bytes === undefined) res.writeHead(404).end();
    else res.writeHead(200, { "content-length": String(bytes), "content-type": "application/octet-stream" }).end();
    return;
  }
  res.writeHead(400).end();
});

let endpoint = "";
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  open.length = 0;
  objects.clear();
  requests.length = 0;
  refuseAbortOf = undefined;
});

const s3Storage = () =>
  runStorage(
    new S3Sink({
      bucket: BUCKET,
      region: "fra1",
      endpoint,
      prefix: "lifeboat/",
      forcePathStyle: true,
      checksums: "WHEN_REQUIRED",
      credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "not-for-the-droplet" },
    }),
    run,
  );

describe("run storage in S3: what the droplet's job uploads to", () => {
  it("names the bucket as the sink addresses it, without credentials, and this run's keys in it", () => {
    const storage = s3Storage();
    const direct = storage.direct?.();
    expect(direct?.storage).toEqual({ bucket: BUCKET, region: "fra1", endpoint, forcePathStyle: true });
    const key = storage.keyOf("volume", "data.tar.zst");
    expect(key).toBe("runs/web-1/nightly-20261130T030000Z/volumes/data.tar.zst");
    expect(storage.keyOf("image", "web.tar.zst")).toBe("runs/web-1/nightly-20261130T030000Z/images/web.tar.zst");
    expect(direct?.bucketKey(key)).toBe("lifeboat/runs/web-1/nightly-20261130T030000Z/volumes/data.tar.zst");
    // The job's credentials reach this run's directory only; its keys never leave it.
    expect(() => direct?.bucketKey("runs/web-1/nightly-20261129T030000Z/volumes/data.tar.zst")).toThrow(
      /not part of run nightly-20261130T030000Z/,
    );
    expect(() => direct?.bucketKey("runs/web-1/nightly-20261130T030000Z/../x")).toThrow(/refused/);
    expect(() => storage.keyOf("volume", "../data")).toThrow(/refused/);
  });

  it("aborts every open upload under this run's directory, across pages, and no other", async () => {
    const mine = "lifeboat/runs/web-1/nightly-20261130T030000Z/";
    open.push(
      { key: `${mine}volumes/a.tar.zst`, uploadId: "u1" },
      { key: `${mine}volumes/a.tar.zst`, uploadId: "u2" },
      { key: `${mine}images/web.tar.zst`, uploadId: "u3" },
      // Another run whose id starts with this one's, another droplet, and outside the store's prefix.
      { key: "lifeboat/runs/web-1/nightly-20261130T030000Z-2/volumes/a.tar.zst", uploadId: "u4" },
      { key: "lifeboat/runs/web-2/nightly-20261130T030000Z/volumes/a.tar.zst", uploadId: "u5" },
      { key: "runs/web-1/nightly-20261130T030000Z/volumes/a.tar.zst", uploadId: "u6" },
    );
    const storage = s3Storage();
    expect(await storage.abortUploads()).toBe(3);
    expect(open.map((u) => u.uploadId)).toEqual(["u4", "u5", "u6"]);
    const listings = requests.filter((r) => r.startsWith("GET") && r.includes("uploads"));
    expect(listings).toHaveLength(2);
    expect(listings[0]).toContain(`prefix=${encodeURIComponent(mine)}`);
    expect(await storage.abortUploads()).toBe(0);
  });

  it("tries every upload when one abort is refused, and says which", async () => {
    const mine = "lifeboat/runs/web-1/nightly-20261130T030000Z/volumes/";
    open.push({ key: `${mine}a.tar.zst`, uploadId: "u1" }, { key: `${mine}b.tar.zst`, uploadId: "u2" });
    refuseAbortOf = "u1";
    await expect(s3Storage().abortUploads()).rejects.toThrow(
      /aborted 1 of 2 open uploads of run nightly-20261130T030000Z; could not abort runs\/web-1\/nightly-20261130T030000Z\/volumes\/a\.tar\.zst: .*Access Denied/,
    );
    expect(open.map((u) => u.uploadId)).toEqual(["u1"]);
  });

  it("finds a stored object's size by HEAD, and undefined when it is absent", async () => {
    objects.set("lifeboat/runs/web-1/nightly-20261130T030000Z/volumes/data.tar.zst", 987_654);
    const storage = s3Storage();
    expect(await storage.sizeOf("runs/web-1/nightly-20261130T030000Z/volumes/data.tar.zst")).toBe(987_654);
    expect(await storage.sizeOf("runs/web-1/nightly-20261130T030000Z/volumes/other.tar.zst")).toBeUndefined();
    await expect(storage.sizeOf("runs/web-2/nightly-20261130T030000Z/volumes/data.tar.zst")).rejects.toThrow(
      /not part of run/,
    );
  });
});

describe("run storage in a local directory", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lifeboat-direct-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("offers no direct upload, has no open uploads, and reads sizes from the files", async () => {
    const storage = runStorage(new LocalSink(dir), run);
    expect(storage.direct).toBeUndefined();
    expect(await storage.abortUploads()).toBe(0);
    const stored = await storage.putArchive("volume", "data.tar", Readable.from([Buffer.from("12345")]));
    expect(stored.key).toBe(storage.keyOf("volume", "data.tar"));
    expect(await storage.sizeOf(stored.key)).toBe(5);
    expect(await storage.sizeOf(storage.keyOf("volume", "gone.tar"))).toBeUndefined();
  });
});
