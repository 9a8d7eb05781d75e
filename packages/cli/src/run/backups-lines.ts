/**
 * The run report's lines about DigitalOcean's own Backups (#16 §1): what the run changed (or,
 * in a dry run, would change) to match the plan's `dropletBackups`. None when unmanaged.
 */
import { ownedElsewhereText, type RunResult, reconciledText } from "@lifeboat/core";

export function backupsLines(backups: RunResult["backups"]): string[] {
  if (!backups) return [];
  const head = `DO Backups (plan wants ${backups.target}):`;
  if (backups.error !== undefined) return ["", head, `  not reconciled: ${backups.error}`];
  const lines = backups.changes.map((c) => `  ${reconciledText(c, !!backups.dryRun)}`);
  if (backups.unchanged.length) lines.push(`  already as wanted: ${backups.unchanged.join(", ")}`);
  for (const o of backups.ownedElsewhere ?? []) lines.push(`  ${ownedElsewhereText(o)}`);
  return ["", head, ...lines];
}
