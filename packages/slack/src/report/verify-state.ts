/**
 * What a thread keeps of `verify.finished` (#15 §1): in a run's thread, the plan's verify step's
 * result; in a verify's own thread (`origin` "request"), the whole of it. Pure.
 */
import type { EventOf } from "@lifeboat/core";
import type { RunState } from "./state";

export type VerifyEvent = EventOf<"verify.finished">;

export interface VerifyState {
  origin: VerifyEvent["origin"];
  target?: string;
  passed: boolean;
  droplets: number;
  checks: number;
  brokenCount: number;
  readData: number;
  seed: number;
  error?: string;
  durationSeconds?: number;
}

/** Takes a `verify.finished` into `state` (a copy the caller owns). */
export function applyVerifyEvent(state: RunState, event: VerifyEvent): void {
  if (event.origin === "request") {
    if (event.trigger) state.trigger = event.trigger;
    if (event.requestedBy) state.requestedBy = event.requestedBy;
  }
  state.verify = {
    origin: event.origin,
    ...(event.target !== undefined ? { target: event.target } : {}),
    passed: event.passed,
    droplets: event.droplets,
    checks: event.checks,
    brokenCount: event.brokenCount,
    readData: event.readData,
    seed: event.seed,
    ...(event.error !== undefined ? { error: event.error } : {}),
    ...(event.durationSeconds !== undefined ? { durationSeconds: event.durationSeconds } : {}),
  };
}
