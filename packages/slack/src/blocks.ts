/**
 * Block Kit building blocks that stay within Slack's limits: a section's text ≤ 3,000
 * characters, ≤ 50 blocks per message. Long lists are summarised ("… and 12 more").
 */
import type { KnownBlock } from "@slack/types";

export const MAX_SECTION_CHARS = 3000;
export const MAX_BLOCKS = 50;

/** A mrkdwn section, cut to the limit with a note when the text is longer. */
export function section(text: string, blockId?: string): KnownBlock {
  return {
    type: "section",
    ...(blockId ? { block_id: blockId } : {}),
    text: { type: "mrkdwn", text: clip(text, MAX_SECTION_CHARS) },
  };
}

export function context(text: string, blockId?: string): KnownBlock {
  return {
    type: "context",
    ...(blockId ? { block_id: blockId } : {}),
    elements: [{ type: "mrkdwn", text: clip(text, MAX_SECTION_CHARS) }],
  };
}

export function header(text: string): KnownBlock {
  return { type: "header", text: { type: "plain_text", text: clip(text, 150) } };
}

/** Cuts text to `max` characters, ending with "…" when cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Lines joined with newlines, keeping as many whole lines as fit in one section and
 * summarising the rest.
 * @example listText(["a", "b", "c"], 1) // "a\n… and 2 more"
 */
export function listText(lines: string[], maxLines = 20, maxChars = MAX_SECTION_CHARS): string {
  const kept: string[] = [];
  let length = 0;
  for (const [i, line] of lines.entries()) {
    const rest = lines.length - i;
    const note = `\n… and ${rest} more`;
    if (i >= maxLines || length + line.length + 1 + note.length > maxChars) {
      kept.push(`… and ${rest} more`);
      break;
    }
    kept.push(line);
    length += line.length + 1;
  }
  return kept.join("\n");
}

/** At most 50 blocks: the last kept block says how many were left out. */
export function capBlocks(blocks: KnownBlock[]): KnownBlock[] {
  if (blocks.length <= MAX_BLOCKS) return blocks;
  const kept = blocks.slice(0, MAX_BLOCKS - 1);
  return [...kept, context(`… ${blocks.length - kept.length} more blocks left out to stay within Slack's limits`)];
}
