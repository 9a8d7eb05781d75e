/**
 * `duplicity verify` of a plan's `verify.duplicityPath` (#15 §1), run on the droplet: what it
 * found, and the finding the verify report shows for it. Pure; the droplet host runs it.
 */
import type { VerifyFinding } from "./report";

/** One file that differs, as duplicity words it (./…/remote parses its "Difference found:" lines). */
export interface DuplicityDifference {
  /** Relative to the verified path ("sub/b.txt"); "" for the path itself. */
  file: string;
  /** How it differs: "content differs", "missing, the backup has it", "mtime …, the backup has …". */
  how: string;
}

/** What `duplicity verify --compare-data` of one path against the latest backup found. */
export interface DuplicityVerifyResult {
  /** The absolute path verified. */
  path: string;
  /** Files duplicity compared. */
  compared: number;
  /** Files that differ (duplicity's own count). */
  differences: number;
  /** The first of them (bounded: see DIFFERENCES_SHOWN). */
  differing: DuplicityDifference[];
}

/** Differences named in a report; the rest are counted. */
export const DIFFERENCES_SHOWN = 10;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "/srv/app" + "sub/b.txt" → "/srv/app/sub/b.txt". */
const fileOf = (path: string, file: string) => (file === "" ? path : `${path.replace(/\/+$/, "")}/${file}`);

/** The report's item for the verify of `path`. */
export const duplicityVerifyItem = (path: string) => `verify ${path}`;

/**
 * @example duplicityVerifyFinding("web-1", { path: "/srv/app", compared: 12, differences: 1, differing: [{ file: "a.txt", how: "content differs" }] }).detail
 *   // "duplicity verify of /srv/app: 1 file differs from the latest backup: /srv/app/a.txt (content differs)"
 */
export function duplicityVerifyFinding(droplet: string, result: DuplicityVerifyResult): VerifyFinding {
  const base = { droplet, check: "duplicity" as const, item: duplicityVerifyItem(result.path) };
  const of = `duplicity verify of ${result.path}`;
  if (result.differences === 0) {
    return {
      ...base,
      ok: true,
      detail: `${of}: ${plural(result.compared, "file")} compared with the latest backup, none differs`,
    };
  }
  const shown = result.differing.slice(0, DIFFERENCES_SHOWN);
  const named = shown.map((d) => `${fileOf(result.path, d.file)} (${d.how})`).join(", ");
  const more = result.differences - shown.length;
  const verb = result.differences === 1 ? "file differs" : "files differ";
  return {
    ...base,
    ok: false,
    detail: `${of}: ${result.differences} ${verb} from the latest backup: ${named}${more > 0 ? `, and ${more} more` : ""}`,
  };
}

/** The finding when `duplicity verify` could not run or finish (the droplet unreachable, the job failed). */
export function duplicityVerifyFailure(droplet: string, path: string, why: string): VerifyFinding {
  return {
    droplet,
    check: "duplicity",
    item: duplicityVerifyItem(path),
    ok: false,
    detail: `duplicity verify of ${path} could not run: ${why.slice(0, 600)}`,
  };
}
