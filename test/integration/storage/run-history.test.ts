/**
 * The run history in S3 (the harness's real s3rver): newest first is the keys' own order, so
 * "the last N" is one LIST call and N reads; only lifeboat's record keys are ever deleted.
 */
import { Readable } from "node:stream";
import type { RunRecord } from "@lifeboat/core";
import { runHistory, S3Sink } from "@lifeboat/storage";
import { describe, expect, it } from "vitest";
import { harness, missingServices } from "../../harness/context";
import { unique } from "../remote/session";

const skip = missingServices("s3");

function sinkWith(prefix: string, commands: string[]): S3Sink {
  const s3 = harness().s3!;
  return new S3Sink({
    bucket: s3.bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    prefix,
    forcePathStyle: true,
    checksums: "WHEN_REQUIRED",
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    onClient: (c) =>
      c.middlewareStack.add(
        (next, context) => async (args) => {
          commands.push(context.commandName ?? "");
          return next(args);
        },
        { step: "initialize", name: "observe" },
      ),
  });
}

const record = (plan: string, runId: string, startedAt: string): RunRecord => ({
  format: "lifeboat.run/v1",
  runId,
  plan,
  startedBy: { trigger: "cli", by: "cli:alice" },
  startedAt,
  finishedAt: startedAt,
  durationSeconds: 0,
  outcome: "succeeded",
  droplets: [],
});

describe.skipIf(skip)(`storage: run history in S3${skip ? ` (skipped: ${skip})` : ""}`, () => {
  it("lists a plan's last N newest first in one LIST call, finds one by id, deletes only record keys", async () => {
    const commands: string[] = [];
    const sink = sinkWith(`${unique("h")}/`, commands);
    const history = runHistory(sink);
    // Written out of order, across two plans.
    await history.write(record("weekly", "weekly-20261115T030000Z", "2026-11-15T03:00:00.000Z"));
    await history.write(record("weekly", "weekly-20261129T030000Z", "2026-11-29T03:00:00.000Z"));
    await history.write(record("weekly", "weekly-20261122T030000Z", "2026-11-22T03:00:00.000Z"));
    await history.write(record("weekly-db", "weekly-db-20261130T030000Z", "2026-11-30T03:00:00.000Z"));
    await sink.put("history/weekly/README.txt", Readable.from([Buffer.from("not a record\n")]));

    commands.length = 0;
    const last = await history.list("weekly", { last: 2 });
    expect(last.map((r) => r.runId)).toEqual(["weekly-20261129T030000Z", "weekly-20261122T030000Z"]);
    expect(commands.filter((c) => c === "ListObjectsV2Command")).toHaveLength(1);
    expect(commands.filter((c) => c === "GetObjectCommand")).toHaveLength(2);

    expect(await history.get("weekly", "weekly-20261115T030000Z")).toMatchObject({
      startedAt: "2026-11-15T03:00:00.000Z",
      startedBy: { trigger: "cli", by: "cli:alice" },
    });
    expect(await history.get("weekly", "weekly-20261101T030000Z")).toBeUndefined();

    await history.delete("weekly", ["weekly-20261115T030000Z", "weekly-db-20261130T030000Z"]);
    expect((await history.list("weekly")).map((r) => r.runId)).toEqual([
      "weekly-20261129T030000Z",
      "weekly-20261122T030000Z",
    ]);
    // Another plan's record (a plan name that starts like this one) and a foreign object stay.
    expect((await history.list("weekly-db")).map((r) => r.runId)).toEqual(["weekly-db-20261130T030000Z"]);
    expect(await sink.head("history/weekly/README.txt")).toBeDefined();
  });
});
