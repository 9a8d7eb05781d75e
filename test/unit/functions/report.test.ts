/**
 * The report function as deployed (functions/report.ts), against the loopback Slack: a
 * lifeboat event is measured (embedded-metric-format lines on stdout) and reported in its
 * thread, and nothing it writes holds the bot token; an alarm's state change is posted to the
 * channel as a plain message.
 */
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { type SlackServer, startSlackServer } from "../slack/fakes/slack-server";

const BOT_TOKEN = "xoxb-sentinel-report-token";
let slack: SlackServer;
let handler: typeof import("../../../functions/report").handler;

beforeAll(async () => {
  slack = await startSlackServer();
  process.env.SLACK_BOT_TOKEN = BOT_TOKEN;
  process.env.SLACK_API_URL = slack.apiUrl;
  ({ handler } = await import("../../../functions/report"));
});
afterAll(async () => {
  delete process.env.SLACK_BOT_TOKEN;
  delete process.env.SLACK_API_URL;
  await slack.close();
});
afterEach(() => vi.restoreAllMocks());

function captureOutput(): string[] {
  const written: string[] = [];
  const keep = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(keep);
  vi.spyOn(process.stderr, "write").mockImplementation(keep);
  return written;
}
const jsonLines = (written: string[]) =>
  written
    .join("")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);

it("measures a lifeboat event and reports it in the run's thread", async () => {
  const written = captureOutput();
  await handler(
    {
      source: "lifeboat",
      "detail-type": "snapshot.completed",
      detail: {
        type: "snapshot.completed",
        runId: "nightly-20261130T023000Z",
        plan: "nightly",
        droplet: "drone",
        at: new Date().toISOString(),
        dropletId: 2,
        snapshotName: "lifeboat-nightly-drone-20261130T023000Z",
        durationSeconds: 1440,
        live: true,
      },
    },
    {},
  );
  const lines = jsonLines(written);
  const emf = lines.filter((l) => "_aws" in l);
  expect(emf.map((l) => [l.plan, l.droplet, l.SnapshotSeconds])).toEqual([
    ["nightly", undefined, 1440],
    ["nightly", "drone", 1440],
  ]);
  expect(slack.calls.map((c) => c.method)).toContain("chat.postMessage");
  expect(written.join("")).not.toContain(BOT_TOKEN);
});

it("posts an alarm going off to the channel as a plain message, outside any run's thread", async () => {
  captureOutput();
  const before = slack.calls.length;
  await handler(
    {
      source: "aws.cloudwatch",
      "detail-type": "CloudWatch Alarm State Change",
      detail: {
        alarmName: "lifeboat-prod-nightly-no-success",
        state: { value: "ALARM", reason: "Threshold Crossed" },
        previousState: { value: "OK" },
        configuration: { description: "no run of plan nightly succeeded in the last 48 hours" },
      },
    },
    {},
  );
  const posted = slack.calls.slice(before);
  expect(posted.map((c) => c.method)).toEqual(["chat.postMessage"]);
  expect(posted[0]?.body).toMatchObject({
    channel: "C0LIFEBOAT",
    text: expect.stringContaining("no run of plan nightly succeeded in the last 48 hours"),
  });
  expect(posted[0]?.body).not.toHaveProperty("thread_ts");
});
