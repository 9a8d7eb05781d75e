/**
 * IANA time zones with the platform's own tz data (Intl): checking a name, and converting
 * between an instant and the wall-clock time it shows in a zone. EventBridge Scheduler
 * evaluates a plan's cron in its zone; this is how lifeboat does the same offline.
 */

const NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;
const EXAMPLE = 'an IANA time zone name such as "Europe/Berlin", "America/New_York" or "UTC"';

/** undefined when `name` is a time zone Intl knows, else a sentence saying what to write. */
export function timeZoneProblem(name: string): string | undefined {
  // Offsets such as "+01:00" are not IANA names: a fixed offset would drift with DST again.
  if (!NAME.test(name)) return `expected ${EXAMPLE}`;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return `unknown time zone; expected ${EXAMPLE}`;
  }
  // Intl ignores case; EventBridge Scheduler does not.
  if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) return `write it as "${resolved}"`;
  return undefined;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The wall-clock time `instant` shows in `timeZone`, as a Date whose UTC fields are that
 * wall-clock time (so UTC-only cron code can evaluate it).
 */
export function wallClock(instant: Date, timeZone: string): Date {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const wall = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return new Date(wall + instant.getUTCMilliseconds());
}

/** The zone's offset from UTC at `instant`, in milliseconds (Europe/Berlin in summer: +2 h). */
export function offsetAt(instant: Date, timeZone: string): number {
  return wallClock(instant, timeZone).getTime() - instant.getTime();
}

/**
 * The instants at which the clock in `timeZone` shows `wall` (a Date whose UTC fields are
 * the wall-clock time), earliest first: none in a spring-forward gap, two in the hour
 * repeated in autumn, else one.
 */
export function instantsOf(wall: Date, timeZone: string): Date[] {
  const day = 86_400_000;
  // Offsets change at most once within a day either side of any wall time, in every zone.
  const offsets = new Set([
    offsetAt(new Date(wall.getTime() - day), timeZone),
    offsetAt(new Date(wall.getTime() + day), timeZone),
  ]);
  return [...offsets]
    .map((offset) => new Date(wall.getTime() - offset))
    .filter((instant) => wallClock(instant, timeZone).getTime() === wall.getTime())
    .sort((a, b) => a.getTime() - b.getTime());
}

/**
 * `instant` as ISO-8601 in `timeZone`, with its offset.
 * @example zonedIso(new Date("2026-03-29T01:00:00Z"), "Europe/Berlin") // "2026-03-29T03:00:00+02:00"
 */
export function zonedIso(instant: Date, timeZone: string): string {
  const offsetMinutes = Math.round(offsetAt(instant, timeZone) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${wallClock(instant, timeZone).toISOString().slice(0, 19)}${offset}`;
}
