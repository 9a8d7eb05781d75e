/**
 * What the routine needs from the droplet itself, over SSH (`@lifeboat/remote` and
 * `@lifeboat/storage` implement it: `sshDropletHost`). Every result is plain JSON: each call
 * runs inside a durable step and its result is recorded. When no host is given, these phases
 * are reported as skipped and the routine does the DigitalOcean part only.
 *
 * Errors a retry cannot fix (a host key mismatch, duplicity missing, a bad name) carry
 * `retryable: false`; the routine then does not retry the step.
 */
import type { Plan } from "../config/schema";
import type { Droplet } from "../ports/digitalocean";
import type { DuplicityVerifyResult } from "../verify/duplicity-verify";

export interface ContainerInfo {
  name: string;
  image: string;
  running: boolean;
  /** Docker volume names or host paths mounted into the container, with where. */
  mounts: Array<{ source: string; destination: string; volume?: string }>;
}

/** Step 1: what runs on the droplet; kept so step 7 restarts exactly what ran before. */
export interface Inventory {
  containers: ContainerInfo[];
}

/** One object written to storage, with the figures of `archive.stored`. */
export interface StoredArchive {
  kind: "image" | "volume" | "manifest";
  name: string;
  key: string;
  bytes: number;
  sha256: string;
}

export interface DuplicityResult {
  mode: "full" | "incremental";
  chains: number;
  lastFull?: string;
  bytes: number;
  durationSeconds: number;
}

/** One hook's outcome (a `pre` or `post` command of the plan), for the report. */
export interface HookOutcome {
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  /** The end of its stderr (bounded). */
  stderr: string;
  durationMs: number;
}

/** What archive retention did: run ids kept and deleted (`retention.applied`, target "archives"). */
export interface ArchiveRetention {
  kept: string[];
  deleted: string[];
  dryRun: boolean;
}

/**
 * A dry run's look at the droplet, made with read-only commands and reads of storage only:
 * what the archive step would take (the plan's selection, as the archive step makes it), the
 * duplicity paths, and this plan's complete archive runs (for archive retention). A size is
 * absent when it could not be learned cheaply.
 */
export interface HostPreview {
  /** Containers whose image would be captured (`containers.capture` not "none"). */
  containers: Array<{ name: string; image: string; running: boolean; bytes?: number }>;
  volumes: Array<{ name: string; bytes?: number; usedBy: string[] }>;
  /** Running containers that would be stopped while their volumes are archived. */
  stopped: string[];
  duplicityPaths: Array<{ path: string; bytes?: number }>;
  /** This plan's complete archive runs on this droplet; undefined when storage could not be listed. */
  archiveRuns?: Array<{ runId: string; createdAt: string }>;
  /** What could not be learned, in words (e.g. "volume sizes: docker system df failed"). */
  unknown: string[];
}

/** The long phases of a run on a droplet, each a job on the droplet (./follow-job.ts follows them). */
export type JobKind = "archive" | "duplicity";

/** What starting (or attaching to) a job found. */
export interface JobStart {
  /** False when the job was already there: a retry or a replay attached to it. */
  started: boolean;
  /** True when there is nothing to do (nothing selected to archive; no duplicity in the plan): no job runs. */
  nothing?: boolean;
  /** Bytes the job expects to move (sizes read on the droplet), for the polling plan and the ETA. */
  expectedBytes?: number;
  /** Jobs left by crashed earlier runs that this start found, stopped and cleaned, in words. */
  debris: string[];
}

/** A job as one poll saw it. Times are by the droplet's own clock, so the orchestrator's clock does not matter. */
export interface JobStatus {
  /** "lost": neither running nor ended with a status (killed, or its directory is gone, e.g. after a reboot). */
  state: "running" | "succeeded" | "failed" | "lost";
  /** What it works on now: "volume gitlab-data". */
  item?: string;
  /** Bytes moved so far (uploaded, or read by duplicity). */
  bytesDone: number;
  /** Bytes per second over the job's recent progress, when known. */
  rate?: number;
  /** Seconds since the job last made progress. */
  idleSeconds: number;
  /** Seconds since the job started. */
  elapsedSeconds: number;
  /** Why it failed or was lost, in plain words. */
  error?: string;
}

/** What stopping a job did, in plain words for the report ("aborted 2 uploads", "started web again"). */
export interface JobStopped {
  done: string[];
}

