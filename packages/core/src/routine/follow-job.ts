/**
 * A long phase on the droplet (the archives, duplicity) run as a job there: started in one
 * short step, then looked at in short steps between durable waits (no compute while it runs),
 * so no step lasts longer than one SSH command, however long the job takes. The steps, for
 * droplet <d> and look number <n>:
 *
 *   start <kind> job <d>            startJob; a retry attaches to the job already there
 *   wait <kind> <d> <n>             a durable wait, planned by ./poll-plan.ts
 *   poll <kind> <d> <n>             pollJob, with the orchestrator's time; never throws
 *   event progress <kind> <d> <n>   `archive.progress` (bytes, rate, ETA)
 *   finish <kind> <d>               after it succeeded: finishArchive / finishDuplicity
 *   stop <kind> job <d>             when it cannot end well: stopJob, with why
 *
 * A job is stopped, and the phase fails in plain words, when it failed, was lost (killed, its
 * directory gone), made no progress for the plan's `jobs.stallAfter` (by the job's own idle
 * time: the droplet's clock), or its droplet could not be reached for `jobs.unreachableFor`
 * (by the orchestrator's clock, recorded in each poll's result so a replay judges the same).
 */
import { formatDuration } from "../duration";
import { emit, messageOf, nowOf, type RoutineDeps } from "./deps";
import type { DropletReport } from "./droplet-report";
import type { DurableSteps } from "./durable";
import { type DropletHost, isRetryable, type JobKind, type JobStart, type JobStatus } from "./host";
import { etaSecondsOf, jobPollCapSeconds, nextJobPollSeconds, rateOf } from "./poll-plan";
import type { DropletRun } from "./power";
import { sshStep } from "./ssh-step";

/** A job that could not end well: `message` says why, `recovery` what stopping it did. */
export class JobFailed extends Error {
  constructor(
    message: string,
    readonly recovery: string,
  ) {
    super(message);
    this.name = "JobFailed";
  }
}

/**
 * Keeps this run's claim on the droplet (./claim.ts) while a job runs, however long: without
 * it a job longer than the claim's lifetime would let another run claim the droplet and
 * clean this job away as debris. Says why the claim is lost, when it is.
 */
export interface ClaimKeeper {
  keep(): Promise<string | undefined>;
}

/** What one poll step recorded: the status, or why the droplet could not be reached; and when (ms, orchestrator's clock). */
type Look = { at: number; status: JobStatus } | { at: number; error: string; retryable: boolean };

/**
 * Starts the job, follows it to its end, and finishes it. Returns what `finish` returned, or
 * undefined when there was nothing to do (no job ran). Throws `JobFailed` once the job was
 * stopped (or could not be).
 */
export async function followJob<T>(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  host: DropletHost,
  report: DropletReport,
  kind: JobKind,
  finish: () => Promise<T>,
  claim?: ClaimKeeper,
): Promise<T | undefined> {
  const name = r.droplet.name;
  const stop = (why: string) => stopJob(ctx, host, kind, name, why);

  let start: JobStart;
  try {
    start = await ctx.step(`start ${kind} job ${name}`, () => host.startJob(kind), sshStep);
  } catch (error) {
    // It may have begun (and stopped containers) before the error: stopping is always safe.
    return stop(`the ${kind} job could not be started: ${messageOf(error)}`);
  }
  for (const d of start.debris) report.note(`cleaned up after an earlier run: ${d}`);
  if (start.nothing) return undefined;
  if (!start.started) report.note(`the ${kind} job on ${name} was already running; this run attached to it`);

  const jobs = r.plan.jobs;
  let seen: JobStatus | undefined;
  let unreachableSince: number | undefined;
  for (let n = 1; ; n++) {
    const seconds =
      unreachableSince === undefined ? nextJobPollSeconds(seen, start.expectedBytes, jobs) : jobPollCapSeconds(jobs);
    try {
      await ctx.wait(`wait ${kind} ${name} ${n}`, { seconds });
    } catch (error) {
      // Only an in-process run's wait throws (the CLI's Ctrl-C): the job must not outlive it.
      return stop(`following the ${kind} job was cut short: ${messageOf(error)}`);
    }
    const look = await ctx.step(`poll ${kind} ${name} ${n}`, () => lookAt(deps, host, kind));

    if ("error" in look) {
      if (!look.retryable) return stop(`${name} cannot be reached: ${look.error}`);
      unreachableSince ??= look.at;
      const away = (look.at - unreachableSince) / 1000;
      if (away >= jobs.unreachableFor.seconds) {
        return stop(
          `${name} could not be reached for ${formatDuration(away)} (jobs.unreachableFor is ${jobs.unreachableFor.text}): ${look.error}`,
        );
      }
      continue;
    }
    unreachableSince = undefined;
    seen = look.status;
    await emitProgress(ctx, deps, r, kind, n, seen, start.expectedBytes);

    const failed = whyStopped(kind, seen, jobs.stallAfter);
    if (failed) return stop(failed);
    if (seen.state === "succeeded") {
      report.jobSeconds[kind] = seen.elapsedSeconds;
      break;
    }
    const lost = await claim?.keep();
    if (lost) return stop(`this run no longer holds the droplet: ${lost}`);
  }

  try {
    return await ctx.step(`finish ${kind} ${name}`, finish, sshStep);
  } catch (error) {
    const why = `finishing the ${kind} job failed: ${messageOf(error)}`;
    // Archived objects without a manifest are debris: they go. A duplicity backup that ran is kept.
    if (kind === "archive") return stop(why);
    throw new JobFailed(why, "the backup duplicity made is kept; its job directory is cleaned up by the next run");
  }
}

