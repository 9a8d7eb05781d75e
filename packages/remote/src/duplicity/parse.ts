/**
 * Reading duplicity 0.8's text output: `collection-status` (chains, last full) and the backup
 * statistics block (bytes). The remote commands run with TZ=UTC, so its times are UTC.
 */

export interface CollectionStatus {
  /** Backup chains in the target (primary + secondary). */
  chains: number;
  /** ISO time of the newest full backup, if any. */
  lastFull?: string;
  /** Backup sets (full + incremental) in the primary chain. */
  sets: number;
}

export interface BackupStatistics {
  /** Bytes this run added to the target (TotalDestinationSizeChange). */
  bytes: number;
  /** Bytes of the source files considered (SourceFileSize). */
  sourceBytes: number;
  errors: number;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Thu Nov 26 07:20:34 2026" (UTC) → ISO string; undefined for "none" or anything else. */
export function parseDuplicityTime(text: string): string | undefined {
  const m = /^\w{3} (\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1] ?? "");
  if (month < 0) return undefined;
  return new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]))).toISOString();
}

/**
 * @example parseCollectionStatus(out) // { chains: 1, lastFull: "2026-11-26T07:20:34.000Z", sets: 2 }
 */
export function parseCollectionStatus(text: string): CollectionStatus {
  const secondary = Number(/Found (\d+) secondary backup chains?/.exec(text)?.[1] ?? 0);
  const primary = /Found primary backup chain/.test(text) ? 1 : 0;
  const fulls = [...text.matchAll(/^\s*Full\s+(\w{3} \w{3} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4})\s+\d+\s*$/gm)]
    .map((m) => parseDuplicityTime(m[1] ?? ""))
    .filter((t): t is string => !!t)
    .sort();
  const stated = parseDuplicityTime(/Last full backup date: (.+)$/m.exec(text)?.[1] ?? "");
  const lastFull = [stated, fulls.at(-1)]
    .filter((t): t is string => !!t)
    .sort()
    .at(-1);
  const primaryText = text.split(/Found primary backup chain/)[1] ?? "";
  const sets = Number(/Number of contained backup sets: (\d+)/.exec(primaryText)?.[1] ?? 0);
  return { chains: secondary + primary, ...(lastFull ? { lastFull } : {}), sets };
}

/** The figures of duplicity's "Backup Statistics" block. */
export function parseBackupStatistics(text: string): BackupStatistics {
  const number = (field: string) => Number(new RegExp(`^${field} (\\d+)`, "m").exec(text)?.[1] ?? 0);
  return {
    bytes: number("TotalDestinationSizeChange"),
    sourceBytes: number("SourceFileSize"),
    errors: number("Errors"),
  };
}
