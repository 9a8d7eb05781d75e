/**
 * `lifeboat restore volume|image`: an archive from storage onto a droplet over SSH
 * (`@lifeboat/remote`: the checksum is checked before anything is extracted; a volume is
 * restored into a new or empty one, and a volume this restore made is removed again if it
 * fails; an image gets its original `repo:tag` back). `restore snapshot` and `restore
 * duplicity` live beside this file.
 */
import { DEFAULT_VOLUME_HELPER_IMAGE, findPlan } from "@lifeboat/core";
import { restoreImage, restoreVolume, taggable, UnsafeNameError } from "@lifeboat/remote";
import { listRuns } from "@lifeboat/storage";
import { openStorage } from "../environment";
import { EXIT, writeJson } from "../output";
import { BadInput, type GlobalOptions, withContext } from "./context";
import { openDropletSession } from "./droplet-session";

export { restoreBackupCommand } from "./restore-backup";
export { restoreDuplicityCommand } from "./restore-duplicity";
export { restoreSnapshotCommand } from "./restore-snapshot";

export interface ArchiveRestore {
  kind: "volume" | "image";
  droplet: string;
  run: string;
  /** The volume's name, or the container whose image was captured. */
  name: string;
  into?: string;
  to?: string;
  /** For an image: the name to give it (default the manifest's `image`). */
  tag?: string;
}

export async function restoreArchiveCommand(what: ArchiveRestore, options: GlobalOptions) {
  return withContext(options, async (ctx) => {
    const sink = openStorage(ctx.config);
    const run = (await listRuns(sink, what.droplet)).runs.find((r) => r.runId === what.run);
    if (!run)
      throw new BadInput(
        `no complete archive run "${what.run}" for ${what.droplet} in ${sink.location}; \`lifeboat list ${what.droplet}\` shows them`,
      );
    const { manifest } = run;
    const target = what.to ?? what.droplet;
    const from = `run ${what.run} of ${what.droplet}`;
    if (what.kind === "volume") {
      const entry = manifest.volumes.find((v) => v.volume === what.name);
      if (!entry) throw new BadInput(`${from} has no volume archive for "${what.name}"`);
      // The image that archived the volume also restores it: on an offline droplet, the default would not be there.
      const helperImage = findPlan(ctx.config, manifest.plan)?.volumes.helperImage ?? DEFAULT_VOLUME_HELPER_IMAGE;
      const session = await openDropletSession(ctx, target);
      try {
        const result = await restoreVolume(session, await sink.get(entry.key), {
          volume: what.into ?? `${what.name}-restored`,
          sha256: entry.sha256,
          compression: entry.compression,
          helperImage,
        });
        if (options.json) writeJson(process.stdout, { ok: true, target, key: entry.key, ...result });
        else {
          const into = `${result.created ? "new" : "empty"} volume ${result.volume}`;
          const use = entry.container
            ? ` It was mounted at ${entry.mountPath} in container ${entry.container}${entry.image ? ` (image ${entry.image})` : ""}.`
            : "";
          ctx.say(`Restored volume ${entry.volume} from ${from} into ${into} on ${target} (sha256 checked).${use}`);
        }
        return EXIT.ok;
      } finally {
        session.close();
      }
    }
    const entry = manifest.containers.find((c) => c.container === what.name);
    if (!entry) throw new BadInput(`${from} has no image archive for container "${what.name}"`);
    if (what.tag !== undefined) checkTag(what.tag);
    const session = await openDropletSession(ctx, target);
    try {
      const result = await restoreImage(session, await sink.get(entry.key), {
        sha256: entry.sha256,
        compression: entry.compression,
        mode: entry.mode,
        tag: what.tag ?? entry.image,
      });
      if (options.json) writeJson(process.stdout, { ok: true, target, key: entry.key, ...result });
      else {
        const named = result.tagged
          ? `as ${result.tagged} (image ${result.imageId})`
          : `as image ${result.imageId}, untagged: "${entry.image}" is not a name a tag can take; give one with --tag`;
        const moved = result.replaced
          ? ` ${result.tagged} named image ${result.replaced} before; that image is still there by its id.`
          : "";
        const how = entry.mode === "export" ? "imported (docker import)" : "loaded (docker load)";
        ctx.say(
          `Restored the image of container ${entry.container} from ${from} onto ${target}, ${how} ${named} (sha256 checked).${moved}`,
        );
      }
      return EXIT.ok;
    } finally {
      session.close();
    }
  });
}

/** --tag must be a name docker can tag with: "repo:tag", not an id or a digest. */
function checkTag(tag: string): void {
  const problem = 'expected a name such as "gitlab/gitlab-ce:16.11.0-ce.0" (no digest, not an id)';
  try {
    if (!taggable(tag)) throw new BadInput(`--tag "${tag}" is refused: ${problem}`);
  } catch (error) {
    if (error instanceof UnsafeNameError) throw new BadInput(`--tag "${tag}" is refused: ${problem}`);
    throw error;
  }
}
