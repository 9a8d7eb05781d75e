/**
 * The archive "job" with local storage (the CLI only): the pull over SSH into the local
 * directory (../droplet-host.ts `archive`) runs in the background of this process, and the
 * job port looks at it. The routine cannot tell it from a job on the droplet. Pulls are kept
 * in a registry keyed by run and droplet, so each host object of a run (one per step) finds it;
 * a pull this process did not start (the CLI was restarted) is reported lost.
 */
import { pipeline, type Readable, Transform } from "node:stream";
import type { JobStart, JobStatus, StoredArchive } from "@lifeboat/core";
import type { RunStorage } from "./ports";

interface Pull {
  startedAt: number;
  progressAt: number;
  bytesDone: number;
  item?: string;
  state: "running" | "succeeded" | "failed";
  error?: string;
  result?: StoredArchive[];
  /** Running containers the pull may stop (stop-listed, with selected volumes): started again after a break-off. */
  stops: string[];
  /** Settles when the pull has ended, whatever its outcome. */
  ended: Promise<void>;
  /** Breaks the pull off (closes its session): what it stored is deleted by the pull itself. */
  cancel(): void;
}

const pulls = new Map<string, Pull>();
const keyOf = (runId: string, droplet: string) => `${runId}\n${droplet}`;

/** What a pull is given: a storage that counts what streams through it, to run with. */
export type PullBody = (storage: RunStorage, setCancel: (cancel: () => void) => void) => Promise<StoredArchive[]>;

/**
 * Starts the pull unless this run's pull on this droplet is already there.
 * @example startLocalArchive({ runId, droplet, storage }, (counting, onCancel) => archive(…))
 */
export function startLocalArchive(
  at: { runId: string; droplet: string; storage: RunStorage; stops: string[]; now?: () => number },
  body: PullBody,
): JobStart {
  const key = keyOf(at.runId, at.droplet);
  if (pulls.has(key)) return { started: false, debris: [] };
  const now = at.now ?? Date.now;
  let cancel: () => void = () => undefined;
  const pull: Pull = {
    startedAt: now(),
    progressAt: now(),
    bytesDone: 0,
    state: "running",
    stops: at.stops,
    ended: Promise.resolve(),
    cancel: () => cancel(),
  };
  // The storage itself for everything else (its methods may live on a prototype: no spread).
  const counting: RunStorage = Object.assign(Object.create(at.storage) as RunStorage, {
    putArchive: (kind: "image" | "volume", fileName: string, body: Readable) => {
      pull.item = `${kind} ${fileName}`;
      pull.progressAt = now();
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          pull.bytesDone += chunk.length;
          pull.progressAt = now();
          done(null, chunk);
        },
      });
      // pipeline: the source's error reaches the sink (no partial object), and a sink that
      // gives up stops the source.
      pipeline(body, counter, () => undefined);
      return at.storage.putArchive(kind, fileName, counter);
    },
  });
  pull.ended = body(counting, (c) => {
    cancel = c;
  }).then(
    (result) => {
      pull.state = "succeeded";
      pull.result = result;
    },
    (error: Error) => {
      pull.state = "failed";
      pull.error = error.message;
    },
  );
  pulls.set(key, pull);
  return { started: true, debris: [] };
}

/** The pull as the job port reports it. */
export function pollLocalArchive(at: { runId: string; droplet: string; now?: () => number }): JobStatus {
  const pull = pulls.get(keyOf(at.runId, at.droplet));
  if (!pull) {
    return {
      state: "lost",
      bytesDone: 0,
      idleSeconds: 0,
      elapsedSeconds: 0,
      error: "the archive pull ran in a lifeboat process that has ended",
    };
  }
  const now = (at.now ?? Date.now)();
  const elapsedSeconds = Math.max(0, (now - pull.startedAt) / 1000);
  return {
    state: pull.state,
    bytesDone: pull.bytesDone,
    ...(pull.item ? { item: pull.item } : {}),
    ...(elapsedSeconds > 0 ? { rate: Math.round(pull.bytesDone / elapsedSeconds) } : {}),
    idleSeconds: Math.round(Math.max(0, now - pull.progressAt) / 1000),
    elapsedSeconds: Math.round(elapsedSeconds),
    ...(pull.error ? { error: pull.error } : {}),
  };
}

/** The stored archives of a pull that succeeded (then forgotten). */
export function finishLocalArchive(at: { runId: string; droplet: string }): StoredArchive[] {
  const key = keyOf(at.runId, at.droplet);
  const pull = pulls.get(key);
  if (pull?.state !== "succeeded" || !pull.result) {
    throw new Error(`the archive pull of ${at.droplet} is ${pull?.state ?? "not known here"}, not succeeded`);
  }
  pulls.delete(key);
  return pull.result;
}

/**
 * Breaks a running pull off and waits for it to end (it deletes what it stored); forgets it.
 * `stops`: the containers it may have stopped, for the caller to start again.
 */
export async function stopLocalArchive(at: {
  runId: string;
  droplet: string;
}): Promise<{ done: string[]; stops: string[] }> {
  const key = keyOf(at.runId, at.droplet);
  const pull = pulls.get(key);
  if (!pull) return { done: ["no archive pull of this run was running here"], stops: [] };
  const running = pull.state === "running";
  if (running) pull.cancel();
  await pull.ended;
  pulls.delete(key);
  return running
    ? { done: ["broke off the archive pull; what it had stored was deleted"], stops: pull.stops }
    : { done: [`the archive pull had already ${pull.state}`], stops: [] };
}
