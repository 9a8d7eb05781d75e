/**
 * `lifeboat restore`: a snapshot to a new droplet (DigitalOcean API), or an archive from
 * storage onto a droplet over SSH (`@lifeboat/remote`: the checksum is checked before anything
 * is extracted; a volume is restored into a new or empty one unless you name another).
 */
import { readFileSync } from "node:fs";
import { DEFAULT_VOLUME_HELPER_IMAGE, findPlan } from "@lifeboat/core";
import { dropletConnection, loadImage, restoreVolume } from "@lifeboat/remote";
import { listRuns } from "@lifeboat/storage";
import { openStorage } from "../environment";
import { EXIT, writeJson } from "../output";
import { BadInput, type CommandContext, type GlobalOptions, withContext } from "./context";

export async function restoreSnapshotCommand(
  wanted: string,
  options: GlobalOptions & { name?: string; size?: string; region?: string },
) {
  return withContext(options, async (ctx) => {
    const snapshots = await ctx.env.api.listSnapshots();
    const snapshot = snapshots.find((s) => s.name === wanted || s.id === wanted);
    if (!snapshot) throw new BadInput(`no snapshot named or numbered "${wanted}"; \`lifeboat list\` shows them`);
    const original = await ctx.env.api.getDroplet(snapshot.dropletId).catch(() => undefined);
    const sizeSlug = options.size ?? original?.sizeSlug;
    if (!sizeSlug) throw new BadInput(`the droplet of ${snapshot.name} no longer exists; name a size with --size`);
    const region = options.region ?? snapshot.regions[0];
    if (!region) throw new BadInput(`${snapshot.name} has no region; name one with --region`);
    const name = options.name ?? `${original?.name ?? "droplet"}-restored`;
    ctx.say(`Creating droplet ${name} (${sizeSlug}, ${region}) from ${snapshot.name}…`);
    const created = await ctx.env.api.createDropletFromSnapshot({ name, snapshotId: snapshot.id, region, sizeSlug });
    if (options.json) {
      writeJson(process.stdout, { ok: true, snapshot: snapshot.name, droplet: created });
    } else {
      ctx.say(
        `Droplet ${created.name} (id ${created.id}) is being created from ${snapshot.name}; status ${created.status}.`,
      );
    }
    return EXIT.ok;
  });
}

export interface ArchiveRestore {
  kind: "volume" | "image";
  droplet: string;
  run: string;
  /** The volume's name, or the container whose image was captured. */
  name: string;
  into?: string;
  to?: string;
}

export async function restoreArchiveCommand(what: ArchiveRestore, options: GlobalOptions) {
  return withContext(options, async (ctx) => {
    const sink = openStorage(ctx.config);
    const run = (await listRuns(sink, what.droplet)).runs.find((r) => r.runId === what.run);
    if (!run)
      throw new BadInput(
        `no complete archive run "${what.run}" for ${what.droplet} in ${sink.location}; \`lifeboat list ${what.droplet}\` shows them`,
      );
    const entry =
      what.kind === "volume"
        ? run.manifest.volumes.find((v) => v.volume === what.name)
        : run.manifest.containers.find((c) => c.container === what.name);
    if (!entry) throw new BadInput(`run ${what.run} has no ${what.kind} archive for "${what.name}"`);
    const target = what.to ?? what.droplet;
    const session = await openSession(ctx, target);
    try {
      const archive = await sink.get(entry.key);
      const result =
        what.kind === "volume"
          ? await restoreVolume(session, archive, {
              volume: what.into ?? `${what.name}-restored`,
              sha256: entry.sha256,
              compression: entry.compression,
              // The image that archived it; the plan may be gone from the config since.
              helperImage: findPlan(ctx.config, run.manifest.plan)?.volumes.helperImage ?? DEFAULT_VOLUME_HELPER_IMAGE,
            })
          : await loadImage(session, archive, { sha256: entry.sha256, compression: entry.compression });
      if (options.json) writeJson(process.stdout, { ok: true, target, key: entry.key, ...result });
      else ctx.say(`Restored ${entry.key} on ${target}: ${JSON.stringify(result)}`);
      return EXIT.ok;
    } finally {
      session.close();
    }
  });
}

/** A session on a droplet named in `ssh.droplets` (host key pinned, or `transport: "local"`), key from SSH_PRIVATE_KEY(_FILE). */
async function openSession(ctx: CommandContext, droplet: string) {
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
      privateKey: async () => {
        const key = process.env.SSH_PRIVATE_KEY ?? readKeyFile(process.env.SSH_PRIVATE_KEY_FILE);
        if (!key)
          throw new BadInput(
            "set SSH_PRIVATE_KEY (the key's text) or SSH_PRIVATE_KEY_FILE (its path) to reach the droplet",
          );
        return key;
      },
    },
  );
  if (!open) throw new BadInput(`${droplet} has no ssh.droplets.${droplet} entry in ${ctx.configPath}`);
  return open("work");
}

function readKeyFile(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new BadInput(`SSH_PRIVATE_KEY_FILE ${path} cannot be read`);
  }
}
