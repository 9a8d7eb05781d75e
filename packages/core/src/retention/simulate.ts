import type { RetentionPolicy } from "../config/schema";
import { nextRuns, type Schedule } from "../schedule";
import { applyRetention } from "./policy";

export interface RetentionSimulation {
  runs: number;
  deleted: number;
  /** What is kept at the end, newest first, with why. */
  kept: Array<{ at: Date; reasons: string[] }>;
  /** The most snapshots that existed at once (what storage must hold). */
  peak: number;
}

/**
 * What a policy keeps over time on a schedule: every run adds one snapshot and applies the
 * policy, exactly as the routine does.
 * @example simulateRetention(policy, parseSchedule("cron(0 3 * * ? *)"), new Date("2026-01-01"), 6)
 */
export function simulateRetention(
  policy: RetentionPolicy,
  schedule: Schedule,
  from: Date,
  months: number,
): RetentionSimulation {
  const until = new Date(from);
  until.setUTCMonth(until.getUTCMonth() + months);
  let existing: Array<{ id: string; createdAt: Date }> = [];
  let runs = 0;
  let deleted = 0;
  let peak = 0;
  let cursor = from;
  for (;;) {
    const [next] = nextRuns(schedule, cursor, 1);
    if (!next || next > until) break;
    runs++;
    const made = { id: String(runs), createdAt: next };
    existing.push(made);
    peak = Math.max(peak, existing.length);
    const decision = applyRetention(existing, policy, { protect: [made.id] });
    deleted += decision.remove.length;
    existing = decision.keep.map((k) => k.item);
    cursor = next;
  }
  const final = applyRetention(existing, policy);
  return { runs, deleted, peak, kept: final.keep.map((k) => ({ at: k.item.createdAt, reasons: k.reasons })) };
}
