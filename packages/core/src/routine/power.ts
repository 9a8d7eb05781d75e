/**
 * Steps 5 and 7: powering a droplet off (graceful `shutdown`, hard `power_off` if the droplet
 * is not `off` by `shutdownTimeout`) and on again (`power_on`, wait for `active`). The
 * droplet's claim, renewed just before, is the watchdog's mark meanwhile (./claim.ts). Power
 * state is read from the droplet's status, never from the action's: DigitalOcean reports a
 * shutdown completed while the droplet may still be running.
 */
import type { Plan } from "../config/schema";
import type { Droplet } from "../ports/digitalocean";
import { emit, messageOf, nowOf, type RoutineDeps } from "./deps";
import { type DurableSteps, runOnce } from "./durable";
import { PhaseError } from "./failure";
import { pollUntil } from "./poll";
import {
  POWER_OFF_FIRST_CHECK,
  POWER_OFF_TIMEOUT_SECONDS,
  POWER_ON_FIRST_CHECK,
  POWER_ON_TIMEOUT_SECONDS,
  POWER_POLL,
  SHUTDOWN_FIRST_CHECK,
  SHUTDOWN_POLL,
} from "./timing";

export interface DropletRun {
  runId: string;
  plan: Plan;
  droplet: Droplet;
}

/** Status seen by a look, and when (ms since the epoch). */
interface Seen {
  status: string;
  at: number;
}

const base = (r: DropletRun) => ({ runId: r.runId, plan: r.plan.name, droplet: r.droplet.name });

/**
 * Graceful shutdown, then `power_off` if the droplet is not off in time. Resolves when the
 * droplet's status is `off`, with when that was seen; throws when it never gets there.
 */
export async function powerOff(ctx: DurableSteps, deps: RoutineDeps, r: DropletRun): Promise<{ offAt: number }> {
  const name = r.droplet.name;
  const started = await ctx.step(
    `shutdown ${name}`,
    async () => {
      const at = nowOf(deps);
      try {
        const action = await deps.api.shutdown(r.droplet.id);
        return { at, actionId: action.id, error: undefined };
      } catch (error) {
        return { at, actionId: undefined, error: messageOf(error) };
      }
    },
    runOnce,
  );
  const shutdownTimeout = r.plan.snapshot.shutdownTimeout.seconds;
  let how: "shutdown" | "power_off" = "shutdown";
  let seen: Seen | undefined;
  if (!started.error) {
    const first = Math.min(SHUTDOWN_FIRST_CHECK.seconds, shutdownTimeout);
    await ctx.wait(`shutdown ${name} first check`, { seconds: first });
    const polled = await pollUntil(ctx, `wait for off ${name}`, lookAtStatus(deps, r.droplet.id, "off"), {
      delay: () => SHUTDOWN_POLL,
      giveUpSeconds: Math.max(0, shutdownTimeout - first),
    });
    if (polled.done) seen = polled.value;
  }
  if (!seen) {
    how = "power_off";
    const action = await ctx.step(
      `power off ${name}`,
      async () => {
        try {
          return { actionId: (await deps.api.powerOff(r.droplet.id)).id, error: undefined };
        } catch (error) {
          return { actionId: undefined, error: messageOf(error) };
        }
      },
      runOnce,
    );
    await ctx.wait(`power off ${name} first check`, POWER_OFF_FIRST_CHECK);
    const polled = await pollUntil(ctx, `wait for power off ${name}`, lookAtStatus(deps, r.droplet.id, "off"), {
      delay: () => POWER_POLL,
      giveUpSeconds: POWER_OFF_TIMEOUT_SECONDS,
    });
    if (!polled.done || !polled.value) {
      const why = action.error ?? polled.lastError ?? `status still ${polled.value?.status ?? "unknown"}`;
      throw new PhaseError("power off", `${name} did not power off (${why})`);
    }
    seen = polled.value;
  }
  const offAt = seen.at;
  await emit(ctx, deps, `powered off ${name}`, {
    ...base(r),
    type: "droplet.powered_off",
    dropletId: r.droplet.id,
    how,
    waitedSeconds: Math.round((offAt - started.at) / 1000),
  });
  return { offAt };
}

export interface PowerOnResult {
  active: boolean;
  /** When `active` was seen. */
  onAt?: number;
  detail: string;
}

/**
 * The name of the step that starts a droplet's power-on. A local runner (the CLI) recognises
 * it: from that step on, Ctrl-C must not cut the waits short.
 */
export const powerOnStepName = (droplet: string) => `power on ${droplet}`;
export const isPowerOnStep = (stepName: string) => /^power on [^ ]+$/.test(stepName);

/**
 * `power_on` until the droplet is `active`. Never throws: it runs in a `finally`, and whatever
 * it could not do is in the result (the run then leaves its claim, so the watchdog powers the
 * droplet on when the routine could not).
 */
export async function powerOnAndWait(ctx: DurableSteps, deps: RoutineDeps, r: DropletRun): Promise<PowerOnResult> {
  const name = r.droplet.name;
  const first = await ctx.step(
    powerOnStepName(name),
    async () => {
      const at = nowOf(deps);
      try {
        await deps.api.powerOn(r.droplet.id);
        return { at, error: undefined };
      } catch (error) {
        return { at, error: messageOf(error) };
      }
    },
    runOnce,
  );
  await ctx.wait(`power on ${name} first check`, POWER_ON_FIRST_CHECK);
  const polled = await pollUntil<Seen & { requestedAt: number | undefined }>(
    ctx,
    `wait for active ${name}`,
    async (previous) => {
      let requestedAt = previous ? previous.requestedAt : first.error ? undefined : first.at;
      const droplet = await deps.api.getDroplet(r.droplet.id);
      const at = nowOf(deps);
      if (droplet.status === "active") return { done: true, value: { status: droplet.status, at, requestedAt } };
      // Not on yet: ask again when no power_on was accepted, or the last one is long overdue.
      if (requestedAt === undefined || at - requestedAt > 120_000) {
        try {
          await deps.api.powerOn(r.droplet.id);
          requestedAt = at;
        } catch {
          // e.g. 422 while a snapshot still holds the droplet: the next look asks again
        }
      }
      return { done: false, value: { status: droplet.status, at, requestedAt } };
    },
    { delay: () => POWER_POLL, giveUpSeconds: POWER_ON_TIMEOUT_SECONDS, maxErrors: 20 },
  );
  if (!polled.done || !polled.value) {
    return {
      active: false,
      detail: `${name} is not active yet (${polled.lastError ?? `status ${polled.value?.status ?? "unknown"}`}); it keeps its lifeboat-claim tag so the watchdog powers it on`,
    };
  }
  return { active: true, onAt: polled.value.at, detail: `${name} is active` };
}

function lookAtStatus(deps: RoutineDeps, dropletId: number, wanted: string) {
  return async () => {
    const droplet = await deps.api.getDroplet(dropletId);
    return { done: droplet.status === wanted, value: { status: droplet.status, at: nowOf(deps) } };
  };
}
