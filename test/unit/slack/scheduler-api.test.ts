import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { schedulerApi } from "@lifeboat/slack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sigV4Problem } from "./fakes/sigv4-check";

const credentials = { accessKeyId: "AKIDSCHEDULER", secretAccessKey: "scheduler-test-secret", sessionToken: "token-1" };

describe("schedulerApi: Scheduler's REST API, signed as the Slack function", () => {
  const seen: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders; problem?: string }> = [];
  let answer = { status: 404, type: "ResourceNotFoundException:http://internal", body: '{"Message":"not found"}' };
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const problem = await sigV4Problem(req, body, { service: "scheduler", ...credentials });
    seen.push({ method: req.method, url: req.url, headers: req.headers, ...(problem ? { problem } : {}) });
    res.writeHead(answer.status, { "x-amzn-errortype": answer.type }).end(answer.body);
  });
  let api: ReturnType<typeof schedulerApi>;

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    // As functions/slack.ts wires it: the Lambda client's region and credential chain.
    const lambda = new LambdaClient({ region: "eu-central-1", credentials });
    api = schedulerApi({
      region: lambda.config.region,
      credentials: lambda.config.credentials,
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("GetSchedule of a missing schedule is undefined, asked with a valid signature and the session token", async () => {
    expect(await api.getSchedule("lifeboat-prod-plan-weekly", "default")).toBeUndefined();
    const [get] = seen.slice(-1);
    expect(get).toMatchObject({ method: "GET", url: "/schedules/lifeboat-prod-plan-weekly?groupName=default" });
    expect(get?.problem).toBeUndefined();
    expect(get?.headers["x-amz-security-token"]).toBe("token-1");
    expect(get?.headers.authorization).toContain("/eu-central-1/scheduler/aws4_request");
  });

  it("any other refusal is an error naming the call, the schedule and Scheduler's reason", async () => {
    answer = { status: 403, type: "AccessDeniedException", body: '{"Message":"not allowed to UpdateSchedule"}' };
    await expect(
      api.updateSchedule({
        Name: "lifeboat-prod-plan-weekly",
        GroupName: "default",
        ScheduleExpression: "cron(0 3 ? * SUN *)",
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: { Arn: "arn", RoleArn: "role" },
        State: "DISABLED",
      }),
    ).rejects.toThrow(
      "EventBridge Scheduler UpdateSchedule lifeboat-prod-plan-weekly: AccessDeniedException: not allowed to UpdateSchedule",
    );
    const [put] = seen.slice(-1);
    expect(put).toMatchObject({ method: "PUT", url: "/schedules/lifeboat-prod-plan-weekly" });
    expect(put?.problem).toBeUndefined();
  });
});
