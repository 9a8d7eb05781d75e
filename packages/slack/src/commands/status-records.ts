/**
 * `/lifeboat status` from both sources: runs in progress from the durable executions (the
 * backend), finished runs from the run history in storage, which every run writes when it
 * ends, deployed or started from the CLI. A run is listed once: a run with a record is
 * finished, whatever its execution says in the moment before it closes.
 */
import type { RunRecord } from "@lifeboat/core";
import type { PlanStatus, RunInfo } from "../backend";
import type { RunRecords } from "../ports";

/** Records read per plan: the newest is what status shows; a few more cover executions that finished at once. */
const RECORDS_READ = 5;

export async function withRecords(statuses: PlanStatus[], history: RunRecords): Promise<PlanStatus[]> {
  return Promise.all(
    statuses.map(async (status) => {
      const records = await history(status.plan, RECORDS_READ);
      const recorded = new Set(records.map((r) => r.runId));
      const running = status.running.filter((r) => !recorded.has(r.runId));
      const newest = records[0] ? runInfoOf(records[0]) : undefined;
      const execution = status.lastFinished;
      // The execution's version of a recorded run is replaced by its record, which says more.
      const fromExecution = execution && recorded.has(execution.runId) ? undefined : execution;
      const lastFinished = [newest, fromExecution]
        .filter((r): r is RunInfo => r !== undefined)
        .sort((a, b) => ((a.finishedAt ?? "") < (b.finishedAt ?? "") ? 1 : -1))[0];
      return { plan: status.plan, running, ...(lastFinished ? { lastFinished } : {}) };
    }),
  );
}

/** A record as status shows it: its outcome word, who started it, and each droplet's outcome. */
function runInfoOf(record: RunRecord): RunInfo {
  const by = record.startedBy.by ? ` by ${record.startedBy.by}` : "";
  const starter = record.startedBy.trigger === "cli" ? `from the CLI${by}` : `${record.startedBy.trigger}${by}`;
  const droplets = record.droplets.map((d) => `${d.droplet} ${d.outcome}`).join(", ");
  return {
    runId: record.runId,
    plan: record.plan,
    status: record.outcome,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    detail: [starter, record.error ?? droplets].filter(Boolean).join("; "),
  };
}
