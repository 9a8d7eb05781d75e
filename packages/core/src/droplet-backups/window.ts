/**
 * A droplet is not powered off inside its DigitalOcean Backups window (#16 §1): DO takes its
 * backup of the running droplet some time in that window, and a droplet lifeboat holds off (or
 * a snapshot's pending event) would get in its way. Pure: given what DO said of the droplet's
 * Backups and the expected downtime, whether the power-off can go ahead now, or when.
 *
 * The windows: DO's `next_backup_window`, repeated every day (daily) or week (weekly), so a
 * listing taken at the start of a long run still tells the windows hours later. When DO gave
 * no window (a policy this run just set), they follow from the policy's `hour` (and `weekday`),
 * 4 hours long (DO's `window_length_hours`). A downtime clashes with a window when the window
 * is open at the power-off or opens before the expected downtime ends.
 */
import type { BackupPolicy, DropletBackupPolicy } from "../ports/digitalocean";

/** DO's backup window length (`window_length_hours` of every supported policy). */
export const BACKUP_WINDOW_HOURS = 4;
/**
 * The longest a run waits for windows to pass: a 4-hour window plus a downtime of up to 4
 * hours. A downtime that cannot fit outside the windows within it is not started.
 */
export const MAX_BACKUP_WINDOW_WAIT_SECONDS = 8 * 3600;

/** A window in ms since the epoch. */
export interface BackupWindow {
  start: number;
  end: number;
}

/** What DO said of the droplet's Backups; undefined: not known (the listing failed, or had no entry). */
export type KnownBackups = Pick<DropletBackupPolicy, "enabled" | "policy" | "nextWindow"> | undefined;

export type WindowDecision =
  /** No window in the way (or Backups are off). */
  | { kind: "clear" }
  /** `duringBackupWindow: "wait"`: power off at `until`, after the window(s) in the way. */
  | { kind: "wait"; window: BackupWindow; until: number }
  /** `duringBackupWindow: "warn"`: power off now although `window` is in the way. */
  | { kind: "warn"; window: BackupWindow }
  /** `wait`, but the downtime does not fit outside the windows within the longest wait: not powered off. */
  | { kind: "no-gap"; window: BackupWindow }
  /** Backups are (or may be) on, but their window is not known. */
  | { kind: "unknown"; reason: string };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

/**
 * Whether a power-off of `downtimeSeconds` may start at `now`, or when.
 * @example backupWindowDecision({ enabled: true, policy: { plan: "daily", hour: 4 }, nextWindow: { start: "2026-01-04T04:00:00Z", end: "2026-01-04T08:00:00Z" } }, Date.parse("2026-01-04T03:30:00Z"), 3600, "wait")
 * // { kind: "wait", window: …04:00–08:00, until: Date.parse("2026-01-04T08:00:00Z") }
 */
export function backupWindowDecision(
  known: KnownBackups,
  now: number,
  downtimeSeconds: number,
  mode: "wait" | "warn",
  maxWaitSeconds = MAX_BACKUP_WINDOW_WAIT_SECONDS,
): WindowDecision {
  if (known === undefined) return { kind: "unknown", reason: "DigitalOcean's backup policies could not be read" };
  if (!known.enabled) return { kind: "clear" };
  const downtime = downtimeSeconds * 1000;
  const horizon = now + maxWaitSeconds * 1000 + downtime;
  const windows = windowsBetween(known, now, horizon);
  if (!windows) return { kind: "unknown", reason: "DigitalOcean did not say when its backup window is" };
  const inTheWay = (at: number) => windows.filter((w) => w.start < at + downtime && w.end > at);
  const first = inTheWay(now)[0];
  if (!first) return { kind: "clear" };
  if (mode === "warn") return { kind: "warn", window: first };
  // Each step moves past the windows in the way; windows are finite, so this ends.
  let at = now;
  for (let blocking = inTheWay(at); blocking.length > 0; blocking = inTheWay(at)) {
    at = Math.max(...blocking.map((w) => w.end));
    if (at - now > maxWaitSeconds * 1000) return { kind: "no-gap", window: first };
  }
  return { kind: "wait", window: first, until: at };
}

/** The droplet's windows that overlap [from, to], sorted; undefined when they cannot be known. */
export function windowsBetween(known: NonNullable<KnownBackups>, from: number, to: number): BackupWindow[] | undefined {
  const anchor = anchorWindow(known, from);
  if (!anchor) return undefined;
  const period = known.policy ? periodOf(known.policy.plan) : undefined;
  if (period === undefined) return anchor.end > from && anchor.start < to ? [anchor] : [];
  // The anchor moved back to the first repeat that ends after `from`, then every repeat up to `to`.
  const back = Math.floor((anchor.end - from) / period);
  const windows: BackupWindow[] = [];
  for (let start = anchor.start - back * period; start < to; start += period) {
    const w = { start, end: start + (anchor.end - anchor.start) };
    if (w.end > from) windows.push(w);
  }
  return windows;
}

const periodOf = (plan: BackupPolicy["plan"]) => (plan === "daily" ? DAY : 7 * DAY);

/** DO's next window, else one that follows from the policy (its hour, and its weekday when weekly). */
function anchorWindow(known: NonNullable<KnownBackups>, from: number): BackupWindow | undefined {
  if (known.nextWindow) {
    const start = Date.parse(known.nextWindow.start);
    const end = Date.parse(known.nextWindow.end);
    if (Number.isFinite(start) && Number.isFinite(end) && end > start) return { start, end };
  }
  const p = known.policy;
  if (!p || p.hour === undefined) return undefined;
  const midnight = Math.floor(from / DAY) * DAY;
  let start = midnight + p.hour * HOUR;
  if (p.plan === "weekly") {
    if (!p.weekday) return undefined;
    const today = new Date(midnight).getUTCDay();
    start += (WEEKDAYS.indexOf(p.weekday) - today) * DAY;
  }
  return { start, end: start + BACKUP_WINDOW_HOURS * HOUR };
}

/** "20:00–00:00 UTC" (with the date when `withDate`). */
export function windowText(w: BackupWindow, withDate = false): string {
  const time = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  const day = withDate ? `${new Date(w.start).toISOString().slice(0, 10)} ` : "";
  return `${day}${time(w.start)}–${time(w.end)} UTC`;
}
