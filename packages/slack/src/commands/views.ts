/** Block Kit answers to `/lifeboat status | list | retention | cost | restore`. */
import { bytesText, itemLabel } from "@lifeboat/core";
import type { KnownBlock } from "@slack/types";
import type { DropletBackups, PlanStatus, RestoreOption, RetentionOutcome, RunInfo, StorageCost } from "../backend";
import { capBlocks, context, header, listText, section } from "../blocks";
import { formatAge, formatUsd } from "../format";
import type { SlackMessage } from "../message";
import { doBackupsSection, dropletBackupsCostLines, restoreKindLabel } from "./views-backups";

function runLine(run: RunInfo, now: Date): string {
  const when = run.finishedAt
    ? `finished ${formatAge(run.finishedAt, now)}`
    : `started ${formatAge(run.startedAt, now)}`;
  return `${run.kind === "drill" ? "restore drill " : ""}\`${run.runId}\` ${run.status}, ${when}${run.detail ? ` — ${run.detail}` : ""}`;
}

export function statusView(plans: Array<PlanStatus & { scheduleEnabled?: boolean }>, now: Date): SlackMessage {
  const blocks: KnownBlock[] = [header("lifeboat status")];
  for (const p of plans) {
    const schedule =
      p.scheduleEnabled === undefined ? "schedule not found" : p.scheduleEnabled ? "scheduled" : "*paused*";
    const lines = [`*${p.plan}* (${schedule})`];
    lines.push(
      p.running.length
        ? p.running.map((r) => `:arrows_counterclockwise: ${runLine(r, now)}`).join("\n")
        : "no run in progress",
    );
    lines.push(p.lastFinished ? `last: ${runLine(p.lastFinished, now)}` : "no finished run yet");
    blocks.push(section(lines.join("\n")));
  }
  const text = plans.map((p) => `${p.plan}: ${p.running.length} running`).join("; ");
  return { text, blocks: capBlocks(blocks) };
}

/** A snapshot's regions, when it has copies (#16 §2): one snapshot, deleted from all at once. */
const inRegions = (s: { regions?: string[] }) =>
  s.regions && s.regions.length > 1 ? `, in ${s.regions.join(", ")}` : "";

export function backupsView(b: DropletBackups, now: Date): SlackMessage {
  const snapshots = b.snapshots.map(
    (s) =>
      `\`${s.name}\` ${s.sizeGb.toFixed(1)} GB, ${formatAge(s.createdAt, now)}${inRegions(s)}${s.kind === "kept" ? " — kept DO backup" : ""}`,
  );
  const runs = b.archiveRuns.map(
    (r) =>
      `\`${r.runId}\` (${r.plan}) ${r.items} items, ${bytesText(r.bytes)}, ${formatAge(r.createdAt, now)}${r.complete ? "" : " — *incomplete*"}`,
  );
  return {
    text: `${b.droplet.name}: ${b.snapshots.length} snapshots, ${b.archiveRuns.length} archive runs`,
    blocks: [
      header(`Backups of ${b.droplet.name}`),
      section(`*Snapshots (${snapshots.length})*\n${snapshots.length ? listText(snapshots) : "none"}`),
      section(`*Archive runs (${runs.length})*\n${runs.length ? listText(runs) : "none"}`),
      ...doBackupsSection(b.doBackups, now),
    ],
  };
}

/**
 * Renders core's retention report as it is: each item with its verdict and reasons (the same
 * words `lifeboat retention` prints), then what failed and which keys were refused.
 */
