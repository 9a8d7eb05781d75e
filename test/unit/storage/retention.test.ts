import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  applyArchiveRetention,
  IncompleteRunError,
  LocalSink,
  listRuns,
  runStorage,
  runWriter,
  type Sink,
  writeManifest,
} from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const policy = { keepLast: 2, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0 };

async function storeRun(sink: Sink, runId: string, plan: string, createdAt: string) {
  const stored = await runWriter(sink, { droplet: "web-1", runId }).putArchive(
    "volume",
    "data.tar.gz",
    Readable.from([Buffer.from(`archive of ${runId}`)]),
  );
  await writeManifest(sink, {
    runId,
    plan,
    droplet: "web-1",
    createdAt,
    containers: [],
    volumes: [{ volume: "data", usedBy: [], compression: "gzip", ...stored }],
  });
}

describe("storage: catalog and archive retention (local sink)", () => {
  let dir: string;
  let sink: LocalSink;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lifeboat-retention-"));
    sink = new LocalSink(dir);
    await storeRun(sink, "nightly-1", "nightly", "2026-11-01T03:00:00.000Z");
    await storeRun(sink, "nightly-2", "nightly", "2026-11-02T03:00:00.000Z");
    await storeRun(sink, "nightly-3", "nightly", "2026-11-03T03:00:00.000Z");
    await storeRun(sink, "weekly-1", "weekly", "2026-10-01T03:00:00.000Z");
    // An incomplete run: an archive without a manifest.
    await runWriter(sink, { droplet: "web-1", runId: "nightly-4" }).putArchive(
      "volume",
      "data.tar.gz",
      Readable.from([Buffer.from("half")]),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("lists complete runs newest first and names incomplete ones", async () => {
    const catalog = await listRuns(sink, "web-1");
    expect(catalog.runs.map((r) => r.runId)).toEqual(["nightly-3", "nightly-2", "nightly-1", "weekly-1"]);
    expect(catalog.incomplete).toEqual(["nightly-4"]);
  });

  it("refuses to write a manifest listing an archive that is not stored", async () => {
    await expect(
      writeManifest(sink, {
        runId: "nightly-5",
        plan: "nightly",
        droplet: "web-1",
        createdAt: "2026-11-05T03:00:00.000Z",
        containers: [],
        volumes: [
          {
            volume: "data",
            usedBy: [],
            compression: "gzip",
            key: "runs/web-1/nightly-5/volumes/data.tar.gz",
            bytes: 4,
            sha256: "0".repeat(64),
          },
        ],
      }),
    ).rejects.toBeInstanceOf(IncompleteRunError);
    expect(await sink.head("runs/web-1/nightly-5/manifest.json")).toBeUndefined();
  });

  it("dry run deletes nothing; then the policy releases this plan's oldest run, manifest and archives", async () => {
    const before = (await sink.list("")).map((o) => o.key);
    const dry = await applyArchiveRetention(sink, { droplet: "web-1", plan: "nightly", policy, dryRun: true });
    expect(dry).toEqual({
      kept: ["nightly-3", "nightly-2"],
      deleted: ["nightly-1"],
      failed: [],
      refused: [],
      dryRun: true,
    });
    expect((await sink.list("")).map((o) => o.key)).toEqual(before);

    const done = await applyArchiveRetention(sink, { droplet: "web-1", plan: "nightly", policy });
    expect(done.deleted).toEqual(["nightly-1"]);
    const after = (await sink.list("")).map((o) => o.key);
    expect(after.filter((k) => k.includes("nightly-1/"))).toEqual([]);
    // Other plans' runs and the incomplete run are not lifeboat's to release here.
    expect(after).toContain("runs/web-1/weekly-1/manifest.json");
    expect(after).toContain("runs/web-1/nightly-4/volumes/data.tar.gz");
    expect((await listRuns(sink, "web-1")).runs.map((r) => r.runId)).toEqual(["nightly-3", "nightly-2", "weekly-1"]);
  });

  it("a run that cannot be deleted is reported, and the runs after it are still deleted", async () => {
    const local = new LocalSink(await mkdtemp(join(tmpdir(), "lifeboat-retention-fail-")));
    for (const day of [1, 2, 3, 4]) await storeRun(local, `daily-${day}`, "daily", `2026-11-0${day}T03:00:00.000Z`);
    // The store refuses to delete daily-2's manifest (the middle of the three released runs).
    const sink: Sink = {
      location: local.location,
      put: (key, body) => local.put(key, body),
      get: (key) => local.get(key),
      head: (key) => local.head(key),
      list: (prefix) => local.list(prefix),
      delete: (key) =>
        key === "runs/web-1/daily-2/manifest.json" ? Promise.reject(new Error("AccessDenied")) : local.delete(key),
    };
    const result = await applyArchiveRetention(sink, {
      droplet: "web-1",
      plan: "daily",
      policy: { ...policy, keepLast: 1 },
    });
    expect(result.deleted).toEqual(["daily-3", "daily-1"]);
    expect(result.failed).toEqual(["daily-2: AccessDenied"]);
    expect((await listRuns(local, "web-1")).runs.map((r) => r.runId)).toEqual(["daily-4", "daily-2"]);
    // The routine's archive retention phase still fails, saying what went and what did not.
    const retain = runStorage(sink, {
      droplet: "web-1",
      runId: "daily-5",
      plan: "daily",
      policy: { ...policy, keepLast: 0, keepDaily: 1 },
    }).retain;
    await expect(retain({ protect: [], dryRun: false })).rejects.toThrow("could not delete daily-2: AccessDenied");
    await rm(local.location, { recursive: true, force: true });
  });
});
