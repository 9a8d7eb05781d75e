/**
 * Where run records are kept (../run-record.ts): `@lifeboat/storage` implements it over the
 * archive store (`runHistory`), in S3/Spaces or a local directory.
 */
import type { RunRecord } from "../run-record";

export interface RunHistory {
  /** Stores the record of a finished run (one per run id: a second write replaces it). */
  write(record: RunRecord): Promise<void>;
  /** A plan's records, newest first (by start time); at most `last` when given. */
  list(plan: string, options?: { last?: number }): Promise<RunRecord[]>;
  /** Deletes these runs' records (only records; nothing else of the runs). */
  delete(plan: string, runIds: readonly string[]): Promise<void>;
}
