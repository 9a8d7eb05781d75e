/** Request checks in front of Bolt: every refusal is a 401 that reaches no listener. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiGatewayEvent, SIGNING_SECRET, slashBody } from "./fakes/requests";
import { type SlackWorld, slackWorld } from "./fakes/setup";

let world: SlackWorld;
beforeAll(async () => {
  world = await slackWorld();
});
afterAll(() => world.close());

const approver = "U0LIFEBOAT1";
const body = () => slashBody("help", approver, world.slack.responseUrl("sig"));
const now = () => Math.floor(Date.now() / 1000);

describe("Slack request signatures", () => {
  it("answers a correctly signed command", async () => {
    const res = await world.handler(apiGatewayEvent(body()), {});
    expect(res?.statusCode).toBe(200);
    expect(JSON.parse(res?.body ?? "{}").text).toContain("/lifeboat status [plan]");
  });

  it.each([
    ["a wrong secret", { secret: "not-the-signing-secret" }, "signature does not match"],
    ["a stale timestamp (6 min old)", { timestamp: now() - 360 }, "more than 5 minutes"],
    ["a timestamp 6 min ahead", { timestamp: now() + 360 }, "in the future"],
    ["no signature header", { omit: ["signature" as const] }, "missing X-Slack-Signature"],
    ["no timestamp header", { omit: ["timestamp" as const] }, "missing X-Slack-Signature or X-Slack-Request-Timestamp"],
  ])("refuses %s with 401 and logs why", async (_name, options, reason) => {
    const before = world.slack.calls.length;
    const res = await world.handler(apiGatewayEvent(body(), options), {});
    expect(res).toEqual({ statusCode: 401, body: "" });
    expect(world.logs.at(-1)).toContain(reason);
    expect(world.slack.calls.length).toBe(before);
  });

  it("refuses a captured body replayed with a new timestamp", async () => {
    const captured = body();
    const old = now() - 400;
    const res = await world.handler(
      apiGatewayEvent(captured, { timestamp: now(), signatureFor: { body: captured, timestamp: old } }),
      {},
    );
    expect(res?.statusCode).toBe(401);
    expect(world.logs.at(-1)).toContain("signature does not match");
  });

  it("accepts a Content-Type with a charset (Bolt alone throws on it)", async () => {
    const res = await world.handler(
      apiGatewayEvent(body(), { contentType: "application/x-www-form-urlencoded; charset=utf-8" }),
      {},
    );
    expect(res?.statusCode).toBe(200);
    expect(JSON.parse(res?.body ?? "{}").text).toContain("/lifeboat help");
  });

  it("decodes a base64 body as UTF-8 bytes, so non-ASCII text verifies", async () => {
    const text = slashBody("list gitlab—ünïcode", approver, world.slack.responseUrl("b64"));
    const res = await world.handler(apiGatewayEvent(text, { base64: true }), {});
    expect(res?.statusCode).toBe(200);
    // reached the listener: the deferred lookup was handed off with the decoded text
    const last = world.aws.invocations.at(-1)?.payload as { command: { droplet: string } };
    expect(last.command.droplet).toBe("gitlab—ünïcode");
  });

  it("uses the configured secret only, never echoes it", () => {
    expect(world.logs.join("\n")).not.toContain(SIGNING_SECRET);
  });
});
