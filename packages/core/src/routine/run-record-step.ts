/**
 * The run's last work before `run.finished`: its record written to the run history
 * (../run-record.ts), then the plan's old records pruned as retention left them
 * (../retention/history.ts). Each in its own step; neither fails the run: a storage that
 * refuses is reported in the result (`RunResult.historyError`). A dry run writes nothing.
 */
import type { RunRequest } from "../contracts";
import { decideHistory, type StillKept } from "../retention/history";
import { type RecordedResult, runRecordOf } from "../run-record";
import { messageOf, nowOf, type RoutineDeps } from "./deps";
import type { DropletOutcome } from "./droplet-report";
import type { DurableSteps, StepOptions } from "./durable";

/** Storage is retried twice, 2 s and 4 s later. */
const storageStep: StepOptions = {
  retryStrategy: (_error, attempt) =>
    attempt < 3 ? { shouldRetry: true, delay: { seconds: 2 * attempt } } : { shouldRetry: false },
};

/** Writes the run's record and prunes the plan's history; says what went wrong, if anything did. */
export async function recordRun(
  ctx: DurableSteps,
  deps: RoutineDeps,
  request: RunRequest,
  startedAt: number,
  result: RecordedResult,
): Promise<string | undefined> {
  const history = deps.history;
  if (!history || request.dryRun) return undefined;
  try {
    await ctx.step(
      "run record",
      async () => {
        const started = { trigger: request.trigger, startedAt, finishedAt: nowOf(deps) };
        await history.write(
          runRecordOf(result, { ...started, ...(request.requestedBy ? { by: request.requestedBy } : {}) }),
        );
        return true;
      },
      storageStep,
    );
  } catch (error) {
    return `the run record was not written: ${messageOf(error)}`;
  }
  try {
    await ctx.step(
      "run history retention",
      async () => {
        const records = await history.list(result.plan);
        const gone = decideHistory(records, stillKeptOf(result.droplets), { protect: [result.runId] })
          .filter((v) => v.action === "delete")
          .map((v) => v.runId);
        if (gone.length > 0) await history.delete(result.plan, gone);
        return gone;
      },
      storageStep,
    );
  } catch (error) {
    return `old run records were not pruned: ${messageOf(error)}`;
  }
  return undefined;
}

/** What retention left of this plan on each droplet it ran for; a target with a failed deletion counts as not looked at. */
function stillKeptOf(droplets: readonly DropletOutcome[]): StillKept {
  const kept = new Map<string, { snapshots?: string[]; archives?: string[] }>();
  for (const d of droplets) {
    const { snapshots, archives } = d.retention ?? {};
    kept.set(d.droplet, {
      ...(snapshots && !snapshots.failed?.length ? { snapshots: snapshots.kept } : {}),
      ...(archives && !archives.failed?.length ? { archives: archives.kept } : {}),
    });
  }
  return kept;
}
