/**
 * DigitalOcean's own Backups, reconciled to a plan's `dropletBackups` (#16 §1): given what the
 * plan wants and what DO says a droplet has, the one change that makes them agree. Pure.
 *
 * What an unset field means: `weekday` or `hour` left out of the plan means "whatever DO has"
 * — never a reason to change a policy, and a change keeps DO's current value for it (sent
 * explicitly, so a change of plan does not move the window). When backups are enabled, an
 * unset field is left out of the request and DO picks it (DO's default window). `weekday` only
 * means something for `weekly`: a daily policy has none, so it is neither compared nor sent.
 * `unmanaged` never changes anything.
 */
import type { DropletBackupsSetting } from "../config/schema";
import type { BackupPolicy, DropletBackupPolicy } from "../ports/digitalocean";

export type BackupsChange =
  | { kind: "none" }
  | { kind: "enable"; policy: BackupPolicy }
  | { kind: "change"; policy: BackupPolicy }
  | { kind: "disable" };

/** A droplet's Backups as the report shows them: off, or on with DO's policy (as far as DO said it). */
export interface BackupsState {
  enabled: boolean;
  policy?: BackupPolicy;
}

/**
 * The change that makes `current` what `setting` asks for.
 * @example backupsChange({ plan: "weekly", hour: 4 }, { dropletId: 1, enabled: true, policy: { plan: "weekly", weekday: "SUN", hour: 20 } })
 * // { kind: "change", policy: { plan: "weekly", weekday: "SUN", hour: 4 } }
 */
export function backupsChange(setting: DropletBackupsSetting, current: DropletBackupPolicy): BackupsChange {
  if (setting === "unmanaged") return { kind: "none" };
  if (setting === "off") return current.enabled ? { kind: "disable" } : { kind: "none" };
  const wanted = policyOf(setting);
  if (!current.enabled) return { kind: "enable", policy: wanted };
  const now = current.policy;
  // Enabled, but DO did not say its policy: it cannot be compared, so it is set.
  if (!now) return { kind: "change", policy: wanted };
  const differs =
    now.plan !== wanted.plan ||
    (wanted.hour !== undefined && now.hour !== wanted.hour) ||
    (wanted.plan === "weekly" && wanted.weekday !== undefined && now.weekday !== wanted.weekday);
  if (!differs) return { kind: "none" };
  return {
    kind: "change",
    policy: policyOf({
      plan: wanted.plan,
      weekday: wanted.weekday ?? (now.plan === "weekly" ? now.weekday : undefined),
      hour: wanted.hour ?? now.hour,
    }),
  };
}

/** What a droplet's Backups are once `change` is made (what the report shows as "after"). */
export function stateAfter(before: BackupsState, change: BackupsChange): BackupsState {
  switch (change.kind) {
    case "none":
      return before;
    case "disable":
      return { enabled: false };
    default:
      return { enabled: true, policy: change.policy };
  }
}

/** DO's policy for the plan's setting: only the fields it sets, and no weekday for a daily plan. */
function policyOf(setting: {
  plan: BackupPolicy["plan"];
  weekday?: BackupPolicy["weekday"];
  hour?: BackupPolicy["hour"];
}) {
  const policy: BackupPolicy = { plan: setting.plan };
  if (setting.plan === "weekly" && setting.weekday !== undefined) policy.weekday = setting.weekday;
  if (setting.hour !== undefined) policy.hour = setting.hour;
  return policy;
}

/**
 * A droplet's Backups in a few words: "off", "daily at 20:00 UTC", "weekly on SUN at 20:00 UTC";
 * what DO did not say is left out ("weekly").
 */
export function backupsStateText(state: BackupsState): string {
  if (!state.enabled) return "off";
  const p = state.policy;
  if (!p) return "on";
  const day = p.plan === "weekly" && p.weekday ? ` on ${p.weekday}` : "";
  const hour = p.hour !== undefined ? ` at ${String(p.hour).padStart(2, "0")}:00 UTC` : "";
  return `${p.plan}${day}${hour}`;
}

/**
 * One droplet's reconciliation in words, as the Slack thread and the CLI say it.
 * @example reconciledText({ droplet: "gitlab", dropletId: 1, change: "enable", before: "off", after: "daily" }) // "gitlab: off → daily"
 */
export function reconciledText(
  c: { droplet: string; change: string; before: string; after: string; error?: string },
  dryRun = false,
): string {
  if (c.error !== undefined) return `${c.droplet}: ${c.change} failed (still ${c.before}): ${c.error}`;
  return `${c.droplet}: ${dryRun ? "would go from " : ""}${c.before} → ${c.after}`;
}
