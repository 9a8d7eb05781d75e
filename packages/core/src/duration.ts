/**
 * Durations in the config are written the way people say them: "90s", "20m", "1h30m", "7d".
 * Internally lifeboat works in whole seconds.
 */
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
const DURATION = /^(?:\d+[smhdw])+$/;

/** Seconds in a duration such as "1h30m"; undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhdw])/g)) {
    seconds += Number(amount) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
  }
  return seconds;
}

/**
 * A short human form of a number of seconds, largest units first.
 * @example formatDuration(5430) // "1h 30m 30s"
 */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds === 0) return "0s";
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.slice(0, 2).join(" ");
}
