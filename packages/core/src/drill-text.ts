/**
 * Words and figures of a drill report that the Slack thread and the CLI both say, so the two
 * say them the same way (#15 §2).
 */

import { DRILL_TAG } from "./drill/tags";

/**
 * A price or a drill's cost: cents from a dollar up, else two significant digits (a drill often costs less than a cent).
 * @example usdText(0.0089286) // "$0.0089"
 * @example usdText(1.5) // "$1.50"
 */
export function usdText(usd: number): string {
  if (usd === 0) return "$0";
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${Number(usd.toPrecision(2))}`;
}

/** What to do about a scratch droplet a drill left running (`--keep`, or destroying it failed). */
export function keptScratchHint(): string {
  return `it is still billed by the hour: find it with \`doctl compute droplet list --tag-name ${DRILL_TAG}\` and destroy it with \`doctl compute droplet delete <id>\` (the watchdog destroys it once it is older than the plan's drill.maxAge)`;
}
