/**
 * `lifeboat restore backup <backup>`: from one of a droplet's DigitalOcean Backups, either a NEW
 * droplet beside it (DO creates a droplet from any image id; asked like `restore snapshot`), or
 * with `--in-place` the droplet itself overwritten (action `restore`). In place takes the
 * droplet's name typed at the prompt, or `--confirm <droplet>` without a terminal; anything
 * else changes nothing and says how to do it.
 */
import type { DropletAction, DropletApi } from "@lifeboat/core";
import { EXIT, writeJson } from "../output";
import type { TimeBase } from "../run/time-base";
import { confirm, confirmTyped, processTerminal } from "./confirm";
import { BadInput, type GlobalOptions, iso, withContext } from "./context";
import { findBackup } from "./find-backup";
import { dropletsNamed, untilActive } from "./restore-snapshot";

export interface RestoreBackupOptions extends GlobalOptions {
  droplet?: string;
  name?: string;
  size?: string;
  region?: string;
  yes?: boolean;
  inPlace?: boolean;
  /** In place without a terminal: the droplet's name, as the typed confirmation. */
  confirm?: string;
}

/** A restore rewrites the whole disk: looked at every 10 s for up to an hour. */
const RESTORED_WITHIN = { timeoutMs: 60 * 60_000, intervalMs: 10_000 };

export async function restoreBackupCommand(wanted: string, options: RestoreBackupOptions) {
  return withContext(options, async (ctx) => {
    const { backup, droplet } = await findBackup(ctx, wanted, options.droplet);
    const from = `backup ${backup.name} (id ${backup.id}, ${iso(backup.createdAt)})`;
    const notDone = (error: string) => {
      ctx.say("Nothing was changed.");
      if (options.json) writeJson(process.stdout, { ok: false, changed: false, error });
      return EXIT.failed;
    };

    if (options.inPlace) {
      for (const flag of ["name", "size", "region"] as const) {
        if (options[flag] !== undefined)
          throw new BadInput(`--${flag} is for a new droplet; --in-place overwrites ${droplet.name} as it is`);
      }
      const how = `type ${droplet.name} at the prompt, or run with --confirm ${droplet.name}`;
      const warning = `Overwrite droplet ${droplet.name} (id ${droplet.id}) with ${from}? Everything on it since then is lost.`;
      if (options.confirm !== undefined) {
        if (options.confirm !== droplet.name)
          throw new BadInput(
            `--confirm "${options.confirm}" is not the droplet's name; to overwrite ${droplet.name}, run with --confirm ${droplet.name}. Nothing was changed`,
          );
      } else {
        const terminal = processTerminal();
        if (!terminal)
          throw new BadInput(
            `restoring in place overwrites ${droplet.name} and cannot be undone, and there is no terminal to ask; run again with --confirm ${droplet.name}. Nothing was changed`,
          );
        const typed = await confirmTyped(terminal, `${warning}\nType ${droplet.name} to overwrite it: `, droplet.name);
        if (!typed) return notDone(`not confirmed: ${how}`);
      }
      ctx.say(`Restoring ${droplet.name} in place from ${from}…`);
      const started = await ctx.env.api.restoreDroplet(droplet.id, backup.id);
      const action = await untilDone(ctx.env.api, started, ctx.env.time);
      if (action.status !== "completed") {
        const error = `DigitalOcean's restore of ${droplet.name} (action ${action.id}) ended ${action.status}; look at the droplet in the control panel`;
        if (options.json) writeJson(process.stdout, { ok: false, changed: true, error });
        else ctx.say(error);
        return EXIT.failed;
      }
      const after = await ctx.env.api.getDroplet(droplet.id);
      if (options.json) writeJson(process.stdout, { ok: true, inPlace: true, backup: backup.id, droplet: after });
      else ctx.say(`Droplet ${after.name} (id ${after.id}) was restored in place from ${from}; it is ${after.status}.`);
      return EXIT.ok;
    }

    if (options.confirm !== undefined) throw new BadInput("--confirm goes with --in-place only");
    const sizeSlug = options.size ?? droplet.sizeSlug;
    const region = options.region ?? droplet.region;
    const name = options.name ?? `${droplet.name}-restored`;
    const taken = await dropletsNamed(ctx, name);
    if (taken.length > 0) {
      throw new BadInput(
        `a droplet named ${name} already exists (id ${taken.map((d) => d.id).join(", ")}); choose another name with --name. Nothing was created`,
      );
    }
    const what = `droplet ${name} (${sizeSlug}, ${region}) from ${from} of ${droplet.name}`;
    if (!options.yes) {
      const terminal = processTerminal();
      if (!terminal) {
        throw new BadInput(
          `creating ${what} is billed until you destroy it, and there is no terminal to ask; run again with --yes to create it. Nothing was created`,
        );
      }
      if (!(await confirm(terminal, `Create ${what}? It is billed until you destroy it. [y/N] `)))
        return notDone("not confirmed");
    }
    ctx.say(`Creating ${what}…`);
    const created = await ctx.env.api.createDropletFromSnapshot({ name, snapshotId: backup.id, region, sizeSlug });
    ctx.say(`Droplet ${created.name} (id ${created.id}) was created; waiting until it is active…`);
    const active = await untilActive(ctx.env.api, created.id, ctx.env.time);
    if (options.json) writeJson(process.stdout, { ok: true, backup: backup.id, droplet: active });
    else {
      const address = active.publicIpv4 ? `at ${active.publicIpv4}` : "with no public IPv4 address yet";
      ctx.say(
        `Droplet ${active.name} (id ${active.id}) is active ${address}, restored from ${from}. It is billed until you destroy it.`,
      );
    }
    return EXIT.ok;
  });
}

/** The action once it is no longer in progress; an error naming it if it takes over an hour. */
async function untilDone(api: DropletApi, action: DropletAction, time: TimeBase): Promise<DropletAction> {
  const giveUpAt = time.now() + RESTORED_WITHIN.timeoutMs;
  let current = action;
  while (current.status === "in-progress") {
    if (time.now() >= giveUpAt)
      throw new Error(
        `the restore of droplet ${action.dropletId} (action ${action.id}) is still in progress after an hour`,
      );
    await time.sleep(RESTORED_WITHIN.intervalMs);
    current = await api.getAction(action.id);
  }
  return current;
}
