import type { AddressInfo } from "node:net";
import { join } from "node:path";
import S3rver from "s3rver";
import { multipartUploadCalls } from "./s3-uploads";

export interface S3Service {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * s3rver in this process on a free loopback port. Its gaps (see the harness reference):
 * clients must use path style and checksums only "WHEN_REQUIRED"; listing pages past the
 * first need NODE_OPTIONS=--openssl-legacy-provider (set by `npm test`).
 */
export async function startS3(dir: string): Promise<{ service: S3Service; stop: () => Promise<void> }> {
  const bucket = "lifeboat-test";
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: join(dir, "s3"),
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  // s3rver lacks ListMultipartUploads and AbortMultipartUpload (AWS S3 and Spaces have both):
  // answered first, over s3rver's own upload directories, so tests can see uploads left behind.
  (server as unknown as { middleware: unknown[] }).middleware.unshift(multipartUploadCalls(join(dir, "s3")));
  const address = (await server.run()) as AddressInfo;
  return {
    service: {
      endpoint: `http://127.0.0.1:${address.port}`,
      region: "us-east-1",
      bucket,
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
    },
    stop: () => server.close(),
  };
}
