/**
 * A dry run's word on the DO Backups window (./backup-window.ts does it for real): whether the
 * power-off would wait, go ahead in the window, or not start. Pure.
 */
import type { Plan } from "../config/schema";
import { backupWindowDecision, MAX_BACKUP_WINDOW_WAIT_SECONDS, windowText } from "../droplet-backups/window";
import { formatDuration } from "../duration";
import type { RunBackups } from "./droplet-backups";

/** `says`: a phrase for the preview, when the window is in the way; `unknown`: what could not be told. */
export function backupWindowPreview(
  plan: Plan,
  backups: RunBackups | undefined,
  dropletId: number,
  now: number,
  downtimeSeconds: number,
): { says?: string; unknown?: string } | undefined {
  if (!backups) return undefined;
  const known = backups.known[dropletId];
  const decision = backupWindowDecision(known, now, downtimeSeconds, plan.snapshot.duringBackupWindow);
  switch (decision.kind) {
    case "clear":
      return undefined;
    case "unknown":
      return { unknown: `the DO backup window (${backups.error ?? decision.reason})` };
    case "warn":
      return { says: `power off in its DO backup window (${windowText(decision.window)}; duringBackupWindow "warn")` };
    case "no-gap":
      return {
        says: `not power off: its DO backup window (${windowText(decision.window)}) leaves no gap for the downtime within ${formatDuration(MAX_BACKUP_WINDOW_WAIT_SECONDS)}`,
      };
    case "wait":
      return {
        says: `wait ${formatDuration(Math.round((decision.until - now) / 1000))} for its DO backup window (${windowText(decision.window)}) to end before powering off`,
      };
  }
}
