/**
 * Starts a restore drill: an asynchronous Invoke of the durable `backup-run` function's alias
 * with a DrillRequest, named like a run but always ending in `-drill`, so that a drill never
 * takes (or is refused) the name of a backup run of the same plan and second.
 */
import { createHash } from "node:crypto";
import { type DrillRequest, executionName } from "@lifeboat/core";
import { startNamedExecution } from "./named-execution";
import type { RunStarterOptions, StartRunResult } from "./run-starter";

/**
 * The drill id (durable execution name). A scheduled drill is named by plan and time alone (a
 * duplicate delivery is the same drill); a one-off also by a short hash of who asked for what.
 * Backup runs end in the time, `-slack-…` or `-cli-…`: a drill's `-drill…` is never one of them.
 * @example drillId({ kind: "drill", plan: "weekly", trigger: "schedule" }, "2026-11-29T04:00:00Z") // "weekly-20261129T040000Z-drill"
 */
export function drillId(request: DrillRequest, at: string): string {
  if (request.trigger === "schedule") return executionName(request.plan, at, "drill");
  const what = JSON.stringify([
    request.trigger,
    request.droplet ?? "",
    request.snapshot ?? "",
    request.keep ?? false,
    request.requestedBy ?? "",
  ]);
  // Kept short: the longest plan name (32) still leaves the whole id within Lambda's 64 characters.
  return executionName(request.plan, at, `drill-${createHash("sha256").update(what).digest("hex").slice(0, 6)}`);
}

/**
 * Whether a durable execution name is a drill's (drillId's), not a backup run's.
 * @example isDrillId("weekly-20261129T040000Z-drill") // true
 * @example isDrillId("weekly-20261129T030000Z-slack-3f9a1c") // false
 */
export const isDrillId = (name: string): boolean => /-\d{8}T\d{6}Z-drill(-[0-9a-f]{6})?$/.test(name);

/**
 * @example
 * const start = drillStarter({ lambda, functionName: "lifeboat-backup-run:live" });
 * await start({ kind: "drill", plan: "weekly", droplet: "gitlab", trigger: "slack", requestedBy: "U024BE7LH" });
 * // { started: true, runId: "weekly-20261129T030512Z-drill-3f9a1c" }
 */
export function drillStarter({ lambda, functionName, now = () => new Date() }: RunStarterOptions) {
  return async (request: DrillRequest): Promise<StartRunResult> => {
    const at = request.scheduledTime ?? now().toISOString();
    const runId = drillId(request, at);
    const started = await startNamedExecution(lambda, functionName, runId, { ...request, scheduledTime: at, runId });
    return started
      ? { started: true, runId }
      : { started: false, runId, reason: "a different drill with this name started in the same second" };
  };
}
