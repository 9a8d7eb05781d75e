/**
 * Steps 5–7, the offline snapshot: power the droplet off, take the snapshot, and always power
 * it on again (then restart its containers, check SSH). A failure anywhere still ends with the
 * power-on; one that leaves the droplet off is for the watchdog, which sees the droplet's
 * claim (./claim.ts, renewed just before) and powers it on after the plan's maxDowntime.
 */
import { emit, type RoutineDeps } from "./deps";
import type { DropletReport } from "./droplet-report";
import type { DurableSteps } from "./durable";
import { phaseOf } from "./failure";
import { type DropletRun, type PowerOnResult, powerOff, powerOnAndWait } from "./power";
import { type SnapshotTaken, takeSnapshot } from "./snapshot";
import { restartContainers, type SshPhases } from "./ssh-phases";
import type { SnapshotEstimate } from "./timing";

/** What a snapshot step gave: the snapshot, when one was taken, and the downtime it cost. */
export interface SnapshotResult {
  taken?: SnapshotTaken;
  /** Seconds from power off to power on; undefined when either did not happen. */
  downtimeSeconds?: number;
}

/**
 * Steps 5–7. The droplet went through step 7, which restarted its containers if it is on; the
 * report's "power on" phase is "failed" when it may still be off (the claim is then left).
 */
export async function offlineSnapshot(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  history: SnapshotEstimate,
  ssh: SshPhases,
  report: DropletReport,
): Promise<SnapshotResult> {
  const name = r.droplet.name;
  let taken: SnapshotTaken | undefined;
  let offAt: number | undefined;
  let failure: unknown;
  let powerOn: PowerOnResult;
  try {
    offAt = (await powerOff(ctx, deps, r)).offAt;
    report.phase("power off", "done");
    taken = await takeSnapshot(ctx, deps, r, history, false);
    report.phase("snapshot", "done");
  } catch (error) {
    failure = error;
  } finally {
    powerOn = await powerOnAndWait(ctx, deps, r);
  }
  report.phase("power on", powerOn.active ? "done" : "failed");
  const downtimeSeconds =
    offAt !== undefined && powerOn.onAt !== undefined ? Math.round((powerOn.onAt - offAt) / 1000) : undefined;
  // Nothing to start while it is off.
  const restarted = powerOn.active ? await restartContainers(ctx, r, ssh, report) : undefined;
  if (powerOn.active) {
    await emit(ctx, deps, `powered on ${name}`, {
      runId: r.runId,
      plan: r.plan.name,
      droplet: name,
      type: "droplet.powered_on",
      dropletId: r.droplet.id,
      downtimeSeconds: downtimeSeconds ?? 0,
      containersRestarted: restarted?.restarted ?? [],
      containersFailed: restarted?.failed ?? [],
    });
  }
  if (failure !== undefined) {
    await report.fail(
      phaseOf(failure, "snapshot"),
      failure,
      powerOn.active ? `powered ${name} back on` : powerOn.detail,
    );
  } else if (!powerOn.active) {
    await report.fail("power on", new Error(powerOn.detail), "the watchdog powers it on after maxDowntime");
  }
  if (taken && downtimeSeconds) report.note(`${name} was off for ${downtimeSeconds}s`);
  if (restarted?.failed.length) report.note(`containers that did not start again: ${restarted.failed.join(", ")}`);
  return { taken, downtimeSeconds };
}
