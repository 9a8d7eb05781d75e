/**
 * `lifeboat run --dry-run`: the report of what a real run would do, droplet by droplet
 * (the routine's previews, put in words by @lifeboat/core's `previewLines`).
 */
import { previewLines, type RunResult } from "@lifeboat/core";
import { backupsLines } from "./backups-lines";

export function dryRunReport(result: RunResult): string {
  const head = `Dry run ${result.runId} of plan ${result.plan}: nothing was changed (no power action, snapshot, tag, hook, archive, upload or delete). A real run would:`;
  if (result.error) return `${head}\n  not start: ${result.error}`;
  const blocks = result.droplets.map((d) =>
    d.preview
      ? [...previewLines(d.preview), ...(d.outcome === "failed" ? [`  could not learn everything: ${d.detail}`] : [])]
      : [`${d.droplet}: ${d.detail}`],
  );
  return [
    head,
    "",
    ...blocks.map((b) => b.join("\n")),
    ...backupsLines(result.backups),
    "",
    "Sizes are before compression.",
  ].join("\n");
}
