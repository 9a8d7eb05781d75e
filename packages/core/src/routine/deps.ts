/**
 * What the routine is given: the ports it drives and the clock it reads. Everything here is
 * used only inside durable steps, so a replay never calls DigitalOcean, SSH or the event bus
 * again for work already recorded.
 */
import type { EventSink, LifeboatEvent } from "../events";
import type { DropletApi } from "../ports/digitalocean";
import type { Pinger } from "../ports/pinger";
import type { RunHistory } from "../ports/run-history";
import type { StoreVerifier } from "../verify/verify-droplet";
import type { DurableSteps } from "./durable";
import type { DropletHosts } from "./host";

export interface RoutineDeps {
  api: DropletApi;
  events: EventSink;
  /** The SSH phases; when absent (or it gives undefined for a droplet) they are reported as skipped. */
  hosts?: DropletHosts;
  /** The plans' dead-man's switch (`notify.ping`); when absent nothing is pinged. */
  pinger?: Pinger;
  /** Where the run's record is written when it ends (./run-record-step.ts); absent: no record. */
  history?: RunHistory;
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
  /** The archive store, read by a plan's `verify` step (#15); when absent that step is not run. */
  verifyStore?: StoreVerifier;
}

/** The same fields as the event, without `at` (the emitting step stamps it). */
export type EventDraft = LifeboatEvent extends infer E ? (E extends LifeboatEvent ? Omit<E, "at"> : never) : never;

export const nowOf = (deps: RoutineDeps): number => (deps.now ?? Date.now)();

/**
 * Emits an event in its own step, stamped with the time inside the step (give a function of
 * that time when a field depends on it). Events are reports:
 * an event bus that stays down (after the step's retries) does not fail the backup.
 */
export async function emit(
  ctx: DurableSteps,
  deps: RoutineDeps,
  name: string,
  draft: EventDraft | ((now: number) => EventDraft),
): Promise<void> {
  try {
    await ctx.step(`event ${name}`, async () => {
      const now = nowOf(deps);
      const fields = typeof draft === "function" ? draft(now) : draft;
      await deps.events.emit({ ...fields, at: new Date(now).toISOString() } as LifeboatEvent);
      return true;
    });
  } catch {
    // Reported nowhere else on purpose: the run's own result still says what happened.
  }
}

/** A message for an unknown thrown value, safe to show (the ports never put secrets in errors). */
export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error && cause.message && !error.message.includes(cause.message)
      ? `${error.message}: ${cause.message}`
      : error.message;
  }
  return String(error);
}
