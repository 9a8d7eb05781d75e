/**
 * Step 6: the snapshot, named `lifeboat-<plan>-<droplet>-<UTC time>`, and its completion,
 * looked at on a schedule planned from the expected duration (see ./timing.ts).
 */
import { snapshotName } from "../snapshot-name";
import { emit, nowOf, type RoutineDeps } from "./deps";
import { type DurableSteps, runOnce } from "./durable";
import { PhaseError } from "./failure";
import { pollUntil } from "./poll";
import type { DropletRun } from "./power";
import { firstSnapshotCheck, type SnapshotEstimate, snapshotGiveUpSeconds, snapshotPollDelay } from "./timing";

export interface SnapshotTaken {
  name: string;
  durationSeconds: number;
}

/** Starts the snapshot and waits for it; throws a PhaseError when it errors or never ends. */
export async function takeSnapshot(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  estimate: SnapshotEstimate,
  live: boolean,
): Promise<SnapshotTaken> {
  const droplet = r.droplet.name;
  // The POST and the action id are recorded in one step, never retried by the runtime: a
  // replay cannot start a second snapshot.
  const started = await ctx.step(
    `snapshot ${droplet}`,
    async () => {
      const at = nowOf(deps);
      const name = snapshotName(r.plan.name, droplet, new Date(at));
      try {
        const action = await deps.api.snapshot(r.droplet.id, name);
        return { name, at, actionId: action.id, error: undefined };
      } catch (error) {
        return { name, at, actionId: undefined, error: error instanceof Error ? error.message : String(error) };
      }
    },
    runOnce,
  );
  if (started.actionId === undefined) {
    throw new PhaseError("snapshot", `DigitalOcean did not start snapshot ${started.name}: ${started.error}`);
  }
  const actionId = started.actionId;

  await ctx.wait(`snapshot ${droplet} first check`, firstSnapshotCheck(estimate));
  const polled = await pollUntil(
    ctx,
    `wait for snapshot ${droplet}`,
    async () => {
      const action = await deps.api.getAction(actionId);
      return { done: action.status !== "in-progress", value: { status: action.status, at: nowOf(deps) } };
    },
    {
      delay: (elapsed) => snapshotPollDelay(estimate, elapsed),
      giveUpSeconds: snapshotGiveUpSeconds(estimate),
      maxErrors: 10,
    },
  );
  if (!polled.done || !polled.value) {
    throw new PhaseError(
      "snapshot",
      `snapshot ${started.name} had not finished after ${Math.round(snapshotGiveUpSeconds(estimate) / 60)} min${polled.lastError ? ` (${polled.lastError})` : ""}`,
    );
  }
  if (polled.value.status === "errored") {
    throw new PhaseError("snapshot", `DigitalOcean reports snapshot ${started.name} errored`);
  }
  const durationSeconds = Math.round((polled.value.at - started.at) / 1000);
  await emit(ctx, deps, `snapshot completed ${droplet}`, {
    runId: r.runId,
    plan: r.plan.name,
    droplet,
    type: "snapshot.completed",
    dropletId: r.droplet.id,
    snapshotName: started.name,
    durationSeconds,
    live,
  });
  return { name: started.name, durationSeconds };
}