export function retentionView(report: RetentionOutcome): SlackMessage {
  const { dryRun } = report;
  const blocks: KnownBlock[] = [header(`Retention of ${report.plan}${dryRun ? " (dry run)" : ""}`)];
  const line = (v: RetentionOutcome["verdicts"][number]) => `\`${itemLabel(v)}\` — ${v.reasons.join(", ")}`;
  for (const target of ["snapshots", "archives"] as const) {
    const verdicts = report.verdicts.filter((v) => v.target === target);
    const keep = verdicts.filter((v) => v.action === "keep").map(line);
    const del = verdicts.filter((v) => v.action === "delete").map(line);
    blocks.push(
      section(
        `*${target}*: keeps ${keep.length}, ${dryRun ? "would delete" : "deletes"} ${del.length}\n` +
          `_keep_\n${keep.length ? listText(keep, 15, 1400) : "nothing"}\n` +
          `_${dryRun ? "would delete" : "delete"}_\n${del.length ? listText(del, 15, 1400) : "nothing"}`,
      ),
    );
  }
  if (report.failed.length) {
    const failed = report.failed.map((f) => `\`${itemLabel(f)}\`: ${f.error}`);
    blocks.push(
      section(`*could not delete ${failed.length}* (the others were deleted)\n${listText(failed, 15, 1400)}`),
    );
  }
  if (report.refused.length) {
    const refused = report.refused.map((r) => `\`${r.key}\` (run ${r.runId}): ${r.reason}`);
    blocks.push(section(`*not deleted: keys outside their run*\n${listText(refused, 15, 1400)}`));
  }
  const deleting = report.verdicts.filter((v) => v.action === "delete").length;
  const text = dryRun
    ? `retention of ${report.plan}: would delete ${deleting}`
    : `retention of ${report.plan}: deleted ${report.deleted.length}${report.failed.length ? `, ${report.failed.length} failed` : ""}`;
  return { text, blocks: capBlocks(blocks) };
}

/** Renders core's figures as they are: summing or pricing here would drift from `lifeboat cost`. */
export function costView(c: StorageCost): SlackMessage {
  const lines = c.plans.map(
    (p) =>
      `*${p.plan}*: ${p.snapshots} snapshots ${p.snapshotGb.toFixed(1)} GB = ${formatUsd(p.snapshotUsd)}, archives ${p.archiveGb.toFixed(1)} GB = ${formatUsd(p.archiveUsd)}; ${formatUsd(p.totalUsd)}/month`,
  );
  for (const p of c.plans) {
    if (p.copies) {
      lines.push(
        `*${p.plan}* region copies (in its total): ${p.copies} copies ${(p.copyGb ?? 0).toFixed(1)} GB = ${formatUsd(p.copyUsd ?? 0)}`,
      );
    }
  }
  if (c.baseUsd) lines.push(`*${c.storage} base charge*: ${formatUsd(c.baseUsd)}/month`);
  lines.push(...dropletBackupsCostLines(c.dropletBackups));
  const included = c.prices.archiveIncludedGb
    ? ` beyond ${c.prices.archiveIncludedGb} GB included in ${formatUsd(c.prices.archiveBaseMonthly)}/month`
    : "";
  return {
    text: `lifeboat storage: ${formatUsd(c.totalUsd)} per month`,
    blocks: [
      header("lifeboat storage cost per month"),
      section(listText(lines)),
      ...(c.dropletBackups?.warnings.length
        ? [section(c.dropletBackups.warnings.map((w) => `:warning: ${w}`).join("\n"))]
        : []),
      section(`*Total: ${formatUsd(c.totalUsd)} per month*`),
      context(
        `prices: snapshots ${formatUsd(c.prices.snapshotPerGbMonth)}/GB-month, archives in ${c.storage} storage ${formatUsd(c.prices.archivePerGbMonth)}/GB-month${included}`,
      ),
    ],
  };
}

/** Button action id for choosing what to restore; the confirmation follows. */
export const RESTORE_CHOOSE = "restore_choose";
/** Most options shown, so that the message stays within 50 blocks. */
const MAX_RESTORE_OPTIONS = 20;

export function restoreOptionsView(droplet: string, options: RestoreOption[], now: Date): SlackMessage {
  if (options.length === 0) return { text: `nothing to restore onto ${droplet} yet: no snapshot or archive run found` };
  const shown = options.slice(0, MAX_RESTORE_OPTIONS);
  const blocks: KnownBlock[] = [header(`What can be restored onto ${droplet}`)];
  for (const o of shown) {
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: `*${restoreKindLabel(o.kind)}* \`${o.label}\`${o.bytes !== undefined ? `, ${bytesText(o.bytes)}` : ""}, ${formatAge(o.createdAt, now)}`,
      },
      accessory: {
        type: "button",
        action_id: `${RESTORE_CHOOSE}:${o.id}`.slice(0, 255),
        text: { type: "plain_text", text: "Restore…" },
        value: JSON.stringify({ droplet, id: o.id, label: o.label, kind: o.kind }),
      },
    });
  }
  if (options.length > shown.length)
    blocks.push(context(`… and ${options.length - shown.length} older ones; ask for them with the CLI`));
  return { text: `${options.length} restore options for ${droplet}`, blocks };
}
