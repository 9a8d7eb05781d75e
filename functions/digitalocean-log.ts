/** The DigitalOcean client's `log` hook in a function: retries, 429 waits and recovered calls, as warnings. */
import { type ClientLogEvent, clientLogLine } from "@lifeboat/digitalocean";
import { logger } from "./observability";

export function logClientEvent(event: ClientLogEvent): void {
  logger.warn(clientLogLine(event), { digitalocean: event });
}
