/**
 * @lifeboat/slack — the Slack side of lifeboat: `/lifeboat` commands, the approval card and
 * its buttons, restore buttons, and the per-run report thread. See README.md, section "Slack".
 */

export { WebClient } from "@slack/web-api";
export { createSlackHandler } from "./app";

export type * from "./backend";
export type { DeferredWork } from "./commands/deferred-work";

export type { SlackDeps } from "./deps";
export { jsonLogger } from "./logger";

export { alarmMessage, isAlarmStateChange } from "./report/alarm";
export {
  createReportHandler,
  type EventBridgeDelivery,
  eventOf,
} from "./report/thread";
export { signSlackBody } from "./verify-request";
