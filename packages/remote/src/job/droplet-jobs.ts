/**
 * Following and ending jobs on the droplet, for the droplet host (../droplet-host.ts): one
 * poll (with fresh credentials handed over when they are due), stopping a job and cleaning
 * what it left (its process, its open uploads, its objects, the containers it stopped, its
 * directory), and the same for jobs that crashed earlier runs left behind.
 */
import type { JobStatus } from "@lifeboat/core";
import { restartContainers } from "../containers";
import { absolutePath } from "../names";
import type { RunStorage } from "../ports";
import type { Logger, RemoteSession } from "../session";
import { sh } from "../shell";
import { credentialsDue, jobStatusOf } from "./job-status";
import { killJob, listJobs, readJob, refreshCredentials, removeJob } from "./lifecycle";
import type { JobCredentials, JobSpec, JobStatusFile, JobStep } from "./spec";

/** The job of a run: "<runId>-archive", "<runId>-duplicity". */
export const jobIdOf = (runId: string, kind: "archive" | "duplicity") => `${runId}-${kind}`;

/**
 * One look at a job; hands over fresh credentials first when the job's expire soon. A refresh
 * that fails is logged and the poll still answers: the job then stops cleanly once its
 * credentials expire, and a later poll reports that.
 */
export async function pollDropletJob(
  session: RemoteSession,
  jobId: string,
  options: { root?: string; fresh?: () => Promise<JobCredentials>; log?: Logger },
): Promise<JobStatus> {
  const look = await readJob(session, jobId, options.root);
  if (options.fresh && credentialsDue(look)) {
    try {
      await refreshCredentials(session, jobId, await options.fresh(), options.root);
    } catch (error) {
      options.log?.(`${session.host}: could not hand fresh credentials to job ${jobId}: ${(error as Error).message}`);
    }
  }
  return jobStatusOf(look);
}

/** A job's spec as it was written (spec.json), or undefined when the job's directory is gone. */
export async function readJobSpec(session: RemoteSession, jobId: string, root?: string): Promise<JobSpec | undefined> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(jobId)) throw new Error(`not a job id: ${JSON.stringify(jobId)}`);
  const dir = root === undefined ? sh`"$HOME"/.lifeboat/jobs` : sh`${absolutePath(root)}`;
  const read = await session.run(sh`cat -- ${dir}/${jobId}/spec.json 2>/dev/null`, {
    what: `read the spec of job ${jobId}`,
    check: false,
  });
  return read.code === 0 ? (JSON.parse(read.stdout) as JobSpec) : undefined;
}

/** Every upload step of a spec, groups opened, in order. */
export const uploadSteps = (steps: readonly JobStep[]): Extract<JobStep, { type: "upload" }>[] =>
  steps.flatMap((s) => (s.type === "upload" ? [s] : s.type === "group" ? uploadSteps(s.steps) : []));

export interface StopJobOptions {
  root?: string;
  /** The run's storage: open uploads are aborted; with `discard`, the job's objects are deleted. */
  storage?: RunStorage;
  /** Delete what the job stored (no manifest may have listed it). */
  discard?: boolean;
  /** Run-relative keys to delete when the job's spec is gone (e.g. the droplet rebooted). */
  fallbackKeys?: () => Promise<string[]>;
  log?: Logger;
}

/**
 * Stops a job and cleans up after it; says what it did. Every part is tried, and the first
 * failure is thrown after the others ran, with what was done so far in its message.
 */
export async function stopDropletJob(
  session: RemoteSession,
  jobId: string,
  options: StopJobOptions,
): Promise<string[]> {
  const done: string[] = [];
  const failures: string[] = [];
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (error) {
      failures.push(`${what}: ${(error as Error).message.split("\n")[0]}`);
    }
  };

  const before = await readJob(session, jobId, options.root);
  const spec = before.exists ? await readJobSpec(session, jobId, options.root) : undefined;
  let status: JobStatusFile | undefined = before.status;
  if (before.alive) {
    await attempt("stop the job", async () => {
      await killJob(session, jobId, options.root);
      done.push(`stopped job ${jobId}`);
      // What the runner's own cleanup left (it starts its containers again on SIGTERM).
      status = (await readJob(session, jobId, options.root)).status ?? status;
    });
  } else if (!before.exists) {
    done.push(`job ${jobId} was already gone from the droplet`);
  }

  const storage = options.storage;
  if (storage) {
    await attempt("abort open uploads", async () => {
      const aborted = await storage.abortUploads();
      if (aborted > 0) done.push(`aborted ${aborted} unfinished upload${aborted === 1 ? "" : "s"}`);
    });
    if (options.discard) {
      await attempt("delete the run's archives", async () => {
        const keys = spec
          ? uploadSteps(spec.steps).flatMap((u) => (u.entry ? [storage.keyOf(u.entry.kind, u.entry.fileName)] : []))
          : ((await options.fallbackKeys?.()) ?? []);
        const present: string[] = [];
        for (const key of keys) if ((await storage.sizeOf(key)) !== undefined) present.push(key);
        await storage.discard(present);
        if (present.length > 0) done.push(`deleted ${present.length} stored archive${present.length === 1 ? "" : "s"}`);
      });
    }
  }

  const stopped = status?.stopped ?? [];
  if (stopped.length > 0) {
    await attempt("start the containers the job stopped", async () => {
      const report = await restartContainers(session, stopped);
      if (report.restarted.length > 0) done.push(`started ${report.restarted.join(", ")} again`);
      if (report.failed.length > 0) throw new Error(`could not start ${report.failed.map((f) => f.name).join(", ")}`);
    });
  }
  if (before.exists) {
    await attempt("remove the job's directory", async () => {
      await removeJob(session, jobId, options.root);
      done.push(`removed job ${jobId} from the droplet`);
    });
  }
  if (failures.length > 0) {
    throw new Error(
      `could not clean up job ${jobId}: ${failures.join("; ")}${done.length ? ` (done: ${done.join(", ")})` : ""}`,
    );
  }
  return done;
}

/**
 * Jobs of earlier runs still on this droplet (a crashed run never finished or stopped them):
 * each is stopped and cleaned, and named. The jobs of `runId` itself are left alone (a retry
 * attaches to them). An earlier job that succeeded keeps its objects: its run may have written
 * its manifest before it crashed; any other loses them (no manifest can list them).
 */
export async function clearDebris(
  session: RemoteSession,
  options: { runId: string; root?: string; storageOf?: (runId: string) => RunStorage | undefined; log?: Logger },
): Promise<string[]> {
  const debris: string[] = [];
  for (const job of await listJobs(session, options.root)) {
    const match = /^(.+)-(archive|duplicity)$/.exec(job.jobId);
    if (!match || match[1] === options.runId) continue;
    const runId = match[1] ?? "";
    const archive = match[2] === "archive";
    const storage = archive ? options.storageOf?.(runId) : undefined;
    const state = job.status?.state ?? "without status";
    const what = `${job.alive ? "running" : state} ${match[2]} job of run ${runId}`;
    try {
      const done = await stopDropletJob(session, job.jobId, {
        ...(options.root !== undefined ? { root: options.root } : {}),
        ...(storage ? { storage, discard: job.status?.state !== "succeeded" } : {}),
      });
      debris.push(`${what}: ${done.join(", ")}`);
    } catch (error) {
      debris.push(`${what}: ${(error as Error).message}`);
    }
    options.log?.(`${session.host}: cleaned ${debris.at(-1)}`);
  }
  return debris;
}
