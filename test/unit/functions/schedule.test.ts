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

  it("names a zoned plan's run by Scheduler's UTC scheduled time, whatever the zone shows", async () => {
    const { handler } = await import("../../../functions/schedule");
    // 03:00 in Europe/Berlin on the day the clocks go forward is 01:00 UTC.
    const tick = { plan: "weekly", trigger: "schedule" as const, scheduledTime: "2026-03-29T01:00:00Z" };
    expect((await handler(tick)).executionName).toBe("weekly-20260329T010000Z");
    expect(lambda.requests.at(-1)?.headers["x-amz-durable-execution-name"]).toBe("weekly-20260329T010000Z");
  });

  it("starts a drill tick as a DrillRequest, named apart from the backup run of the same plan and time", async () => {
    const { handler } = await import("../../../functions/schedule");
    const scheduledTime = "2026-11-29T03:00:00Z";
    const backup = await handler({ plan: "weekly", trigger: "schedule", scheduledTime });
    const tick = { kind: "drill" as const, plan: "weekly", trigger: "schedule" as const, scheduledTime };
    const drill = await handler(tick);
    const again = await handler(tick);

    expect(drill).toEqual({ executionName: "weekly-20261129T030000Z-drill", started: true });
    expect(again.executionName).toBe(drill.executionName);
    expect(backup.executionName).toBe("weekly-20261129T030000Z");
    const request = lambda.requests.at(-1);
    expect(decodeURIComponent(request?.path ?? "")).toBe(`/2015-03-31/functions/${alias}/invocations`);
    expect(request?.headers["x-amz-invocation-type"]).toBe("Event");
    expect(request?.headers["x-amz-durable-execution-name"]).toBe("weekly-20261129T030000Z-drill");
    expect(JSON.parse(request?.body ?? "{}")).toEqual({
      kind: "drill",
      plan: "weekly",
      trigger: "schedule",
      scheduledTime,
      runId: "weekly-20261129T030000Z-drill",
    });
  });

  it("refuses a tick without a real scheduled time, naming the placeholder the schedule must pass", async () => {
    const { handler } = await import("../../../functions/schedule");
    const before = lambda.requests.length;
    const tick = { plan: "weekly", trigger: "schedule" as const, scheduledTime: "<aws.scheduler.scheduled-time>" };
    await expect(handler(tick)).rejects.toThrow(
      'scheduledTime "<aws.scheduler.scheduled-time>" is not a time; the schedule\'s input must carry <aws.scheduler.scheduled-time>',
    );
    expect(lambda.requests).toHaveLength(before);
  });
});
