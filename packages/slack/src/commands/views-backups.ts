/** The DigitalOcean Backups parts of `/lifeboat cost` and `/lifeboat list` (#16 §1). */
import { BACKUPS_SHARE, type DropletBackupsCost } from "@lifeboat/core";
import { formatUsd } from "../format";

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
