/**
 * Core's `RunHistory` port over a sink (S3/Spaces or a local directory): one JSON object per
 * run at `history/<plan>/<inverted start>-<runId>.json` (../FORMAT.md "Run records"). Newest
 * first is the keys' own order, so the last N records are one listing and N reads. Only keys
 * of that exact shape are read or deleted: nothing else under `history/` is ever touched.
 */
import { Readable } from "node:stream";
import { parseRunRecord, type RunHistory, type RunRecord } from "@lifeboat/core";
import { historyKey, historyPrefix, runIdOfHistoryKey } from "./layout";
import type { Sink } from "./sink";

export interface StoredRunHistory extends RunHistory {
  /** One run's record by its id, looked for in the plan's records; undefined when there is none. */
  get(plan: string, runId: string): Promise<RunRecord | undefined>;
}

/**
 * @example const history = runHistory(sink); await history.list("weekly", { last: 10 })
 */
export function runHistory(sink: Sink): StoredRunHistory {
  /** The plan's record keys, newest first, each with its run id. */
  const keysOf = async (plan: string, last?: number) => {
    const listed = await sink.list(historyPrefix(plan), last !== undefined ? { limit: last } : {});
    return listed.flatMap((o) => {
      const runId = runIdOfHistoryKey(plan, o.key);
      return runId ? [{ key: o.key, runId }] : [];
    });
  };
  const read = async (key: string): Promise<RunRecord | undefined> => {
    const chunks: Buffer[] = [];
    for await (const chunk of await sink.get(key)) chunks.push(Buffer.from(chunk));
    try {
      return parseRunRecord(JSON.parse(Buffer.concat(chunks).toString("utf8")));
    } catch {
      return undefined; // not JSON: not a record lifeboat wrote
    }
  };
  return {
    async write(record) {
      const body = Buffer.from(`${JSON.stringify(record, null, 2)}\n`);
      const key = historyKey(record.plan, Date.parse(record.startedAt), record.runId);
      await sink.put(key, Readable.from([body]), { contentType: "application/json" });
    },
    async list(plan, options = {}) {
      const records = await Promise.all((await keysOf(plan, options.last)).map((k) => read(k.key)));
      return records.filter((r): r is RunRecord => r !== undefined && r.plan === plan);
    },
    async get(plan, runId) {
      const found = (await keysOf(plan)).find((k) => k.runId === runId);
      return found ? read(found.key) : undefined;
    },
    async delete(plan, runIds) {
      const gone = new Set(runIds);
      for (const { key, runId } of await keysOf(plan)) if (gone.has(runId)) await sink.delete(key);
    },
  };
}
