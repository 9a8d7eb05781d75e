/**
 * What this package needs from storage, as an interface: @lifeboat/storage's run writer
 * satisfies it (adapters do not import each other; the routine wires them together).
 */
import type { Readable } from "node:stream";

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
