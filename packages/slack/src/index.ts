/**
 * @lifeboat/slack — the Slack side of lifeboat: `/lifeboat` commands, the approval card and
 * its buttons, restore buttons, and the per-run report thread. See README.md, section "Slack".
 */

export { WebClient } from "@slack/web-api";
export { createSlackHandler, type LambdaResult, type SlackHandlerOptions } from "./app";
export { approvalCard, type CardInfo, readDecision } from "./approval/card";
export type * from "./backend";
export { DEFERRED_KIND, type DeferredWork } from "./commands/deferred-work";
export { type Command, parseCommand, USAGE } from "./commands/parse";
export type { SlackDeps } from "./deps";
export { jsonLogger } from "./logger";
export type { ApprovalResponder, DeferredInvoker, RunStarter, ScheduleSwitch } from "./ports";
export {
  createReportHandler,
  type EventBridgeDelivery,
  findRunThread,
  type ReportDeps,
  reportEvent,
} from "./report/thread";
export { signSlackBody, verifySlackRequest } from "./verify-request";
