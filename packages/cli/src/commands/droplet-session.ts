/**
 * A session on a droplet for the restore commands: the droplet must have an `ssh.droplets`
 * entry (host key pinned, or `transport: "local"`); the key comes from SSH_PRIVATE_KEY (its
 * text) or SSH_PRIVATE_KEY_FILE (its path), read only when the connection is opened.
 */
import { readFileSync } from "node:fs";
import { dropletConnection, type RemoteSession } from "@lifeboat/remote";
import { BadInput, type CommandContext } from "./context";

export async function openDropletSession(ctx: CommandContext, droplet: string): Promise<RemoteSession> {
  const entry = ctx.config.ssh.droplets[droplet];
  if (!entry)
    throw new BadInput(
      `${droplet} has no ssh.droplets.${droplet} entry in ${ctx.configPath}; pin its hostKey first (README "Preparing a droplet")`,
    );
  const found =
    entry.address || entry.transport === "local" ? undefined : (await ctx.env.api.findDroplets({ name: droplet }))[0];
  const open = dropletConnection(
    ctx.config.ssh,
    { name: droplet, ...(found?.publicIpv4 ? { publicIpv4: found.publicIpv4 } : {}) },
    {
      privateKey: sshPrivateKey,
    },
  );
  if (!open) throw new BadInput(`${droplet} has no ssh.droplets.${droplet} entry in ${ctx.configPath}`);
  return open("work");
}

/** lifeboat's SSH key: SSH_PRIVATE_KEY (its text) or SSH_PRIVATE_KEY_FILE (its path). */
export async function sshPrivateKey(): Promise<string> {
  const key = process.env.SSH_PRIVATE_KEY ?? readKeyFile(process.env.SSH_PRIVATE_KEY_FILE);
  if (!key) {
    throw new BadInput("set SSH_PRIVATE_KEY (the key's text) or SSH_PRIVATE_KEY_FILE (its path) to reach the droplet");
  }
  return key;
}

function readKeyFile(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new BadInput(`SSH_PRIVATE_KEY_FILE ${path} cannot be read`);
  }
}
