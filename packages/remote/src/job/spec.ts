/**
 * A job on the droplet: what lifeboat asks the droplet to do on its own, detached from the SSH
 * session and from the function's invocation, and what the job reports back. The spec is
 * built here (./archive-spec.ts, ./duplicity-spec.ts) from checked names and `sh`-quoted
 * commands, written as `spec.json` into the job's private directory, and carried out by the
 * runner (./runner-py.ts) on the droplet. No secret is ever part of a spec: secrets are files
 * of mode 0600 beside it (`credentials.json`, `secrets/<name>`), never argv or a command line.
 *
 * The job's directory: `<root>/<jobId>/` (mode 0700; root default `$HOME/.lifeboat/jobs`)
 *   spec.json          this spec
 *   runner.py          the runner (./runner-py.ts)
 *   credentials.json   storage credentials (0600), re-read by the runner before each part
 *   secrets/<name>     other secrets (0600), e.g. duplicity's PASSPHRASE
 *   status.json        the job's status (`JobStatusFile`), replaced atomically (temp + rename)
 *   pid                the runner's pid and its start time (so a reused pid is not mistaken for it)
 *   outputs/<name>     stdout of `run` steps
 *   log                the runner's stderr (bounded tail read by a poll)
 */
import type { ContainerEntry, VolumeEntry } from "@lifeboat/core";

/** Where uploads go. Credentials are not here: they are in `credentials.json` (0600). */
export interface JobStorage {
  bucket: string;
  region: string;
  /** An S3-compatible endpoint (DigitalOcean Spaces, a test server); default AWS S3. */
  endpoint?: string;
  /** Path-style addressing (test servers). */
  forcePathStyle?: boolean;
}

/**
 * A manifest entry (core's `ContainerEntry` / `VolumeEntry`) without the upload's own figures,
 * and the file it is stored as (storage's `keyOf(kind, fileName)` is its run-relative key).
 */
export type ArchiveEntry =
  | { kind: "image"; fileName: string; archive: Omit<ContainerEntry, "key" | "bytes" | "sha256"> }
  | { kind: "volume"; fileName: string; archive: Omit<VolumeEntry, "key" | "bytes" | "sha256"> };

/**
 * One thing the job does, in order.
 * - `upload`: runs `command` (bash, pipefail) and streams its stdout to `key` as a multipart
 *   upload: bounded memory, sha256 computed in the stream, aborted on any failure so no partial
 *   object stays. `facts` are commands run first whose trimmed stdout is recorded with the result
 *   (e.g. the id of a committed image); `finally` commands always run after (e.g. `docker image rm`).
 * - `group`: runs `stop` (e.g. `docker stop` of the containers that use the volumes), then its
 *   steps, then `start` — always, also when a step failed or the job is told to stop (SIGTERM).
 *   While the group runs, `containers` are listed in the status as stopped by the job.
 * - `run`: runs `command` with `env` read from the job's secret files (`{ PASSPHRASE: "passphrase" }`
 *   reads `secrets/passphrase`) and storage credentials available to boto3 through
 *   `AWS_CONFIG_FILE` (a `credential_process` that reads `credentials.json`, so they refresh),
 *   and the job's directory as `LIFEBOAT_JOB_DIR`; its stdout goes to `outputs/<name>`. Used for duplicity.
 */
export type JobStep =
  | {
      type: "upload";
      /** The archive's name in results: "image web", "volume data". */
      name: string;
      command: string;
      key: string;
      facts?: Record<string, string>;
      finally?: string[];
      /**
       * What the manifest lists for this archive, less what only the upload knows (key, bytes,
       * sha256; for a commit also the fact `capturedImageId`), so that finishing the job,
       * possibly in another invocation, rebuilds the manifest from spec.json and status.json.
       * The runner ignores it.
       */
      entry?: ArchiveEntry;
    }
  | { type: "group"; containers: string[]; stop: string; start: string; steps: JobStep[] }
  | { type: "run"; name: string; command: string; env?: Record<string, string> };

export interface JobSpec {
  version: 1;
  /** "<runId>-archive": letters, digits, ".", "_", "-". */
  jobId: string;
  kind: "archive" | "duplicity";
  runId: string;
  storage?: JobStorage;
  /** Upload cap in bytes per second (the plan's `jobs.bandwidthLimit`). */
  bandwidthLimit?: number;
  /** Bytes the job expects to move, for progress and the ETA. */
  expectedBytes?: number;
  steps: JobStep[];
}

/** Storage credentials as the job's `credentials.json` holds them. */
export interface JobCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** ISO-8601; absent: they do not expire. Past it, the job stops cleanly unless fresh ones arrived. */
  expiration?: string;
}

/** One upload the job finished. */
export interface JobUploadResult {
  name: string;
  key: string;
  bytes: number;
  sha256: string;
  facts: Record<string, string>;
}

/** `status.json`, as the runner writes it. Times are seconds since the epoch by the droplet's clock. */
export interface JobStatusFile {
  jobId: string;
  kind: "archive" | "duplicity";
  state: "running" | "succeeded" | "failed";
  pid: number;
  startedAt: number;
  /** Last write of this file (a heartbeat, at least every few seconds while the runner lives). */
  updatedAt: number;
  /** Last time `bytesDone` grew (or a step began). */
  progressAt: number;
  /** The step at work: an upload's name ("image web"), or the kind and a run step's name ("duplicity backup"). */
  item?: string;
  /** Bytes uploaded, plus while a `run` step runs the bytes its processes read and wrote (rchar + wchar). */
  bytesDone: number;
  /** Bytes per second over the last ~30 s. */
  rate?: number;
  /** Containers the job has stopped and not yet started again. */
  stopped: string[];
  /** When the credentials in `credentials.json` expire (not secret), so the orchestrator can refresh them in time. */
  credentialsExpireAt?: number;
  results: JobUploadResult[];
  /** Names of `run` steps that finished, with their exit code. */
  runs: Array<{ name: string; exitCode: number }>;
  /** Why it failed, in plain words. */
  error?: string;
  /** The runner's peak resident memory in kB, written with the final state. */
  peakRssKb?: number;
}
