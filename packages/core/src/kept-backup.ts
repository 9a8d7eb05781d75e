/**
 * `lifeboat keep <backup>` (#16 §1): a DigitalOcean Backup is destroyed with its droplet; image
 * action `convert` turns it into a snapshot that outlives it. The kept snapshot is then named
 * `kept-<droplet>-<UTC time of the backup>`: never lifeboat's `lifeboat-<plan>-…` form, so
 * retention (which deletes only names of that form, see ./retention/own-snapshots.ts) never
 * deletes it, and `list` can show it as kept.
 */
import type { DropletApi, DropletBackup, ImageAction } from "./ports/digitalocean";
import { utcStamp } from "./snapshot-name";

const STAMP = /^\d{8}T\d{6}Z$/;

/** @example keptSnapshotName("gitlab", "2026-11-29T04:12:09Z") // "kept-gitlab-20261129T041209Z" */
export function keptSnapshotName(droplet: string, backupCreatedAt: string): string {
  return `kept-${droplet}-${utcStamp(new Date(backupCreatedAt))}`;
}

/** Whether a snapshot name is one `lifeboat keep` gave a backup of this droplet. */
export function isKeptName(name: string, droplet: string): boolean {
  const prefix = `kept-${droplet}-`;
  return name.startsWith(prefix) && STAMP.test(name.slice(prefix.length));
}

export interface KeepPorts {
  api: Pick<DropletApi, "convertImage" | "getImageAction" | "renameImage">;
  /** Waits `ms` (the CLI's time base: wall clock, or a sandbox's sped-up one). */
  sleep(ms: number): Promise<void>;
  now(): number;
}

export interface KeepOptions {
  /** How often the convert action is read. @default 15 s */
  intervalMs?: number;
  /** How long a convert may take before keep gives up waiting (the action goes on at DO). @default 2 h */
  timeoutMs?: number;
}

export interface KeptBackup {
  imageId: string;
  name: string;
  /** The convert action, completed. */
  action: ImageAction;
}

/** The convert did not end well or not in time: says what state the backup is left in. */
export class KeepFailed extends Error {}

/**
 * Converts the backup, waits for the action, names the snapshot. A convert that errors leaves
 * the backup as it was; a rename that fails leaves an unnamed snapshot that is still never
 * lifeboat's (no name but `lifeboat-<plan>-…` ever is).
 * @example await keepBackup({ api, sleep, now }, backup, "gitlab")
 */
export async function keepBackup(
  ports: KeepPorts,
  backup: Pick<DropletBackup, "id" | "name" | "createdAt">,
  droplet: string,
  options: KeepOptions = {},
): Promise<KeptBackup> {
  const intervalMs = options.intervalMs ?? 15_000;
  const timeoutMs = options.timeoutMs ?? 2 * 3_600_000;
  const giveUpAt = ports.now() + timeoutMs;
  let action = await ports.api.convertImage(backup.id);
  while (action.status === "in-progress") {
    if (ports.now() >= giveUpAt) {
      throw new KeepFailed(
        `converting backup ${backup.name} (image ${backup.id}) is still in progress after ${Math.round(timeoutMs / 60_000)} min (action ${action.id}); it goes on at DigitalOcean, and the snapshot it makes keeps the name ${backup.name}, which lifeboat's retention never deletes`,
      );
    }
    await ports.sleep(intervalMs);
    action = await ports.api.getImageAction(backup.id, action.id);
  }
  if (action.status !== "completed") {
    throw new KeepFailed(
      `DigitalOcean could not convert backup ${backup.name} (image ${backup.id}, action ${action.id} ${action.status}); it is still a backup, destroyed with its droplet`,
    );
  }
  return { imageId: backup.id, name: await nameKept(ports, backup, droplet), action };
}

/** Names an image just converted. */
async function nameKept(
  ports: Pick<KeepPorts, "api">,
  backup: Pick<DropletBackup, "id" | "createdAt">,
  droplet: string,
): Promise<string> {
  const name = keptSnapshotName(droplet, backup.createdAt);
  try {
    await ports.api.renameImage(backup.id, name);
  } catch (error) {
    throw new KeepFailed(
      `backup image ${backup.id} is now a snapshot that outlives the droplet, but naming it ${name} failed (${(error as Error).message}); it keeps its name, which lifeboat's retention never deletes`,
    );
  }
  return name;
}
