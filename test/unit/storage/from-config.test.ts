import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import type { HostRun } from "@lifeboat/core";
import { BadKeyError, duplicityPrefix, LocalSink, runStorageFor, S3Sink, sinkFor } from "@lifeboat/storage";
import { afterAll, beforeAll, expect, it } from "vitest";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lifeboat-from-config-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it("builds the sink the storage config names", () => {
  const local = sinkFor({ type: "local", directory: "./.lifeboat" });
  expect(local).toBeInstanceOf(LocalSink);
  expect(local.location).toBe(resolve(".lifeboat"));
  const s3 = sinkFor({ type: "s3", bucket: "b", region: "fra1", prefix: "lifeboat/" });
  expect(s3).toBeInstanceOf(S3Sink);
  expect(s3.location).toBe("s3://b/lifeboat/");
});

it("gives each droplet and run its own storage in the sink", async () => {
  const run = { runId: "weekly-20260104T030000Z", plan: { name: "weekly", retention: { keepLast: 3 } } } as HostRun;
  const storage = runStorageFor(new LocalSink(dir))("web-1", run);
  await storage.putArchive("volume", "data.tar.zst", Readable.from([Buffer.from("tar")]));
  const written = join(dir, "runs/web-1/weekly-20260104T030000Z/volumes/data.tar.zst");
  expect(await readFile(written, "utf8")).toBe("tar");
});

it("puts a droplet's duplicity target beside the runs, under the store's prefix", () => {
  expect(duplicityPrefix("lifeboat/", "web-1")).toBe("lifeboat/duplicity/web-1");
  expect(() => duplicityPrefix("lifeboat/", "../web-1")).toThrow(BadKeyError);
});
