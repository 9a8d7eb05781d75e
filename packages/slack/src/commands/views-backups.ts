/** The DigitalOcean Backups parts of `/lifeboat cost` and `/lifeboat list` (#16 §1). */
import { BACKUPS_SHARE, type DropletBackupsCost } from "@lifeboat/core";
import type { KnownBlock } from "@slack/types";
import type { DoBackupInfo, RestoreOption } from "../backend";
import { listText, section } from "../blocks";
import { formatAge, formatUsd } from "../format";

/** One line per droplet that pays for DO Backups, then their total; nothing when unknown. */
export function dropletBackupsCostLines(cost: DropletBackupsCost | undefined): string[] {
  if (!cost) return [];
  if (cost.droplets.length === 0) return ["*DO Backups*: none on these droplets"];
  return [
    ...cost.droplets.map((d) => {
      const share = `${Math.round(BACKUPS_SHARE[d.backups] * 100)} %`;
      const price =
        d.dropletMonthlyUsd === undefined
          ? `size ${d.sizeSlug} unknown, not counted`
          : `${share} of ${formatUsd(d.dropletMonthlyUsd)} = ${formatUsd(d.usd)}/month`;
      return `*${d.droplet}*: DO ${d.backups} Backups (${d.setBy}), ${price}`;
    }),
    `*DO Backups*: ${formatUsd(cost.totalUsd)}/month`,
  ];
}

/** `/lifeboat list`'s section of the droplet's DO backups; none when the backend did not read them. */
export function doBackupsSection(backups: readonly DoBackupInfo[] | undefined, now: Date): KnownBlock[] {
  if (!backups) return [];
  const lines = backups.map(
    (b) => `\`${b.name}\` (id ${b.id}) ${b.sizeGb.toFixed(1)} GB, ${formatAge(b.createdAt, now)}`,
  );
  return [
    section(
      `*DO backups (${lines.length})* — destroyed with the droplet; \`lifeboat keep <id>\` keeps one\n${lines.length ? listText(lines) : "none"}`,
    ),
  ];
}

/** How a restore option's kind reads in the list of what can be restored. */
export function restoreKindLabel(kind: RestoreOption["kind"]): string {
  if (kind === "backup") return "DO backup → new droplet";
  if (kind === "backup-in-place") return "DO backup → overwrite this droplet";
  return kind;
}
