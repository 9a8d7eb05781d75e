/**
 * Where things are kept (see ../FORMAT.md): one directory per run and droplet,
 *
 *   runs/<droplet>/<runId>/images/<container>.tar.zst
 *   runs/<droplet>/<runId>/volumes/<volume>.tar.zst
 *   runs/<droplet>/<runId>/manifest.json      ← written last; marks the run complete
 *   duplicity/<droplet>/…                      duplicity's own files, one target per droplet
 *   history/<plan>/<13 digits>-<runId>.json    one run record per run; the digits invert its start time
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

/** Where every plan's run records live under a store's prefix: "<prefix>history/". */
export const historyRoot = (storePrefix: string) => `${storePrefix}history/`;

/** One plan's run records: "history/<plan>/". */
export const historyPrefix = (plan: string) => `${historyRoot("")}${segment("plan name", plan)}/`;

/** The largest start time (ms) a record key can hold: year 2286. */
const INVERT_FROM = 9_999_999_999_999;

/**
 * A run record's key: "history/<plan>/<inverted start>-<runId>.json". The start time counted
 * down from INVERT_FROM, 13 digits, makes S3's ascending listing newest first, so the last N
 * records of a plan are one LIST call.
 * @example historyKey("weekly", Date.parse("2026-11-29T03:00:00Z"), "weekly-20261129T030000Z") // "history/weekly/8203..."
 */
export const historyKey = (plan: string, startedAt: number, runId: string) =>
  `${historyPrefix(plan)}${String(INVERT_FROM - startedAt).padStart(13, "0")}-${segment("run id", runId)}.json`;

const HISTORY_FILE = /^\d{13}-([A-Za-z0-9][A-Za-z0-9._-]{0,254})\.json$/;

/** The run id a key under historyPrefix(plan) names; undefined for any other object there. */
export function runIdOfHistoryKey(plan: string, key: string): string | undefined {
  const prefix = historyPrefix(plan);
  return key.startsWith(prefix) ? HISTORY_FILE.exec(key.slice(prefix.length))?.[1] : undefined;
}
