/**
 * What the run thread shows: the parent message (one line per droplet, updated in place),
 * a reply per notable event, the final summary per droplet, and failures in plain words.
 */
import { bytesText, formatDuration, type LifeboatEvent } from "@lifeboat/core";
import type { KnownBlock } from "@slack/types";
import { capBlocks, context, listText, section } from "../blocks";
import { escapeText, formatUsd } from "../format";
import type { SlackMessage } from "../message";
import { backupsReconciledMessage, backupWindowWaitedMessage } from "./backups-render";
import { drillParentMessage, drillResultMessage } from "./drill-render";
import { jobProgressText } from "./job-progress";
import type { DropletState, RunState } from "./state";
import { verifyParentMessage, verifyResultMessage } from "./verify-render";

const PHASE_ICON: Record<string, string> = {
  succeeded: ":white_check_mark:",
  skipped: ":fast_forward:",
  failed: ":x:",
};

/** The run's word for header and summary: `run.finished`'s outcome (core's RUN_OUTCOMES), else still running. */
function runStatus(state: RunState): string {
  if (state.finished) return state.finished.outcome;
  return state.failed ? "running, with a failure" : "running";
}

function dropletLine(name: string, d: DropletState): string {
  const icon = PHASE_ICON[d.phase] ?? (d.phase.startsWith("failed") ? ":x:" : ":hourglass_flowing_sand:");
  return `${icon} *${name}* — ${d.phase}${d.job ? `: ${jobProgressText(d.job)}` : ""}`;
}

function runTitle(state: RunState): string {
  const icon = state.finished ? `${PHASE_ICON[state.finished.outcome] ?? ":warning:"} ` : "";
  return `*lifeboat ${runWord(state)}* \`${state.runId}\` of plan *${state.plan}* — ${icon}${runStatus(state)}`;
}

/** "dry run" says on every line of the thread that nothing was changed. */
const runWord = (state: RunState) => (state.dryRun ? "dry run (nothing changed)" : "run");

/** The parent message of a run's thread. */
export function parentMessage(state: RunState): SlackMessage {
  if (state.drills) return drillParentMessage(state);
  if (state.verify?.origin === "request") return verifyParentMessage(state);
  const names = Object.keys(state.droplets)
    .filter((n) => n !== "*")
    .sort();
  const lines = names.map((n) => dropletLine(n, state.droplets[n] as DropletState));
  const who =
    state.trigger === "slack" && state.requestedBy
      ? `started from Slack by <@${state.requestedBy}>`
      : `trigger: ${state.trigger ?? "unknown"}`;
  const blocks: KnownBlock[] = [
    section(runTitle(state)),
    section(lines.length ? listText(lines, 40) : "no droplets reported yet"),
    context(
      `${who}${state.finished ? ` · took ${formatDuration(state.finished.durationSeconds)}` : ""} · details in the thread`,
    ),
  ];
  return {
    text: `lifeboat ${runWord(state)} ${state.runId} (${state.plan}): ${runStatus(state)}`,
    blocks,
  };
}

/** The reply for a notable event; undefined for events shown only in the parent (archives, approvals — the card covers those). */
export function replyFor(event: LifeboatEvent): SlackMessage | undefined {
  switch (event.type) {
    case "droplet.powered_off":
      return {
        text: `:electric_plug: ${event.droplet} powered off (${event.how === "shutdown" ? "graceful shutdown" : "hard power-off after the shutdown timed out"}) after ${formatDuration(event.waitedSeconds)}.`,
      };
    case "snapshot.completed":
      return {
        text: `:camera: ${event.droplet}: snapshot \`${event.snapshotName}\`${event.sizeGb !== undefined ? ` (${event.sizeGb.toFixed(1)} GB)` : ""} done in ${formatDuration(event.durationSeconds)}${event.live ? ", live (no power-off)" : ""}.`,
      };
    case "snapshot.copied":
      return {
        text: `:earth_africa: ${event.droplet}: snapshot \`${event.snapshotName}\` copied to ${event.region} in ${formatDuration(event.durationSeconds)}; it is now in ${event.regions.join(", ")}.`,
      };
    case "snapshot.copy-failed":
      return {
        text: `:warning: ${event.droplet}: the copy of snapshot \`${event.snapshotName}\` to ${event.region} failed: ${escapeText(event.error)}. The snapshot is kept in ${event.regions.join(", ")}; old snapshots are not deleted this run.`,
      };
    case "droplet.powered_on": {
      const failed = event.containersFailed.length
        ? ` :warning: these containers did not start again: ${listText(event.containersFailed, 10, 1000).replaceAll("\n", ", ")}.`
        : "";
      return {
        text: `:sunrise: ${event.droplet} is back on after ${formatDuration(event.downtimeSeconds)} of downtime; ${event.containersRestarted.length} container${event.containersRestarted.length === 1 ? "" : "s"} restarted.${failed}`,
      };
    }
    case "duplicity.completed":
      return {
        text: `:lock: ${event.droplet}: duplicity ${event.mode} backup, ${bytesText(event.bytes)} in ${formatDuration(event.durationSeconds)}; ${event.chains} chain${event.chains === 1 ? "" : "s"} kept.`,
      };
    case "retention.applied": {
      if (event.deleted.length === 0) return undefined;
      const names = listText(
        event.deleted.map((n) => `\`${n}\``),
        10,
        2500,
      );
      // A snapshot with copies in other regions is one image: its one delete removed every copy.
      const copies = (event.deletedRegions ?? []).map((c) => `\`${c.name}\` was in ${c.regions.join(", ")}`);
      return {
        text: `:wastebasket: retention of ${event.target}${event.dryRun ? " (dry run) would delete" : " deleted"} ${event.deleted.length}, kept ${event.kept.length}:\n${names}${copies.length ? `\nwith every copy (one delete each): ${listText(copies, 10, 1000).replaceAll("\n", "; ")}` : ""}`,
      };
    }
    case "run.failed":
      return failureMessage(event);
    case "backups.reconciled":
      return backupsReconciledMessage(event);
    case "backup-window.waited":
      return backupWindowWaitedMessage(event);
    case "drill.passed":
    case "drill.failed":
      return drillResultMessage(event);
    case "verify.finished":
      return verifyResultMessage(event);
    case "watchdog.recovered":
      return {
        text: `:rotating_light: the watchdog powered ${event.droplet} back on: it had been off ${formatDuration(event.offSinceSeconds)}, past its ${formatDuration(event.maxDowntimeSeconds)} budget.`,
      };
    default:
      return undefined;
  }
}

