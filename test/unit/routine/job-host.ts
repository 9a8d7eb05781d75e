/**
 * A droplet host whose jobs follow a script: each `pollJob` answers the script's next entry
 * (a status, or an error thrown as an unreachable droplet would), the last entry again once
 * the script ran out. Every call is recorded, with the sandbox's time, so a test sees what
 * the routine did and when. The host is one object across invocations: a replay that called
 * it again would show as a second call.
 */
import type { DropletHost, JobKind, JobStatus, StoredArchive } from "@lifeboat/core";

export type ScriptedPoll = Partial<JobStatus> | Error;

export interface ScriptedJob {
  expectedBytes?: number;
  polls: ScriptedPoll[];
  /** A `started: false` start (attached to a job already there), and debris it cleaned. */
  attached?: boolean;
  debris?: string[];
  /** Thrown by `startJob` / by the finish of this job. */
  startError?: Error;
  finishError?: Error;
}

export interface Call {
  call: string;
  kind?: JobKind;
  reason?: string;
  /** ms on the clock given to `scriptedHost`. */
  at: number;
}

export const STORED: StoredArchive[] = [
  { kind: "volume", name: "app-data", key: "runs/gitlab/r/volumes/app-data.tar.zst", bytes: 3e9, sha256: "ab" },
  { kind: "manifest", name: "manifest.json", key: "runs/gitlab/r/manifest.json", bytes: 900, sha256: "cd" },
];

export const running = (bytesDone: number, more: Partial<JobStatus> = {}): Partial<JobStatus> => ({
  state: "running",
  bytesDone,
  ...more,
});

/** A host running `jobs` (a kind absent: nothing to do for it). */
export function scriptedHost(
  jobs: Partial<Record<JobKind, ScriptedJob>>,
  now: () => number,
): DropletHost & { calls: Call[]; count(call: string, kind?: JobKind): number } {
  const calls: Call[] = [];
  const record = (call: string, kind?: JobKind, reason?: string) =>
    calls.push({ call, at: now(), ...(kind ? { kind } : {}), ...(reason ? { reason } : {}) });
  const next: Record<JobKind, number> = { archive: 0, duplicity: 0 };
  const startedAt: Record<JobKind, number> = { archive: 0, duplicity: 0 };
  return {
    calls,
    count: (call, kind) => calls.filter((c) => c.call === call && (kind === undefined || c.kind === kind)).length,
    inventory: async () => {
      record("inventory");
      return { containers: [{ name: "app", image: "app:1", running: true, mounts: [] }] };
    },
    startJob: async (kind) => {
      record("startJob", kind);
      startedAt[kind] = now();
      const job = jobs[kind];
      if (!job) return { started: true, nothing: true, debris: [] };
      if (job.startError) throw job.startError;
      return {
        started: !job.attached,
        ...(job.expectedBytes !== undefined ? { expectedBytes: job.expectedBytes } : {}),
        debris: job.debris ?? [],
      };
    },
    pollJob: async (kind) => {
      record("pollJob", kind);
      const polls = jobs[kind]?.polls ?? [];
      const entry = polls[Math.min(next[kind]++, polls.length - 1)];
      if (!entry) throw new Error(`no ${kind} job was started`);
      if (entry instanceof Error) throw entry;
      const elapsedSeconds = Math.round((now() - startedAt[kind]) / 1000);
      return { state: "running", bytesDone: 0, idleSeconds: 0, elapsedSeconds, ...entry };
    },
    finishArchive: async () => {
      record("finishArchive", "archive");
      if (jobs.archive?.finishError) throw jobs.archive.finishError;
      return STORED;
    },
    finishDuplicity: async () => {
      record("finishDuplicity", "duplicity");
      if (jobs.duplicity?.finishError) throw jobs.duplicity.finishError;
      return { mode: "full", chains: 1, bytes: 5e8, durationSeconds: 120 };
    },
    stopJob: async (kind, reason) => {
      record("stopJob", kind, reason);
      return { done: ["killed the job", "aborted 1 upload", "started app again"] };
    },
    restartContainers: async (names) => {
      record("restartContainers");
      return { restarted: names, failed: [] };
    },
    checkSsh: async () => true,
  };
}
