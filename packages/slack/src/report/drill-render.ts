/**
 * What a restore drill's thread shows (#15 §2): the parent (one line per droplet's drill,
 * updated in place) and, per droplet, the result: the snapshot drilled, each check passed or
 * failed with its reason, the restore time (RTO), the cost, and whether the scratch droplet is gone.
 */
import { type DrillCheckResult, formatDuration, keptScratchHint, usdText } from "@lifeboat/core";
import type { KnownBlock } from "@slack/types";
import { context, listText, section } from "../blocks";
import { escapeText } from "../format";
import type { SlackMessage } from "../message";
import { type DrillEvent, type DrillState, drillStatus } from "./drill-state";
import type { RunState } from "./state";

const STATUS_ICON = { running: ":hourglass_flowing_sand:", passed: ":white_check_mark:", failed: ":x:" } as const;

function dropletLine(name: string, d: DrillState): string {
  const what =
    d.status === "running"
      ? `scratch droplet from \`${d.snapshot}\`${d.sizeSlug ? ` (${d.sizeSlug}${d.hourlyPriceUsd !== undefined ? `, ${usdText(d.hourlyPriceUsd)}/h` : ""})` : ""}`
      : [
          `\`${d.snapshot}\``,
          d.restoreSeconds !== undefined ? `restored in ${formatDuration(d.restoreSeconds)}` : "",
          d.costUsd !== undefined ? `cost ${usdText(d.costUsd)}` : "",
          d.destroyed === false ? ":warning: scratch droplet not destroyed" : "",
        ]
          .filter(Boolean)
          .join(", ");
  return `${STATUS_ICON[d.status]} *${name}* — ${d.status}: ${what}`;
}

/** The parent message of a drill's thread. */
export function drillParentMessage(state: RunState): SlackMessage {
  const drills = state.drills ?? {};
  const status = drillStatus(drills);
  const names = Object.keys(drills).sort();
  const who =
    state.trigger === "slack" && state.requestedBy
      ? `started from Slack by <@${state.requestedBy}>`
      : `trigger: ${state.trigger ?? "unknown"}`;
  const icon = status === "running" ? "" : `${STATUS_ICON[status]} `;
  const blocks: KnownBlock[] = [
    section(`*lifeboat restore drill* \`${state.runId}\` of plan *${state.plan}* — ${icon}${status}`),
    section(
      listText(
        names.map((n) => dropletLine(n, drills[n] as DrillState)),
        40,
      ),
    ),
    context(`${who} · details in the thread`),
  ];
  return { text: `lifeboat restore drill ${state.runId} (${state.plan}): ${status}`, blocks };
}

function checkLine(check: DrillCheckResult): string {
  return `${check.passed ? ":white_check_mark:" : ":x:"} ${escapeText(check.name)}${check.detail ? ` — ${escapeText(check.detail)}` : ""}`;
}

/** The reply with a droplet's drill result. */
export function drillResultMessage(
  event: Extract<DrillEvent, { type: "drill.passed" | "drill.failed" }>,
): SlackMessage {
  const passed = event.type === "drill.passed";
  const title = `${passed ? ":white_check_mark:" : ":x:"} *Drill of ${event.droplet} ${passed ? "passed" : "failed"}* — snapshot \`${event.snapshot}\``;
  const failedChecks = event.checks.filter((c) => !c.passed).length;
  const blocks: KnownBlock[] = [section(title)];
  if (event.error) blocks.push(section(`*What failed:* ${escapeText(event.error)}`));
  blocks.push(
    section(
      event.checks.length
        ? `*Checks* (${event.checks.length - failedChecks} of ${event.checks.length} passed)\n${listText(event.checks.map(checkLine), 30)}`
        : "*Checks:* none ran",
    ),
  );
  const rto =
    event.restoreSeconds !== undefined
      ? `${formatDuration(event.restoreSeconds)} (snapshot → scratch droplet active → checks passed)`
      : "none: the drill ended before every check passed";
  const scratch = event.destroyed
    ? "destroyed"
    : `:warning: *not destroyed* (kept with --keep, or destroying it failed): ${keptScratchHint()}`;
  blocks.push(
    section(`*Restore time (RTO):* ${rto}\n*Cost:* ${usdText(event.costUsd)}\n*Scratch droplet:* ${scratch}`),
  );
  return {
    text: `Drill of ${event.droplet} ${passed ? "passed" : "failed"}: snapshot ${event.snapshot}${event.restoreSeconds !== undefined ? `, restored in ${formatDuration(event.restoreSeconds)}` : ""}, cost ${usdText(event.costUsd)}${event.destroyed ? "" : ", scratch droplet NOT destroyed"}`,
    blocks,
  };
}
