/** Everything the Slack app's handlers use, passed in once (functions/slack.ts or a test). */
import type { LifeboatConfig } from "@lifeboat/core";
import type { Logger } from "@slack/logger";
import type { ApprovalResponder } from "./aws/approval-responder";
import type { DeferredInvoker } from "./aws/deferred-invoker";
import type { RunStarter } from "./aws/run-starter";
import type { ScheduleSwitch } from "./aws/schedule-switch";
import type { SlackBackend } from "./backend";

export interface SlackDeps {
  config: LifeboatConfig;
  backend: SlackBackend;
  startRun: RunStarter;
  answerApproval: ApprovalResponder;
  schedules: ScheduleSwitch;
  defer: DeferredInvoker;
  logger: Logger;
  now: () => Date;
}
