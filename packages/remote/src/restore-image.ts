/**
 * Restoring a captured container image under its original name: `docker load` for a
 * "commit" archive (docker save of an image id, which loads untagged), `docker import` for an
 * "export" archive (a flat filesystem); then the image is tagged with the manifest's
 * `repo:tag`, so `docker run repo:tag` (or a compose file) finds it again.
 */
import type { Readable } from "node:stream";
import { type Compression, decompressStage } from "./compression";
import { imageRef } from "./names";
import type { RemoteSession } from "./session";
import { bash, sh } from "./shell";
import { removeStaged, stageVerified } from "./stage";

export interface RestoreImageOptions {
  /** The archive's sha256 from the manifest. */
  sha256: string;
  compression: Compression;
  /** How the image was captured (the manifest's `mode`). */
  mode: "commit" | "export";
  /** The name to give the restored image, e.g. the manifest's `image` ("gitlab/gitlab-ce:16.11.0-ce.0"). */
  tag: string;
}

export interface RestoredImage {
  /** The restored image's id ("sha256:…"). */
  imageId: string;
  /** The name it now carries; undefined when `tag` cannot be a tag (an id or a digest). */
  tagged?: string;
  /** The image the tag named before, when it named another one (still there, by its id). */
  replaced?: string;
}

/** A reference `docker tag` accepts: a name with an optional tag, no digest, not an id. */
export function taggable(ref: string): string | undefined {
  if (ref.includes("@") || /^(?:sha256:)?[a-f0-9]{12,64}$/.test(ref)) return undefined;
  return imageRef(ref);
}

/**
 * Loads (or imports) an image archive and tags it.
 * @example await restoreImage(session, await sink.get(entry.key), { sha256: entry.sha256, compression: entry.compression, mode: entry.mode, tag: entry.image })
 */
export async function restoreImage(
  session: RemoteSession,
  archive: Readable,
  options: RestoreImageOptions,
): Promise<RestoredImage> {
  const tag = taggable(options.tag);
  const staged = await stageVerified(session, archive, options.sha256, "image archive");
  let imageId: string;
  try {
    const decompress = decompressStage(options.compression);
    if (options.mode === "export") {
      const out = await session.run(bash(sh`${decompress} < ${staged} | docker import -`), { what: "docker import" });
      imageId = imageRef(out.stdout.trim());
    } else {
      const out = await session.run(bash(sh`${decompress} < ${staged} | docker load`), { what: "docker load" });
      const loaded = /^Loaded image(?: ID)?: (.+)$/m.exec(out.stdout)?.[1]?.trim();
      if (!loaded) throw new Error(`docker load on ${session.host} named no image: ${out.stdout.slice(0, 300)}`);
      imageId = await idOf(session, imageRef(loaded));
    }
  } finally {
    await removeStaged(session, staged);
  }
  if (!tag) return { imageId };
  const before = await session.run(sh`docker image inspect -f ${"{{.Id}}"} ${tag}`, {
    what: `look for image ${tag}`,
    check: false,
  });
  const previous = before.code === 0 ? before.stdout.trim() : undefined;
  await session.run(sh`docker tag ${imageId} ${tag}`, { what: `tag ${imageId} as ${tag}` });
  return { imageId, tagged: tag, ...(previous && previous !== imageId ? { replaced: previous } : {}) };
}

async function idOf(session: RemoteSession, ref: string): Promise<string> {
  const out = await session.run(sh`docker image inspect -f ${"{{.Id}}"} ${ref}`, { what: `inspect image ${ref}` });
  return imageRef(out.stdout.trim());
}
