/**
 * `lifeboat list [droplet]`: per droplet, its snapshots (lifeboat's marked with their plan;
 * others listed as not lifeboat's, which it never deletes), its DigitalOcean Backups (kind
 * "backup"; `lifeboat keep` makes one a "kept" snapshot) and its archive runs in storage.
 */
import type { Droplet, LifeboatConfig } from "@lifeboat/core";
import { listedSnapshot, newestFirst, parseSnapshotName } from "@lifeboat/core";
import { listRuns } from "@lifeboat/storage";
import { openStorage } from "../environment";
import { EXIT, writeJson } from "../output";
import { table } from "../table";
import { dropletsNamedOrPlanned, type GlobalOptions, iso, withContext } from "./context";

export async function listCommand(droplet: string | undefined, options: GlobalOptions) {
  return withContext(options, async (ctx) => {
    const sink = openStorage(ctx.config);
    const out = [];
    for (const d of await dropletsNamedOrPlanned(ctx, droplet)) {
      const snapshots = (await ctx.env.api.listDropletSnapshots(d.id))
        .map((s) => ({ ...listedSnapshot(s, d.name), plan: planOf(ctx.config, s.name, d) }))
        .sort(newestFirst);
      const backups = (await ctx.env.api.listDropletBackups(d.id))
        .map((b) => ({ id: b.id, name: b.name, createdAt: b.createdAt, sizeGb: b.sizeGb, kind: "backup" as const }))
        .sort(newestFirst);
      const catalog = await listRuns(sink, d.name);
      const archives = catalog.runs.map((r) => ({
        runId: r.runId,
        plan: r.manifest.plan,
        createdAt: r.createdAt,
        bytes: r.bytes,
        images: r.manifest.containers.map((c) => c.container),
        volumes: r.manifest.volumes.map((v) => v.volume),
      }));
      out.push({
        droplet: d.name,
        id: d.id,
        status: d.status,
        snapshots,
        backups,
        archives,
        incomplete: catalog.incomplete,
      });
    }
    if (options.json) {
      writeJson(process.stdout, { ok: true, storage: sink.location, droplets: out });
      return EXIT.ok;
    }
    for (const d of out) {
      ctx.say(`\n${d.droplet} (id ${d.id}, ${d.status}):`);
      ctx.say(
        d.snapshots.length
          ? table(
              ["snapshot", "taken", "size", "regions", "made by"],
              d.snapshots.map((s) => [
                s.name,
                iso(s.createdAt),
                `${s.sizeGb} GB`,
                s.regions.join(", "),
                s.plan
                  ? `lifeboat (${s.plan})`
                  : s.kind === "kept"
                    ? "kept DO backup (never deleted)"
                    : "not lifeboat (never deleted)",
              ]),
            )
          : "  no snapshots",
      );
      ctx.say(
        d.backups.length
          ? table(
              ["DO backup (id)", "taken", "size", "kind"],
              d.backups.map((b) => [`${b.name} (${b.id})`, iso(b.createdAt), `${b.sizeGb} GB`, b.kind]),
            )
          : "  no DO backups",
      );
      ctx.say(
        d.archives.length
          ? table(
              ["archive run", "plan", "taken", "bytes", "images / volumes"],
              d.archives.map((a) => [
                a.runId,
                a.plan,
                iso(a.createdAt),
                String(a.bytes),
                [...a.images, ...a.volumes].join(", "),
              ]),
            )
          : `  no archive runs in ${sink.location}`,
      );
      if (d.incomplete.length)
        ctx.say(`  incomplete runs (no manifest, never restored from): ${d.incomplete.join(", ")}`);
    }
    return EXIT.ok;
  });
}

/** The plan whose snapshot name this is, for this droplet. */
function planOf(config: LifeboatConfig, name: string, d: Droplet): string | undefined {
  return config.plans.find((p) => parseSnapshotName(name, p.name, d.name))?.name;
}
