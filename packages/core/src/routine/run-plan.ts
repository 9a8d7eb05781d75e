/**
 * A run of one plan: find its droplets, back them up in parallel (at most `concurrency` at a
 * time, each in its own child context), report. This is the body of the `backup-run` durable
 * function (functions/backup-run.ts) and of the CLI's local run.
 */
import { planNamed } from "../config/plan-named";
import type { LifeboatConfig, Plan } from "../config/schema";
import { executionName, type RunRequest } from "../contracts";
import { planDroplets, unknownDroplets } from "../plan-droplets";
import type { Droplet } from "../ports/digitalocean";
import { type RunOutcome, runOutcomeOf } from "../run-outcome";
import { verifyFinishedFigures } from "../verify/finished-event";
import type { VerifyReport } from "../verify/report";
import { backupDroplet, type DropletOutcome } from "./backup-droplet";
import { type Claimed, claimDroplets, retireRunClaim } from "./claim";
import { startedBy } from "./claim-tag";
import { emit, messageOf, nowOf, type RoutineDeps } from "./deps";
import { type BackupsReconciled, reconcileBackups } from "./droplet-backups";
import { previewDroplet } from "./dry-run";
import type { DurableSteps } from "./durable";
import { pingEnd, pingStart } from "./ping";
import { recordRun } from "./run-record-step";
import { listRunSnapshots } from "./run-snapshots";
import { verifyStep } from "./verify-step";

export interface RunResult {
  runId: string;
  plan: string;
  /** One word, defined in ../run-outcome.ts; the same word `run.finished` carries. */
  outcome: RunOutcome;
  /** A dry run: nothing was changed; each droplet's `preview` says what a real run would do. */
  dryRun?: true;
  droplets: DropletOutcome[];
  durationSeconds: number;
  /** Set when the run could not even start (e.g. a droplet selector matched nothing). */
  error?: string;
  /** The plan's `notify.ping` pings that failed (URL redacted), each a sentence; they did not fail the run. */
  pingFailures?: string[];
  /** Set when the run's record could not be written or old records pruned (the backup stands). */
  historyError?: string;
  /** The plan's `verify` step's report (#15), when the plan has one. */
  verify?: VerifyReport;
  /** DO's own Backups reconciled to the plan's `dropletBackups` (#16 §1); absent when unmanaged. */
  backups?: BackupsReconciled;
}

