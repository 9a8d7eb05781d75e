/** The report handler with a real WebClient pointed at the loopback Slack server. */
import { validateConfig } from "@lifeboat/core";
import { createReportHandler, jsonLogger, WebClient } from "@lifeboat/slack";
import sample from "../../../../lifeboat.config";
import { BOT_TOKEN } from "./requests";
import type { SlackServer } from "./slack-server";

export function reportHandler(slack: SlackServer, logs: string[], now = () => new Date("2026-11-29T03:10:00Z")) {
  return createReportHandler({
    client: new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
    channel: "C0LIFEBOAT",
    config: validateConfig(sample),
    logger: jsonLogger("report", (line) => logs.push(line)),
    now,
  });
}
