/**
 * durableRuns against a loopback Lambda endpoint: one ListDurableExecutionsByFunction call for
 * the unqualified function, newest first, statuses in lifeboat's words.
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { durableRuns } from "@lifeboat/aws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRecordingServer } from "../../support/recording-server";

describe("durableRuns: backup-run's durable executions", () => {
  let lambda: Awaited<ReturnType<typeof startRecordingServer>>;

  beforeAll(async () => {
    lambda = await startRecordingServer(() => ({
      body: JSON.stringify({
        DurableExecutions: [
          {
            DurableExecutionArn: "arn:x:1",
            DurableExecutionName: "weekly-20261129T030000Z",
            FunctionArn: "f",
            Status: "RUNNING",
            StartTimestamp: 1_795_000_000,
          },
          {
            DurableExecutionArn: "arn:x:2",
            DurableExecutionName: "weekly-20261122T030000Z",
            FunctionArn: "f",
            Status: "SUCCEEDED",
            StartTimestamp: 1_794_000_000,
            EndTimestamp: 1_794_001_800,
          },
          {
            DurableExecutionArn: "arn:x:3",
            DurableExecutionName: "weekly-20261115T030000Z",
            FunctionArn: "f",
            Status: "FAILED",
            StartTimestamp: 1_793_000_000,
            EndTimestamp: 1_793_000_060,
          },
          {
            DurableExecutionArn: "arn:x:4",
            DurableExecutionName: "weekly-20261108T030000Z",
            FunctionArn: "f",
            Status: "TIMED_OUT",
            StartTimestamp: 1_792_000_000,
            EndTimestamp: 1_792_900_000,
          },
        ],
      }),
    }));
  });
  afterAll(() => lambda.close());

  it("lists them newest first, running, succeeded, failed, and a timed-out one as stopped", async () => {
    const runs = durableRuns({
      lambda: new LambdaClient({
        endpoint: lambda.url,
        region: "us-east-1",
        credentials: { accessKeyId: "a", secretAccessKey: "b" },
      }),
      functionName: "test-lifeboat-backup-run",
    });
    expect(await runs()).toEqual([
      { name: "weekly-20261129T030000Z", status: "running", startedAt: new Date(1_795_000_000_000).toISOString() },
      {
        name: "weekly-20261122T030000Z",
        status: "succeeded",
        startedAt: new Date(1_794_000_000_000).toISOString(),
        finishedAt: new Date(1_794_001_800_000).toISOString(),
      },
      {
        name: "weekly-20261115T030000Z",
        status: "failed",
        startedAt: new Date(1_793_000_000_000).toISOString(),
        finishedAt: new Date(1_793_000_060_000).toISOString(),
      },
      {
        name: "weekly-20261108T030000Z",
        status: "stopped",
        startedAt: new Date(1_792_000_000_000).toISOString(),
        finishedAt: new Date(1_792_900_000_000).toISOString(),
      },
    ]);
    expect(lambda.requests).toHaveLength(1);
    const asked = new URL(lambda.requests[0]!.path, lambda.url);
    expect(decodeURIComponent(asked.pathname)).toContain("/functions/test-lifeboat-backup-run/durable-executions");
    expect(asked.searchParams.get("ReverseOrder")).toBe("true");
  });
});
