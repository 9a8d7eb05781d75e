/**
 * Lambda entry point of the run reports: consumes lifeboat's EventBridge events (source
 * "lifeboat") and keeps one Slack thread per run. Deploy with reserved concurrency 1 (see
 * packages/slack/src/report/thread.ts). The logic is in @lifeboat/slack.
 */
import { validateConfig } from "@lifeboat/core";
import { createReportHandler, type EventBridgeDelivery, jsonLogger, WebClient } from "@lifeboat/slack";
import lifeboatConfig from "../lifeboat.config";
import { optional, required } from "./slack-env";

const config = validateConfig(lifeboatConfig);
if (!config.slack)
  throw new Error("lifeboat.config.ts has no slack.channel; reports need a channel id such as C0123ABCD");
const slackApiUrl = optional("SLACK_API_URL");

const report = createReportHandler({
  client: new WebClient(required("SLACK_BOT_TOKEN"), {
    retryConfig: { retries: 3 },
    ...(slackApiUrl ? { slackApiUrl } : {}),
  }),
  channel: config.slack.channel,
  config,
  logger: jsonLogger("report", (line) => process.stdout.write(`${line}\n`)),
  now: () => new Date(),
});

export const handler = async (event: EventBridgeDelivery, _context: unknown) => report(event);
