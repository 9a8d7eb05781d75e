/**
 * Which run records go (packages/storage/FORMAT.md "Run records"): history follows retention
 * and stays small. Pure, beside the snapshot and archive decisions:
 *
 * - a record of a run that left a snapshot or an archive run goes once nothing of it remains:
 *   every snapshot and archive run it names is known to be gone. "Known" means retention of
 *   that droplet (and target) ran and listed what this plan still keeps; a droplet or target
 *   not looked at counts as still there, so its records stay;
 * - a record of a run that left nothing (failed, skipped, interrupted early) is kept among
 *   the newest `keepEmpty` such records of the plan; older ones go;
 * - the plan's newest record and the `protect`ed run ids always stay.
 */
import { madeSomething, type RunRecord } from "../run-record";

/** Records of runs that left nothing, kept per plan. */
export const KEEP_EMPTY_RUN_RECORDS = 20;

/** What a plan still keeps, per droplet name, as retention listed it (absent: not looked at). */
export type StillKept = ReadonlyMap<string, { snapshots?: readonly string[]; archives?: readonly string[] }>;

export interface HistoryVerdict {
  runId: string;
  action: "keep" | "delete";
  reason: string;
}

/**
 * @example decideHistory(records, new Map([["web-1", { snapshots: kept }]]), { protect: [runId] })
 */
export function decideHistory(
  records: readonly RunRecord[],
  stillKept: StillKept,
  options: { keepEmpty?: number; protect?: readonly string[] } = {},
): HistoryVerdict[] {
  const keepEmpty = options.keepEmpty ?? KEEP_EMPTY_RUN_RECORDS;
  const protect = new Set(options.protect ?? []);
  const newestFirst = [...records].sort((a, b) =>
    a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.runId < b.runId ? 1 : -1,
  );
  let empty = 0;
  return newestFirst.map((record, i): HistoryVerdict => {
    const keep = (reason: string): HistoryVerdict => ({ runId: record.runId, action: "keep", reason });
    if (i === 0) return keep("newest");
    if (protect.has(record.runId)) return keep("this run");
    if (!madeSomething(record)) {
      empty++;
      return empty <= keepEmpty
        ? keep(`left nothing; one of the newest ${keepEmpty} such`)
        : { runId: record.runId, action: "delete", reason: `left nothing; older than the newest ${keepEmpty} such` };
    }
    const remaining = remainingOf(record, stillKept);
    return remaining
      ? keep(`${remaining} remains`)
      : { runId: record.runId, action: "delete", reason: "its snapshots and archives were deleted by retention" };
  });
}

/** Something of the run that is (or may be) still there, in words; undefined when all is known gone. */
function remainingOf(record: RunRecord, stillKept: StillKept): string | undefined {
  for (const d of record.droplets) {
    const kept = stillKept.get(d.droplet);
    if (d.snapshot && (kept?.snapshots === undefined || kept.snapshots.includes(d.snapshot.name))) {
      return `snapshot ${d.snapshot.name}`;
    }
    if ((d.archives?.count ?? 0) > 0 && (kept?.archives === undefined || kept.archives.includes(record.runId))) {
      return `archive run ${d.droplet}/${record.runId}`;
    }
  }
  return undefined;
}
