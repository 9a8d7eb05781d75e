/**
 * Restores from a droplet's DigitalOcean Backups for the Slack backend (#16 §1): each backup is
 * two options, a NEW droplet from it (DO creates one from any image id) or the droplet itself
 * overwritten by it (action `restore`). Slack asks approvers only, behind a confirm dialog.
 */
import type { DropletApi } from "@lifeboat/core";
import type { DoBackupInfo, RestoreOption } from "@lifeboat/slack";

const GB = 1024 ** 3;

export function doBackupRestoreOptions(backups: readonly DoBackupInfo[]): RestoreOption[] {
  return backups.flatMap((b) => [
    {
      id: `backup:${b.id}`,
      kind: "backup" as const,
      label: b.name,
      createdAt: b.createdAt,
      bytes: Math.round(b.sizeGb * GB),
    },
    {
      id: `backup-in-place:${b.id}`,
      kind: "backup-in-place" as const,
      label: b.name,
      createdAt: b.createdAt,
      bytes: Math.round(b.sizeGb * GB),
    },
  ]);
}

/** Starts the restore and returns its id: the new droplet's, or the `restore` action's. */
export async function startBackupRestore(
  droplets: DropletApi,
  dropletName: string,
  kind: "backup" | "backup-in-place",
  backupId: string,
): Promise<{ restoreId: string }> {
  const [original] = await droplets.findDroplets({ name: dropletName });
  if (!original) throw new Error(`droplet ${dropletName} not found`);
  // Only one of this droplet's own backups: an id from elsewhere is refused before anything starts.
  const backup = (await droplets.listDropletBackups(original.id)).find((b) => b.id === backupId);
  if (!backup)
    throw new Error(`${backupId} is not a DigitalOcean backup of ${dropletName} (any more); nothing was changed`);
  if (kind === "backup-in-place") {
    const action = await droplets.restoreDroplet(original.id, backup.id);
    return { restoreId: `restore-action-${action.id}` };
  }
  const created = await droplets.createDropletFromSnapshot({
    name: `${dropletName}-restored-${new Date().toISOString().slice(0, 10)}`,
    snapshotId: backup.id,
    region: original.region,
    sizeSlug: original.sizeSlug,
  });
  return { restoreId: `droplet-${created.id}` };
}
