/** A restore drill's events, in the schema of packages/core/src/events.ts: gitlab passes, drone fails. */
import type { EventOf, LifeboatEvent } from "@lifeboat/core";

export const DRILL = "weekly-20261129T040000Z-drill";
/** drill.passed and drill.failed share one shape in the schema. */
type DrillResult = EventOf<"drill.passed" | "drill.failed">;
const base = (droplet: string, at: string) => ({ runId: DRILL, plan: "weekly", droplet, at });

export function drillStarted(droplet = "gitlab", at = "2026-11-29T04:00:02Z"): EventOf<"drill.started"> {
  return {
    ...base(droplet, at),
    type: "drill.started",
    snapshot: `lifeboat-weekly-${droplet}-20261129T030510Z`,
    region: "fra1",
    sizeSlug: "s-2vcpu-4gb",
    hourlyPriceUsd: 0.03571,
    trigger: "schedule",
  };
}

export function drillPassed(): DrillResult {
  return {
    ...base("gitlab", "2026-11-29T04:06:20Z"),
    type: "drill.passed",
    snapshot: "lifeboat-weekly-gitlab-20261129T030510Z",
    checks: [
      { name: "containers running again: gitlab, redis", passed: true, detail: "2 of 2 running" },
      { name: "curl -fsS localhost/-/health", passed: true, detail: "exit 0 in 0.4s" },
      { name: "volume gitlab-data restored", passed: true, detail: "18,204 files, sha256 matches the manifest" },
    ],
    restoreSeconds: 372,
    costUsd: 0.0041,
    destroyed: true,
  };
}

export function drillFailed(destroyed = true): DrillResult {
  return {
    ...base("drone", "2026-11-29T04:09:00Z"),
    type: "drill.failed",
    snapshot: "lifeboat-weekly-drone-20261129T031500Z",
    checks: [
      { name: "containers running again: drone", passed: true, detail: "1 of 1 running" },
      {
        name: "test -s /srv/drone/db && echo ok > /dev/null",
        passed: false,
        detail: "exit 1 after 0.1s: <no output> & nothing on stderr",
      },
    ],
    costUsd: 0.0054,
    error: "1 of 2 checks failed",
    destroyed,
  };
}

export function drillOfTwo(): LifeboatEvent[] {
  return [drillStarted("gitlab"), drillStarted("drone", "2026-11-29T04:00:03Z"), drillPassed(), drillFailed()];
}
