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

export interface DropletHost {
  /** A dry run: what the SSH phases would do, learned with read-only commands only. Absent: not known. */
  preview?(): Promise<HostPreview>;
  /** The plan's `pre` (before inventory and capture) or `post` (after duplicity) hooks. Absent: no hooks. */
  hooks?(stage: "pre" | "post"): Promise<HookOutcome[]>;
  /** Step 1: containers, their images, mounts and running state. */
  inventory(): Promise<Inventory>;
  /** Step 2: images and volume archives to storage, each with sha256; the manifest last. */
  archive(inventory: Inventory): Promise<StoredArchive[]>;
  /** Step 2, after a complete archive: the plan's GFS policy over its archive runs, never this run. */
  retainArchives?(): Promise<ArchiveRetention>;
  /** Step 3: duplicity full or incremental, and retention of duplicity chains. Undefined when the plan has no duplicity. */
  duplicity(): Promise<DuplicityResult | undefined>;
  /** Step 7: start these containers again (those that ran before); never throws for one container. */
  restartContainers(names: string[]): Promise<{ restarted: string[]; failed: string[] }>;
  /** Step 7: whether the droplet answers over SSH again. */
  checkSsh(): Promise<boolean>;
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
