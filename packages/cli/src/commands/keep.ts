/**
 * `lifeboat keep <backup>`: a DigitalOcean Backup becomes a snapshot (image action `convert`)
 * that outlives its droplet, named `kept-<droplet>-<time>` so that lifeboat's retention never
 * deletes it (core's keepBackup). Waits for the convert; says where the kept snapshot is.
 */
import { KeepFailed, keepBackup } from "@lifeboat/core";
import { EXIT, writeJson } from "../output";
import { type GlobalOptions, iso, withContext } from "./context";
import { findBackup } from "./find-backup";

export interface KeepCommandOptions extends GlobalOptions {
  droplet?: string;
}

export async function keepCommand(wanted: string, options: KeepCommandOptions) {
  return withContext(options, async (ctx) => {
    const { backup, droplet } = await findBackup(ctx, wanted, options.droplet);
    ctx.say(
      `Converting backup ${backup.name} of ${droplet.name} (${iso(backup.createdAt)}, ${backup.sizeGb} GB) to a snapshot…`,
    );
    try {
      const kept = await keepBackup(
        { api: ctx.env.api, sleep: ctx.env.time.sleep, now: ctx.env.time.now },
        backup,
        droplet.name,
      );
      if (options.json) writeJson(process.stdout, { ok: true, droplet: droplet.name, backup: backup.id, kept });
      else
        ctx.say(
          `Kept: snapshot ${kept.name} (image ${kept.imageId}) outlives ${droplet.name}; lifeboat's retention never deletes it, and it is billed as a snapshot ($0.06/GB-month) until you delete it.`,
        );
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof KeepFailed)) throw error;
      if (options.json)
        writeJson(process.stdout, { ok: false, droplet: droplet.name, backup: backup.id, error: error.message });
      else ctx.say(error.message);
      return EXIT.failed;
    }
  });
}
