import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRecordingServer } from "../../support/recording-server";

describe("functions/schedule: a plan's schedule tick starts one named durable run", () => {
  let lambda: Awaited<ReturnType<typeof startRecordingServer>>;
  const alias = "arn:aws:lambda:us-east-1:123456789012:function:test-lifeboat-backup-run:live";

  beforeAll(async () => {
    lambda = await startRecordingServer(() => ({ status: 202, body: "" }));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_LAMBDA: lambda.url,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      LIFEBOAT_BACKUP_FUNCTION: alias,
    });
  });
  afterAll(() => lambda.close());

  it("invokes the alias asynchronously with the execution name from plan + scheduled time", async () => {
    const { handler } = await import("../../../functions/schedule");
    const tick = { plan: "weekly", trigger: "schedule" as const, scheduledTime: "2026-11-29T03:00:00Z" };
    const first = await handler(tick);
    const again = await handler(tick); // EventBridge delivers at least once

    expect(first.executionName).toBe("weekly-20261129T030000Z");
    expect(again.executionName).toBe(first.executionName);
    expect(lambda.requests).toHaveLength(2);
    for (const request of lambda.requests) {
      expect(request.method).toBe("POST");
      expect(decodeURIComponent(request.path)).toBe(`/2015-03-31/functions/${alias}/invocations`);
      expect(request.headers["x-amz-invocation-type"]).toBe("Event");
      expect(request.headers["x-amz-durable-execution-name"]).toBe("weekly-20261129T030000Z");
      expect(JSON.parse(request.body)).toEqual({
        plan: "weekly",
        trigger: "schedule",
        scheduledTime: "2026-11-29T03:00:00Z",
        runId: "weekly-20261129T030000Z",
      });
    }
  });
});
