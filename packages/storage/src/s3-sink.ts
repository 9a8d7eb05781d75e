/**
 * The S3 sink: AWS S3 or DigitalOcean Spaces (custom endpoint). Uploads stream through
 * lib-storage's multipart `Upload` with bounded memory (queueSize × partSize), the sha256 is
 * computed in the stream, and any failure — the source breaking, a part refused — aborts the
 * multipart upload so no partial object remains.
 */

import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { HashingStream } from "./hashing";
import { checkKey } from "./layout";
import type { ListedObject, Sink, StoredObject } from "./sink";

export interface S3SinkOptions {
  bucket: string;
  region: string;
  /** e.g. "https://fra1.digitaloceanspaces.com" for Spaces. */
  endpoint?: string;
  /** Prepended to every key, e.g. "lifeboat/". */
  prefix?: string;
  credentials?: S3ClientConfig["credentials"];
  /** Path-style URLs (some S3-compatible servers need them). */
  forcePathStyle?: boolean;
  /** Checksum behaviour; "WHEN_REQUIRED" for servers that do not understand SDK checksums. */
  checksums?: "WHEN_SUPPORTED" | "WHEN_REQUIRED";
  /** Multipart part size in bytes (≥ 5 MiB). Default 16 MiB. */
  partSize?: number;
  /** Parts in flight. Memory is about queueSize × partSize. Default 2. */
  queueSize?: number;
  /** Called with the new client, e.g. to add middleware (the tests refuse parts through it). */
  onClient?: (client: S3Client) => void;
}

export class S3Sink implements Sink {
  readonly location: string;
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly options: S3SinkOptions) {
    this.prefix = options.prefix ?? "";
    this.location = `s3://${options.bucket}/${this.prefix}`;
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.forcePathStyle ? { forcePathStyle: true } : {}),
      ...(options.checksums
        ? { requestChecksumCalculation: options.checksums, responseChecksumValidation: options.checksums }
        : {}),
    });
    options.onClient?.(this.client);
  }

  private full(key: string): string {
    return `${this.prefix}${checkKey(key)}`;
  }

  async put(key: string, body: Readable, options: { contentType?: string } = {}): Promise<StoredObject> {
    const hashing = new HashingStream();
    body.on("error", (e) => hashing.destroy(e));
    hashing.on("error", () => undefined); // reported by the pipeline/upload below, which see it errored
    body.pipe(hashing);
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.options.bucket,
        Key: this.full(key),
        Body: hashing,
        ContentType: options.contentType ?? "application/octet-stream",
      },
      partSize: this.options.partSize ?? 16 * 1024 * 1024,
      queueSize: this.options.queueSize ?? 2,
      // We abort ourselves (below) so the original error is the one reported, even when
      // the abort itself fails.
      leavePartsOnError: true,
    });
    try {
      await upload.done();
    } catch (error) {
      body.destroy();
      hashing.destroy();
      await upload.abort();
      if (upload.uploadId) await this.abortMultipart(key, upload.uploadId, error as Error);
      throw error;
    }
    if (body.errored || hashing.errored) {
      await this.delete(key);
      throw body.errored ?? hashing.errored;
    }
    return { key, bytes: hashing.bytes, sha256: hashing.digest() };
  }

  /** Aborts a multipart upload so its parts are dropped; notes on `error` when S3 refuses. */
  private async abortMultipart(key: string, uploadId: string, error: Error): Promise<void> {
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.options.bucket, Key: this.full(key), UploadId: uploadId }),
      );
    } catch (abortError) {
      // The object never became visible (it is not completed); its parts stay until a bucket
      // lifecycle rule (AbortIncompleteMultipartUpload) removes them.
      error.message += `; aborting multipart upload ${uploadId} also failed: ${(abortError as Error).message}`;
    }
  }

  async get(key: string): Promise<Readable> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.full(key) }));
    return out.Body as Readable;
  }

  async head(key: string): Promise<{ bytes: number } | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.full(key) }));
      return { bytes: out.ContentLength ?? 0 };
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<ListedObject[]> {
    const out: ListedObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: `${this.prefix}${prefix}`,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        out.push({
          key: o.Key.slice(this.prefix.length),
          bytes: o.Size ?? 0,
          lastModified: o.LastModified ?? new Date(0),
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.full(key) }));
  }
}
