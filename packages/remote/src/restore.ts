/**
 * Restoring archives on a droplet: a volume archive into a new volume (or an empty one, or any
 * with `force`), an image archive with `docker load`. The checksum is verified before anything
 * is extracted (./stage.ts).
 */
import type { Readable } from "node:stream";
import { type Compression, decompressStage } from "./compression";
import { imageRef, volumeName } from "./names";
import type { RemoteSession } from "./session";
import { bash, sh } from "./shell";
import { removeStaged, stageVerified } from "./stage";

export class VolumeNotEmptyError extends Error {
  constructor(host: string, volume: string) {
    super(
      `volume ${volume} on ${host} is not empty; restore into a new volume name, or pass force to extract over its contents. Nothing was changed`,
    );
    this.name = "VolumeNotEmptyError";
  }
}

export interface RestoreVolumeOptions {
  /** The volume to restore into (created when missing). */
  volume: string;
  /** The archive's sha256 from the manifest. */
  sha256: string;
  compression: Compression;
  /** Extract into a volume that already has files (files of the same name are replaced). */
  force?: boolean;
  /** Image whose `sh` and `tar` extract it: the `volumes.helperImage` of the plan that archived it. */
  helperImage: string;
}

/**
 * Restores a volume archive.
 * @example await restoreVolume(session, await sink.get(entry.key), { volume: "data-restored", sha256: entry.sha256, compression: "zstd", helperImage: "busybox:1.36" })
 */
export async function restoreVolume(
  session: RemoteSession,
  archive: Readable,
  options: RestoreVolumeOptions,
): Promise<{ volume: string; created: boolean }> {
  const volume = volumeName(options.volume);
  const helper = imageRef(options.helperImage);
  const exists =
    (await session.run(sh`docker volume inspect ${volume}`, { what: `look for volume ${volume}`, check: false }))
      .code === 0;
  if (exists && !options.force) {
    const listing = await session.run(
      sh`docker run --rm --log-driver none --network none -v ${`${volume}:/data:ro`} ${helper} ls -A /data`,
      { what: `check volume ${volume} is empty` },
    );
    if (listing.stdout.trim() !== "") {
      archive.destroy();
      throw new VolumeNotEmptyError(session.host, volume);
    }
  }
  const staged = await stageVerified(session, archive, options.sha256, `archive for volume ${volume}`);
  try {
    if (!exists) await session.run(sh`docker volume create ${volume}`, { what: `create volume ${volume}` });
    const extract = sh`${decompressStage(options.compression)} < ${staged} | docker run -i --rm --log-driver none --network none -v ${`${volume}:/data`} ${helper} tar x -C /data`;
    await session.run(bash(extract), { what: `extract into volume ${volume}` });
  } catch (error) {
    // A half-filled (or empty) volume left behind would look like a restore, and the next run
    // would archive it: remove the one this restore made. One that existed before is left alone.
    if (!exists) {
      await session.run(sh`docker volume rm ${volume}`, { what: `remove volume ${volume} again`, check: false });
    }
    throw error;
  } finally {
    await removeStaged(session, staged);
  }
  return { volume, created: !exists };
}

/**
 * Loads an image archive made by `commit` (docker save) with `docker load`; returns what
 * Docker reports loading ("sha256:…" ids or "repo:tag" references).
 */
export async function loadImage(
  session: RemoteSession,
  archive: Readable,
  options: { sha256: string; compression: Compression },
): Promise<{ loaded: string[] }> {
  const staged = await stageVerified(session, archive, options.sha256, "image archive");
  try {
    const out = await session.run(bash(sh`${decompressStage(options.compression)} < ${staged} | docker load`), {
      what: "docker load",
    });
    const loaded = out.stdout
      .split("\n")
      .map((l) => /^Loaded image(?: ID)?: (.+)$/.exec(l.trim())?.[1])
      .filter((x): x is string => !!x);
    return { loaded };
  } finally {
    await removeStaged(session, staged);
  }
}
