/**
 * What `backup-run` does with its input: a DrillRequest runs a restore drill, a VerifyRequest a
 * verify of the stored backups, anything else a backup run of the plan. Apart from
 * ./backup-run.ts (which holds the deployed adapters) so a test can drive it with its own.
 */
import {
  type BackupRunInput,
  type DrillDeps,
  type DrillRequest,
  type DrillResult,
  type DurableSteps,
  isDrillRequest,
  isVerifyRequest,
  type LifeboatConfig,
  type RoutineDeps,
  type RunResult,
  runDrill,
  runPlan,
  runVerify,
  type VerifyRunResult,
} from "@lifeboat/core";

export interface BackupRunWiring {
  config: LifeboatConfig;
  /** The run's adapters; a verify reads through their `verifyStore` and reaches droplets through their `hosts`. */
  routine: () => Promise<RoutineDeps>;
  /** A drill's adapters, built on the run's. */
  drill: (request: DrillRequest, routine: RoutineDeps) => DrillDeps;
}

export type BackupRunOutput = RunResult | DrillResult | VerifyRunResult;

/** @example await dispatchBackupRun(ctx, { kind: "verify", target: "nightly", readData: 1, trigger: "slack" }, wiring) */
export async function dispatchBackupRun(
  ctx: DurableSteps,
  request: BackupRunInput,
  wiring: BackupRunWiring,
): Promise<BackupRunOutput> {
  const deps = await wiring.routine();
  if (isVerifyRequest(request)) {
    if (!deps.verifyStore) throw new Error("backup-run has no archive store wired to verify");
    const store = deps.verifyStore;
    return runVerify(
      ctx,
      {
        api: deps.api,
        events: deps.events,
        store,
        // The run's SSH hosts: a plan's `verify.duplicityPath` is checked on the droplet, as in a run.
        ...(deps.hosts ? { hosts: deps.hosts } : {}),
        ...(deps.now ? { now: deps.now } : {}),
      },
      wiring.config,
      request,
    );
  }
  if (isDrillRequest(request)) return runDrill(ctx, wiring.drill(request, deps), wiring.config, request);
  return runPlan(ctx, deps, wiring.config, request);
}