/** A failure in plain words: what failed, and what lifeboat did about it. */
export function failureMessage(event: Extract<LifeboatEvent, { type: "run.failed" }>): SlackMessage {
  const where = event.droplet === "*" ? `plan ${event.plan}` : event.droplet;
  return {
    text: `:x: ${where}: the run failed during ${event.phase}.`,
    blocks: [
      section(
        `:x: *${where}: the run failed during ${event.phase}.*\n*What failed:* ${escapeText(event.error)}\n*What lifeboat did:* ${escapeText(event.recovery)}`,
      ),
    ],
  };
}

/** The final summary: one section per droplet (Block Kit limits kept; long lists summarised). */
export function summaryMessage(state: RunState): SlackMessage {
  const names = Object.keys(state.droplets)
    .filter((n) => n !== "*")
    .sort();
  const blocks: KnownBlock[] = [
    section(
      `*Summary of ${runWord(state)}* \`${state.runId}\` — ${runStatus(state)}${state.finished ? `, ${formatDuration(state.finished.durationSeconds)}` : ""}`,
    ),
  ];
  for (const name of names) {
    const d = state.droplets[name] as DropletState;
    const lines = [
      `${PHASE_ICON[d.outcome ?? ""] ?? ":grey_question:"} *${name}*: ${d.outcome ?? d.phase}${d.detail ? ` — ${escapeText(d.detail)}` : ""}`,
      `downtime: ${d.downtimeSeconds !== undefined ? formatDuration(d.downtimeSeconds) : "none"}`,
      `snapshot: ${d.snapshotName ? `\`${d.snapshotName}\`${d.snapshotSizeGb !== undefined ? ` (${d.snapshotSizeGb.toFixed(1)} GB)` : ""}` : "none"}`,
      `archives: ${d.archives} (${bytesText(d.archiveBytes)})`,
      `duplicity: ${d.duplicity ?? "none"}`,
      `retention deleted: ${d.retentionDeleted}`,
    ];
    if (d.copiedTo?.length || d.copyFailedTo?.length) {
      const failed = d.copyFailedTo?.length ? ` :warning: copy failed to ${d.copyFailedTo.join(", ")}` : "";
      lines.push(`copies: ${d.copiedTo?.length ? d.copiedTo.join(", ") : "none"}${failed}`);
    }
    if (d.containersFailed.length) lines.push(`:warning: containers not restarted: ${d.containersFailed.join(", ")}`);
    blocks.push(section(lines.join("\n")));
  }
  const footer = [
    state.planRetentionDeleted ? `plan-wide retention deleted ${state.planRetentionDeleted}` : "",
    state.finished?.monthlyCostUsd !== undefined
      ? `monthly cost of this plan's backups: ${formatUsd(state.finished.monthlyCostUsd)}`
      : "",
  ].filter(Boolean);
  if (footer.length) blocks.push(context(footer.join(" · ")));
  return { text: `Summary of ${runWord(state)} ${state.runId}: ${runStatus(state)}`, blocks: capBlocks(blocks) };
}
