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
import { backupDroplet, type DropletOutcome } from "./backup-droplet";
import { emit, messageOf, nowOf, type RoutineDeps } from "./deps";
import type { DurableSteps } from "./durable";

export interface RunResult {
  runId: string;
  plan: string;
  outcome: "succeeded" | "skipped" | "partial" | "failed";
  droplets: DropletOutcome[];
  durationSeconds: number;
  /** Set when the run could not even start (e.g. a droplet selector matched nothing). */
  error?: string;
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
  const elapsed = () => ctx.step("finish", async () => Math.round((nowOf(deps) - start.at) / 1000));

  if (start.error !== undefined) {
    await emit(ctx, deps, "run failed", {
      ...base,
      type: "run.failed",
      phase: "find droplets",
      error: start.error,
      recovery: "nothing was touched",
    });
    return {
      runId: start.runId,
      plan: plan.name,
      outcome: "failed",
      droplets: [],
      durationSeconds: await elapsed(),
      error: start.error,
    };
  }

  await emit(ctx, deps, "run started", {
    ...base,
    type: "run.started",
    trigger: request.trigger,
    droplets: start.droplets.map((d) => d.name),
    ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
  });

  const batch = await ctx.map(
    "droplets",
    start.droplets,
    (child, droplet) =>
      backupDroplet(
        child,
        deps,
        { runId: start.runId, dryRun: request.dryRun ?? false, startedAt: start.at, plan },
        droplet,
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
  const outcome = overall(droplets);
  const durationSeconds = await elapsed();
  await emit(ctx, deps, "run finished", {
    ...base,
    type: "run.finished",
    outcome: outcome === "failed" ? "partial" : outcome,
    durationSeconds,
    summary: droplets.map((d) => ({ droplet: d.droplet, outcome: d.outcome, detail: d.detail })),
  });
  return { runId: start.runId, plan: plan.name, outcome, droplets, durationSeconds };
}

function overall(droplets: DropletOutcome[]): RunResult["outcome"] {
  if (droplets.length === 0 || droplets.every((d) => d.outcome === "skipped")) return "skipped";
  if (droplets.every((d) => d.outcome === "failed")) return "failed";
  if (droplets.some((d) => d.outcome === "failed")) return "partial";
  return "succeeded";
}

/** The plan's droplets (each once), narrowed to `request.droplets` by name. */
async function selectDroplets(deps: RoutineDeps, plan: Plan, request: RunRequest): Promise<Droplet[]> {
  const all = await planDroplets(deps.api, plan);
  if (!request.droplets) return all;
  const unknown = unknownDroplets(plan, all, request.droplets);
  if (unknown) throw new Error(unknown);
  return all.filter((d) => request.droplets?.includes(d.name));
}