/** One look at the job; the droplet being out of reach is a result, not an error. */
async function lookAt(deps: RoutineDeps, host: DropletHost, kind: JobKind): Promise<Look> {
  const at = nowOf(deps);
  try {
    return { at, status: await host.pollJob(kind) };
  } catch (error) {
    return { at, error: messageOf(error), retryable: isRetryable(error) };
  }
}

/** Why a job this look saw must be stopped, in plain words; undefined while it may go on (or succeeded). */
function whyStopped(kind: JobKind, s: JobStatus, stallAfter: { seconds: number; text: string }): string | undefined {
  const on = s.item ? ` at ${s.item}` : "";
  switch (s.state) {
    case "failed":
      return `the ${kind} job failed${on}: ${s.error ?? "it gave no reason"}`;
    case "lost":
      return `the ${kind} job was lost${on}: ${s.error ?? "it is gone without a final status (killed, or the droplet restarted)"}`;
    case "running":
      return s.idleSeconds >= stallAfter.seconds
        ? `the ${kind} job made no progress for ${formatDuration(s.idleSeconds)}${on} (jobs.stallAfter is ${stallAfter.text})`
        : undefined;
    default:
      return undefined;
  }
}

/** `archive.progress` for one look. */
function emitProgress(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  kind: JobKind,
  n: number,
  s: JobStatus,
  expectedBytes: number | undefined,
): Promise<void> {
  const rate = rateOf(s);
  const eta = s.state === "running" ? etaSecondsOf(s, expectedBytes) : undefined;
  return emit(ctx, deps, `progress ${kind} ${r.droplet.name} ${n}`, {
    runId: r.runId,
    plan: r.plan.name,
    droplet: r.droplet.name,
    type: "archive.progress",
    job: kind,
    ...(s.item ? { item: s.item } : {}),
    bytesDone: s.bytesDone,
    ...(expectedBytes !== undefined ? { bytesExpected: expectedBytes } : {}),
    ...(rate !== undefined ? { rate: Math.round(rate) } : {}),
    ...(eta !== undefined ? { etaSeconds: eta } : {}),
    elapsedSeconds: s.elapsedSeconds,
  });
}

/** Stops the job in its own step, then fails with why and what stopping did. */
async function stopJob(
  ctx: DurableSteps,
  host: DropletHost,
  kind: JobKind,
  droplet: string,
  why: string,
): Promise<never> {
  let recovery: string;
  try {
    const stopped = await ctx.step(`stop ${kind} job ${droplet}`, () => host.stopJob(kind, why), sshStep);
    recovery = `the job was stopped${stopped.done.length > 0 ? `: ${stopped.done.join(", ")}` : ""}`;
  } catch (error) {
    recovery = `the job could not be stopped (${messageOf(error)}); the next run cleans up after it`;
  }
  throw new JobFailed(why, recovery);
}