/** Runs one plan. Never leaves a droplet off; a droplet's failure does not stop the others. */
export async function runPlan(
  ctx: DurableSteps,
  deps: RoutineDeps,
  config: LifeboatConfig,
  request: RunRequest,
): Promise<RunResult> {
  const plan = planNamed(config, request.plan);
  const start = await ctx.step("start", async () => {
    const at = nowOf(deps);
    const runId =
      request.runId ??
      executionName(
        plan.name,
        request.scheduledTime ?? new Date(at).toISOString(),
        request.scheduledTime ? undefined : request.trigger,
      );
    try {
      return { runId, at, droplets: await selectDroplets(deps, plan, request), error: undefined };
    } catch (error) {
      return { runId, at, droplets: [] as Droplet[], error: messageOf(error) };
    }
  });
  const base = { runId: start.runId, plan: plan.name, droplet: "*" };
  const dry = request.dryRun ? { dryRun: true as const } : {};
  const elapsed = () => ctx.step("finish", async () => Math.round((nowOf(deps) - start.at) / 1000));

  if (start.error !== undefined) {
    await emit(ctx, deps, "run failed", {
      ...base,
      type: "run.failed",
      phase: "find droplets",
      error: start.error,
      recovery: "nothing was touched",
    });
    // run.finished is always the last event, so the report's header ends with the same word.
    const durationSeconds = await elapsed();
    const historyError = await recordRun(ctx, deps, request, start.at, {
      runId: start.runId,
      plan: plan.name,
      outcome: "failed",
      droplets: [],
      durationSeconds,
      error: start.error,
    });
    await emit(ctx, deps, "run finished", {
      ...base,
      type: "run.finished",
      outcome: "failed",
      durationSeconds,
      summary: [],
    });
    const pinged = await pingEnd(ctx, deps, plan, request, {
      runId: start.runId,
      outcome: "failed",
      droplets: [],
      error: start.error,
    });
    return {
      runId: start.runId,
      plan: plan.name,
      outcome: "failed",
      droplets: [],
      durationSeconds,
      error: start.error,
      ...(historyError ? { historyError } : {}),
      ...(pinged ? { pingFailures: [pinged] } : {}),
    };
  }

  await emit(ctx, deps, "run started", {
    ...base,
    type: "run.started",
    trigger: request.trigger,
    droplets: start.droplets.map((d) => d.name),
    ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
    ...dry,
  });
  const startPinged = await pingStart(ctx, deps, plan, request, start.runId);
  // Before the claim, whose read of each droplet's snapshot_ids tells whether this listing still holds for it.
  const snapshots = request.dryRun ? undefined : await listRunSnapshots(ctx, deps.api, plan.name, start.droplets);
  // Step 0 for every droplet at once (./claim.ts): one lifeboat run per droplet.
  const claims = await claimDroplets(ctx, deps, { runId: start.runId, plan }, start.droplets, {
    by: startedBy(request.trigger, request.requestedBy),
    dryRun: !!request.dryRun,
  });
  const claimOf = (d: Droplet): Claimed => claims.verdicts[d.id] ?? { won: false, reason: `${d.name} was not claimed` };
  const { backups, reconciled } = await reconcileBackups(
    ctx,
    deps,
    { runId: start.runId, plan, dryRun: !!request.dryRun, plans: config.plans },
    start.droplets,
  );

  // A dry run reads and reports only (./dry-run.ts): the one place the routine branches on it.
  const batch = await ctx.map(
    "droplets",
    start.droplets,
    (child, droplet) =>
      request.dryRun
        ? previewDroplet(
            child,
            deps,
            { runId: start.runId, startedAt: start.at, plan, backups },
            droplet,
            claimOf(droplet),
          )
        : backupDroplet(
            child,
            deps,
            {
              runId: start.runId,
              dryRun: false,
              startedAt: start.at,
              startedBy: startedBy(request.trigger, request.requestedBy),
              plan,
              ...(snapshots ? { snapshots } : {}),
              backups,
            },
            droplet,
            claimOf(droplet),
          ),
    { maxConcurrency: plan.concurrency, itemNamer: (d) => d.name },
  );
  const droplets = batch.all.map(
    (item, i): DropletOutcome =>
      item.result ?? {
        droplet: start.droplets[i]?.name ?? `#${i}`,
        dropletId: start.droplets[i]?.id ?? 0,
        outcome: "failed",
        detail: item.error ? messageOf(item.error) : "did not finish",
        phases: {},
      },
  );
  // A droplet whose power-on failed keeps the run's claim: the watchdog's mark.
  await retireRunClaim(
    ctx,
    deps,
    claims,
    droplets.filter((d) => d.phases["power on"] === "failed").map((d) => d.dropletId),
  );
  const verify = ctx.interrupted
    ? undefined
    : await verifyStep(ctx, deps, plan, start.droplets, !!request.dryRun, start.runId);
  // Only an in-process run can be stopped from outside (the CLI's Ctrl-C); see DurableSteps.interrupted.
  const outcome: RunOutcome = ctx.interrupted ? "interrupted" : runOutcomeOf(droplets);
  const durationSeconds = await elapsed();
  if (verify) {
    // The run's thread and the CLI show what verify found (bounded: ../verify/finished-event.ts).
    await emit(ctx, deps, "verify finished", {
      ...base,
      type: "verify.finished",
      origin: "run",
      target: plan.name,
      ...verifyFinishedFigures(verify, start.droplets.length),
    });
  }
  const ran = {
    runId: start.runId,
    plan: plan.name,
    outcome,
    droplets,
    durationSeconds,
    ...(reconciled ? { backups: reconciled } : {}),
  };
  const historyError = await recordRun(ctx, deps, request, start.at, ran); // before run.finished: the last event
  await emit(ctx, deps, "run finished", {
    ...base,
    type: "run.finished",
    outcome,
    durationSeconds,
    summary: droplets.map((d) => ({ droplet: d.droplet, outcome: d.outcome, detail: d.detail })),
    ...dry,
  });
  const endPinged = await pingEnd(ctx, deps, plan, request, { runId: start.runId, outcome, droplets });
  const pingFailures = [startPinged, endPinged].filter((p) => p !== undefined);
  return {
    ...ran,
    ...dry,
    ...(historyError ? { historyError } : {}),
    ...(pingFailures.length ? { pingFailures } : {}),
    ...(verify ? { verify } : {}),
  };
}

/** The plan's droplets (each once), narrowed to `request.droplets` by name. */
async function selectDroplets(deps: RoutineDeps, plan: Plan, request: RunRequest): Promise<Droplet[]> {
  const all = await planDroplets(deps.api, plan);
  if (!request.droplets) return all;
  const unknown = unknownDroplets(plan, all, request.droplets);
  if (unknown) throw new Error(unknown);
  return all.filter((d) => request.droplets?.includes(d.name));
}
