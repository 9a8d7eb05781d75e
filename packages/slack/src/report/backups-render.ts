/**
 * The thread's replies about DigitalOcean's own Backups (#16 §1): what a run changed to match
 * the plan's `dropletBackups`, and a wait for a droplet's backup window before its power-off.
 */
import { formatDuration, type LifeboatEvent, ownedElsewhereText, reconciledText, windowText } from "@lifeboat/core";
import { listText } from "../blocks";
import { escapeText } from "../format";
import type { SlackMessage } from "../message";

type Reconciled = Extract<LifeboatEvent, { type: "backups.reconciled" }>;
type Waited = Extract<LifeboatEvent, { type: "backup-window.waited" }>;

/** Each change (or failed change) on its own line; nothing when every droplet already matched. */
export function backupsReconciledMessage(event: Reconciled): SlackMessage | undefined {
  const wants = `plan ${event.plan} wants DO Backups ${event.target}`;
  if (event.error !== undefined) {
    return { text: `:warning: DO Backups were not reconciled (${wants}): ${escapeText(event.error)}` };
  }
  // A droplet another plan owns is said too: why this plan's setting does not apply to it.
  const owned = (event.ownedElsewhere ?? []).map((o) => `• ${escapeText(ownedElsewhereText(o))}`);
  if (event.changes.length === 0 && owned.length === 0) return undefined;
  const failed = event.changes.filter((c) => c.error !== undefined).length;
  const lines = event.changes.map((c) => `${c.error ? ":x:" : "•"} ${escapeText(reconciledText(c, !!event.dryRun))}`);
  const head = event.dryRun
    ? `:floppy_disk: DO Backups (dry run, nothing changed): ${wants}; a run would change ${event.changes.length}`
    : `:floppy_disk: DO Backups: ${wants}; changed ${event.changes.length - failed}${failed ? `, ${failed} failed (the backups went on)` : ""}`;
  const kept = event.unchanged.length ? `\n${event.unchanged.length} already as wanted.` : "";
  const body = lines.length ? `:\n${listText(lines, 20, 2500)}` : ".";
  const left = owned.length ? `\n${listText(owned, 20, 1000)}` : "";
  return { text: `${head}${body}${kept}${left}` };
}

export function backupWindowWaitedMessage(event: Waited): SlackMessage {
  const window = { start: Date.parse(event.window.start), end: Date.parse(event.window.end) };
  return {
    text: `:hourglass: ${event.droplet}: waited ${formatDuration(event.waitedSeconds)} before ${event.before === "approval" ? "asking to power off" : "powering off"}, for its DO backup window (${windowText(window, true)}) to end.`,
  };
}
