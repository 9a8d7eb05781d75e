/**
 * DigitalOcean Backups in the sandbox: a droplet's policy, its backup windows on the virtual
 * clock (4 hours from `hour` UTC, daily or on `weekday`), the backups DO takes in them (kept
 * 7 days daily, 28 weekly), and the JSON of `/v2/droplets/backups/*`.
 */
import type { SandboxDroplet, SandboxState } from "./state";

export const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;
export const WINDOW_HOURS = [0, 4, 8, 12, 16, 20] as const;
type Weekday = (typeof WEEKDAYS)[number];
type WindowHour = (typeof WINDOW_HOURS)[number];

export interface BackupPolicyChoice {
  plan: "daily" | "weekly";
  /** Weekly plans only. */
  weekday?: Weekday;
  hour: WindowHour;
}

/** A droplet's DO Backups while enabled. */
export interface SandboxBackupPolicy {
  policy: BackupPolicyChoice;
  /** When backups were enabled: no backup from a window that began before. */
  since: number;
  /** Windows ending up to here have had their backup taken. */
  takenUntil?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WINDOW_MS = 4 * HOUR;
const RETENTION_DAYS = { daily: 7, weekly: 28 } as const;

/**
 * A request's `backup_policy`, with DO's defaults where a part is missing (a daily plan; hour 0;
 * a weekly plan on Sunday): the policy, or what is wrong with it in words.
 */
export function readBackupPolicy(value: unknown): BackupPolicyChoice | string {
  if (value === undefined) return { plan: "daily", hour: 0 };
  if (value === null || typeof value !== "object") return "backup_policy must be an object.";
  const p = value as Record<string, unknown>;
  // The spec's own change_backup_policy example says `day`; DO's field is `weekday`.
  const unknown = Object.keys(p).find((k) => !["plan", "weekday", "hour"].includes(k));
  if (unknown !== undefined) return `backup_policy.${unknown} is not a field: use plan, weekday and hour.`;
  const plan = p.plan ?? "daily";
  if (plan !== "daily" && plan !== "weekly") return `backup_policy.plan must be daily or weekly, not ${String(plan)}.`;
  const hour = p.hour ?? 0;
  if (!WINDOW_HOURS.includes(hour as WindowHour)) {
    return `backup_policy.hour must be one of ${WINDOW_HOURS.join(", ")}, not ${String(hour)}.`;
  }
  if (p.weekday !== undefined && !WEEKDAYS.includes(p.weekday as Weekday)) {
    return `backup_policy.weekday must be one of ${WEEKDAYS.join(", ")}, not ${String(p.weekday)}.`;
  }
  if (plan === "daily") return { plan, hour: hour as WindowHour };
  return { plan, weekday: (p.weekday as Weekday | undefined) ?? "SUN", hour: hour as WindowHour };
}

/** The start of the first window of `policy` that ends after `t` (it may have begun already). */
export function windowEndingAfter(policy: BackupPolicyChoice, t: number): number {
  const midnight = Math.floor(t / DAY) * DAY;
  const period = policy.plan === "daily" ? DAY : 7 * DAY;
  const daysBack =
    policy.plan === "daily" ? 0 : (new Date(midnight).getUTCDay() - WEEKDAYS.indexOf(policy.weekday ?? "SUN") + 7) % 7;
  let start = midnight - daysBack * DAY + policy.hour * HOUR - period;
  while (start + WINDOW_MS <= t) start += period;
  return start;
}

/** The window DO may take the next backup in, as the API shows it (`next_backup_window`). */
export function nextBackupWindow(policy: BackupPolicyChoice, now: number): { start: string; end: string } {
  const start = windowEndingAfter(policy, now);
  return { start: iso(start), end: iso(start + WINDOW_MS) };
}

/**
 * Takes the backup of every window that has ended since the last look (an hour into the
 * window), for each droplet with backups enabled, and drops backups past the plan's retention.
 */
export function takeDueBackups(state: SandboxState, now: number): void {
  for (const droplet of state.droplets.values()) {
    const b = droplet.backups;
    if (!b) continue;
    const period = b.policy.plan === "daily" ? DAY : 7 * DAY;
    let took = false;
    for (let start = windowEndingAfter(b.policy, b.takenUntil ?? b.since); start + WINDOW_MS <= now; start += period) {
      if (start < b.since) continue;
      state.addBackup(droplet.id, start + HOUR);
      took = true;
    }
    b.takenUntil = now;
    if (!took) continue;
    const oldest = now - RETENTION_DAYS[b.policy.plan] * DAY;
    for (const backup of [...state.backups.values()]) {
      if (backup.dropletId === droplet.id && backup.createdAt < oldest) state.backups.delete(backup.id);
    }
  }
}

export function renderBackupPolicy(policy: BackupPolicyChoice) {
  return {
    plan: policy.plan,
    ...(policy.weekday ? { weekday: policy.weekday } : {}),
    hour: policy.hour,
    window_length_hours: 4,
    retention_period_days: RETENTION_DAYS[policy.plan],
  };
}

/** One droplet's `droplet_backup_policy_record`. */
export function renderPolicyRecord(droplet: SandboxDroplet, now: number) {
  const b = droplet.backups;
  if (!b) return { droplet_id: droplet.id, backup_enabled: false };
  return {
    droplet_id: droplet.id,
    backup_enabled: true,
    backup_policy: renderBackupPolicy(b.policy),
    next_backup_window: nextBackupWindow(b.policy, now),
  };
}

export function renderSupportedPolicies() {
  const common = { possible_window_starts: [...WINDOW_HOURS], window_length_hours: 4 };
  return {
    supported_policies: [
      { name: "weekly", ...common, retention_period_days: 28, possible_days: [...WEEKDAYS] },
      { name: "daily", ...common, retention_period_days: 7, possible_days: [] },
    ],
  };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
