import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { EventBridgeSink } from "@lifeboat/aws";
import type { LifeboatEvent } from "@lifeboat/core";
import { afterEach, describe, expect, it } from "vitest";
import { startRecordingServer } from "../../support/recording-server";

const event = (i: number): LifeboatEvent => ({
  type: "archive.stored",
  runId: "weekly-20261129T030000Z",
  plan: "weekly",
  droplet: "gitlab",
  at: "2026-11-29T03:04:00.000Z",
  kind: "volume",
  name: `vol-${i}`,
  key: `k/${i}`,
  bytes: i,
  sha256: "0".repeat(64),
});

describe("EventBridge sink: PutEvents, source lifeboat, ≤ 10 entries, FailedEntryCount checked", () => {
  let server: Awaited<ReturnType<typeof startRecordingServer>> | undefined;
  afterEach(() => server?.close());

  const client = (url: string) =>
    new EventBridgeClient({
      endpoint: url,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
  const entriesOf = (body: string) => (JSON.parse(body) as { Entries: Array<Record<string, string>> }).Entries;

  it("sends 23 events as batches of 10, 10, 3 with source, detail-type and detail", async () => {
    server = await startRecordingServer((req) => ({
      body: JSON.stringify({ FailedEntryCount: 0, Entries: entriesOf(req.body).map((_, i) => ({ EventId: `e${i}` })) }),
    }));
    await new EventBridgeSink(client(server.url), "lifeboat-bus").emitAll(
      Array.from({ length: 23 }, (_, i) => event(i)),
    );
    expect(server.requests.map((r) => entriesOf(r.body).length)).toEqual([10, 10, 3]);
    const first = entriesOf(server.requests[0]!.body)[0]!;
    expect(first.Source).toBe("lifeboat");
    expect(first.DetailType).toBe("archive.stored");
    expect(first.EventBusName).toBe("lifeboat-bus");
    expect(JSON.parse(first.Detail!)).toEqual(event(0));
  });

  it("retries only the entries EventBridge failed, and names them when they keep failing", async () => {
    let call = 0;
    server = await startRecordingServer((req) => {
      call++;
      const entries = entriesOf(req.body);
      // The first answer fails entry 1 of 2; every later answer fails everything.
      const failAll = call > 1;
      return {
        body: JSON.stringify({
          FailedEntryCount: failAll ? entries.length : 1,
          Entries: entries.map((_, i) =>
            failAll || i === 1 ? { ErrorCode: "InternalFailure", ErrorMessage: "try again" } : { EventId: `e${i}` },
          ),
        }),
      };
    });
    await expect(new EventBridgeSink(client(server.url)).emitAll([event(0), event(1)])).rejects.toThrow(
      "EventBridge refused 1 event(s): archive.stored: InternalFailure try again",
    );
    expect(server.requests.map((r) => entriesOf(r.body).map((e) => JSON.parse(e.Detail!).name))).toEqual([
      ["vol-0", "vol-1"],
      ["vol-1"],
      ["vol-1"],
    ]);
  });
});
