/**
 * In-process waiting (CLI, demo, benchmark): poll a droplet's status or an action at times
 * planned from how long the thing should take, not in a tight loop. The durable routine does
 * not use these: it sleeps durably between the single-shot `DropletApi` calls itself, and can
 * use `pollDelays` for the same plan.
 */
import type { Droplet, DropletAction, DropletApi, DropletStatus } from "@lifeboat/core";
import { type Clock, systemClock } from "./clock";
import { DigitalOceanError } from "./errors";

export interface WaitPlan {
  /** When the state is expected, in ms from now: the first look happens then. */
  expectedMs: number;
  /** Give up this long (ms) from now. */
  timeoutMs: number;
  /** Gap between later looks (default a tenth of `expectedMs`, at least 5 s). */
  intervalMs?: number;
}

/**
 * The delays between looks: first at the expected time, then every interval (growing by half
 * each time, up to a quarter of the expected time) until the timeout.
 *
 * @example
 * pollDelays({ expectedMs: 24 * 60_000, timeoutMs: 72 * 60_000 }) // [1440000, 144000, 216000, 324000, 360000, …]
 */
export function pollDelays(plan: WaitPlan): number[] {
  const delays: number[] = [];
  let elapsed = Math.min(plan.expectedMs, plan.timeoutMs);
  delays.push(elapsed);
  const base = plan.intervalMs ?? Math.max(5_000, plan.expectedMs / 10);
  const cap = Math.max(base, plan.expectedMs / 4);
  let gap = base;
  while (elapsed < plan.timeoutMs) {
    const step = Math.min(gap, plan.timeoutMs - elapsed);
    delays.push(step);
    elapsed += step;
    gap = Math.min(cap, gap * 1.5);
  }
  return delays;
}

/**
 * A plan for a snapshot from the droplet's used disk (DO: ~60 s per GB measured; 1–3 min per
 * GB documented, hence the default timeout of three times the expectation).
 */
export function snapshotPlan(usedDiskGb: number, secondsPerGb = 60, timeoutFactor = 3): WaitPlan {
  const expectedMs = Math.max(60_000, usedDiskGb * secondsPerGb * 1000);
  return { expectedMs, timeoutMs: expectedMs * timeoutFactor };
}

/**
 * Waits until the droplet's status is `status` (trust the droplet, not a shutdown action's
 * `completed`: DO reports that while the droplet still runs).
 *
 * @example
 * await api.shutdown(id);
 * await waitForDropletStatus(api, id, "off", { expectedMs: 20_000, timeoutMs: 180_000 });
 */
export async function waitForDropletStatus(
  api: Pick<DropletApi, "getDroplet">,
  dropletId: number,
  status: DropletStatus,
  plan: WaitPlan,
  clock: Clock = systemClock,
): Promise<Droplet> {
  let last: Droplet | undefined;
  for (const delay of pollDelays(plan)) {
    await clock.sleep(delay);
    last = await api.getDroplet(dropletId);
    if (last.status === status) return last;
  }
  throw new DigitalOceanError({
    kind: "timeout",
    operation: `see status "${status}" of`,
    dropletId,
    detail: `the droplet was still "${last?.status}" after ${formatMs(plan.timeoutMs)}`,
  });
}

/** Waits until the action is no longer in progress; an `errored` action is a typed error. */
export async function waitForAction(
  api: Pick<DropletApi, "getAction">,
  actionId: number,
  plan: WaitPlan,
  clock: Clock = systemClock,
): Promise<DropletAction> {
  let last: DropletAction | undefined;
  for (const delay of pollDelays(plan)) {
    await clock.sleep(delay);
    last = await api.getAction(actionId);
    if (last.status === "completed") return last;
    if (last.status === "errored") {
      throw new DigitalOceanError({
        kind: "action_errored",
        operation: last.type,
        dropletId: last.dropletId,
        detail: `action ${actionId} ended "errored"`,
      });
    }
  }
  throw new DigitalOceanError({
    kind: "timeout",
    operation: last?.type ?? `finish action ${actionId} of`,
    dropletId: last?.dropletId,
    detail: `action ${actionId} was still in progress after ${formatMs(plan.timeoutMs)}`,
  });
}

function formatMs(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}
