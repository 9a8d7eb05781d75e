/**
 * Grandfather-father-son retention, as restic and borg define it: `keepLast` keeps the N
 * newest; `keepDaily` keeps the newest item of each of the N most recent days that have one
 * (likewise ISO weeks, months, years, all in UTC). The rules add up; an item kept by any rule
 * stays. Pure: the caller passes only items lifeboat made for one plan and droplet.
 */
import type { RetentionPolicy } from "../config/schema";

export interface Retainable {
  id: string;
  createdAt: Date;
}

export type KeepReason = "last" | "daily" | "weekly" | "monthly" | "yearly" | "newest" | "protected";

export interface RetentionDecision<T extends Retainable> {
  /** Newest first, each with why it is kept. */
  keep: Array<{ item: T; reasons: KeepReason[] }>;
  /** Newest first: what the policy releases. */
  remove: T[];
}

const BUCKETS: Array<
  [Exclude<KeepReason, "last" | "newest" | "protected">, keyof RetentionPolicy, (d: Date) => string]
> = [
  ["daily", "keepDaily", (d) => d.toISOString().slice(0, 10)],
  ["weekly", "keepWeekly", isoWeek],
  ["monthly", "keepMonthly", (d) => d.toISOString().slice(0, 7)],
  ["yearly", "keepYearly", (d) => d.toISOString().slice(0, 4)],
];

/** ISO-8601 week, e.g. "2026-W48" (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

/**
 * Decides what to keep. The newest item is always kept (the last good backup is never
 * released), and so is every id in `protect` (e.g. the snapshot this run just made).
 * @example applyRetention(snapshots, { keepLast: 2, keepDaily: 7, keepWeekly: 4, keepMonthly: 0, keepYearly: 0 }, { protect: [justMade.id] })
 */
export function applyRetention<T extends Retainable>(
  items: readonly T[],
  policy: RetentionPolicy,
  options: { protect?: readonly string[] } = {},
): RetentionDecision<T> {
  const sorted = [...items].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
  const reasons = new Map<string, KeepReason[]>();
  const mark = (item: T, reason: KeepReason) => reasons.set(item.id, [...(reasons.get(item.id) ?? []), reason]);

  if (sorted[0]) mark(sorted[0], "newest");
  const protect = new Set(options.protect ?? []);
  for (const item of sorted) if (protect.has(item.id)) mark(item, "protected");
  for (const item of sorted.slice(0, policy.keepLast)) mark(item, "last");

  for (const [reason, key, bucketOf] of BUCKETS) {
    const limit = policy[key];
    const seen = new Set<string>();
    for (const item of sorted) {
      if (seen.size >= limit) break;
      const bucket = bucketOf(item.createdAt);
      if (seen.has(bucket)) continue;
      seen.add(bucket);
      mark(item, reason); // newest first, so the first item met in a bucket is its newest
    }
  }

  return {
    keep: sorted.filter((i) => reasons.has(i.id)).map((item) => ({ item, reasons: reasons.get(item.id) ?? [] })),
    remove: sorted.filter((i) => !reasons.has(i.id)),
  };
}
