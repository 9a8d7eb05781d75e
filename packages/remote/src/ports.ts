/**
 * What this package needs from storage, as interfaces: @lifeboat/storage's `runWriter` and
 * `runStorage` satisfy them (adapters do not import each other; the caller wires them together).
 */
import type { Readable } from "node:stream";
import type { ImageArchive } from "./images";
import type { JobStorage } from "./job/spec";
import type { VolumeArchive } from "./volumes";

export interface StoredObject {
  key: string;
  bytes: number;
  /** Hex sha256 of the stored bytes, computed while they streamed. */
  sha256: string;
}

export interface ArchiveWriter {
  /**
   * Streams `body` to this run's object for `kind` and `fileName` ("web.tar.zst"). Resolves
   * once the object is complete; on any error the upload is aborted and nothing remains.
   */
  putArchive(kind: "image" | "volume", fileName: string, body: Readable): Promise<StoredObject>;
}

/** One run's manifest on one droplet (storage's FORMAT.md), the archive results passed straight in. */
export interface RunManifest {
  runId: string;
  plan: string;
  droplet: string;
  /** ISO-8601 UTC: when the run started (the retention clock). */
  createdAt: string;
  containers: ImageArchive[];
  volumes: VolumeArchive[];
}

/** Storage for one run on one droplet: archives, the manifest (last), cleanup, retention. */
export interface RunStorage extends ArchiveWriter {
  /** Writes the manifest after checking that every archive it lists is stored with its size. */
  writeManifest(manifest: RunManifest): Promise<StoredObject>;
  /** Deletes objects this run stored (an incomplete run leaves nothing behind); only keys of this run. */
  discard(keys: readonly string[]): Promise<void>;
  /** The plan's GFS policy over its complete runs on this droplet; never the runs in `protect`. */
  retain(options: {
    protect: string[];
    dryRun: boolean;
  }): Promise<{ kept: string[]; deleted: string[]; dryRun: boolean }>;
  /** A dry run: this plan's complete runs on this droplet (reads only). Absent: not known. */
  runs?(): Promise<Array<{ runId: string; createdAt: string }>>;
  /** Present when the droplet can upload straight to this storage (S3/Spaces); absent for local storage. */
  direct?(): { storage: JobStorage; bucketKey(key: string): string }; // key: as runWriter names it (run-relative layout key); bucketKey adds the store's prefix
  /** The run-relative key an archive file gets (the layout's archiveKey). */
  keyOf(kind: "image" | "volume", fileName: string): string;
  /** Aborts every multipart upload under this run's prefix; returns how many. */
  abortUploads(): Promise<number>;
  /** The stored size of a run object, or undefined when it is absent (HEAD). */
  sizeOf(key: string): Promise<number | undefined>;
}
