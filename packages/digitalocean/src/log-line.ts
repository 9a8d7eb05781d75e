/**
 * A `ClientLogEvent` in plain words, one line: what the CLI prints on stderr and the
 * functions log. Built from the event's fields only, which never hold the token.
 */
import type { ClientLogEvent } from "./retry";

const seconds = (ms: number) => `${ms >= 10_000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10} s`;

/**
 * @example clientLogLine({ event: "rate_limited", operation: "get droplet 7", waitMs: 30_000, limit: "burst" })
 * // → "DigitalOcean rate limit (burst, 250 a minute) on get droplet 7: waiting 30 s, then retrying"
 */
export function clientLogLine(event: ClientLogEvent): string {
  const droplet = "dropletId" in event && event.dropletId !== undefined ? ` (droplet ${event.dropletId})` : "";
  switch (event.event) {
    case "rate_limited":
      return `DigitalOcean rate limit (${event.limit === "burst" ? "burst, 250 a minute" : "hourly, 5,000 an hour"}) on ${event.operation}: waiting ${seconds(event.waitMs)}, then retrying`;
    case "retry":
      return `DigitalOcean ${event.operation}${droplet} failed (${event.reason}, try ${event.attempt}): retrying in ${seconds(event.delayMs)}`;
    case "pending_event":
      return `DigitalOcean ${event.operation}${droplet}: the droplet has an action in progress; waiting for it, then retrying`;
    case "recovered":
      return `DigitalOcean ${event.operation}${droplet}: the answer was lost (${event.reason}), but the call had done its work; carrying on`;
  }
}
