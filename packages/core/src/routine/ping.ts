/**
 * The plan's dead-man's switch (#17 §2, `notify.ping`, healthchecks.io protocol): `start` after
 * `run.started`, and after `run.finished` `success` when every droplet was backed up, else
 * `fail` with a short summary — an incomplete, skipped, failed or interrupted run is one the
 * switch must hear about. Each ping is one durable step (so a replay does not ping again); the
 * pinger retries within it and never throws, and a ping that still fails is returned as a
 * sentence for the run's result: it never fails the backup. A dry run pings nothing (the caller
 * does not call these).
 */
import type { Plan } from "../config/schema";
import type { RunRequest } from "../contracts";
import type { PingResult, PingSignal } from "../ports/pinger";
import { redactUrl } from "../redact-url";
import type { RunOutcome } from "../run-outcome";
import type { DropletOutcome } from "./backup-droplet";
import { messageOf, type RoutineDeps } from "./deps";
import { type DurableSteps, runOnce } from "./durable";

/** The most a ping's body holds: a few lines, well under every service's limit (Cronitor's `msg`: 1000). */
export const PING_BODY_MAX_BYTES = 500;

/** The start ping (not on a dry run); a sentence when it failed. */
export const pingStart = (ctx: DurableSteps, deps: RoutineDeps, plan: Plan, request: RunRequest, runId: string) =>
  request.dryRun ? Promise.resolve(undefined) : pingPlan(ctx, deps, plan, runId, "start");

/** The end ping for a run that ended with `outcome` (not on a dry run); a sentence when it failed. */
export const pingEnd = (
  ctx: DurableSteps,
  deps: RoutineDeps,
  plan: Plan,
  request: RunRequest,
  run: { runId: string; outcome: RunOutcome; droplets: DropletOutcome[]; error?: string },
) =>
  request.dryRun
    ? Promise.resolve(undefined)
    : pingPlan(
        ctx,
        deps,
        plan,
        run.runId,
        endSignal(run.outcome),
        pingBody(run.runId, plan.name, run.outcome, run.droplets, run.error),
      );

/** Sends the plan's ping, if it has one and a pinger is wired; a sentence when it failed. */
async function pingPlan(
  ctx: DurableSteps,
  deps: RoutineDeps,
  plan: Plan,
  runId: string,
  signal: PingSignal,
  body?: string,
): Promise<string | undefined> {
  const url = plan.notify.ping;
  const pinger = deps.pinger;
  if (!url || !pinger) return undefined;
  let result: PingResult;
  try {
    result = await ctx.step(
      `ping ${signal === "start" ? "start" : "end"}`,
      () => pinger.ping({ url, signal, runId, ...(body !== undefined ? { body } : {}) }),
      runOnce, // the pinger's own retries are bounded; the step's would multiply them
    );
  } catch (error) {
    result = { ok: false, attempts: 0, error: messageOf(error) };
  }
  if (result.ok) return undefined;
  const tries = result.attempts === 1 ? "1 try" : `${result.attempts} tries`;
  return `${signal} ping to ${redactUrl(url)} failed after ${tries}: ${result.error}`;
}

/** The end ping's signal for a run that ended with `outcome`. */
const endSignal = (outcome: RunOutcome): PingSignal => (outcome === "succeeded" ? "success" : "fail");

/**
 * The end ping's body: plan, run, outcome, and per droplet what failed, at most
 * PING_BODY_MAX_BYTES of UTF-8.
 *
 * @example
 * // lifeboat plan weekly, run weekly-20260104T030000Z: incomplete
 * // gitlab: failed — snapshot did not complete
 * // drone: succeeded
 */
export function pingBody(
  runId: string,
  plan: string,
  outcome: RunOutcome,
  droplets: ReadonlyArray<Pick<DropletOutcome, "droplet" | "outcome" | "detail">>,
  error?: string,
): string {
  const lines = [`lifeboat plan ${plan}, run ${runId}: ${outcome}${error ? ` — ${error}` : ""}`];
  // What went wrong first: a long fleet's successes are what gets cut.
  const ordered = [...droplets].sort((a, b) => Number(a.outcome === "succeeded") - Number(b.outcome === "succeeded"));
  // A success needs no detail; a failure or skip says why.
  for (const d of ordered) {
    lines.push(`${d.droplet}: ${d.outcome}${d.detail && d.outcome !== "succeeded" ? ` — ${d.detail}` : ""}`);
  }
  return truncateUtf8(lines.join("\n"), PING_BODY_MAX_BYTES);
}

function truncateUtf8(text: string, maxBytes: number): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= maxBytes) return text;
  // By code points, from at most maxBytes of them (each is at least one byte).
  const chars = Array.from(text).slice(0, maxBytes);
  while (encoder.encode(`${chars.join("")}…`).length > maxBytes) chars.pop();
  return `${chars.join("")}…`;
}
