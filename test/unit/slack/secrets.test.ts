/**
 * No secret in any Slack message, response, AWS request or log line — with every kind of
 * traffic, refusals and errors included, and logging at debug level (Bolt's debug output
 * includes whole requests).
 */
import { LogLevel } from "@slack/logger";
import { afterAll, beforeAll, expect, it } from "vitest";
import { approvalRequested, delivery, failedRun, fullRun } from "./fakes/events";
import { reportHandler } from "./fakes/report-setup";
import { actionBody, apiGatewayEvent, BOT_TOKEN, SIGNING_SECRET, slashBody } from "./fakes/requests";
import { type SlackWorld, slackWorld, testCredentials } from "./fakes/setup";

let world: SlackWorld;
beforeAll(async () => {
  world = await slackWorld();
  world.deps.logger.setLevel(LogLevel.DEBUG);
});
afterAll(() => world.close());

it("never puts the signing secret, bot token or AWS secret key in Slack messages, AWS requests or logs", async () => {
  const url = world.slack.responseUrl("secrets");
  for (const [text, user] of [
    ["help", "U0LIFEBOAT1"],
    ["run weekly", "U0LIFEBOAT1"],
    ["run weekly", "U0OUTSIDER"],
    ["pause nightly", "U0LIFEBOAT1"],
    ["pause nope", "U0LIFEBOAT1"],
    ["list gitlab", "U0LIFEBOAT1"],
    ["cost", "U0LIFEBOAT1"],
    ["frobnicate", "U0LIFEBOAT1"],
  ] as const) {
    await world.handler(apiGatewayEvent(slashBody(text, user, url)), {});
  }
  await world.runLastDeferred();
  await world.handler(apiGatewayEvent(slashBody("help", "U0LIFEBOAT1", url), { secret: "wrong" }), {});

  const report = reportHandler(world.slack, world.logs);
  for (const event of [...fullRun(), ...failedRun()]) await report(delivery(event));
  await report(delivery(approvalRequested("cb-secret")));
  const card = world.slack.messages.find((m) => JSON.stringify(m.blocks ?? []).includes("cb-secret"))!;
  const value = JSON.stringify(card.blocks).match(/"action_id":"approval_approve","value":"((?:[^"\\]|\\.)*)"/)![1]!;
  for (const user of ["U0OUTSIDER", "U0LIFEBOAT1", "U0LIFEBOAT2"]) {
    const body = actionBody({
      user,
      actionId: "approval_approve",
      value: JSON.parse(`"${value}"`),
      responseUrl: url,
      message: { ts: card.ts, thread_ts: card.thread_ts!, blocks: card.blocks! },
    });
    await world.handler(apiGatewayEvent(body), {});
  }

  // The token travels to Slack as the credential (Authorization header; the `token` field of
  // Bolt's one auth.test call): that is its use, not a leak. Everything else is checked.
  const slackTraffic = world.slack.calls
    .map((c) => JSON.stringify(Object.fromEntries(Object.entries(c.body).filter(([k]) => k !== "token"))))
    .join("\n");
  const awsTraffic = world.aws.raw.join("\n");
  const logs = world.logs.join("\n");
  expect(world.slack.calls.length).toBeGreaterThan(40);
  expect(world.logs.length).toBeGreaterThan(10);
  for (const secret of [SIGNING_SECRET, BOT_TOKEN, testCredentials.secretAccessKey]) {
    expect(slackTraffic).not.toContain(secret);
    expect(awsTraffic).not.toContain(secret);
    expect(logs).not.toContain(secret);
  }
});
