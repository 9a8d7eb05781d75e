import type { Plan } from "./config/schema";
import { formatDuration } from "./duration";
import { nextRuns, parseSchedule } from "./schedule";
import { zonedIso } from "./time-zone";

export interface PlanSummary {
  name: string;
  schedule: string;
  /** The IANA zone the schedule is read in. */
  timezone: string;
  /** The next runs (instants; JSON prints them in UTC). */
  nextRuns: Date[];
  /** The same runs as ISO-8601 in the plan's zone, with its offset. */
  nextRunsInZone: string[];
  /** What one run does, in order, as sentences. */
  steps: string[];
}

const selectorText = (d: Plan["droplets"][number]) =>
  "id" in d ? `droplet #${d.id}` : "name" in d ? `droplet "${d.name}"` : `droplets tagged "${d.tag}"`;

/** What a plan will do and when: the text `lifeboat plan` prints. Pure: `now` is given. */
export function describePlan(plan: Plan, now: Date, runs = 3): PlanSummary {
  const schedule = parseSchedule(plan.schedule);
  const steps: string[] = [];
  steps.push(`back up ${plan.droplets.map(selectorText).join(", ")} (${plan.concurrency} at a time)`);
  if (plan.hooks.pre.length > 0) steps.push(`run ${plan.hooks.pre.length} pre hook(s) on the droplet`);
  if (plan.containers.capture !== "none") {
    steps.push(`save container images (${plan.containers.capture === "commit" ? "commit + save" : "export"})`);
  }
  if (plan.volumes.include.length > 0) steps.push(`archive Docker volumes matching ${plan.volumes.include.join(", ")}`);
  if (plan.duplicity) {
    steps.push(
      `duplicity ${plan.duplicity.paths.join(", ")} → storage (full every ${formatDuration(plan.duplicity.fullEvery.seconds)}, keep ${plan.duplicity.keepFull} full chains)`,
    );
  }
  const s = plan.snapshot;
  if (s.mode === "offline") {
    if (s.approval.required) {
      steps.push(
        `ask ${s.approval.approvers.length} approver(s) in Slack; after ${formatDuration(s.approval.timeout.seconds)} without an answer: ${s.approval.onTimeout}`,
      );
    }
    steps.push(
      `shut down gracefully (power off after ${formatDuration(s.shutdownTimeout.seconds)}), snapshot, power back on; watchdog at ${formatDuration(s.maxDowntime.seconds)}`,
    );
  } else if (s.mode === "live") {
    steps.push("snapshot while running (no power-off)");
  }
  if (s.mode !== "none" && s.copyTo.length > 0) {
    steps.push(
      `copy each snapshot to ${s.copyTo.join(", ")} once the droplet is back on (the droplet's own region skipped); deleted with it`,
    );
  }
  if (s.mode !== "none") {
    const r = plan.retention;
    const keep = Object.entries({
      last: r.keepLast,
      daily: r.keepDaily,
      weekly: r.keepWeekly,
      monthly: r.keepMonthly,
      yearly: r.keepYearly,
    })
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`);
    steps.push(`retention: keep ${keep.join(", ")}; delete older lifeboat snapshots of this plan only`);
  }
  if (plan.hooks.post.length > 0) steps.push(`run ${plan.hooks.post.length} post hook(s) on the droplet`);
  const upcoming = "error" in schedule ? [] : nextRuns(schedule, now, runs, plan.timezone);
  return {
    name: plan.name,
    schedule: plan.schedule,
    timezone: plan.timezone,
    nextRuns: upcoming,
    nextRunsInZone: upcoming.map((run) => zonedIso(run, plan.timezone)),
    steps,
  };
}
