/**
 * A drill's volume restore (#15 §2 step 3, `restoreVolumes`): the scratch droplet downloads
 * each archive from the store itself, so no archive byte passes through whoever runs the drill
 * (a Lambda function). The drill droplet's firewall lets nothing out, so, in this order:
 *   1. stop every container on the scratch droplet (none may run while traffic can leave);
 *   then for each volume, each in durable steps of its own:
 *   2. open outbound traffic to the store for this droplet alone (a firewall on its id);
 *   3. download that one archive, check its sha256 and extract it into a scratch volume;
 *   4. close it again (delete that firewall) — also when the restore fails;
 * and only then does the drill start the containers. One step per volume, not one for all:
 * a step runs within one invocation (Lambda's 15 minutes), so the bound is one volume's
 * download (`restoreSeconds`), not the sum of all; and egress is open for one volume at a
 * time, so the watchdog's "open longer than twice `restoreSeconds` is a leftover" holds.
 * A store the droplet cannot reach (a local directory, the CLI's `npm start`) sends the
 * archives over SSH instead and opens nothing.
 */
import type { DrillCheckResult } from "../events";
import type { DropletApi } from "../ports/digitalocean";
import { messageOf } from "../routine/deps";
import { type DurableSteps, runOnce } from "../routine/durable";
import type { ArchiveDownloads, DrillDeps, DrillLimits, DrillVolume, ScratchAccess } from "./ports";
import { drillEgressFirewall } from "./tags";

export interface VolumeRestore {
  scratchDropletId: number;
  access: ScratchAccess;
  volumes: DrillVolume[];
  limits: DrillLimits;
}

/** Steps 1–4 above; one check per volume. Throws only when outbound traffic could not be closed. */
export async function restoreVolumesIsolated(
  ctx: DurableSteps,
  deps: DrillDeps,
  restore: VolumeRestore,
): Promise<DrillCheckResult[]> {
  const { access, volumes } = restore;
  const stop = await ctx.step("stop containers for the restore", async () => {
    try {
      return { stopped: await deps.shell.stopContainers(access) };
    } catch (error) {
      return { error: messageOf(error) };
    }
  });
  if ("error" in stop) {
    return volumes.map((v) => ({
      name: `volume ${v.volume}`,
      passed: false,
      detail: `not restored: the scratch droplet's containers could not all be stopped, so no outbound traffic was opened for the download (${stop.error})`,
    }));
  }

  const downloads = deps.backups?.downloads;
  const results: DrillCheckResult[] = [];
  for (const [i, volume] of volumes.entries()) {
    const step = `volume ${volume.volume} (${i + 1} of ${volumes.length})`;
    results.push(
      ...(downloads
        ? await restoreDownloaded(ctx, deps, restore, volume, downloads, step)
        : // A local store: the archive comes over the SSH session; the droplet needs no outbound traffic.
          await ctx.step(`restore ${step}`, () => deps.shell.restoreVolumes(access, [volume]), runOnce)),
    );
  }
  return results;
}

/** Steps 2–4 for one volume. */
async function restoreDownloaded(
  ctx: DurableSteps,
  deps: DrillDeps,
  restore: VolumeRestore,
  volume: DrillVolume,
  downloads: ArchiveDownloads,
  step: string,
): Promise<DrillCheckResult[]> {
  const egress = drillEgressFirewall(restore.scratchDropletId, downloads.ports);
  let opened: string | undefined;
  try {
    opened = await ctx.step(`open egress for ${step}`, async () => (await deps.api.createDropletFirewall(egress)).id);
    // The URL is made inside the step that uses it, for this archive alone: it never reaches a checkpoint.
    return await ctx.step(
      `restore ${step}`,
      async () =>
        deps.shell.restoreVolumes(
          restore.access,
          [volume],
          await downloads.urls([volume.key], restore.limits.restoreSeconds),
        ),
      runOnce,
    );
  } finally {
    await ctx.step(`close egress for ${step}`, () => closeEgress(deps.api, egress.name, opened));
  }
}

/**
 * Deletes every egress firewall of its name, and the one whose id the create answered: a
 * retried or replayed create may have made a second one of the same name (DigitalOcean gives
 * each its own id), and none may stay open when the containers start.
 */
async function closeEgress(api: DropletApi, name: string, id: string | undefined): Promise<boolean> {
  const made = (await api.listFirewalls()).filter((f) => f.name === name).map((f) => f.id);
  if (id !== undefined && !made.includes(id)) made.push(id);
  for (const f of made) await api.deleteFirewall(f);
  return made.length > 0;
}
