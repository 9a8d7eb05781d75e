/**
 * What a drill needs besides DigitalOcean: the SSH side on the scratch droplet
 * (`@lifeboat/remote`'s `drillShell` implements it) and what the latest archive run stored
 * (`@lifeboat/storage`). Every result is plain JSON: each call runs inside a durable step.
 */
import type { DrillCheckResult, EventSink } from "../events";
import type { DropletApi } from "../ports/digitalocean";
import type { DrillHostKey } from "./user-data";

/** How to reach the scratch droplet: its address and the host key lifeboat installed on it. */
export interface ScratchAccess {
  address: string;
  /** `SHA256:…` of the host key made for this drill: pinned, never learned on first contact. */
  hostKey: string;
}

/** A volume archive of the latest run, as its manifest lists it. */
export interface DrillVolume {
  volume: string;
  key: string;
  bytes: number;
  sha256: string;
  compression: "zstd" | "gzip" | "none";
}

/** The latest complete archive run of a droplet: what ran then, and its volume archives. */
export interface DrillBackup {
  runId: string;
  /** Containers the run's manifest names (captured images and volume owners): those that ran at backup time. */
  containers: string[];
  volumes: DrillVolume[];
}

export interface DrillShell {
  /** A fresh ed25519 host key for one drill. Its private half must never be logged. */
  newHostKey(): Promise<DrillHostKey>;
  /** lifeboat's own public key (from the SSH private key it already has), one line. */
  authorizedKey(): Promise<string>;
  /** One try: does the scratch droplet answer SSH with the pinned host key? Says why not. */
  answers(access: ScratchAccess): Promise<{ ok: boolean; detail: string }>;
  /** Starts the containers and reports, per container, whether it still runs a moment later. */
  startContainers(access: ScratchAccess, names: string[]): Promise<DrillCheckResult[]>;
  /** The plan's `drill.checks`, each within its timeout, every one run. */
  runChecks(
    access: ScratchAccess,
    checks: Array<{ command: string; timeoutSeconds: number }>,
  ): Promise<DrillCheckResult[]>;
  /**
   * Stops every container running on the scratch droplet (the clone's whole workload, not only
   * what the manifest names), so none runs while outbound traffic is open for a restore's
   * download. Returns the names it stopped; throws when one still runs afterwards.
   */
  stopContainers(access: ScratchAccess): Promise<string[]>;
  /**
   * Each archive into a new scratch volume on the droplet (sha256 checked before extracting,
   * extracted files counted against the archive's entries). With `downloads` the droplet
   * fetches each archive itself from its URL (needs outbound traffic to the store); without,
   * the archive comes over the SSH session from this process (a local store only).
   */
  restoreVolumes(
    access: ScratchAccess,
    volumes: DrillVolume[],
    downloads?: ArchiveDownloadUrls,
  ): Promise<DrillCheckResult[]>;
}

/**
 * Short-lived GET URLs of archives, by key. Each is a bearer credential: made inside the step
 * that uses it, handed to the droplet over stdin, never logged, never in a step's result.
 */
export interface ArchiveDownloadUrls {
  byKey: Record<string, string>;
  /** The URLs expire after this long; each download must finish within it. */
  withinSeconds: number;
}

/** How the scratch droplet downloads archives from the store itself (S3 or Spaces). */
export interface ArchiveDownloads {
  /** The TCP ports those downloads connect to: 443 for https, else the endpoint's own. */
  ports: number[];
  /** A GET URL per key, valid for `expiresSeconds`. */
  urls(keys: string[], expiresSeconds: number): Promise<ArchiveDownloadUrls>;
}

export interface DrillBackups {
  /** The latest complete archive run of this droplet (any plan's), or undefined when there is none. */
  latest(droplet: string): Promise<DrillBackup | undefined>;
  /** Absent for a store the droplet cannot reach (a local directory): archives are then streamed over SSH. */
  downloads?: ArchiveDownloads;
}

export interface DrillDeps {
  api: DropletApi;
  events: EventSink;
  shell: DrillShell;
  /** Absent: no archive store is wired; the container and volume checks say so. */
  backups?: DrillBackups;
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
  /** How long the waits may last (tests shorten them). */
  limits?: Partial<DrillLimits>;
}

export interface DrillLimits {
  /** Seconds to wait for the scratch droplet to become active. */
  activeSeconds: number;
  /** Seconds (after active) to wait for SSH with the pinned host key. */
  sshSeconds: number;
  /** Seconds between looks. */
  pollSeconds: number;
  /**
   * How long a volume restore's download URLs last, and so each download; outbound traffic
   * open longer than twice this is a leftover the watchdog closes.
   */
  restoreSeconds: number;
}

export const DRILL_LIMITS: DrillLimits = { activeSeconds: 600, sshSeconds: 300, pollSeconds: 10, restoreSeconds: 900 };
