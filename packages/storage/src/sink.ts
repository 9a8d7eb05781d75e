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

export interface Sink {
  /** Where this sink writes, for messages ("s3://bucket/prefix", "/var/lib/lifeboat"). */
  readonly location: string;
  /** Streams `body` to `key`. On any error nothing is left at `key` and the promise rejects. */
  put(key: string, body: Readable, options?: { contentType?: string }): Promise<StoredObject>;
  /** Reads an object; rejects when it does not exist. */
  get(key: string): Promise<Readable>;
  /** The object's size, or undefined when it does not exist. */
  head(key: string): Promise<{ bytes: number } | undefined>;
  /** Every object whose key starts with `prefix`. */
  list(prefix: string): Promise<ListedObject[]>;
  delete(key: string): Promise<void>;
}
