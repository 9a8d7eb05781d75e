/**
 * What Slack shows of `verify.finished` (#15 §1): a reply naming each broken item (in a run's
 * thread and in a verify's own), and the parent of a verify's own thread.
 */
import { formatDuration } from "@lifeboat/core";
import type { KnownBlock } from "@slack/types";
import { context, listText, section } from "../blocks";
import { escapeText } from "../format";
import type { SlackMessage } from "../message";
import type { RunState } from "./state";
import type { VerifyEvent, VerifyState } from "./verify-state";

const readText = (readData: number) =>
  readData > 0 ? `read back ${Math.round(readData * 100)}% of the archives` : "sizes only";

function verdict(v: Pick<VerifyState, "passed" | "checks" | "brokenCount" | "error">): string {
  if (v.error !== undefined) return "could not run";
  return v.passed ? `all ${v.checks} checks hold` : `${v.brokenCount} broken of ${v.checks} checks`;
}

const whatOf = (v: Pick<VerifyState, "target">) => (v.target === undefined ? "every plan" : `*${v.target}*`);

/** The reply with what verify found. */
export function verifyResultMessage(event: VerifyEvent): SlackMessage {
  const icon = event.passed ? ":white_check_mark:" : ":x:";
  const head = `${icon} *verify of ${escapeText(event.target ?? "every plan")}: ${verdict(event)}* (${event.droplets} droplet${event.droplets === 1 ? "" : "s"}, ${readText(event.readData)}, seed ${event.seed})`;
  const blocks: KnownBlock[] = [section(head)];
  if (event.error !== undefined) blocks.push(section(`*What failed:* ${escapeText(event.error)}`));
  if (event.broken.length > 0) {
    const lines = event.broken.map(
      (b) => `:x: ${escapeText(b.droplet)} ${b.check} \`${escapeText(b.item)}\`: ${escapeText(b.detail)}`,
    );
    const unnamed = event.brokenCount - event.broken.length;
    if (unnamed > 0) lines.push(`… and ${unnamed} more`);
    blocks.push(section(`*Broken*\n${listText(lines, 25)}`));
  }
  if (!event.passed && event.error === undefined) {
    const args = [event.target, event.readData > 0 ? `--read-data=${event.readData}` : "", `--seed ${event.seed}`];
    blocks.push(context(`to look again at the same archives: \`lifeboat verify ${args.filter(Boolean).join(" ")}\``));
  }
  const broken = event.broken.map((b) => `${b.droplet} ${b.check} ${b.item}: ${b.detail}`);
  return {
    text: [
      `verify of ${event.target ?? "every plan"}: ${verdict(event)}${event.error !== undefined ? `: ${event.error}` : ""}`,
      ...broken,
    ].join("\n"),
    blocks,
  };
}

/** The parent message of a verify's own thread. */
export function verifyParentMessage(state: RunState): SlackMessage {
  const v = state.verify as VerifyState;
  const icon = v.passed ? ":white_check_mark:" : ":x:";
  const who =
    state.trigger === "slack" && state.requestedBy
      ? `asked from Slack by <@${state.requestedBy}>`
      : `trigger: ${state.trigger ?? "unknown"}`;
  const took = v.durationSeconds !== undefined ? ` · took ${formatDuration(v.durationSeconds)}` : "";
  return {
    text: `lifeboat verify ${state.runId} (${v.target ?? "every plan"}): ${v.passed ? "passed" : "failed"}`,
    blocks: [
      section(`*lifeboat verify* \`${state.runId}\` of ${whatOf(v)} — ${icon} ${verdict(v)}`),
      context(`${who} · ${readText(v.readData)} · seed ${v.seed}${took} · details in the thread`),
    ],
  };
}
