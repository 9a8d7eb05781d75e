/**
 * A DigitalOcean Backup named on the command line (its image id, as `lifeboat list` shows it,
 * or its name), found among one droplet's backups (`--droplet`) or the plans' droplets': one
 * `listDropletBackups` per droplet until it turns up.
 */
import type { Droplet, DropletBackup } from "@lifeboat/core";
import { BadInput, type CommandContext, dropletsNamedOrPlanned } from "./context";

export interface FoundBackup {
  backup: DropletBackup;
  droplet: Droplet;
}

export async function findBackup(ctx: CommandContext, wanted: string, dropletName?: string): Promise<FoundBackup> {
  const droplets = await dropletsNamedOrPlanned(ctx, dropletName);
  for (const droplet of droplets) {
    const backup = (await ctx.env.api.listDropletBackups(droplet.id)).find((b) => b.id === wanted || b.name === wanted);
    if (backup) return { backup, droplet };
  }
  const where = dropletName ? `droplet ${dropletName}` : "the plans' droplets";
  throw new BadInput(
    `no DigitalOcean backup "${wanted}" of ${where}; \`lifeboat list${dropletName ? ` ${dropletName}` : ""}\` shows them (kind "backup")${dropletName ? "" : ", or name the droplet with --droplet"}`,
  );
}
