/**
 * What a run's manifest lists for each archive (packages/storage/FORMAT.md), stated once:
 * @lifeboat/remote produces these entries, @lifeboat/storage's manifest schema is checked
 * against them at compile time, and the routine passes them from one to the other untouched.
 */

export type ArchiveCompression = "zstd" | "gzip" | "none";

/** Where an archive was stored and what it holds, as the writer measured it while streaming. */
export interface StoredEntry {
  key: string;
  bytes: number;
  /** Hex sha256 of the stored bytes. */
  sha256: string;
}

/** One container's image. */
export interface ContainerEntry extends StoredEntry {
  container: string;
  /** The image the container runs, as configured. */
  image: string;
  imageId: string;
  imageDigest?: string;
  mode: "commit" | "export";
  /** For "commit": the id of the committed image, which `docker load` brings back. */
  capturedImageId?: string;
  compression: ArchiveCompression;
}

/** A container that mounts a volume, and where. */
export interface VolumeUser {
  container: string;
  image: string;
  destination: string;
}

/** One volume's tar. */
export interface VolumeEntry extends StoredEntry {
  volume: string;
  /** Where the owning container mounts it. */
  mountPath?: string;
  /** The container that owns it (the first that mounts it, running ones first). */
  container?: string;
  /** The owning container's image. */
  image?: string;
  /** Every container that mounts it. */
  usedBy: VolumeUser[];
  compression: ArchiveCompression;
}
