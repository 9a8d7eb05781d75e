/**
 * The payload of the Slack function's second, asynchronous run: a command whose answer
 * needs DigitalOcean or storage, and where to send that answer.
 */
import type { Command } from "./parse";

export const DEFERRED_KIND = "lifeboat.slack.deferred";

export interface DeferredWork {
  kind: typeof DEFERRED_KIND;
  command: Command;
  userId: string;
  channelId: string;
  responseUrl: string;
}

export function isDeferredWork(event: unknown): event is DeferredWork {
  const e = event as DeferredWork;
  return typeof e === "object" && e !== null && e.kind === DEFERRED_KIND && typeof e.responseUrl === "string";
}