/**
 * `duplicity verify` of one path against the latest duplicity backup, as a job on the droplet
 * (#15 §1), followed like the backup's jobs: started, polled, finished or stopped in short steps.
 */
export interface DuplicityVerifyJob {
  /** Starts (or attaches to) the job; dead verify jobs of earlier runs are removed first. */
  start(): Promise<JobStart>;
  poll(): Promise<JobStatus>;
  /** After it succeeded: what duplicity found (a difference is a result, not a failure). The job's directory is removed. */
  finish(): Promise<DuplicityVerifyResult>;
  /** Kills the job if it runs and removes its directory. */
  stop(reason: string): Promise<JobStopped>;
}

export interface DropletHost {
  /** A dry run: what the SSH phases would do, learned with read-only commands only. Absent: not known. */
  preview?(): Promise<HostPreview>;
  /** The plan's `pre` (before inventory and capture) or `post` (after duplicity) hooks. Absent: no hooks. */
  hooks?(stage: "pre" | "post"): Promise<HookOutcome[]>;
  /** Step 1: containers, their images, mounts and running state. */
  inventory(): Promise<Inventory>;
  /**
   * Steps 2 and 3 start as jobs on the droplet (images and volume archives; duplicity), which
   * outlive the SSH session and the function's invocation and write straight to storage.
   * Starting is idempotent: a retry or replay of the same run attaches to the job already
   * there. A job left by a crashed earlier run is stopped, cleaned and named in `debris`.
   */
  startJob(kind: JobKind): Promise<JobStart>;
  /** One short look at the job (and fresh storage credentials handed to it when they are due). */
  pollJob(kind: JobKind): Promise<JobStatus>;
  /**
   * After the archive job succeeded: every object it stored is found in storage with its size,
   * then the manifest is written, last. The job's directory is removed.
   */
  finishArchive(): Promise<StoredArchive[]>;
  /** After the duplicity job succeeded: its figures (chains from `collection-status`). The job's directory is removed. */
  finishDuplicity(): Promise<DuplicityResult>;
  /**
   * A job that failed, stalled, was lost or cannot be followed: kill it if it runs, abort its
   * multipart uploads, delete what the run stored (no manifest is written), start again the
   * containers it stopped, remove its directory. Says what it did, in plain words.
   */
  stopJob(kind: JobKind, reason: string): Promise<JobStopped>;
  /** Step 2, after a complete archive: the plan's GFS policy over its archive runs, never this run. */
  retainArchives?(): Promise<ArchiveRetention>;
  /** Step 7: start these containers again (those that ran before); never throws for one container. */
  restartContainers(names: string[]): Promise<{ restarted: string[]; failed: string[] }>;
  /** Step 7: whether the droplet answers over SSH again. */
  checkSsh(): Promise<boolean>;
  /** The plan's `verify.duplicityPath` checked on the droplet (#15 §1). Absent: this host cannot. */
  duplicityVerify?(path: string): DuplicityVerifyJob;
}

/** The run a host serves. */
export interface HostRun {
  runId: string;
  plan: Plan;
  dryRun: boolean;
  /** When the run started (ms since the epoch, from the routine's clock): the archives' retention clock. Default: the archive step's own time. */
  startedAt?: number;
}

/** No SSH phases for this droplet, and the true reason, for the report (e.g. a sandbox droplet without an address). */
export interface NoDropletHost {
  skipped: string;
}

/**
 * Gives the host port for a droplet in a run; undefined when the config has no SSH entry for
 * it (`ssh.droplets.<name>`), or `{ skipped }` saying why when it has one that is not used:
 * its SSH phases are then reported as skipped, with that reason.
 */
export type DropletHosts = (droplet: Droplet, run: HostRun) => DropletHost | NoDropletHost | undefined;

/** True unless the error says a retry cannot help (`retryable: false`). */
export const isRetryable = (error: unknown): boolean => (error as { retryable?: unknown })?.retryable !== false;

/** Why a droplet has no host this run: the host factory's own reason, else what the wiring lacks. */
export function noHostReason(given: NoDropletHost | undefined, wired: boolean, name: string): string {
  if (given) return given.skipped;
  return wired
    ? `lifeboat.config.ts has no ssh.droplets["${name}"] entry (its pinned host key, or transport: "local")`
    : "this run has no way to reach droplets over SSH";
}
