/** A Slack message as the views build it; `ephemeral` ones are seen only by who asked. */
import type { KnownBlock } from "@slack/types";

export interface SlackMessage {
  /** Plain fallback text (notifications, screen readers). */
  text: string;
  blocks?: KnownBlock[];
  inChannel?: boolean;
}

/** The reply to a command that was wrong: what was wrong, and the right usage. */
export function problemMessage(problem: string, usage?: string): SlackMessage {
  return { text: usage ? `:warning: ${problem}\nUsage:\n${usage}` : `:warning: ${problem}` };
}
