/**
 * Which keys a released run may delete: only those inside the run directory that holds its
 * manifest (`runs/<droplet>/<runId>/…`, ../FORMAT.md). A manifest is plain JSON that anyone
 * with write access can edit or copy from another run; trusting the keys it lists would let
 * one droplet's retention delete another droplet's archives.
 */
import type { RefusedKey } from "@lifeboat/core";
import { checkKey, MANIFEST_FILE } from "./layout";

/** A key retention did not delete, and why: core's `RefusedKey` (the archive catalog port). */
export type RefusedDeletion = RefusedKey;

/**
 * The key with empty and "." segments dropped and ".." applied, so "runs/b/r1/../../a/x" is
 * compared as what it reaches ("runs/a/x"); undefined when ".." climbs above the root.
 * @example normaliseKey("/runs//b/r1/./volumes/v.tar") // "runs/b/r1/volumes/v.tar"
 */
export function normaliseKey(key: string): string | undefined {
  const parts: string[] = [];
  for (const segment of key.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(segment);
  }
  return parts.join("/");
}

/** "runs/web-1/nightly-1/manifest.json" → "runs/web-1/nightly-1/". */
export function runDirectoryOf(manifestKey: string): string {
  if (!manifestKey.endsWith(`/${MANIFEST_FILE}`)) throw new Error(`${manifestKey} is not a manifest key`);
  return manifestKey.slice(0, -MANIFEST_FILE.length);
}

/**
 * The normalised key when it lies inside `directory` (and is a valid storage key), else why not.
 * @example keyInRun("runs/b/r1/", "runs/a/r0/volumes/v.tar") // { reason: "outside runs/b/r1/, …" }
 */
export function keyInRun(directory: string, key: string): { key: string } | { reason: string } {
  const normal = normaliseKey(key);
  if (normal === undefined)
    return { reason: `it climbs above the storage root; only keys under ${directory} are deleted` };
  if (!normal.startsWith(directory) || normal.length === directory.length) {
    return { reason: `it is outside ${directory}, the run directory holding this manifest` };
  }
  try {
    return { key: checkKey(normal) };
  } catch (error) {
    return { reason: (error as Error).message };
  }
}
