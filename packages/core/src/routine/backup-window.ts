/**
 * No power-off inside the droplet's DigitalOcean Backups window (#16 §1). Checked before the
 * approval is asked (so the question comes when the power-off can follow at once) and again
 * right before the power-off (an approval may take hours). The windows come from the run's one
 * policy listing (./droplet-backups.ts): no API call here.
 *
 * `snapshot.duringBackupWindow: "wait"` waits durably until the window(s) in the way have
 * ended — at most MAX_BACKUP_WINDOW_WAIT_SECONDS (8 h; a window is 4 h), else the droplet is
 * not powered off and its snapshot is skipped. The wait is cut in pieces no longer than the
 * plan's `maxDowntime`, and the droplet's claim is renewed before each (it lasts `maxDowntime`
 * + 30 min from its last renewal), so no other run takes the droplet meanwhile; an approval
 * already given stands. `"warn"` goes ahead and the droplet's report says so.
 */

import {
  backupWindowDecision,
  type KnownBackups,
  MAX_BACKUP_WINDOW_WAIT_SECONDS,
  type WindowDecision,
  windowText,
} from "../droplet-backups/window";
import { formatDuration } from "../duration";
import { emit, nowOf, type RoutineDeps } from "./deps";
import type { RunBackups } from "./droplet-backups";
import type { DropletReport } from "./droplet-report";
import type { DurableSteps } from "./durable";
import type { DropletRun } from "./power";

export interface WindowCheck {
  /** The run's knowledge of its droplets' Backups; undefined: not read (the check is skipped). */
  backups: RunBackups | undefined;
  expectedDowntimeSeconds: number;
  /** Renews the droplet's claim: why it is lost, when it is. */
  keepClaim: () => Promise<string | undefined>;
}

/**
 * Whether the droplet may be powered off now (after waiting, when the plan says so). When it
 * may not, `reason` says why, and the snapshot is to be skipped.
 */
export async function clearOfBackupWindow(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  check: WindowCheck,
  before: "approval" | "power off",
  report: DropletReport,
): Promise<{ go: true } | { go: false; reason: string }> {
  if (!check.backups) return { go: true };
  const name = r.droplet.name;
  const mode = r.plan.snapshot.duringBackupWindow;
  const known: KnownBackups = check.backups.known[r.droplet.id];
  if (known?.enabled === false) return { go: true }; // no Backups, no window: not even a step
  const decided = await ctx.step(`backup window ${name} before ${before}`, async () => ({
    at: nowOf(deps),
    decision: backupWindowDecision(known, nowOf(deps), check.expectedDowntimeSeconds, mode) as WindowDecision,
  }));
  const { decision } = decided;
  // Before the approval only a wait is done: a warning or an unknown window is said once, at the power-off.
  switch (decision.kind) {
    case "clear":
      return { go: true };
    case "unknown":
      if (before === "power off") {
        report.note(
          `its DO backup window is not known (${check.backups.error ?? decision.reason}); powered off anyway`,
        );
      }
      return { go: true };
    case "warn":
      if (before === "power off") {
        report.note(
          `powered off in its DO backup window (${windowText(decision.window)}): snapshot.duringBackupWindow is "warn"`,
        );
      }
      return { go: true };
    case "no-gap":
      return {
        go: false,
        reason: `not powered off: its DO backup window (${windowText(decision.window)}) is in the way, and ~${formatDuration(check.expectedDowntimeSeconds)} of downtime does not fit between its windows within ${formatDuration(MAX_BACKUP_WINDOW_WAIT_SECONDS)}; set snapshot.duringBackupWindow to "warn" or move dropletBackups.hour`,
      };
    case "wait":
      break;
  }
  const total = Math.max(0, Math.ceil((decision.until - decided.at) / 1000));
  const piece = Math.max(60, r.plan.snapshot.maxDowntime.seconds);
  for (let waited = 0, i = 1; waited < total; i++) {
    const lost = await check.keepClaim();
    if (lost) return { go: false, reason: `snapshot skipped while waiting for its DO backup window to end: ${lost}` };
    const seconds = Math.min(piece, total - waited);
    await ctx.wait(`backup window ${name} before ${before} #${i}`, { seconds });
    waited += seconds;
  }
  const window = {
    start: new Date(decision.window.start).toISOString(),
    end: new Date(decision.window.end).toISOString(),
  };
  await emit(ctx, deps, `backup window waited ${name} before ${before}`, {
    runId: r.runId,
    plan: r.plan.name,
    droplet: name,
    type: "backup-window.waited",
    dropletId: r.droplet.id,
    window,
    waitedSeconds: total,
    before,
  });
  report.note(`waited ${formatDuration(total)} for its DO backup window (${windowText(decision.window)}) to end`);
  return { go: true };
}
