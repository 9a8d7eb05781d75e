/**
 * Where things are kept (see ../FORMAT.md): one directory per run and droplet,
 *
 *   runs/<droplet>/<runId>/images/<container>.tar.zst
 *   runs/<droplet>/<runId>/volumes/<volume>.tar.zst
 *   runs/<droplet>/<runId>/manifest.json      ← written last; marks the run complete
 *   duplicity/<droplet>/…                      duplicity's own files, one target per droplet
 *
 * Every segment is checked, so a key can never climb out of its directory.
 */

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

export class BadKeyError extends Error {
  constructor(key: string, why: string) {
    super(`storage key ${JSON.stringify(key)} is refused: ${why}`);
    this.name = "BadKeyError";
  }
}

/** Checks a key: "/"-separated segments of letters, digits, ".", "_", "-", none starting with a dot. */
export function checkKey(key: string): string {
  const segments = key.split("/");
  for (const s of segments) {
    if (!SEGMENT.test(s)) {
      throw new BadKeyError(key, 'each part must be letters, digits, ".", "_" or "-", starting with a letter or digit');
    }
  }
  return key;
}

function segment(kind: string, value: string): string {
  if (!SEGMENT.test(value)) {
    throw new BadKeyError(value, `a ${kind} must be letters, digits, ".", "_" or "-", starting with a letter or digit`);
  }
  return value;
}

export const MANIFEST_FILE = "manifest.json";

/** Where every run's archives live under a store's prefix: "<prefix>runs/". */
export const runsRoot = (storePrefix: string) => `${storePrefix}runs/`;

/** The directory of one droplet's runs: "runs/<droplet>/". */
export const dropletPrefix = (droplet: string) => `${runsRoot("")}${segment("droplet name", droplet)}/`;

/** The directory of one run: "runs/<droplet>/<runId>/". */
export const runPrefix = (droplet: string, runId: string) => `${dropletPrefix(droplet)}${segment("run id", runId)}/`;

export const manifestKey = (droplet: string, runId: string) => `${runPrefix(droplet, runId)}${MANIFEST_FILE}`;

/** The key of an archive file in a run: kind "image" → images/, "volume" → volumes/. */
export const archiveKey = (droplet: string, runId: string, kind: "image" | "volume", fileName: string) =>
  `${runPrefix(droplet, runId)}${kind === "image" ? "images" : "volumes"}/${segment("file name", fileName)}`;

/** Where duplicity's targets live under a store's prefix: "<prefix>duplicity/". */
export const duplicityRoot = (storePrefix: string) => `${storePrefix}duplicity/`;

/** One droplet's duplicity target under a store's prefix (no trailing slash, as duplicity's URL takes it). */
export const duplicityPrefix = (storePrefix: string, droplet: string) =>
  `${duplicityRoot(storePrefix)}${segment("droplet name", droplet)}`;
