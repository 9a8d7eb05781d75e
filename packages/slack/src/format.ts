/** Small text helpers shared by the Slack views. */

/**
 * How long ago an ISO time was, coarse.
 * @example formatAge("2026-01-01T00:00:00Z", new Date("2026-01-03T05:00:00Z")) // "2d ago"
 */
export function formatAge(iso: string, now: Date): string {
  const seconds = Math.max(0, (now.getTime() - Date.parse(iso)) / 1000);
  if (seconds < 90) return "just now";
  if (seconds < 5400) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 129_600) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86_400)}d ago`;
}

/** USD with cents. */
export function formatUsd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

/** A Slack date token: shown in the reader's time zone, with the ISO time as fallback. */
export function slackDate(iso: string): string {
  return `<!date^${Math.floor(Date.parse(iso) / 1000)}^{date_short_pretty} {time}|${iso}>`;
}

/** Escapes the three characters Slack's mrkdwn treats as markup. */
export function escapeText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
