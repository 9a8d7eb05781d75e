/**
 * A verify asked for (`/lifeboat verify`, a VerifyRequest): the body of `backup-run` for it, so
 * that reading archives back runs in the durable function, not in Slack's short invocation.
 * The same checks as `lifeboat verify` and the run's verify step (../routine/verify-droplet-steps.ts):
 * the store, a durable step per droplet's listing and one per archive read back (a replay reads
 * none again that finished), read-only (no `--prune`),
 * and `duplicity verify` of each plan's `verify.duplicityPath` as a job on the droplet, reached
 * through the run's hosts; one `verify.finished` at the end.
 */
import { findPlan, planNamed } from "../config/plan-named";
import type { LifeboatConfig } from "../config/schema";
import { executionName, type VerifyRequest } from "../contracts";
import type { EventSink } from "../events";
import type { Droplet, DropletApi } from "../ports/digitalocean";
import { emit, messageOf, nowOf, type RoutineDeps } from "../routine/deps";
import type { DurableSteps } from "../routine/durable";
import type { DropletHosts } from "../routine/host";
import { verifyDropletSteps } from "../routine/verify-droplet-steps";
import { verifyFinishedFigures } from "./finished-event";
import { type VerifyFinding, type VerifyReport, verifyReport } from "./report";
import { seedFrom } from "./sample";
import { verifyTargets } from "./targets";
import type { StoreVerifier } from "./verify-droplet";

export interface VerifyRunDeps {
  api: DropletApi;
  events: EventSink;
  store: StoreVerifier;
  /**
   * How droplets are reached over SSH (the run's hosts), for `duplicity verify` of a plan's
   * `verify.duplicityPath`; absent: each such verify is a finding saying so.
   */
  hosts?: DropletHosts;
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

export interface VerifyRunResult {
  verifyId: string;
  /** The plan the result is filed under: the plan named, or "*" (a droplet, or every plan). */
  plan: string;
  passed: boolean;
  /** Set once verify could run. */
  report?: VerifyReport;
  /** Why it could not (a target that is neither a plan nor a droplet). */
  error?: string;
}

/**
 * The plan a verify of `target` reports under: the plan it names, else "*".
 * @example verifyPlanOf(config, "nightly") // "nightly"; verifyPlanOf(config, "gitlab") // "*"
 */
export const verifyPlanOf = (config: LifeboatConfig, target: string | undefined): string =>
  (target === undefined ? undefined : findPlan(config, target)?.name) ?? "*";

/** @example await runVerify(ctx, { api, events, store: storeVerifier(sink) }, config, { kind: "verify", target: "nightly", readData: 1, trigger: "slack" }) */
export async function runVerify(
  ctx: DurableSteps,
  deps: VerifyRunDeps,
  config: LifeboatConfig,
  request: VerifyRequest,
): Promise<VerifyRunResult> {
  const routine: RoutineDeps = { api: deps.api, events: deps.events, ...(deps.now ? { now: deps.now } : {}) };
  const plan = verifyPlanOf(config, request.target);
  const start = await ctx.step("start", async () => {
    const at = nowOf(routine);
    const verifyId =
      request.runId ?? executionName("verify", request.scheduledTime ?? new Date(at).toISOString(), request.trigger);
    const seed = request.seed ?? seedFrom(Math.random());
    try {
      const targets = await verifyTargets(deps.api, config, request.target);
      // Plans by name: a step's result is JSON, and the plans are the config's.
      const found = targets.map((t) => ({ droplet: t.droplet, plans: t.plans.map((p) => p.name) }));
      return { verifyId, at, seed, targets: found, error: undefined };
    } catch (error) {
      return {
        verifyId,
        at,
        seed,
        targets: [] as Array<{ droplet: Droplet; plans: string[] }>,
        error: messageOf(error),
      };
    }
  });

  const stepDeps = {
    api: deps.api,
    store: deps.store,
    ...(deps.hosts ? { hosts: deps.hosts } : {}),
    now: () => nowOf(routine),
  };
  const options = { readData: request.readData, seed: start.seed, runId: start.verifyId };
  const findings: VerifyFinding[] = [];
  for (const { droplet, plans } of start.targets) {
    const covered = plans.map((name) => planNamed(config, name));
    findings.push(...(await verifyDropletSteps(ctx, stepDeps, droplet, covered, options)));
  }
  const report = start.error === undefined ? verifyReport(findings, start.seed, request.readData) : undefined;
  const durationSeconds = await ctx.step("finish", async () => Math.round((nowOf(routine) - start.at) / 1000));
  const figures = report
    ? verifyFinishedFigures(report, start.targets.length)
    : verifyFinishedFigures(verifyReport([], start.seed, request.readData), 0);
  await emit(ctx, routine, "verify finished", {
    runId: start.verifyId,
    plan,
    droplet: "*",
    type: "verify.finished",
    origin: "request",
    ...(request.target !== undefined ? { target: request.target } : {}),
    ...figures,
    passed: report?.ok ?? false,
    ...(start.error !== undefined ? { error: start.error } : {}),
    durationSeconds,
    trigger: request.trigger,
    ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
  });
  return {
    verifyId: start.verifyId,
    plan,
    passed: report?.ok ?? false,
    ...(report ? { report } : {}),
    ...(start.error !== undefined ? { error: start.error } : {}),
  };
}
