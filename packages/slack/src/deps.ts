/** Everything the Slack app's handlers use, passed in once (functions/slack.ts or a test). */
import type { LifeboatConfig } from "@lifeboat/core";
import type { Logger } from "@slack/logger";
import type { SlackBackend } from "./backend";
import type {
  ApprovalResponder,
  DeferredInvoker,
  DrillStarter,
  RunRecords,
  RunStarter,
  ScheduleSwitch,
  VerifyStarter,
} from "./ports";

export interface SlackDeps {
  config: LifeboatConfig;
  backend: SlackBackend;
  startRun: RunStarter;
  startDrill: DrillStarter;
  startVerify: VerifyStarter;
  answerApproval: ApprovalResponder;
  schedules: ScheduleSwitch;
  defer: DeferredInvoker;
  /** Finished runs from the run history, so `status` shows CLI runs too; absent: durable executions only. */
  history?: RunRecords;
  logger: Logger;
  now: () => Date;
}
