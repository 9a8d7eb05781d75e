/**
 * Which stored run of a droplet verify checks, and which are debris: the latest complete run
 * (the one with the newest manifest: the manifest is written last), and runs without a
 * manifest whose newest object is older than `debrisAfterSeconds` (failed runs; a younger one
 * may still be uploading).
 */

/** One run directory as the store lists it. */
export interface RunDirectory {
  runId: string;
  /** When its manifest was written (ISO), or undefined when it has none. */
  manifestAt?: string;
  /** When its newest object was written (ISO). */
  newestAt: string;
}

/** A day: a run without a manifest this old is not in progress any more. */
export const DEBRIS_AFTER_SECONDS = 86_400;

export interface RunVerdict {
  /** The run to check, if any run is complete. */
  latest?: RunDirectory;
  /** Runs without a manifest older than the limit: reported, and deleted with `--prune`. */
  debris: RunDirectory[];
}

/**
 * @example classifyRuns(dirs, Date.parse("2026-11-30T00:00:00Z")).latest?.runId
 */
export function classifyRuns(
  runs: readonly RunDirectory[],
  now: number,
  debrisAfterSeconds = DEBRIS_AFTER_SECONDS,
): RunVerdict {
  const complete = runs
    .filter((r) => r.manifestAt !== undefined)
    .sort((a, b) => Date.parse(b.manifestAt!) - Date.parse(a.manifestAt!) || (a.runId < b.runId ? 1 : -1));
  const debris = runs
    .filter((r) => r.manifestAt === undefined && now - Date.parse(r.newestAt) > debrisAfterSeconds * 1000)
    .sort((a, b) => (a.runId < b.runId ? -1 : 1));
  return { ...(complete[0] ? { latest: complete[0] } : {}), debris };
}

/** Whether an object the manifest lists is there with its size; the problem in words, or undefined. */
export function objectProblem(listed: { bytes: number }, found: { bytes: number } | undefined): string | undefined {
  if (!found) return "missing from the store";
  if (found.bytes !== listed.bytes) return `has ${found.bytes} bytes, the manifest says ${listed.bytes}`;
  return undefined;
}

/** What reading an archive back found. */
export interface ReadBack {
  bytes: number;
  sha256: string;
  /** Entries of the tar inside, when it could be listed. */
  entries?: number;
  /** Why the archive could not be decompressed or listed as a tar. */
  unreadable?: string;
  /** Why readability was not checked (no decoder for its compression here). */
  notChecked?: string;
}

/** The problem with an archive read back, or undefined when its bytes, sha256 and tar hold. */
export function dataProblem(listed: { bytes: number; sha256: string }, read: ReadBack): string | undefined {
  if (read.bytes !== listed.bytes) return `read ${read.bytes} bytes, the manifest says ${listed.bytes}`;
  if (read.sha256 !== listed.sha256) return `sha256 ${read.sha256} differs from the manifest's ${listed.sha256}`;
  if (read.unreadable) return `its sha256 matches but it is not readable: ${read.unreadable}`;
  return undefined;
}
