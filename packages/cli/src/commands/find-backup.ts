/**
 * A DigitalOcean Backup named on the command line (its image id, as `lifeboat list` shows it,
 * or its name), found among one droplet's backups (`--droplet`) or the plans' droplets': one
 * `listDropletBackups` per droplet until it turns up.
 */
import type { Droplet, DropletBackup } from "@lifeboat/core";
import { BadInput, type CommandContext, planDroplets } from "./context";

export interface FoundBackup {
  backup: DropletBackup;
  droplet: Droplet;
}

export async function findBackup(ctx: CommandContext, wanted: string, dropletName?: string): Promise<FoundBackup> {
  const droplets = await dropletsToSearch(ctx, dropletName);
  for (const droplet of droplets) {
    const backup = (await ctx.env.api.listDropletBackups(droplet.id)).find((b) => b.id === wanted || b.name === wanted);
    if (backup) return { backup, droplet };
  }
  const where = dropletName ? `droplet ${dropletName}` : "the plans' droplets";
  throw new BadInput(
    `no DigitalOcean backup "${wanted}" of ${where}; \`lifeboat list${dropletName ? ` ${dropletName}` : ""}\` shows them (kind "backup")${dropletName ? "" : ", or name the droplet with --droplet"}`,
  );
}

async function dropletsToSearch(ctx: CommandContext, name: string | undefined): Promise<Droplet[]> {
  if (name !== undefined) {
    const found = await ctx.env.api.findDroplets({ name }).catch(() => []);
    if (found.length === 0)
      throw new BadInput(`no droplet named "${name}"; \`lifeboat list\` shows the plans' droplets`);
    return found;
  }
  const byId = new Map<number, Droplet>();
  for (const plan of ctx.config.plans) for (const d of await planDroplets(ctx.env.api, plan)) byId.set(d.id, d);
  return [...byId.values()];
}
