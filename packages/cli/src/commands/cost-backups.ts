/** `lifeboat cost`'s DigitalOcean Backups section: one row per droplet that has them, then the warnings. */
import { BACKUPS_SHARE, type DropletBackupsCost } from "@lifeboat/core";
import { table } from "../table";

const usd = (n: number) => `$${n.toFixed(2)}`;

export function dropletBackupsLines(cost: DropletBackupsCost): string[] {
  if (cost.droplets.length === 0) return ["DO Backups: none on these droplets"];
  return [
    table(
      ["droplet", "DO Backups", "set by", "size", "droplet/mo", "backups/mo"],
      cost.droplets.map((d) => [
        d.droplet,
        `${d.backups} (${Math.round(BACKUPS_SHARE[d.backups] * 100)} %)`,
        d.setBy,
        d.sizeSlug,
        d.dropletMonthlyUsd === undefined ? "unknown size" : usd(d.dropletMonthlyUsd),
        d.dropletMonthlyUsd === undefined ? "not counted" : usd(d.usd),
      ]),
    ),
    `DO Backups: ${usd(cost.totalUsd)}/month`,
    ...cost.warnings.map((w) => `warning: ${w}`),
  ];
}
