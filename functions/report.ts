/**
 * Lambda entry point of the run reports: consumes lifeboat's EventBridge events (source
 * "lifeboat") and keeps one Slack thread per run. Deploy with reserved concurrency 1 (see
 * packages/slack/src/report/thread.ts). The logic is in @lifeboat/slack.
 * It also measures: each event's metrics (core's `metricsOfEvent`) are written as embedded
 * metric format before Slack is told, so metrics and alarms do not depend on Slack (a
 * delivery retried after Slack failed writes its metrics again: the alarms count "at least
 * one", which a repeat does not change). And it posts lifeboat's CloudWatch alarms
 * (stacks/alarms.ts) to the channel as plain messages.
 */
import { metricsOfEvent } from "@lifeboat/core";
import {
  alarmMessage,
  createReportHandler,
  type EventBridgeDelivery,
  eventOf,
  isAlarmStateChange,
  WebClient,
} from "@lifeboat/slack";
import { config } from "./config";
import { emitMetrics } from "./metrics";
import { boltLogger, loadLoggedSecrets, logger, runKeysOf, useRunKeys } from "./observability";
import { optional } from "./slack-env";

if (!config.slack)
  throw new Error("lifeboat.config.ts has no slack.channel; reports need a channel id such as C0123ABCD");
const channel = config.slack.channel;
const slackApiUrl = optional("SLACK_API_URL");
const { SLACK_BOT_TOKEN } = await loadLoggedSecrets(["SLACK_BOT_TOKEN"]);

const client = new WebClient(SLACK_BOT_TOKEN, {
  retryConfig: { retries: 3 },
  ...(slackApiUrl ? { slackApiUrl } : {}),
});
const report = createReportHandler({
  client,
  channel,
  config,
  logger: boltLogger("report"),
  now: () => new Date(),
});

export const handler = async (delivery: EventBridgeDelivery, _context: unknown) => {
  if (isAlarmStateChange(delivery)) {
    useRunKeys({});
    const text = alarmMessage(delivery);
    logger.info("alarm state change", { alarm: delivery.detail?.alarmName, posted: text !== undefined });
    if (text) await client.chat.postMessage({ channel, text });
    return;
  }
  const event = eventOf(delivery, config);
  if (typeof event !== "string") {
    useRunKeys(runKeysOf(event));
    emitMetrics(metricsOfEvent(event));
  }
  return report(delivery);
};
