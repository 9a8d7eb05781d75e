/**
 * @lifeboat/slack — the Slack side of lifeboat: `/lifeboat` commands, the approval card and
 * its buttons, restore buttons, and the per-run report thread. See README.md, section "Slack".
 */

export { WebClient } from "@slack/web-api";
export { createSlackHandler, type LambdaResult, type SlackHandlerOptions } from "./app";
export { approvalCard, type CardInfo, readDecision } from "./approval/card";
export { type ApprovalResponder, approvalResponder } from "./aws/approval-responder";
export { type DeferredInvoker, deferredInvoker } from "./aws/deferred-invoker";
export { type RunStarter, runStarter } from "./aws/run-starter";
export { type ScheduleSwitch, scheduleSwitch } from "./aws/schedule-switch";
export { type ScheduleDefinition, type SchedulerApi, schedulerApi } from "./aws/scheduler-api";
export type * from "./backend";
export { DEFERRED_KIND, type DeferredWork } from "./commands/deferred-work";
export { type Command, parseCommand, USAGE } from "./commands/parse";
export type { SlackDeps } from "./deps";
export { jsonLogger } from "./logger";
export {
  createReportHandler,
  type EventBridgeDelivery,
  findRunThread,
  type ReportDeps,
  reportEvent,
} from "./report/thread";
export { signSlackBody, verifySlackRequest } from "./verify-request";
