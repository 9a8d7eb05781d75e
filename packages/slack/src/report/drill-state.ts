/**
 * A restore drill's report state (#15 §2): per droplet, what its drill events said. It lives in
 * the thread's RunState (`drills`), so a drill's thread is kept like a run's. Pure.
 */
import type { DrillCheckResult, EventOf } from "@lifeboat/core";
import type { RunState } from "./state";

export type DrillEvent = EventOf<"drill.started" | "drill.passed" | "drill.failed">;

export interface DrillState {
  /** "running" from drill.started until its drill.passed or drill.failed. */
  status: "running" | "passed" | "failed";
  /** `at` of the event that set the status: a drill.started delivered late does not undo a result. */
  at: string;
  snapshot: string;
  region?: string;
  sizeSlug?: string;
  hourlyPriceUsd?: number;
  checks?: DrillCheckResult[];
  restoreSeconds?: number;
  costUsd?: number;
  error?: string;
  destroyed?: boolean;
}

/** Takes one drill event into `state` (a copy the caller owns). */
export function applyDrillEvent(state: RunState, event: DrillEvent): void {
  state.drills ??= {};
  const before = state.drills[event.droplet];
  if (event.type === "drill.started") {
    state.trigger = event.trigger;
    if (event.requestedBy) state.requestedBy = event.requestedBy;
    state.startedAt ??= event.at;
    const booting = {
      snapshot: event.snapshot,
      region: event.region,
      sizeSlug: event.sizeSlug,
      hourlyPriceUsd: event.hourlyPriceUsd,
    };
    state.drills[event.droplet] =
      before && before.at > event.at ? { ...booting, ...before } : { status: "running", at: event.at, ...booting };
    return;
  }
  state.drills[event.droplet] = {
    ...before,
    status: event.type === "drill.passed" ? "passed" : "failed",
    at: event.at,
    snapshot: event.snapshot,
    checks: event.checks,
    costUsd: event.costUsd,
    destroyed: event.destroyed,
    ...(event.restoreSeconds !== undefined ? { restoreSeconds: event.restoreSeconds } : {}),
    ...(event.error !== undefined ? { error: event.error } : {}),
  };
}

/** The drill's word: failed if any droplet's drill failed, running while any runs, else passed. */
export function drillStatus(drills: Record<string, DrillState>): "running" | "passed" | "failed" {
  const all = Object.values(drills);
  if (all.some((d) => d.status === "failed")) return "failed";
  if (all.some((d) => d.status === "running")) return "running";
  return "passed";
}
