/**
 * A sink is where archives and manifests are kept: an S3 bucket (AWS or DigitalOcean Spaces)
 * or a local directory. Both promise the same thing: an object exists only when complete.
 */
import type { Readable } from "node:stream";

export interface StoredObject {
  key: string;
  bytes: number;
  /** Hex sha256 of the bytes, computed while they streamed in. */
  sha256: string;
}

export interface ListedObject {
  key: string;
  bytes: number;
  lastModified: Date;
}

/** Where others (a droplet's archive job) can upload to this store themselves: S3 or Spaces. */
export interface DirectTarget {
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Prepended to every key of this store in the bucket, e.g. "lifeboat/". */
  prefix: string;
}

/** A multipart upload begun and neither completed nor aborted. `key` is the store's key (without its prefix). */
export interface OpenUpload {
  key: string;
  uploadId: string;
}

export interface Sink {
  /** Where this sink writes, for messages ("s3://bucket/prefix", "/var/lib/lifeboat"). */
  readonly location: string;
  /** Streams `body` to `key`. On any error nothing is left at `key` and the promise rejects. */
  put(key: string, body: Readable, options?: { contentType?: string }): Promise<StoredObject>;
  /** Reads an object; rejects when it does not exist. */
  get(key: string): Promise<Readable>;
  /** The object's size, or undefined when it does not exist. */
  head(key: string): Promise<{ bytes: number } | undefined>;
  /** Every object whose key starts with `prefix`, in key order; only the first `limit` when given. */
  list(prefix: string, options?: { limit?: number }): Promise<ListedObject[]>;
  delete(key: string): Promise<void>;
  /** Present when others can upload to this store straight (S3/Spaces); absent for a local directory. */
  direct?(): DirectTarget;
  /**
   * A short-lived GET URL others (a drill droplet) download `key` from themselves: S3/Spaces
   * only. The URL is a bearer credential: hand it over stdin, never log it.
   */
  downloadUrl?(key: string, expiresSeconds: number): Promise<string>;
  /** Multipart uploads still open under `prefix` (stores that have them). */
  openUploads?(prefix: string): Promise<OpenUpload[]>;
  /** Aborts an open multipart upload, dropping its parts. */
  abortUpload?(upload: OpenUpload): Promise<void>;
}
