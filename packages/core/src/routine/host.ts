/**
 * What the routine needs from the droplet itself, over SSH (`@lifeboat/remote` and
 * `@lifeboat/storage` implement it). Every result is plain JSON: each call runs inside a
 * durable step and its result is recorded. When no host is given, these phases are reported
 * as skipped and the routine does the DigitalOcean part only.
 */
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

export interface DropletHost {
  /** Step 1: containers, their images, mounts and running state. */
  inventory(): Promise<Inventory>;
  /** Step 2: images and volume archives to storage, each with sha256; the manifest last. */
  archive(inventory: Inventory): Promise<StoredArchive[]>;
  /** Step 3: duplicity full or incremental, and retention of duplicity chains. Undefined when the plan has no duplicity. */
  duplicity(): Promise<DuplicityResult | undefined>;
  /** Step 7: start these containers again (those that ran before); never throws for one container. */
  restartContainers(names: string[]): Promise<{ restarted: string[]; failed: string[] }>;
  /** Step 7: whether the droplet answers over SSH again. */
  checkSsh(): Promise<boolean>;
}

/** Gives the host port for a droplet, or undefined when the SSH phases are not wired. */
export type DropletHosts = (droplet: Droplet) => DropletHost | undefined;
