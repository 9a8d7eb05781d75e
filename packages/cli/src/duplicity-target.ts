/**
 * Where the CLI's duplicity backups live: the config's S3/Spaces storage, under
 * `<prefix>duplicity/<droplet>`. One place, read by `run` (./run/hosts.ts) and `restore
 * duplicity`, so a restore looks where the backup wrote.
 */
import type { DuplicityTarget } from "@lifeboat/remote";
import { duplicityPrefix, type S3StorageConfig } from "@lifeboat/storage";

/** @example duplicityTarget({ type: "s3", bucket: "b", region: "fra1", prefix: "lifeboat/" }, "web-1") // prefix "lifeboat/duplicity/web-1" */
export function duplicityTarget(storage: S3StorageConfig, droplet: string): DuplicityTarget {
  return {
    bucket: storage.bucket,
    prefix: duplicityPrefix(storage.prefix, droplet),
    region: storage.region,
    ...(storage.endpoint ? { endpoint: storage.endpoint } : {}),
  };
}
