/**
 * A restore drill's events as the CLI's lines (#15 §2): the scratch droplet it boots, then the
 * result: each check ✓/✗ with its reason, the restore time (RTO), the cost, and whether the
 * scratch droplet is gone or how to destroy it. Pure; ./progress.ts prints them.
 */
import { type EventOf, keptScratchHint, usdText } from "@lifeboat/core";
import { human } from "../table";

export type DrillEvent = EventOf<"drill.started" | "drill.passed" | "drill.failed">;

/**
 * @example drillLines(started) // ["drill weekly-…-drill: scratch droplet s-2vcpu-4gb ($0.036/h) in fra1 from lifeboat-weekly-gitlab-…"]
 */
export function drillLines(event: DrillEvent): string[] {
  if (event.type === "drill.started") {
    return [
      `drill ${event.runId}: scratch droplet ${event.sizeSlug} (${usdText(event.hourlyPriceUsd)}/h) in ${event.region} from ${event.snapshot}`,
    ];
  }
  const passed = event.type === "drill.passed";
  return [
    `drill ${passed ? "passed" : "failed"}: snapshot ${event.snapshot}${event.error ? ` — ${event.error}` : ""}`,
    ...event.checks.map((c) => `  ${c.passed ? "✓" : "✗"} ${c.name}${c.detail ? ` — ${c.detail}` : ""}`),
    ...(event.checks.length ? [] : ["  no checks ran"]),
    `  restore time (RTO): ${
      event.restoreSeconds !== undefined
        ? `${human(event.restoreSeconds)} (snapshot → scratch droplet active → checks passed)`
        : "none: the drill ended before every check passed"
    }`,
    `  cost: ${usdText(event.costUsd)}`,
    `  scratch droplet: ${
      event.destroyed ? "destroyed" : `NOT destroyed (kept with --keep, or destroying it failed): ${keptScratchHint()}`
    }`,
  ];
}
