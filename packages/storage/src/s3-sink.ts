/**
 * The S3 sink: AWS S3 or DigitalOcean Spaces (custom endpoint). Uploads stream through
 * lib-storage's multipart `Upload` with bounded memory (queueSize × partSize), the sha256 is
 * computed in the stream, and any failure — the source breaking, a part refused — aborts the
 * multipart upload so no partial object remains. The AWS SDK is loaded on first use: a run
 * that stores locally does not pay its ~30 MB of memory.
 */

import type { Readable } from "node:stream";
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { hashingOf } from "./hashing";
import { checkKey } from "./layout";
import type { DirectTarget, ListedObject, OpenUpload, Sink, StoredObject } from "./sink";

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

type S3Sdk = typeof import("@aws-sdk/client-s3");
type UploadClass = typeof import("@aws-sdk/lib-storage").Upload;

export class S3Sink implements Sink {
  readonly location: string;
  private readonly prefix: string;
  private sdk?: Promise<{ s3: S3Sdk; Upload: UploadClass; client: S3Client }>;

  constructor(private readonly options: S3SinkOptions) {
    this.prefix = options.prefix ?? "";
    this.location = `s3://${options.bucket}/${this.prefix}`;
  }

  /** The SDK and the client, loaded and made once, on first use. */
  private connect() {
    this.sdk ??= (async () => {
      const [s3, { Upload }] = await Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/lib-storage")]);
      const { options } = this;
      const client = new s3.S3Client({
        region: options.region,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
        ...(options.forcePathStyle ? { forcePathStyle: true } : {}),
        ...(options.checksums
          ? { requestChecksumCalculation: options.checksums, responseChecksumValidation: options.checksums }
          : {}),
      });
      options.onClient?.(client);
      return { s3, Upload, client };
    })();
    return this.sdk;
  }

  private full(key: string): string {
    return `${this.prefix}${checkKey(key)}`;
  }

  async put(key: string, body: Readable, options: { contentType?: string } = {}): Promise<StoredObject> {
    const { Upload, client } = await this.connect();
    const hashing = hashingOf(body);
    const upload = new Upload({
      client,
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
    const { s3, client } = await this.connect();
    try {
      await client.send(
        new s3.AbortMultipartUploadCommand({ Bucket: this.options.bucket, Key: this.full(key), UploadId: uploadId }),
      );
    } catch (abortError) {
      // The object never became visible (it is not completed); its parts stay until a bucket
      // lifecycle rule (AbortIncompleteMultipartUpload) removes them.
      error.message += `; aborting multipart upload ${uploadId} also failed: ${(abortError as Error).message}`;
    }
  }

  async get(key: string): Promise<Readable> {
    const { s3, client } = await this.connect();
    const out = await client.send(new s3.GetObjectCommand({ Bucket: this.options.bucket, Key: this.full(key) }));
    return out.Body as Readable;
  }

  /**
   * A presigned GET URL of one object, valid for `expiresSeconds`, signed with this sink's
   * credentials: whoever holds it reads the object, so it is a secret (never logged).
   */
  async downloadUrl(key: string, expiresSeconds: number): Promise<string> {
    const [{ s3, client }, { getSignedUrl }] = await Promise.all([
      this.connect(),
      import("@aws-sdk/s3-request-presigner"),
    ]);
    const command = new s3.GetObjectCommand({ Bucket: this.options.bucket, Key: this.full(key) });
    // The presigner is a release or two apart from client-s3; the client it takes is the same shape.
    return getSignedUrl(client as never, command as never, { expiresIn: expiresSeconds });
  }

  async head(key: string): Promise<{ bytes: number } | undefined> {
    const { s3, client } = await this.connect();
    try {
      const out = await client.send(new s3.HeadObjectCommand({ Bucket: this.options.bucket, Key: this.full(key) }));
      return { bytes: out.ContentLength ?? 0 };
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) return undefined;
      throw error;
    }
  }

  async list(prefix: string, options: { limit?: number } = {}): Promise<ListedObject[]> {
    const { s3, client } = await this.connect();
    const out: ListedObject[] = [];
    const { limit } = options;
    let token: string | undefined;
    do {
      const page = await client.send(
        new s3.ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: `${this.prefix}${prefix}`,
          ...(token ? { ContinuationToken: token } : {}),
          ...(limit !== undefined ? { MaxKeys: Math.min(1000, limit - out.length) } : {}),
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
      token = page.IsTruncated && (limit === undefined || out.length < limit) ? page.NextContinuationToken : undefined;
    } while (token);
    return limit === undefined ? out : out.slice(0, limit);
  }

  async delete(key: string): Promise<void> {
    const { s3, client } = await this.connect();
    await client.send(new s3.DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.full(key) }));
  }

  /** The bucket as this sink addresses it; credentials are not part of it. */
  direct(): DirectTarget {
    const { bucket, region, endpoint, forcePathStyle } = this.options;
    return {
      bucket,
      region,
      ...(endpoint ? { endpoint } : {}),
      ...(forcePathStyle ? { forcePathStyle: true } : {}),
      prefix: this.prefix,
    };
  }

  async openUploads(prefix: string): Promise<OpenUpload[]> {
    const { s3, client } = await this.connect();
    const out: OpenUpload[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await client.send(
        new s3.ListMultipartUploadsCommand({
          Bucket: this.options.bucket,
          Prefix: `${this.prefix}${prefix}`,
          ...(keyMarker ? { KeyMarker: keyMarker } : {}),
          ...(uploadIdMarker ? { UploadIdMarker: uploadIdMarker } : {}),
        }),
      );
      for (const u of page.Uploads ?? []) {
        if (u.Key && u.UploadId) out.push({ key: u.Key.slice(this.prefix.length), uploadId: u.UploadId });
      }
      // Paged by (key, upload id); a truncated page without markers would loop forever.
      const more = page.IsTruncated && (page.NextKeyMarker || page.NextUploadIdMarker);
      keyMarker = more ? page.NextKeyMarker : undefined;
      uploadIdMarker = more ? page.NextUploadIdMarker : undefined;
    } while (keyMarker || uploadIdMarker);
    return out;
  }

  async abortUpload(upload: OpenUpload): Promise<void> {
    const { s3, client } = await this.connect();
    await client.send(
      new s3.AbortMultipartUploadCommand({
        Bucket: this.options.bucket,
        Key: this.full(upload.key),
        UploadId: upload.uploadId,
      }),
    );
  }
}
