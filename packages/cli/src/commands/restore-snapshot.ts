/**
 * `lifeboat restore snapshot`: a new droplet from a lifeboat snapshot. A droplet is billed
 * from the moment it exists, so it is created only after a yes on the terminal (or --yes),
 * never over a droplet name already in use; then lifeboat waits until it is `active` and
 * prints where to reach it.
 */
import type { Droplet, DropletApi } from "@lifeboat/core";
import { DigitalOceanError } from "@lifeboat/digitalocean";
import { EXIT, writeJson } from "../output";
import type { TimeBase } from "../run/time-base";
import { confirm, processTerminal } from "./confirm";
import { BadInput, type CommandContext, type GlobalOptions, withContext } from "./context";

export interface RestoreSnapshotOptions extends GlobalOptions {
  name?: string;
  size?: string;
  region?: string;
  /** Create the droplet without asking. */
  yes?: boolean;
}

/** DigitalOcean creates a droplet from a snapshot in about a minute; give it ten. */
/** A new droplet is usually active within a minute; looked at every 10 s for up to 10 min. */
const ACTIVE_WITHIN = { timeoutMs: 10 * 60_000, intervalMs: 10_000 };

export async function restoreSnapshotCommand(wanted: string, options: RestoreSnapshotOptions) {
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
    const taken = await dropletsNamed(ctx, name);
    if (taken.length > 0) {
      throw new BadInput(
        `a droplet named ${name} already exists (id ${taken.map((d) => d.id).join(", ")}); choose another name with --name. Nothing was created`,
      );
    }

    const what = `droplet ${name} (${sizeSlug}, ${region}) from snapshot ${snapshot.name}`;
    if (!options.yes) {
      const terminal = processTerminal();
      if (!terminal) {
        throw new BadInput(
          `creating ${what} is billed until you destroy it, and there is no terminal to ask; run again with --yes to create it. Nothing was created`,
        );
      }
      const yes = await confirm(terminal, `Create ${what}? It is billed until you destroy it. [y/N] `);
      if (!yes) {
        ctx.say("Nothing was created.");
        if (options.json) writeJson(process.stdout, { ok: false, created: false, error: "not confirmed" });
        return EXIT.failed;
      }
    }

    ctx.say(`Creating ${what}…`);
    const created = await ctx.env.api.createDropletFromSnapshot({ name, snapshotId: snapshot.id, region, sizeSlug });
    ctx.say(`Droplet ${created.name} (id ${created.id}) was created; waiting until it is active…`);
    const active = await untilActive(ctx.env.api, created.id, ctx.env.time);
    if (options.json) {
      writeJson(process.stdout, { ok: true, snapshot: snapshot.name, droplet: active });
    } else {
      const address = active.publicIpv4 ? `at ${active.publicIpv4}` : "with no public IPv4 address yet";
      ctx.say(
        `Droplet ${active.name} (id ${active.id}) is active ${address}, restored from ${snapshot.name}. It is billed until you destroy it.`,
      );
    }
    return EXIT.ok;
  });
}

/** Droplets already using `name` (DigitalOcean allows duplicates; lifeboat does not make them). */
export async function dropletsNamed(ctx: CommandContext, name: string) {
  try {
    return await ctx.env.api.findDroplets({ name });
  } catch (error) {
    if (error instanceof DigitalOceanError && error.status === 404) return [];
    throw error;
  }
}

/** The droplet once DigitalOcean says it is active; an error naming it (it exists and is billed) if not in time. */
export async function untilActive(api: DropletApi, id: number, time: TimeBase): Promise<Droplet> {
  const giveUpAt = time.now() + ACTIVE_WITHIN.timeoutMs;
  for (;;) {
    const droplet = await api.getDroplet(id);
    if (droplet.status === "active") return droplet;
    if (time.now() >= giveUpAt) {
      throw new Error(
        `droplet ${droplet.name} (id ${id}) exists but is still ${droplet.status} after ${ACTIVE_WITHIN.timeoutMs / 60_000} min; it is billed until you destroy it`,
      );
    }
    await time.sleep(ACTIVE_WITHIN.intervalMs);
  }
}
