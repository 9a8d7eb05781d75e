/**
 * Lambda entry point of the run reports: consumes lifeboat's EventBridge events (source
 * "lifeboat") and keeps one Slack thread per run. Deploy with reserved concurrency 1 (see
 * packages/slack/src/report/thread.ts). The logic is in @lifeboat/slack.
 */
import { loadSecrets } from "@lifeboat/aws";
import { createReportHandler, type EventBridgeDelivery, jsonLogger, WebClient } from "@lifeboat/slack";
import { config } from "./config";
import { optional } from "./slack-env";

if (!config.slack)
  throw new Error("lifeboat.config.ts has no slack.channel; reports need a channel id such as C0123ABCD");
const slackApiUrl = optional("SLACK_API_URL");
const { SLACK_BOT_TOKEN } = await loadSecrets(["SLACK_BOT_TOKEN"]);

const report = createReportHandler({
  client: new WebClient(SLACK_BOT_TOKEN, {
    retryConfig: { retries: 3 },
    ...(slackApiUrl ? { slackApiUrl } : {}),
  }),
  channel: config.slack.channel,
  config,
  logger: jsonLogger("report", (line) => process.stdout.write(`${line}\n`)),
  now: () => new Date(),
});

export const handler = async (event: EventBridgeDelivery, _context: unknown) => report(event);
