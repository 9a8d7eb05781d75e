/**
 * A drill's volume restore (#15 §2 step 3, `restoreVolumes`): the scratch droplet downloads
 * each archive from the store itself, so no archive byte passes through whoever runs the drill
 * (a Lambda function). The drill droplet's firewall lets nothing out, so, in this order:
 *   1. stop every container on the scratch droplet (none may run while traffic can leave);
 *   2. open outbound traffic to the store for this droplet alone (a firewall on its id);
 *   3. download, check the sha256 and extract each archive into a scratch volume;
 *   4. close it again (delete that firewall) — also when the restore fails;
 * and only then does the drill start the containers. A store the droplet cannot reach (a local
 * directory, the CLI's `npm start`) sends the archives over SSH instead and opens nothing.
 */
import type { DrillCheckResult } from "../events";
import type { DropletApi } from "../ports/digitalocean";
import { messageOf } from "../routine/deps";
import { type DurableSteps, runOnce } from "../routine/durable";
import type { DrillDeps, DrillLimits, DrillVolume, ScratchAccess } from "./ports";
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
  if (!downloads) {
    // A local store: the archives come over the SSH session; the droplet needs no outbound traffic.
    return ctx.step("restore volumes", () => deps.shell.restoreVolumes(access, volumes), runOnce);
  }

  const egress = drillEgressFirewall(restore.scratchDropletId, downloads.ports);
  let opened: string | undefined;
  try {
    opened = await ctx.step(
      "open egress for the restore",
      async () => (await deps.api.createDropletFirewall(egress)).id,
    );
    // The URLs are made inside the step that uses them: they never reach a checkpoint.
    return await ctx.step(
      "restore volumes",
      async () =>
        deps.shell.restoreVolumes(
          access,
          volumes,
          await downloads.urls(
            volumes.map((v) => v.key),
            restore.limits.restoreSeconds,
          ),
        ),
      runOnce,
    );
  } finally {
    await ctx.step("close egress", () => closeEgress(deps.api, egress.name, opened));
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
