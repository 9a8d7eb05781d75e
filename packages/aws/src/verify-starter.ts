/**
 * Starts a verify of the stored backups (#15 §1): an asynchronous Invoke of the durable
 * `backup-run` function's alias with a VerifyRequest, so that reading archives back runs with
 * the durable function's time, not the Slack function's seconds.
 */
import { createHash } from "node:crypto";
import { executionName, type VerifyRequest } from "@lifeboat/core";
import { startNamedExecution } from "./named-execution";
import type { RunStarterOptions, StartRunResult } from "./run-starter";

/**
 * The verify id (durable execution name): `verify-`, the time, and a short hash of who asked for
 * what, so the same request twice in one second is one verify, and two different ones are two.
 * A plan's name is not in it: a verify is no run of a plan (`/lifeboat status` leaves it out).
 * @example verifyId({ kind: "verify", target: "nightly", readData: 1, trigger: "slack", requestedBy: "U024BE7LH" }, "2026-11-29T10:15:30Z") // "verify-20261129T101530Z-3f9a1c"
 */
export function verifyId(request: VerifyRequest, at: string): string {
  const what = JSON.stringify([
    request.trigger,
    request.target ?? "",
    request.readData,
    request.seed ?? "",
    request.requestedBy ?? "",
  ]);
  return executionName("verify", at, createHash("sha256").update(what).digest("hex").slice(0, 6));
}

/**
 * Whether a durable execution name is a verify's (verifyId's), not a run's or a drill's.
 * @example isVerifyId("verify-20261129T101530Z-3f9a1c") // true
 */
export const isVerifyId = (name: string): boolean => /^verify-\d{8}T\d{6}Z-[0-9a-f]{6}$/.test(name);

/**
 * @example
 * const start = verifyStarter({ lambda, functionName: "lifeboat-backup-run:live" });
 * await start({ kind: "verify", target: "nightly", readData: 0.1, trigger: "slack", requestedBy: "U024BE7LH" });
 * // { started: true, runId: "verify-20261129T101530Z-3f9a1c" }
 */
export function verifyStarter({ lambda, functionName, now = () => new Date() }: RunStarterOptions) {
  return async (request: VerifyRequest): Promise<StartRunResult> => {
    const at = request.scheduledTime ?? now().toISOString();
    const runId = verifyId(request, at);
    const started = await startNamedExecution(lambda, functionName, runId, { ...request, scheduledTime: at, runId });
    return started
      ? { started: true, runId }
      : { started: false, runId, reason: "a different verify with this name started in the same second" };
  };
}
