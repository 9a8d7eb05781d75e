/**
 * `duplicity verify` of the plan's `verify.duplicityPath` on one droplet (#15 §1), a job on the
 * droplet followed across durable waits like the backup's jobs (./follow-job.ts): a start step,
 * waits and short polls, a finish step; a job that fails, stalls or cannot be reached is stopped.
 * Every outcome is one finding: differences and a verify that could not run are both named.
 * The run's verify step and `lifeboat verify` (with in-process steps) both follow it here.
 */
import type { Plan } from "../config/schema";
import { formatDuration } from "../duration";
import { duplicityVerifyFailure, duplicityVerifyFinding } from "../verify/duplicity-verify";
import type { VerifyFinding } from "../verify/report";
import { messageOf } from "./deps";
import type { DurableSteps } from "./durable";
import { type DropletHost, isRetryable, type JobStatus } from "./host";
import { jobPollCapSeconds, nextJobPollSeconds } from "./poll-plan";
import { sshStep } from "./ssh-step";

export interface DuplicityVerifyInput {
  plan: Plan;
  droplet: string;
  /** The droplet's host, or why it has none (in words: ./host.ts `noHostReason`). */
  host: DropletHost | string;
  /** ms since the epoch, recorded in each poll's result (for `jobs.unreachableFor`, judged the same on replay). */
  now: () => number;
}

type Look = { at: number; status: JobStatus } | { at: number; error: string; retryable: boolean };

/**
 * The finding for the plan's `verify.duplicityPath` on this droplet; undefined when the plan sets none.
 * @example const finding = await followDuplicityVerify(ctx, { plan, droplet: "web-1", host, now: Date.now });
 */
export async function followDuplicityVerify(
  ctx: DurableSteps,
  input: DuplicityVerifyInput,
): Promise<VerifyFinding | undefined> {
  const { plan, droplet: name, host } = input;
  const path = plan.verify?.duplicityPath;
  if (path === undefined || !plan.duplicity) return undefined;
  const failed = (why: string) => duplicityVerifyFailure(name, path, why);
  if (typeof host === "string") return failed(host);
  if (!host.duplicityVerify) return failed(`the way lifeboat reaches ${name} cannot run duplicity verify`);
  const job = host.duplicityVerify(path);

  const stop = async (why: string): Promise<VerifyFinding> => {
    try {
      await ctx.step(`verify duplicity stop ${name}`, () => job.stop(why), sshStep);
      return failed(why);
    } catch (error) {
      // The same cause (no SSH key, the droplet unreachable) is said once.
      const also = messageOf(error);
      return failed(
        why.includes(also) ? why : `${why}; stopping the job failed too (${also}): the next verify removes it`,
      );
    }
  };

  let expectedBytes: number | undefined;
  try {
    expectedBytes = (await ctx.step(`verify duplicity start ${name}`, () => job.start(), sshStep)).expectedBytes;
  } catch (error) {
    return stop(`the job could not be started: ${messageOf(error)}`);
  }

  const jobs = plan.jobs;
  let seen: JobStatus | undefined;
  let unreachableSince: number | undefined;
  for (let n = 1; ; n++) {
    const seconds =
      unreachableSince === undefined ? nextJobPollSeconds(seen, expectedBytes, jobs) : jobPollCapSeconds(jobs);
    try {
      await ctx.wait(`verify duplicity wait ${name} ${n}`, { seconds });
    } catch (error) {
      return stop(`following the job was cut short: ${messageOf(error)}`);
    }
    const look = await ctx.step(`verify duplicity poll ${name} ${n}`, async (): Promise<Look> => {
      const at = input.now();
      try {
        return { at, status: await job.poll() };
      } catch (error) {
        return { at, error: messageOf(error), retryable: isRetryable(error) };
      }
    });
    if ("error" in look) {
      if (!look.retryable) return stop(`${name} cannot be reached: ${look.error}`);
      unreachableSince ??= look.at;
      const away = (look.at - unreachableSince) / 1000;
      if (away >= jobs.unreachableFor.seconds) {
        return stop(`${name} could not be reached for ${formatDuration(away)}: ${look.error}`);
      }
      continue;
    }
    unreachableSince = undefined;
    seen = look.status;
    if (seen.state === "failed" || seen.state === "lost") {
      return stop(`the job ${seen.state === "lost" ? "was lost" : "failed"}: ${seen.error ?? "it gave no reason"}`);
    }
    if (seen.state === "succeeded") break;
    if (seen.idleSeconds >= jobs.stallAfter.seconds) {
      return stop(
        `the job made no progress for ${formatDuration(seen.idleSeconds)} (jobs.stallAfter is ${jobs.stallAfter.text})`,
      );
    }
  }

  try {
    const result = await ctx.step(`verify duplicity finish ${name}`, () => job.finish(), sshStep);
    return duplicityVerifyFinding(name, result);
  } catch (error) {
    return stop(`its result could not be read: ${messageOf(error)}`);
  }
}
