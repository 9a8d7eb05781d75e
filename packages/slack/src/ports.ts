/**
 * What the Slack app asks of the world outside Slack besides the SlackBackend: start a run,
 * answer a waiting approval, pause or resume a plan's schedule, hand work to a second
 * invocation. Deployed, functions/slack.ts passes in the AWS implementations
 * (@lifeboat/aws); tests pass the same ones pointed at a loopback AWS. This package imports
 * no AWS SDK.
 */
import type { ApprovalAnswer, DrillRequest, RunRecord, RunRequest, VerifyRequest } from "@lifeboat/core";
import type { DeferredWork } from "./commands/deferred-work";

export type StartRunResult = { started: true; runId: string } | { started: false; runId: string; reason: string };

/** Starts a backup run, named so that the same request twice is one run. */
export type RunStarter = (request: RunRequest) => Promise<StartRunResult>;

/** Starts a restore drill (`backup-run` with a DrillRequest), named apart from every backup run. */
export type DrillStarter = (request: DrillRequest) => Promise<StartRunResult>;

/** Starts a verify of the stored backups (`backup-run` with a VerifyRequest), named apart from runs and drills. */
export type VerifyStarter = (request: VerifyRequest) => Promise<StartRunResult>;

/** "closed": the run no longer waits for this answer (answered already, or timed out). */
export type AnswerResult = "accepted" | "closed";

/** Answers a waiting run's approval callback; the first answer wins. */
export type ApprovalResponder = (callbackId: string, answer: ApprovalAnswer) => Promise<AnswerResult>;

export interface ScheduleSwitch {
  /** The schedule's name for a plan. */
  scheduleName(plan: string): string;
  pause(plan: string): Promise<void>;
  resume(plan: string): Promise<void>;
  /** true = enabled, false = paused, undefined = no schedule found. */
  isEnabled(plan: string): Promise<boolean | undefined>;
}

/** Runs `work` in a second invocation, so that the listener can answer Slack within 3 s. */
export type DeferredInvoker = (work: DeferredWork) => Promise<void>;

/**
 * A plan's newest run records, newest first: the run history in storage, written by every
 * run that ended, deployed or started from the CLI (packages/storage/FORMAT.md "Run records").
 */
export type RunRecords = (plan: string, last: number) => Promise<RunRecord[]>;
