/**
 * The approval card: posted (by the report function) for `approval.requested`, updated in
 * place when someone decides (by the Slack function) or when the wait times out (by the
 * report function, on `approval.decided` with decision "timeout"). Both render with
 * `approvalCard`, so whichever update lands last shows the same thing.
 *
 * The decision is also written into the card's last block id (`lifeboat-decided:<decision>:<user>`),
 * so a later click can tell who decided by reading the message Slack sends with the click.
 */
import type { EventOf } from "@lifeboat/core";
import { formatDuration } from "@lifeboat/core";
import type { Button, KnownBlock } from "@slack/types";
import { context, section } from "../blocks";
import { slackDate } from "../format";

/** What a card shows, and what each button carries back (as JSON in its value). */
export interface CardInfo {
  callbackId: string;
  runId: string;
  plan: string;
  droplet: string;
  dropletId: number;
  expectedDowntimeSeconds: number;
  expiresAt: string;
  onTimeout: "proceed" | "skip" | "live";
  attempt: number;
}

export type CardDecision = "approve" | "postpone" | "skip" | "live" | "timeout";

export interface Decided {
  decision: CardDecision;
  by?: string;
}

export const APPROVAL_ACTIONS = {
  approve: "approval_approve",
  postpone: "approval_postpone",
  skip: "approval_skip",
  live: "approval_live",
} as const;

const DECIDED_PREFIX = "lifeboat-decided:";

export function cardInfoOf(event: EventOf<"approval.requested">): CardInfo {
  const { callbackId, runId, plan, droplet, dropletId, expectedDowntimeSeconds, expiresAt, onTimeout, attempt } = event;
  return { callbackId, runId, plan, droplet, dropletId, expectedDowntimeSeconds, expiresAt, onTimeout, attempt };
}

const ON_TIMEOUT_WORDS = {
  proceed: "lifeboat powers it off and snapshots it",
  skip: "lifeboat skips this snapshot",
  live: "lifeboat takes a live snapshot without powering off",
} as const;

function decidedWords(d: Decided, info: CardInfo): string {
  const who = d.by ? `<@${d.by}>` : "someone";
  switch (d.decision) {
    case "approve":
      return `:white_check_mark: *Approved* by ${who}: powering ${info.droplet} off for the snapshot.`;
    case "postpone":
      return `:clock1: *Postponed 1 h* by ${who}: lifeboat asks again in an hour.`;
    case "skip":
      return `:fast_forward: *Skipped* by ${who}: no snapshot of ${info.droplet} in this run.`;
    case "live":
      return `:camera: *Live snapshot* chosen by ${who}: ${info.droplet} stays on.`;
    case "timeout":
      return `:hourglass: *Nobody answered* by ${slackDate(info.expiresAt)}: ${ON_TIMEOUT_WORDS[info.onTimeout]}.`;
  }
}

/**
 * The card's message: with the four buttons while undecided, with the decision instead after.
 * @example approvalCard(info, new Date(), approvers).blocks.length // 3
 */
export function approvalCard(
  info: CardInfo,
  now: Date,
  approvers: string[],
  decided?: Decided,
): { text: string; blocks: KnownBlock[] } {
  const left = (Date.parse(info.expiresAt) - now.getTime()) / 1000;
  const facts = [
    `*Droplet:* ${info.droplet} (id ${info.dropletId})`,
    `*Plan:* ${info.plan}, run \`${info.runId}\``,
    `*Expected downtime:* about ${formatDuration(info.expectedDowntimeSeconds)}`,
    decided
      ? `*Asked until:* ${slackDate(info.expiresAt)}`
      : `*Time left:* ${left > 0 ? formatDuration(left) : "none"} (until ${slackDate(info.expiresAt)}); then ${ON_TIMEOUT_WORDS[info.onTimeout]}`,
  ];
  const title = `:rotating_light: lifeboat wants to power off *${info.droplet}* for a snapshot${info.attempt > 1 ? ` (asking again, #${info.attempt})` : ""}`;
  const blocks: KnownBlock[] = [section(title), section(facts.join("\n"))];
  if (decided) {
    blocks.push(context(decidedWords(decided, info), `${DECIDED_PREFIX}${decided.decision}:${decided.by ?? ""}`));
  } else {
    blocks.push(context(`Approvers: ${approvers.map((u) => `<@${u}>`).join(", ") || "none configured"}`));
    const value = JSON.stringify(info);
    if (value.length > 2000) throw new Error(`approval button value is ${value.length} characters; Slack allows 2,000`);
    const button = (text: string, action: string, style?: "primary" | "danger"): Button => ({
      type: "button",
      text: { type: "plain_text", text },
      action_id: action,
      value,
      ...(style ? { style } : {}),
    });
    blocks.push({
      type: "actions",
      block_id: "lifeboat-approval",
      elements: [
        button("Approve", APPROVAL_ACTIONS.approve, "primary"),
        button("Postpone 1 h", APPROVAL_ACTIONS.postpone),
        button("Skip", APPROVAL_ACTIONS.skip, "danger"),
        button("Live snapshot instead", APPROVAL_ACTIONS.live),
      ],
    });
  }
  const text = decided
    ? `${info.droplet}: ${decidedWords(decided, info).replace(/\*/g, "")}`
    : `lifeboat asks to power off ${info.droplet} (plan ${info.plan}) for a snapshot`;
  return { text, blocks };
}

/** The decision a card shows, read from its blocks; undefined while undecided. */
export function readDecision(blocks: ReadonlyArray<{ block_id?: string }> | undefined): Decided | undefined {
  const marker = blocks?.find((b) => b.block_id?.startsWith(DECIDED_PREFIX))?.block_id;
  if (!marker) return undefined;
  const [decision, by] = marker.slice(DECIDED_PREFIX.length).split(":") as [CardDecision, string | undefined];
  return by ? { decision, by } : { decision };
}

export function parseCardInfo(value: string | undefined): CardInfo | undefined {
  try {
    const info = JSON.parse(value ?? "") as CardInfo;
    return typeof info.callbackId === "string" && typeof info.plan === "string" ? info : undefined;
  } catch {
    return undefined;
  }
}
